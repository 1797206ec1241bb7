#!/usr/bin/env bash
# cjmsim sweep: sweep.csv's columns and rows; each point's repeat buyers and
# uplift against the exact probabilities of tests/scenarios/uncert_exact.lua
# (|z| < 5); grids as ranges, lists and products; --set for the other
# parameters; common random numbers across points; the same bytes for any
# threads; the manifest lists every file; every bad --vary is a command-line
# error (exit 2) with its message, and nothing is written.
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
S="$SCENARIOS/uncert_exact.lua"
EXACT="$TESTS_DIR/e2e/uncert_exact.py"
N=20000
DAYS=12

run_cjmsim sweep "$S" --vary q=0.01,0.03,0.05 --out sw --quiet --threads 2
is "$RC" 0 "sweep runs"
is "$ERR" "" "and says nothing on stderr"
is "$(head -n 1 sw/sweep.csv)" \
    "q,variant,persona,customers,buyers,repeat_buyers,purchases,revenue,cost,profit,uplift_repeat_buyers,uplift_repeat_buyers_lo,uplift_repeat_buyers_hi,incremental_profit" \
    "sweep.csv: the varied parameter, then the fixed columns"
# 3 points x 2 variants x (1 persona + all)
is "$(($(wc -l <sw/sweep.csv) - 1))" 12 "one row per point, variant and persona"
is "$(cut -d, -f1-3 sw/sweep.csv | sed -n '2,5p' | tr '\n' ' ')" \
    "0.01,baseline,everyone 0.01,baseline,all 0.01,promo,everyone 0.01,promo,all " \
    "points in order, variants, personas then all"

# Every point against the exact shares: baseline repeat buyers, and the
# promo's uplift (paired differences d in {-1, 0, 1}: Var d <= P(d != 0) <=
# r(q) + r(2q)).
for q in 0.01 0.03 0.05; do
    r1=$(python3 "$EXACT" repeat "$q" $DAYS)
    r2=$(python3 "$EXACT" repeat "$(python3 -c "print(2 * $q)")" $DAYS)
    row=$(grep "^$q,baseline,all," sw/sweep.csv)
    got=$(echo "$row" | cut -d, -f6)
    z=$(python3 -c "import math; print(abs($got - $N * $r1) / math.sqrt($N * $r1 * (1 - $r1)))")
    python3 -c "import sys; sys.exit(0 if $z < 5 else 1)"
    ok $? "q = $q: baseline repeat buyers $got vs exact $(python3 -c "print(round($N * $r1, 1))") (|z| = $z)"
    row=$(grep "^$q,promo,all," sw/sweep.csv)
    up=$(echo "$row" | cut -d, -f11)
    z=$(python3 -c "import math; print(abs($up - ($r2 - $r1)) / math.sqrt(($r1 + $r2) / $N))")
    python3 -c "import sys; sys.exit(0 if $z < 5 else 1)"
    ok $? "q = $q: promo's uplift $up vs exact $(python3 -c "print(round($r2 - $r1, 5))") (|z| = $z)"
    lo=$(echo "$row" | cut -d, -f12)
    hi=$(echo "$row" | cut -d, -f13)
    python3 -c "import sys; sys.exit(0 if $lo < $up < $hi else 1)"
    ok $? "q = $q: the uplift's 95% interval holds it ($lo .. $hi)"
done
# the baseline has no uplift
is "$(grep ',baseline,' sw/sweep.csv | cut -d, -f11-14 | sort -u)" "0,0,0,0" \
    "the baseline's uplift and incremental profit are 0"
# profit = revenue - cost, incremental profit = profit - the baseline's
is "$(python3 -c "
import csv
rows = list(csv.DictReader(open('sw/sweep.csv')))
base = {r['q']: float(r['profit']) for r in rows if r['variant'] == 'baseline' and r['persona'] == 'all'}
bad = [r for r in rows if r['persona'] == 'all' and (
    abs(float(r['profit']) - (float(r['revenue']) - float(r['cost']))) > 1e-6 or
    abs(float(r['incremental_profit']) - (float(r['profit']) - base[r['q']])) > 1e-6)]
print(len(bad))")" 0 "profit and incremental profit add up in every row"

# The same point in a sweep and in a plain run with --set: the same figures.
run_cjmsim run "$S" --set q=0.03 --out one --quiet
is "$(json one/summary.json "[v['repeat_buyers'] for v in d['variants']]")" \
    "[$(grep '^0.03,baseline,all,' sw/sweep.csv | cut -d, -f6), $(grep '^0.03,promo,all,' sw/sweep.csv | cut -d, -f6)]" \
    "a sweep point is the run with that value (same seed, same customers)"

# --- grids -------------------------------------------------------------------
run_cjmsim sweep "$S" --vary q=0.01:0.05:0.02 --out range --quiet
is "$(grep ',baseline,all,' range/sweep.csv | cut -d, -f1 | tr '\n' ' ')" "0.01 0.03 0.05 " \
    "LO:HI:STEP gives LO, LO + STEP, ... HI"
run_cjmsim sweep "$S" --vary q=0.02,0.04 --vary promo_cost=0,1,2 --out grid --quiet
is "$RC" 0 "two --vary: a grid"
is "$(head -n 1 grid/sweep.csv | cut -d, -f1-3)" "q,promo_cost,variant" "a column per varied parameter"
is "$(grep ',promo,all,' grid/sweep.csv | cut -d, -f1,2 | tr '\n' ' ')" \
    "0.02,0 0.02,1 0.02,2 0.04,0 0.04,1 0.04,2 " "the product, the first parameter slowest"
# common random numbers: the cost changes nothing but the money, and by
# exactly cost x customers
is "$(python3 -c "
import csv
rows = [r for r in csv.DictReader(open('grid/sweep.csv')) if r['variant'] == 'promo' and r['persona'] == 'all']
ok = all(r['repeat_buyers'] == rows[3 * (i // 3)]['repeat_buyers'] and
         abs(float(r['incremental_profit']) - (float(rows[3 * (i // 3)]['incremental_profit']) - float(r['promo_cost']) * $N)) < 1e-6
         for i, r in enumerate(rows))
print(ok)")" True "the same customers at every point: the cost moves profit by cost x customers only"

# --set applies to the parameters not varied
run_cjmsim sweep "$S" --vary q=0.02,0.04 --set promo_cost=2 --out set --quiet
is "$(grep ',promo,all,' set/sweep.csv | cut -d, -f5-)" "$(grep ',2,promo,all,' grid/sweep.csv | cut -d, -f6-)" \
    "--set gives the other parameters their value"

# --params: its values for the other parameters; a varied one takes the grid's
echo '{"params": {"q": 0.5, "promo_cost": 2}}' >cal.json
run_cjmsim sweep "$S" --vary q=0.02,0.04 --params cal.json --out file --quiet
is "$RC" 0 "--params naming a varied parameter is fine"
is "$(grep ',promo,all,' file/sweep.csv | cut -d, -f5-)" "$(grep ',promo,all,' set/sweep.csv | cut -d, -f5-)" \
    "the grid's values win over the file's, the file gives the others"

# --- the same bytes whatever the threads ----------------------------------------
run_cjmsim sweep "$S" --vary q=0.01,0.03,0.05 --out t1 --quiet --threads 1
cmp -s sw/sweep.csv t1/sweep.csv
ok $? "sweep.csv is the same with 1 and 2 threads"

# --- the results directory --------------------------------------------------
is "$(json sw/manifest.json "sorted(d['files'])[:2] + [f for f in d['files'] if f == 'plots/sweep.dat']")" \
    "['manifest.json', 'plots/plots.gp', 'plots/sweep.dat']" "the manifest lists the files"
is "$(json sw/manifest.json "sorted(d['files']) == sorted(__import__('subprocess').check_output(['find', '.', '-type', 'f'], cwd='sw').decode().replace('./', '').split())")" \
    True "every file of the directory is in the manifest, and only those"
if command -v gnuplot >/dev/null; then
    is "$(python3 "$TESTS_DIR/e2e/check_image.py" --ink sw/plots/sweep.svg | awk '{ print $1, $2, ($4 > 10) }')" \
        "sweep.svg svg 1" "plots/sweep.svg is drawn, and no PNG: $(ls sw/plots | grep -c '\.png$')"
    run_cjmsim sweep "$S" --vary q=0.01,0.03 --out swpng --quiet --png
    is "$RC:$(python3 "$TESTS_DIR/e2e/check_image.py" swpng/plots/sweep.png swpng/plots/sweep.svg | cut -d' ' -f2 | tr '\n' ' ')" \
        "0:png svg " "sweep --png draws plots/sweep.png beside its SVG"
else
    skip 2 "gnuplot is not installed"
fi
run_cjmsim sweep "$S" --vary q=0.01 --out sw --quiet
is "$RC" 0 "a sweep replaces a previous sweep's directory"
is "$(($(wc -l <sw/sweep.csv) - 1))" 4 "with its own rows"

# --- errors: exit 2, the message, nothing written ------------------------------
bad() { # bad EXPECTED-MESSAGE ARGS...
    local expected=$1
    shift
    run_cjmsim sweep "$@" --out bad --quiet
    is "$RC/$ERR" "2/cjmsim: $expected" "sweep $*: exit 2 and the message"
    [ ! -e bad ]
    ok $? "  and nothing is written"
}
bad "--vary: unknown parameter 'p' (the scenario declares: q, promo_cost)" "$S" --vary p=1,2
bad "--vary q=0.05:0.01:0.01: LO must not be above HI" "$S" --vary q=0.05:0.01:0.01
bad "--vary q=0:1:-1: STEP must be above 0" "$S" --vary q=0:1:-1
bad "--vary q=0:1: a range is LO:HI:STEP, three numbers (e.g. consult_cost=250:500:50)" "$S" --vary q=0:1
bad "--vary q=a,b: 'a' is not a number" "$S" --vary q=a,b
bad "--vary q: write NAME=LO:HI:STEP (e.g. consult_cost=250:500:50) or NAME=V1,V2,... (e.g. consult_cost=250,350,500)" "$S" --vary q
bad "--vary q=0:1:0.00001: 100001 values; a sweep has at most 10000 points" "$S" --vary q=0:1:0.00001
bad "--vary: the grid has more than 10000 points; vary fewer parameters or use coarser steps" \
    "$S" --vary q=0:1:0.001 --vary promo_cost=0:5:0.01
bad "--vary: q is varied twice; give all its values in one --vary" "$S" --vary q=0.01 --vary q=0.02
bad "--vary q=0.01,0.02: q is also given a value by --set; vary it or set it, not both" \
    "$S" --vary q=0.01,0.02 --set q=0.03
bad "sweep needs at least one --vary NAME=LO:HI:STEP or NAME=V1,V2,..." "$S"
bad "--draws belongs to cjmsim psa (see cjmsim help psa)" "$S" --vary q=0.01 --draws 5

# A value that makes the scenario wrong names the point and the value.
run_cjmsim sweep "$S" --vary q=0.2,0.6 --out bad --quiet
is "$RC" 3 "a point the scenario cannot run is a scenario error"
like "$ERR" "^cjmsim: in sweep point 2 \(q = 0\.6\): .*uncert_exact\.lua:[0-9]+: " \
    "it names the point, the value and file:line"
[ ! -e bad ]
ok $? "and nothing is written"

# A scenario without interventions: nothing to compare with the baseline,
# so no uplift plot to draw (gnuplot used to fail on it), and the console
# says where the baseline's figures are.
sed '/^intervention/d' "$S" >nointervention.lua
run_cjmsim sweep nointervention.lua --vary q=0.01,0.03 --customers 500 --out sw_base
is "$RC/$ERR" "0/" "sweep of a scenario without interventions: exit 0, nothing on stderr"
like "$OUT" "no intervention to compare with the baseline" "it says there is nothing to compare"
is "$(($(wc -l <sw_base/sweep.csv) - 1))" 4 "sweep.csv holds the baseline at both points"
ok "$([ ! -e sw_base/plots/sweep.svg ]; echo $?)" "and no uplift plot is drawn"

run_cjmsim help sweep
is "$RC" 0 "cjmsim help sweep"
like "$OUT" "--vary NAME=LO:HI:STEP" "describes --vary"

done_testing
