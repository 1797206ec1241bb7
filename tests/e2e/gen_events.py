#!/usr/bin/env python3
"""Writes an event log (CSV) simulated from known daily probabilities, for
`cjmsim fit` to recover them.

    python3 tests/e2e/gen_events.py --model shop --seed 7 --out scripts/events_shop.csv

Each customer arrives on a day drawn from 0 .. ARRIVAL_DAYS - 1 (--arrivals),
enters the model's entry stage, and on every later day up to --days makes at
most one move: the moves out of its stage compete with their daily
probabilities, exactly as cjmsim's model does (rule 3). A row is written for
every stage a customer enters. The log ends on day --days (customers still in
a stage then are censored). --truth FILE writes the true probabilities as JSON:
{"from->to": p} or {"from->to": {"persona": p}}; by-day edges are left out.
--rename OLD=NEW,... renames stages and personas without changing the draws.

Models (--model):
  simple     a -> b 0.05, a -> x 0.02, b -> c 0.10; no personas
  personas   the same with a -> b of 0.04 for "slow" and 0.12 for "fast"
  delivery   order -> delivered after exactly 3 days; delivered -> order 0.02
             and delivered -> gone 0.05 (geometric)
  shop       an online shop with personas, a 3-day delivery, repeat purchases
             and an amount on every order (the example scripts/events_shop.csv)
"""
import argparse
import datetime
import json
import random
import sys

# An edge's probability: a number, {persona: number}, or ("by_day", f(d)).
MODELS = {
    "simple": {
        "personas": None,
        "entry": "a",
        "edges": {"a": [("b", 0.05), ("x", 0.02)], "b": [("c", 0.10)]},
    },
    "personas": {
        "personas": [("slow", 0.5), ("fast", 0.5)],
        "entry": "a",
        "edges": {"a": [("b", {"slow": 0.04, "fast": 0.12}), ("x", 0.02)],
                  "b": [("c", 0.10)]},
    },
    "delivery": {
        "personas": None,
        "entry": "order",
        "edges": {"order": [("delivered", ("by_day", lambda d: 1.0 if d >= 3 else 0.0))],
                  "delivered": [("order", 0.02), ("gone", 0.05)]},
    },
    "shop": {
        "personas": [("beginner", 0.6), ("athlete", 0.4)],
        "entry": "ads",
        "edges": {
            "ads": [("site", {"beginner": 0.08, "athlete": 0.12}), ("lost", 0.04)],
            "site": [("cart", {"beginner": 0.10, "athlete": 0.15}), ("lost", 0.08)],
            "cart": [("order", 0.25), ("lost", 0.10)],
            "order": [("delivered", ("by_day", lambda d: 1.0 if d >= 3 else 0.0))],
            "delivered": [("order", {"beginner": 0.01, "athlete": 0.02}), ("churned", 0.02)],
        },
        "amount": {"order": (20.0, 60.0)},
    },
}


def prob(p, persona, days_in_stage):
    if isinstance(p, tuple):
        return p[1](days_in_stage)
    if isinstance(p, dict):
        return p[persona]
    return p


def simulate(model, rng, customers, days, arrivals):
    personas = model["personas"]
    rows = []
    for c in range(customers):
        persona = None
        if personas:
            u, acc = rng.random(), 0.0
            for name, share in personas:
                acc += share
                if u < acc:
                    persona = name
                    break
            persona = persona or personas[-1][0]
        stage, day = model["entry"], rng.randrange(arrivals)
        entered = day
        rows.append((c, day, stage, persona))
        for day in range(day + 1, days + 1):
            edges = model["edges"].get(stage)
            if not edges:
                break
            u, acc = rng.random(), 0.0
            for to, p in edges:
                acc += prob(p, persona, day - entered)
                if u < acc:
                    stage, entered = to, day
                    rows.append((c, day, stage, persona))
                    break
    rows.sort(key=lambda r: (r[1], r[0]))  # as a shop's log comes: by day
    return rows


def write_log(model, rows, out, rng, start=None):
    """Writes the rows as CSV to the open file out (amounts drawn from rng)."""
    amounts = model.get("amount", {})
    cols = ["customer", "day", "stage"] + (["persona"] if model["personas"] else []) + \
           (["amount"] if amounts else [])
    out.write(",".join(cols) + "\n")
    for c, day, stage, persona in rows:
        fields = ["c%d" % (c + 1), (start + datetime.timedelta(days=day)).isoformat()
                  if start else str(day), stage]
        if model["personas"]:
            fields.append(persona)
        if amounts:
            lo_hi = amounts.get(stage)
            fields.append("%.2f" % rng.uniform(*lo_hi) if lo_hi else "")
        out.write(",".join(fields) + "\n")


def renamed(model, names):
    """The model with its stages and personas renamed (the same random draws)."""
    n = lambda x: names.get(x, x)
    rename_p = lambda p: {n(k): v for k, v in p.items()} if isinstance(p, dict) else p
    return {
        "personas": [(n(name), share) for name, share in model["personas"]] if model["personas"] else None,
        "entry": n(model["entry"]),
        "edges": {n(frm): [(n(to), rename_p(p)) for to, p in edges] for frm, edges in model["edges"].items()},
        "amount": {n(st): lo_hi for st, lo_hi in model.get("amount", {}).items()},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", choices=sorted(MODELS), default="simple")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--customers", type=int, default=1000)
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--arrivals", type=int, default=1, help="customers arrive on days 0 .. N-1")
    ap.add_argument("--dates", help="write days as dates from this one (YYYY-MM-DD)")
    ap.add_argument("--out", help="the CSV file (default: standard output)")
    ap.add_argument("--truth", help="write the true probabilities here (JSON)")
    ap.add_argument("--rename", help="new names of stages and personas: OLD=NEW,... (the rows "
                    "are the same; course/06_from_data's logs use it)")
    a = ap.parse_args()
    model = MODELS[a.model]
    if a.rename:
        model = renamed(model, dict(pair.split("=", 1) for pair in a.rename.split(",")))
    rng = random.Random(a.seed)
    rows = simulate(model, rng, a.customers, a.days, a.arrivals)
    start = datetime.date.fromisoformat(a.dates) if a.dates else None
    out = open(a.out, "w", newline="") if a.out else sys.stdout
    write_log(model, rows, out, rng, start)
    if a.out:
        out.close()
    if a.truth:
        truth = {}
        for frm, edges in model["edges"].items():
            for to, p in edges:
                if not isinstance(p, tuple):
                    truth["%s->%s" % (frm, to)] = p
        with open(a.truth, "w") as f:
            json.dump(truth, f)


if __name__ == "__main__":
    main()
