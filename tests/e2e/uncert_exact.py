"""Exact figures of tests/scenarios/uncert_exact.lua, by carrying the
distribution of (stage, purchases so far) day by day (DESIGN.md's model:
day 0 enters browse; on each day 1..days at most one move).

  python3 uncert_exact.py repeat Q DAYS      P(two or more purchases)
  python3 uncert_exact.py buyers Q DAYS      P(one or more)
  python3 uncert_exact.py purchases Q DAYS   E[purchases]
  python3 uncert_exact.py quantile P LO HI DAYS  the P-quantile over q ~
                                             uniform(LO, HI) of the promo's
                                             uplift in repeat buyers
                                             (monotone in q on the range)
  python3 uncert_exact.py mean LO HI DAYS    its mean over q
"""
import sys


def dist(q, days):
    # state: (in_buy, purchases capped at 2, purchases uncapped kept as mean)
    p = {(0, 0): 1.0}
    mean = 0.0
    for _ in range(days):
        n = {}
        for (buy, k), w in p.items():
            if buy:
                n[(0, k)] = n.get((0, k), 0) + w
            else:
                n[(1, min(k + 1, 2))] = n.get((1, min(k + 1, 2)), 0) + w * q
                n[(0, k)] = n.get((0, k), 0) + w * (1 - q)
                mean += w * q
        p = n
    return p, mean


def share(q, days, at_least):
    p, _ = dist(q, days)
    return sum(w for (_, k), w in p.items() if k >= at_least)


def uplift(q, days):
    return share(2 * q, days, 2) - share(q, days, 2)


def main():
    what = sys.argv[1]
    if what in ("repeat", "buyers", "purchases"):
        q, days = float(sys.argv[2]), int(sys.argv[3])
        if what == "purchases":
            print(repr(dist(q, days)[1]))
        else:
            print(repr(share(q, days, 2 if what == "repeat" else 1)))
    elif what == "quantile":
        p, lo, hi, days = float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
        print(repr(uplift(lo + p * (hi - lo), days)))
    elif what == "mean":
        lo, hi, days = float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
        n = 2000
        print(repr(sum(uplift(lo + (i + 0.5) / n * (hi - lo), days) for i in range(n)) / n))


if __name__ == "__main__":
    main()
