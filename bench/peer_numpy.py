#!/usr/bin/python3
"""peer_numpy — the benchmark's numpy peer: the simulation an analyst would
write with numpy instead of using cjmsim, on the same models.

It restates scripts/sport_nutrition.lua and bench/meal_kit.lua (personas,
stages, the daily probabilities as vectorised expressions of the customers'
mood, purchases and days in stage, the interventions) and follows DESIGN.md's
daily rule: every day, every customer still in a stage it can leave draws one
float32 uniform and takes the first edge whose cumulative probability exceeds
it. It is vectorised over customers, in float32, with a loop over days; the
customers who reached a terminal stage are dropped from the arrays as they
go (with --no-compact they stay, as in the most direct version).

Prints one JSON object: buyers and repeat buyers per variant and the time
taken, which bench/bench.py compares with cjmsim's.

    /usr/bin/python3 bench/peer_numpy.py sport_nutrition --customers 1000000 --days 365
"""
import argparse
import json
import sys
import time

import numpy as np

F = np.float32


# --- The models, as an analyst would transcribe them ------------------------

def sport_nutrition(mood_lift=0.3, consult_churn=0.7):
    personas = [  # name, share, mood, attributes
        ("beginner", 0.50, 0, {"reorder": 0.010}),
        ("athlete", 0.35, 1, {"reorder": 0.025}),
        ("coach", 0.15, 1, {"reorder": 0.022}),
    ]
    stages = [  # name, emotion, purchase, terminal
        ("awareness", 0, False, False),
        ("consideration", 0, False, False),
        ("purchase", -1, True, False),
        ("usage", 1, False, False),
        ("lost", 0, False, True),
        ("churned", 0, False, True),
    ]

    def per_persona(values):
        table = np.array(values, dtype=F)
        return lambda c: table[c.persona]

    def delivery(c):
        return np.where(c.days < 2, F(0), np.where(c.days < 4, F(0.5), F(1)))

    def reorder(c):
        habit = F(1) + F(0.1) * np.minimum(c.purchases - 1, 3).astype(F)
        late = c.attr["reorder"] * habit * (F(1) + F(mood_lift) * c.mood.astype(F))
        return np.where(c.days < 25, F(0.002), late)

    edges = [  # from, to, probability
        ("awareness", "consideration", per_persona([0.030, 0.040, 0.050])),
        ("awareness", "lost", lambda c: np.full(c.n, 0.05, dtype=F)),
        ("consideration", "purchase", per_persona([0.05, 0.08, 0.07])),
        ("consideration", "lost", lambda c: np.full(c.n, 0.06, dtype=F)),
        ("purchase", "usage", delivery),
        ("usage", "purchase", reorder),
        ("usage", "churned", lambda c: F(0.020) - F(0.004) * c.mood.astype(F)),
    ]
    interventions = [  # name, personas (None: all), at, mood, scale
        ("order_notifications", None, "purchase", 1, {}),
        ("expert_consultation", ["beginner", "coach"], "usage", 1,
         {("usage", "churned"): consult_churn}),
    ]
    return personas, stages, edges, interventions


def meal_kit():
    personas = [
        ("family", 0.50, 0, {"household": 4.0}),
        ("single", 0.35, 0, {"household": 1.0}),
        ("foodie", 0.15, 1, {"household": 2.0}),
    ]
    stages = [
        ("visitor", 0, False, False),
        ("trial", 1, False, False),
        ("charged", -1, True, False),
        ("subscriber", 1, False, False),
        ("paused", -1, False, False),
        ("gone", 0, False, True),
        ("cancelled", 0, False, True),
    ]

    def days(c):
        return c.days.astype(F)

    def signup(c):
        return F(0.06) * np.exp(-days(c) / F(25)) * (F(1) + F(0.1) * c.mood.astype(F))

    def forget(c):
        return np.minimum(F(0.05), F(0.004) + F(0.0004) * days(c))

    def convert(c):
        early = F(0.006) + F(0.001) * days(c)
        last = F(0.45) + F(0.05) * c.mood.astype(F)
        return np.where(c.days < 14, early, np.where(c.days == 14, last, F(0)))

    def trial_gone(c):
        return np.where(c.days > 14, F(1), F(0.004) + F(0.0005) * days(c))

    def pause(c):
        p = (F(0.001) + F(0.00012) * days(c)) * (F(1) - F(0.15) * c.mood.astype(F))
        return np.where(c.days >= 30, F(0), p)

    def cancel(c):
        loyalty = F(1) - F(0.08) * np.minimum(c.purchases - 1, 4).astype(F)
        p = (F(0.0005) + F(0.00004) * days(c) ** F(1.5)) * loyalty * \
            (F(1) - F(0.1) * c.mood.astype(F))
        return np.where(c.days >= 30, F(0), p)

    edges = [
        ("visitor", "trial", signup),
        ("visitor", "gone", forget),
        ("trial", "charged", convert),
        ("trial", "gone", trial_gone),
        ("charged", "subscriber", lambda c: np.where(c.days >= 3, F(1), F(0.4))),
        ("subscriber", "charged", lambda c: np.where(c.days >= 30, F(1), F(0))),
        ("subscriber", "paused", pause),
        ("subscriber", "cancelled", cancel),
        ("paused", "subscriber",
         lambda c: F(0.05) * np.exp(-days(c) / F(40)) + F(0.002) * c.attr["household"]),
        ("paused", "cancelled", lambda c: np.minimum(F(0.2), F(0.0003) * days(c))),
    ]
    interventions = [
        ("welcome_call", None, "trial", 1, {}),
        ("flexible_pause", ["family", "single"], None, 0,
         {("subscriber", "paused"): 0.5, ("paused", "subscriber"): 1.3}),
    ]
    return personas, stages, edges, interventions


MODELS = {"sport_nutrition": sport_nutrition, "meal_kit": meal_kit}


# --- The simulation ---------------------------------------------------------

class Customers:
    """What a probability sees: the customers of one stage."""

    def __init__(self, persona, mood, purchases, days, attrs):
        self.n = len(persona)
        self.persona = persona
        self.mood = mood
        self.purchases = np.minimum(purchases, 5)  # functions see at most 5
        self.days = days
        self.attr = {name: table[persona] for name, table in attrs.items()}


def allocate(shares, customers):
    """Largest remainder, ties to the persona declared first (as cjmsim)."""
    exact = [customers * s for s in shares]
    counts = [int(x) for x in exact]
    rest = sorted(range(len(shares)), key=lambda p: (-(exact[p] - counts[p]), p))
    for p in rest[: customers - sum(counts)]:
        counts[p] += 1
    return counts


def simulate(model, customers, days, active, seed, compact):
    personas, stages, edges, interventions = model
    names = [s[0] for s in stages]
    index = {name: i for i, name in enumerate(names)}
    n_p, n_s = len(personas), len(stages)
    attrs = {key: np.array([p[3].get(key, 0.0) for p in personas], dtype=F)
             for key in personas[0][3]}

    # Mood change on entering each stage, per persona, and the edges' factors.
    delta = np.array([[s[1]] * n_p for s in stages], dtype=np.int8)
    scale = {}
    for name, who, at, mood, scales in interventions:
        if name not in active:
            continue
        members = [i for i, p in enumerate(personas) if who is None or p[0] in who]
        if at is not None:
            delta[index[at], members] += mood
        for edge, factor in scales.items():
            s = scale.setdefault(edge, np.ones(n_p, dtype=F))
            s[members] *= F(factor)
    purchase = np.array([s[2] for s in stages])
    terminal = np.array([s[3] for s in stages])
    out = {i: [] for i in range(n_s)}
    for a, b, prob in edges:
        out[index[a]].append((index[b], prob, scale.get((a, b))))

    rng = np.random.default_rng(seed)
    counts = allocate([p[1] for p in personas], customers)
    persona = np.repeat(np.arange(n_p, dtype=np.int8), counts)
    entry = 0
    mood = np.clip(np.array([p[2] for p in personas], dtype=np.int8)[persona]
                   + delta[entry, persona], -3, 3).astype(np.int8)
    stage = np.full(customers, entry, dtype=np.int8)
    purchases = np.full(customers, int(purchase[entry]), dtype=np.int16)
    in_stage = np.zeros(customers, dtype=np.int16)
    done = []  # purchases of the customers dropped from the arrays

    for _ in range(days):
        in_stage += 1
        u = rng.random(len(stage), dtype=F)
        to = np.full(len(stage), -1, dtype=np.int8)
        for s in range(n_s):
            if not out[s]:
                continue
            idx = np.flatnonzero(stage == s)
            if len(idx) == 0:
                continue
            c = Customers(persona[idx], mood[idx], purchases[idx], in_stage[idx], attrs)
            ui = u[idx]
            cum = np.zeros(len(idx), dtype=F)
            chosen = np.full(len(idx), -1, dtype=np.int8)
            for target, prob, factor in out[s]:
                p = prob(c)
                if factor is not None:
                    p = p * factor[c.persona]
                cum += p
                chosen = np.where((chosen < 0) & (ui < cum), np.int8(target), chosen)
            to[idx] = chosen
        moved = np.flatnonzero(to >= 0)
        dest = to[moved]
        stage[moved] = dest
        in_stage[moved] = 0
        purchases[moved] += purchase[dest]
        mood[moved] = np.clip(mood[moved] + delta[dest, persona[moved]], -3, 3)
        if compact:
            gone = terminal[stage]
            if gone.any():
                done.append(purchases[gone])
                keep = ~gone
                stage, mood, purchases = stage[keep], mood[keep], purchases[keep]
                in_stage, persona = in_stage[keep], persona[keep]
    final = np.concatenate(done + [purchases])
    return int((final >= 1).sum()), int((final >= 2).sum())


def variants(model):
    names = [iv[0] for iv in model[3]]
    return [("baseline", [])] + [(n, [n]) for n in names] + [("+".join(names), names)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", choices=sorted(MODELS))
    parser.add_argument("--customers", type=int, default=1000000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-compact", dest="compact", action="store_false")
    parser.add_argument("--psa", type=int, default=0, metavar="DRAWS",
                        help="sport_nutrition: an uncertainty analysis, a loop over DRAWS draws")
    args = parser.parse_args()
    if args.psa:
        psa(args)
        return
    model = MODELS[args.model]()
    start = time.perf_counter()
    results = []
    for name, active in variants(model):
        # The same seed for every variant: common random numbers, as far as
        # the daily draws of a vectorised loop allow.
        buyers, repeat = simulate(model, args.customers, args.days, active, args.seed,
                                  args.compact)
        results.append({"name": name, "buyers": buyers, "repeat_buyers": repeat})
    seconds = time.perf_counter() - start
    json.dump({"peer": "numpy", "numpy": np.__version__, "model": args.model,
               "customers": args.customers, "days": args.days, "compact": args.compact,
               "seconds": seconds, "variants": results}, sys.stdout)
    print()


def psa(args):
    """The uncertainty analysis of `cjmsim psa scripts/sport_nutrition.lua`
    as a loop over draws: draw the parameters that change the simulation
    (mood_lift, consult_churn; the costs only change the money), rebuild the
    model, simulate every variant on the same seed."""
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    draws = []
    for _ in range(args.psa):
        mood_lift = rng.triangular(0.1, 0.3, 0.5)
        consult_churn = rng.beta(14, 6)
        notification_cost = rng.triangular(4.5, 6, 9)
        consult_cost = rng.gamma(25, 14)
        model = sport_nutrition(mood_lift, consult_churn)
        results = []
        for name, active in variants(model):
            buyers, repeat = simulate(model, args.customers, args.days, active, args.seed,
                                      args.compact)
            results.append({"name": name, "buyers": buyers, "repeat_buyers": repeat})
        draws.append({"params": [mood_lift, consult_churn, notification_cost, consult_cost],
                      "variants": results})
    seconds = time.perf_counter() - start
    json.dump({"peer": "numpy", "numpy": np.__version__, "model": "sport_nutrition",
               "customers": args.customers, "days": args.days, "draws": args.psa,
               "seconds": seconds, "results": draws}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
