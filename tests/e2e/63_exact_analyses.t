#!/usr/bin/env bash
# --exact for sweep, psa and breakeven: every parameter set is computed
# exactly (run --exact) instead of simulated, so the curves carry no noise.
# Checked against tests/e2e/uncert_exact.py, which carries the distribution
# of tests/scenarios/uncert_exact.lua day by day: a sweep point's uplift is
# the exact one to 1e-9 with a point interval; psa's bytes do not depend on
# the threads; the break-even point in q is the exact root to the solver's
# precision, far inside what sampling could tell.
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
S="$SCENARIOS/uncert_exact.lua"
export PYTHONPATH="$TESTS_DIR/e2e"

run_cjmsim sweep "$S" --vary q=0.01,0.03 --exact --out sw --quiet
is "$RC:$ERR" "0:" "sweep --exact runs"
is "$(python3 -c "
import csv
from uncert_exact import uplift
rows = [r for r in csv.DictReader(open('sw/sweep.csv')) if r['variant'] == 'promo' and r['persona'] == 'all']
ok = len(rows) == 2
for r in rows:
    want = uplift(float(r['q']), 12)
    got = float(r['uplift_repeat_buyers'])
    ok = ok and abs(got - want) <= 1e-9 * abs(want)
    ok = ok and r['uplift_repeat_buyers_lo'] == r['uplift_repeat_buyers'] == r['uplift_repeat_buyers_hi']
print(ok)")" True "each point's uplift is the exact one (1e-9), its interval a point"

run_cjmsim run "$S" --exact --set q=0.03 --out one --quiet
is "$(python3 -c "
import csv, json
d = json.load(open('one/summary.json'))
row = [r for r in csv.DictReader(open('sw/sweep.csv')) if r['q'] == '0.03' and r['variant'] == 'promo' and r['persona'] == 'all'][0]
v = d['variants'][1]
print(abs(float(row['repeat_buyers']) - v['repeat_buyers']) <= 1e-9 * v['repeat_buyers'])")" True \
    "a sweep point equals run --exact --set at that value"

run_cjmsim psa "$S" --draws 30 --exact --threads 1 --out p1 --quiet
is "$RC:$ERR" "0:" "psa --exact runs"
run_cjmsim psa "$S" --draws 30 --exact --threads 2 --out p2 --quiet
cmp -s p1/psa.csv p2/psa.csv && cmp -s p1/psa.json p2/psa.json
ok $? "psa --exact: the same bytes with 1 and 2 threads"
is "$(python3 -c "
import csv
from uncert_exact import uplift
rows = [r for r in csv.DictReader(open('p1/psa.csv')) if r['variant'] == 'promo']
print(len(rows) == 30 and all(abs(float(r['uplift_repeat_buyers']) - uplift(float(r['q']), 12)) <= 1e-9 * uplift(float(r['q']), 12) for r in rows))")" \
    True "every draw's uplift is the exact one at its drawn q"

run_cjmsim breakeven "$S" --param q --variant promo --set promo_cost=2 --exact --out be --quiet
is "$RC:$ERR" "0:" "breakeven --exact runs"
is "$(python3 -c "
import json
from uncert_exact import dist
m = lambda q: dist(2 * q, 12)[1] - dist(q, 12)[1]
lo, hi = 0.005, 0.05
for _ in range(80):
    mid = (lo + hi) / 2
    lo, hi = (mid, hi) if m(mid) < 0.2 else (lo, mid)
got = json.load(open('be/breakeven.json'))['value']
print(abs(got - (lo + hi) / 2) < 1e-6)")" True "the break-even point is the exact root (to 1e-6)"

done_testing
