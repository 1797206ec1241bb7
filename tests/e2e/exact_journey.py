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

    def curves(self, window=None, stage=None):
        """What happens on each day 0 … days of a cohort, as chances per
        customer: 'first' and 'second' purchases, 'window' (a second purchase
        at most `window` days after the first), 'purchases' (expected
        purchases that day: at most one a day, so also the chance of one),
        'reach' (first entry into `stage`). A customer arriving on day a of a
        calendar run is such a cohort shifted by a (calendar())."""
        n_days = self.days
        out = {k: [0.0] * (n_days + 1) for k in ("first", "second", "window", "purchases", "reach")}

        def enter(st, mood, n, t, f, seen, prob, dist):
            mood = max(MOOD_MIN, min(MOOD_MAX, mood + self.emotion[st]))
            if self.purchase[st]:
                out["purchases"][t] += prob
                if n == 0:
                    out["first"][t] += prob
                    f = t
                elif n == 1:
                    out["second"][t] += prob
                    if window is not None and t - f <= window:
                        out["window"][t] += prob
                n = min(PURCHASES_CAP, n + 1)
            if st == stage and not seen:
                out["reach"][t] += prob
                seen = True
            key = (st, mood, n, 1, f if n == 1 else -1, seen)
            dist[key] = dist.get(key, 0.0) + prob

        dist = {}
        enter(self.entry, self.mood0, 0, 0, -1, False, 1.0, dist)
        for t in range(1, n_days + 1):
            nxt = {}
            for (st, mood, n, d, f, seen), prob in dist.items():
                edges = self.out[st]
                if not edges:
                    nxt[(st, mood, n, d, f, seen)] = nxt.get((st, mood, n, d, f, seen), 0.0) + prob
                    continue
                c = Customer(mood, n, d)
                ps = [(dst, fn(c)) for dst, fn in edges]
                stay = 1.0 - sum(p for _, p in ps)
                key = (st, mood, n, min(d + 1, self.days_cap), f, seen)
                nxt[key] = nxt.get(key, 0.0) + prob * stay
                for dst, p in ps:
                    if p:
                        enter(dst, mood, n, t, f, seen, prob * p, nxt)
            dist = nxt
        return out


def calendar(curves, arrivals, days):
    """Day by day expected counts of a calendar run: arrivals[a] customers
    arrive on day a and each is a cohort shifted by a. Returns, per key of
    curves, the expected count on each day 0 … days and the variance of that
    day's count, each customer's being 0 or 1 that day."""
    out = {}
    for key, curve in curves.items():
        mean, var = [0.0] * (days + 1), [0.0] * (days + 1)
        for a, n in enumerate(arrivals):
            for t in range(a, days + 1):
                p = curve[t - a]
                mean[t] += n * p
                var[t] += n * p * (1 - p)
        out[key] = (mean, var)
    return out
