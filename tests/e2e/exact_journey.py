"""Exact outcome probabilities of a small cjmsim journey.

The end-to-end tests of the example scenarios (20_examples.t) describe each
scenario's model here and compare the simulated counts with these
probabilities, within a bound derived from the binomial variance. The
probabilities come from the model rules of DESIGN.md, computed day by day
over the customer's state (stage, mood, purchases, days in the stage): no
simulation is involved.

    j = Journey(entry="page", days=30)
    j.stage("page"); j.stage("order", purchase=True); j.stage("left")
    j.edge("page", "order", 0.05); j.edge("page", "left", 0.15)
    j.reached("order")      # P(a customer enters "order" by the last day)
    j.buyers(), j.repeat()  # P(at least 1 purchase), P(at least 2)
    j.took("page", "left")  # P(a customer takes that edge by the last day)
    j.expected()            # expected entries per stage, moves per (from, to)
"""

from collections import defaultdict

MOOD_MIN, MOOD_MAX, PURCHASES_CAP = -3, 3, 5


class Customer:
    """What a probability function sees: c.mood, c.purchases, c.days_in_stage."""

    def __init__(self, mood, purchases, days_in_stage):
        self.mood = mood
        self.purchases = purchases
        self.days_in_stage = days_in_stage


class Journey:
    def __init__(self, entry, days, mood=0, days_cap=1):
        """days_cap: from this day in a stage on, no function's value changes."""
        self.entry, self.days, self.mood0, self.days_cap = entry, days, mood, days_cap
        self.emotion, self.purchase, self.out = {}, {}, defaultdict(list)

    def stage(self, name, emotion=0, purchase=False):
        self.emotion[name] = emotion
        self.purchase[name] = purchase

    def edge(self, src, dst, p):
        """p: a number, or a function of a Customer."""
        self.out[src].append((dst, p if callable(p) else (lambda c, v=p: v)))

    def _enter(self, stage, mood, purchases):
        mood = max(MOOD_MIN, min(MOOD_MAX, mood + self.emotion[stage]))
        purchases = min(PURCHASES_CAP, purchases + (1 if self.purchase[stage] else 0))
        return (stage, mood, purchases, 1)

    def _run(self, target=None, took=None, counts=None):
        """The distribution of states after the last day; with a target, the
        probability of having entered it (its customers stop there); with
        took = (from, to), of having taken that edge (the same). counts, a
        defaultdict(float), gets the expected entries into each stage and
        moves along each (from, to)."""
        dist = {self._enter(self.entry, self.mood0, 0): 1.0}
        if counts is not None:
            counts[self.entry] += 1.0
        hit = 0.0
        for _ in range(self.days):
            nxt = defaultdict(float)
            for (stage, mood, purchases, d), prob in dist.items():
                edges = self.out[stage]
                if not edges:
                    nxt[(stage, mood, purchases, d)] += prob
                    continue
                c = Customer(mood, purchases, d)
                ps = [(dst, f(c)) for dst, f in edges]
                stay = 1.0 - sum(p for _, p in ps)
                nxt[(stage, mood, purchases, min(d + 1, self.days_cap))] += prob * stay
                for dst, p in ps:
                    if p == 0:
                        continue
                    if counts is not None:
                        counts[dst] += prob * p
                        counts[(stage, dst)] += prob * p
                    if dst == target or (stage, dst) == took:
                        hit += prob * p
                    else:
                        nxt[self._enter(dst, mood, purchases)] += prob * p
            dist = nxt
        return hit if target or took else dist

    def reached(self, stage):
        return 1.0 if stage == self.entry else self._run(stage)

    def took(self, src, dst):
        return self._run(took=(src, dst))

    def expected(self):
        counts = defaultdict(float)
        self._run(counts=counts)
        return counts

    def buyers(self):
        return sum(p for (_, _, n, _), p in self._run().items() if n >= 1)

    def repeat(self):
        return sum(p for (_, _, n, _), p in self._run().items() if n >= 2)
