#!/usr/bin/env bash
# cjmsim breakeven: the root of a variant's incremental profit in a
# parameter's [low, high]. Where profit is linear in a cost, the root is the
# known value (to the solver's precision); in the purchase probability, the
# exact root of the model within the simulation's precision (|z| < 5); a
# range without a root gives "value": null and a reason; the same bytes for
# any threads; every bad --param / --variant is exit 2 with its message and
# nothing written.
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
S="$SCENARIOS/uncert_exact.lua"
export PYTHONPATH="$TESTS_DIR/e2e"
N=20000

# Incremental profit = 10 x extra purchases - promo_cost x customers: zero at
# promo_cost = 10 x extra purchases / customers, read from a run at cost 0.
run_cjmsim run "$S" --set promo_cost=0 --out free --quiet
root=$(json free/summary.json "d['variants'][1]['incremental_profit'] / $N")
run_cjmsim breakeven "$S" --param promo_cost --variant promo --out be --png
is "$RC:$ERR" "2:cjmsim: breakeven draws no plots: --png is for run, sweep, psa and calibrate" \
    "breakeven takes no --png, and says why"
run_cjmsim breakeven "$S" --param promo_cost --variant promo --out be --threads 2
is "$RC" 0 "breakeven runs"
is "$(json be/breakeven.json "d['param'], d['variant']")" "('promo_cost', 'promo')" \
    "breakeven.json names the parameter and the variant"
is "$(python3 -c "import json; v = json.load(open('be/breakeven.json'))['value']; print(abs(v - $root) < 5e-5)")" \
    True "the root of a linear profit is the known value ($root)"
like "$OUT" "^promo breaks even at promo_cost = 2\.27[0-9]*: it pays back below that\." "and says it in a sentence"

# In q, with promo_cost = 2: the promo pays back when the extra purchases per
# customer m(q) reach 0.2; m is the exact model's, and the simulated root
# lies within 5 sd (the noise of m over the slope of m).
run_cjmsim breakeven "$S" --param q --variant promo --set promo_cost=2 --out beq --quiet
is "$RC" 0 "breakeven in a probability"
is "$(python3 -c "
import json, math
from uncert_exact import dist
m = lambda q: dist(2 * q, 12)[1] - dist(q, 12)[1]
lo, hi = 0.005, 0.05
for _ in range(60):
    mid = (lo + hi) / 2
    lo, hi = (mid, hi) if m(mid) < 0.2 else (lo, mid)
q = (lo + hi) / 2
slope = (m(q + 1e-5) - m(q - 1e-5)) / 2e-5
sd = math.sqrt(dist(2 * q, 12)[1] / $N) / slope
got = json.load(open('beq/breakeven.json'))['value']
print(abs(got - q) / sd < 5)")" True "the root in q is within 5 sd of the exact root"

# --params may name the parameter searched: the search replaces its value
echo '{"params": {"promo_cost": 4}}' >cal.json
run_cjmsim breakeven "$S" --param promo_cost --variant promo --params cal.json --out file --quiet
is "$(json file/breakeven.json "d['value']")" "$(json be/breakeven.json "d['value']")" \
    "--params naming the parameter searched gives the same root"

# No root in the range
run_cjmsim breakeven "$S" --param q --variant promo --out none
is "$RC" 0 "no root is an answer, not an error"
is "$(json none/breakeven.json "d['value'], d['reason']")" \
    "(None, \"promo's incremental profit stays above 0 for q from 0.005 to 0.05 (12170 at 0.005, 106170 at 0.05)\")" \
    "value null and the reason"
like "$OUT" "^promo has no break-even point in \[0\.005, 0\.05\]" "and says so"

# The same bytes whatever the threads
run_cjmsim breakeven "$S" --param promo_cost --variant promo --out be1 --threads 1 --quiet
cmp -s be/breakeven.json be1/breakeven.json
ok $? "breakeven.json is the same with 1 and 2 threads"
is "$(json be/manifest.json "sorted(d['files'])")" "['breakeven.json', 'manifest.json']" \
    "the manifest lists its files"

# --- errors ----------------------------------------------------------------------
bad() { # bad EXPECTED-MESSAGE ARGS...
    local expected=$1
    shift
    run_cjmsim breakeven "$@" --out bad --quiet
    is "$RC/$ERR" "2/cjmsim: $expected" "breakeven $*: exit 2 and the message"
    [ ! -e bad ]
    ok $? "  and nothing is written"
}
bad "--param: unknown parameter 'cost' (the scenario declares: q, promo_cost)" \
    "$S" --param cost --variant promo
bad "breakeven needs --param NAME: the parameter to solve for" "$S" --variant promo
bad "breakeven needs --variant V: the variant whose incremental profit is 0" "$S" --param q
bad "--variant baseline: the baseline is what a variant is compared with; name a variant with interventions" \
    "$S" --param q --variant baseline
bad "--param q: the parameter is also given a value by --set; search it or set it, not both" \
    "$S" --param q --variant promo --set q=0.01
bad "breakeven compares one variant with the baseline: give --variant, not --variants" \
    "$S" --param q --variant promo --variants promo
bad "--variant promo,baseline: one variant (for several, run breakeven once for each)" \
    "$S" --param q --variant promo,baseline
bad "--lhs belongs to cjmsim psa (see cjmsim help psa)" "$S" --param q --variant promo --lhs
sed 's/^local cost .*$/local cost = param "promo_cost" { 0 }/' "$S" >fixed.lua
bad "--param promo_cost: the parameter has no low and high to search between (fixed.lua:9: declare it with low = ..., high = ...)" \
    fixed.lua --param promo_cost --variant promo
run_cjmsim breakeven "$S" --param q --variant promotion --out bad --quiet
is "$RC/$ERR" "2/cjmsim: --variant: unknown intervention 'promotion'; the scenario's interventions are: promo" \
    "an unknown variant is a command-line error naming it"
[ ! -e bad ]
ok $? "  and nothing is written"

run_cjmsim help breakeven
is "$RC" 0 "cjmsim help breakeven"
like "$OUT" "--param NAME" "describes --param"

done_testing
