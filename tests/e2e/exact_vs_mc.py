"""Exact results (cjmsim run --exact) against sampled ones (cjmsim run).

    python3 exact_vs_mc.py EXACT_DIR MC_DIR BATCH_DIR... 

EXACT_DIR and MC_DIR are results directories of the same scenario, variants
and customers; each BATCH_DIR one more sampled run with another seed. Every
figure of every variant and persona is compared, and each comparison prints
one line "PASS<TAB>what" (PASS 1 or 0) for the TAP test that reads it:

- counts of customers (reached, buyers, repeat buyers, customers who took
  an edge) in MC_DIR against the binomial law of the exact probability;
- uplifts in MC_DIR against the exact difference, with the run's own
  standard error (paired on the same customers);
- figures that are not counts of customers (purchases, revenue, cost, moves
  along an edge) as the mean over the BATCH_DIRs, with the standard error of
  that mean (in Bernstein's form, valid for rare events too).

Each family is one line: its largest |z| must stay below 5.
"""

import csv
import json
import math
import os
import sys

Z_BOUND = 5.0


def load(d):
    summary = json.load(open(os.path.join(d, "summary.json")))
    with open(os.path.join(d, "transitions.csv"), newline="") as f:
        moves = {(r["variant"], r["persona"], r["from"] + "->" + r["to"]): r for r in csv.DictReader(f)}
    return summary, moves


def groups(summary):
    """(variant name, group name, group dict) for every variant and persona,
    and the variant as a whole (group 'all')."""
    for v in summary["variants"]:
        yield v["name"], "all", v
        for p, g in v["personas"].items():
            yield v["name"], p, g


class Family:
    def __init__(self, name):
        self.name, self.n, self.worst, self.where, self.bad = name, 0, 0.0, "", []

    def check(self, z, where):
        self.n += 1
        if abs(z) > self.worst:
            self.worst, self.where = abs(z), where
        if not abs(z) < Z_BOUND:
            self.bad.append("%s (z = %.2f)" % (where, z))

    def report(self):
        ok = self.n > 0 and not self.bad
        print("%d\t%s: %d figures, largest |z| %.2f (%s)" % (ok, self.name, self.n, self.worst, self.where))
        for b in self.bad[:10]:
            print("#\t  beyond 5 standard errors: %s" % b)


def main():
    exact, exact_moves = load(sys.argv[1])
    mc, mc_moves = load(sys.argv[2])
    batches = [load(d) for d in sys.argv[3:]]
    counts, uplifts, sums = Family("counts of customers"), Family("uplifts"), Family(
        "purchases, revenue, cost and moves (%d runs)" % len(batches))
    exact_groups = {(v, g): x for v, g, x in groups(exact)}

    def binomial(observed, expected, n, where):
        p = min(max(expected / n, 0.0), 1.0)
        sd = math.sqrt(n * p * (1 - p))
        if sd == 0:
            counts.check(0.0 if abs(observed - expected) < 1e-6 else math.inf, where)
        else:
            counts.check((observed - expected) / sd, where)

    for v, g, m in groups(mc):
        x = exact_groups[(v, g)]
        n = m["customers"]
        assert x["customers"] == n, "different customers in %s/%s" % (v, g)
        where = "%s/%s" % (v, g)
        for s, count in m["reached"].items():
            binomial(count, x["reached"][s], n, "%s reached %s" % (where, s))
        for key in ("buyers", "repeat_buyers"):
            binomial(m[key], x[key], n, "%s %s" % (where, key))
        for key, row in mc_moves.items():
            if key[:2] == (v, g):
                binomial(float(row["customers"]), float(exact_moves[key]["customers"]), n,
                         "%s took %s" % (where, key[2]))
        for metric, u in m.get("uplift", {}).items():
            xu = x["uplift"][metric]
            assert xu["ci95"] == [xu["diff"], xu["diff"]] and xu["se"] == 0
            if u["se"] > 0:
                uplifts.check((u["diff"] - xu["diff"]) / u["se"], "%s uplift of %s" % (where, metric))
            else:
                uplifts.check(0.0 if abs(u["diff"] - xu["diff"]) < 1e-12 else math.inf,
                              "%s uplift of %s (no variance)" % (where, metric))

    # Per customer, so that batches of any size compare with the exact run.
    def batch_values(summary, moves):
        out = {}
        for v, g, m in groups(summary):
            n = m["customers"]
            for key in ("purchases", "revenue", "cost"):
                out["%s/%s %s" % (v, g, key)] = (m[key] / n, n)
            for k, row in moves.items():
                if k[:2] == (v, g):
                    out["%s/%s moves %s" % (v, g, k[2])] = (float(row["moves"]) / n, n)
        return out

    want = batch_values(exact, exact_moves)
    runs = [batch_values(s, mv) for s, mv in batches]
    for key, (x, _) in want.items():
        values = [r[key][0] for r in runs]
        total = sum(r[key][1] for r in runs)
        mean = sum(values) / len(values)
        var = sum((y - mean) ** 2 for y in values) / (len(values) - 1)
        # In customers: the deviation t of the batches' total from the exact
        # one, against its variance. Bernstein's form t / sqrt(var + t/3) is
        # the usual z when events are many, and stays a valid bound when
        # they are rare (a batch sum with no variance at all).
        t = abs(mean - x) * total
        var_total = var / len(values) * total * total
        z = t / math.sqrt(var_total + t / 3) if t > 0 else 0.0
        sums.check(math.copysign(z, mean - x), key)
    for family in (counts, uplifts, sums):
        family.report()


if __name__ == "__main__":
    main()
