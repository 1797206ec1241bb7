#!/usr/bin/env bash
# cjmsim psa: psa.csv and psa.json as DESIGN.md fixes them; the draws follow
# the distributions (uniform here) and, with --lhs, fall one per stratum; the
# 95% intervals, mean, p_pays_back and p_best against exact values computed
# from the model of tests/scenarios/uncert_exact.lua (|z| < 5); p_best,
# p_pays_back and evpi recomputed from psa.csv by their definitions; the
# tornado against plain runs at each end; the same bytes for any threads and
# the same seed; a parameter read inside a probability function gives the
# bytes of the number itself (no draw keeps another's compiled model), and
# the tornado's ends are the function's own runs; a draw stuck in C meets
# its own --lua-seconds; a plain run points to psa; every bad --draws is exit 2 and
# an error that only some draws cause names the draw and its values (exit 3),
# with nothing written.
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
S="$SCENARIOS/uncert_exact.lua"
export PYTHONPATH="$TESTS_DIR/e2e"
DRAWS=400

run_cjmsim psa "$S" --draws $DRAWS --out psa --threads 2
is "$RC" 0 "psa runs"
is "$(head -n 1 psa/psa.csv)" \
    "draw,q,promo_cost,variant,persona,customers,buyers,repeat_buyers,purchases,revenue,cost,profit,uplift_repeat_buyers,uplift_repeat_buyers_lo,uplift_repeat_buyers_hi,incremental_profit" \
    "psa.csv: draw, the uncertain parameters, then sweep.csv's columns"
is "$(($(wc -l <psa/psa.csv) - 1))" $((2 * DRAWS)) "one row per draw and variant"
is "$(cut -d, -f5 psa/psa.csv | sort -u | tr '\n' ' ')" "all persona " "persona all"
is "$(json psa/psa.json "sorted(d), d['draws'], [sorted(v) for v in d['variants']][1], sorted(d['variants'][1]['uplift']['repeat_buyers'])")" \
    "(['draws', 'evpi', 'headline', 'params', 'sampling', 'variants'], 400, ['incremental_profit', 'name', 'p_best', 'p_pays_back', 'uplift'], ['interval95', 'mean'])" \
    "psa.json has the keys of DESIGN.md"
like "$OUT" "^Exact: 400 draws of 2 uncertain parameters" "the console says what was drawn"
like "$OUT" "(promo|Changing nothing \(the baseline\)) is the most profitable choice in [0-9]+% of plausible worlds; (it|the change most likely to pay back, promo,) pays back in [0-9]+%\." \
    "and says the answer in one sentence"

# q ~ uniform(0.005, 0.05), promo_cost ~ uniform(0, 5): the draws lie in the
# range, and their mean is within 5 standard errors of the middle.
is "$(python3 -c "
import csv, math
rows = [r for r in csv.DictReader(open('psa/psa.csv')) if r['variant'] == 'baseline']
q = [float(r['q']) for r in rows]; c = [float(r['promo_cost']) for r in rows]
inside = all(0.005 < x < 0.05 for x in q) and all(0 < x < 5 for x in c)
zq = abs(sum(q) / len(q) - 0.0275) / (0.045 / math.sqrt(12 * len(q)))
zc = abs(sum(c) / len(c) - 2.5) / (5 / math.sqrt(12 * len(c)))
print(inside, zq < 5, zc < 5)")" "True True True" "the draws follow uniform(low, high)"

# The interval of the promo's uplift against the exact quantiles: the uplift
# g(q) rises with q, so its p-quantile is g at q's p-quantile. The sample
# quantile of u has a standard deviation sqrt(p (1 - p) / n) (times g'), and
# each draw's uplift its simulation noise.
for p in 0.025 0.975; do
    idx=$([ $p = 0.025 ] && echo 0 || echo 1)
    is "$(python3 -c "
import json, math
from uncert_exact import uplift, share
d = json.load(open('psa/psa.json'))
got = d['variants'][1]['uplift']['repeat_buyers']['interval95'][$idx]
lo, hi, days, n, N = 0.005, 0.05, 12, $DRAWS, 20000
q = lambda u: lo + u * (hi - lo)
g = lambda u: uplift(q(u), days)
u, h = $p, 1e-4
exact = g(u)
slope = (g(min(u + h, 1)) - g(max(u - h, 0))) / (min(u + h, 1) - max(u - h, 0))
sd_u = math.sqrt(u * (1 - u) / n)
sd_sim = math.sqrt((share(q(u), days, 2) + share(2 * q(u), days, 2)) / N)
z = abs(got - exact) / math.hypot(slope * sd_u, sd_sim)
print(z < 5, round(got, 5), round(exact, 5))" | cut -d' ' -f1)" True \
        "the uplift's $p percentile is within 5 sd of the exact quantile"
done
is "$(python3 -c "
import json, math
from uncert_exact import uplift
d = json.load(open('psa/psa.json'))
got = d['variants'][1]['uplift']['repeat_buyers']['mean']
m = 2000
g = [uplift(0.005 + (i + 0.5) / m * 0.045, 12) for i in range(m)]
mean = sum(g) / m
sd = math.sqrt(sum((x - mean) ** 2 for x in g) / m / $DRAWS + 0.3 / 20000 / $DRAWS)
print(abs(got - mean) / sd < 5)")" True "the mean uplift is within 5 sd of the exact mean"

# Definitions, recomputed from psa.csv: the intervals are type-7 percentiles,
# p_pays_back the share of draws with incremental profit > 0, p_best the
# share with the highest profit, evpi E[max profit] - max E[profit] per
# customer.
is "$(python3 -c "
import csv, json
d = json.load(open('psa/psa.json'))
rows = list(csv.DictReader(open('psa/psa.csv')))
n = $DRAWS
def q7(x, p):
    x = sorted(x); h = (len(x) - 1) * p; i = int(h)
    return x[i] if i + 1 >= len(x) else x[i] + (h - i) * (x[i + 1] - x[i])
res = []
for vi, name in enumerate(['baseline', 'promo']):
    v = d['variants'][vi]
    inc = [float(r['incremental_profit']) for r in rows if r['variant'] == name]
    up = [float(r['uplift_repeat_buyers']) for r in rows if r['variant'] == name]
    res.append(abs(v['incremental_profit']['interval95'][0] - q7(inc, 0.025)) < 1e-6 * (1 + abs(q7(inc, 0.025))))
    res.append(abs(v['incremental_profit']['interval95'][1] - q7(inc, 0.975)) < 1e-6 * (1 + abs(q7(inc, 0.975))))
    res.append(abs(v['uplift']['repeat_buyers']['interval95'][1] - q7(up, 0.975)) < 1e-12)
    res.append(v['p_pays_back'] == sum(x > 0 for x in inc) / n)
base = [float(r['profit']) for r in rows if r['variant'] == 'baseline']
promo = [float(r['profit']) for r in rows if r['variant'] == 'promo']
res.append(d['variants'][1]['p_best'] == sum(p > b for p, b in zip(promo, base)) / n)
res.append(abs(d['variants'][0]['p_best'] + d['variants'][1]['p_best'] - 1) < 1e-12)
evpi = sum(max(b, p) for b, p in zip(base, promo)) / n / 20000 - max(sum(base), sum(promo)) / n / 20000
res.append(abs(d['evpi'] - evpi) < 1e-9)
print(all(res), res)" | cut -d' ' -f1)" True "intervals, p_pays_back, p_best and evpi follow their definitions"

# p_pays_back against the exact probability: the promo pays back when
# promo_cost < 10 x the extra purchases per customer m(q), so
# P = E_q[min(1, 10 m(q) / 5)].
is "$(python3 -c "
import json, math
from uncert_exact import dist
d = json.load(open('psa/psa.json'))
got = d['variants'][1]['p_pays_back']
k = 400
m = lambda q: dist(2 * q, 12)[1] - dist(q, 12)[1]
p = sum(min(1, 10 * m(0.005 + (i + 0.5) / k * 0.045) / 5) for i in range(k)) / k
print(abs(got - p) / math.sqrt(p * (1 - p) / $DRAWS + 1e-6) < 5)")" True \
    "p_pays_back is within 5 sd of the exact probability"

# --- the tornado ---------------------------------------------------------------
is "$(head -n 1 psa/tornado.csv)" \
    "parameter,low,high,variant,incremental_profit_at_low,incremental_profit_at_high,incremental_profit_at_default" \
    "tornado.csv's columns"
run_cjmsim run "$S" --set q=0.05 --out high --quiet
is "$(grep '^q,' psa/tornado.csv | cut -d, -f2,3,6)" \
    "0.005,0.05,$(json high/summary.json "'%.15g' % d['variants'][1]['incremental_profit']")" \
    "the tornado's high end is the run with the parameter at its high"

# --- reproducible --------------------------------------------------------------
run_cjmsim psa "$S" --draws $DRAWS --out again --threads 1 --quiet
for f in psa.csv psa.json tornado.csv; do
    cmp -s psa/$f again/$f
    ok $? "$f: the same bytes with 1 and 2 threads"
done
run_cjmsim psa "$S" --draws $DRAWS --out other --seed 6 --quiet
! cmp -s psa/psa.csv other/psa.csv
ok $? "another seed draws other values"
run_cjmsim psa "$S" --draws 50 --out fifty --quiet
is "$(sed -n '2,41p' fifty/psa.csv | cut -d, -f1-3)" "$(sed -n '2,41p' psa/psa.csv | cut -d, -f1-3)" \
    "draw d is the same whatever the number of draws"

# A parameter read only inside a probability function: the model is the
# same as with the number itself, so every draw and both ends of the
# tornado give the same bytes; a draw that kept another draw's compiled
# probabilities would not.
sed 's/transition("browse", "buy", q)/transition("browse", "buy", function(c) return q end)/' "$S" >in_function.lua
grep -q 'function(c) return q end' in_function.lua
ok $? "the test scenario reads q inside a function"
run_cjmsim psa in_function.lua --draws 60 --out in_function --threads 2 --quiet
run_cjmsim psa "$S" --draws 60 --out as_number --threads 1 --quiet
for f in psa.csv tornado.csv; do
    cmp -s in_function/$f as_number/$f
    ok $? "$f: a parameter read inside a function gives the bytes of the number itself"
done
is "$(python3 -c "
import csv
rows = [r for r in csv.DictReader(open('in_function/psa.csv')) if r['variant'] == 'baseline']
q = [float(r['q']) for r in rows]; b = [float(r['buyers']) for r in rows]
mq, mb = sum(q) / len(q), sum(b) / len(b)
cov = sum((x - mq) * (y - mb) for x, y in zip(q, b))
vq = sum((x - mq) ** 2 for x in q); vb = sum((y - mb) ** 2 for y in b)
print(cov / (vq * vb) ** 0.5 > 0.95)")" True "and each draw's buyers follow its own q"
for end in low high; do
    value=$([ $end = low ] && echo 0.005 || echo 0.05)
    col=$([ $end = low ] && echo 5 || echo 6)
    run_cjmsim run in_function.lua --set q=$value --out "fn_$end" --quiet
    is "$(grep '^q,' in_function/tornado.csv | cut -d, -f$col)" \
        "$(json "fn_$end/summary.json" "'%.15g' % d['variants'][1]['incremental_profit']")" \
        "the tornado's $end end is the run --set q=$value of the function"
done

# Each draw's load has --lua-seconds of its own: a draw stuck in C ends the
# analysis at once, with the watchdog's message and nothing written.
sed 's/^stage "browse"/if q > 0.045 then string.find(string.rep("a", 30000), ".-.-.-.-.-.-.-.-.-b") end\nstage "browse"/' \
    "$S" >stuck.lua
start=$SECONDS
run_cjmsim psa stuck.lua --draws 40 --lua-seconds 1 --out stuck --quiet --threads 2
is "$RC/$ERR" "3/cjmsim: stuck.lua: loading the scenario took more than 1 second (a runaway string pattern or loop?); raise the limit with --lua-seconds N" \
    "a draw stuck in C: exit 3 and the watchdog's message, with the draw's own limit"
ok "$([ $((SECONDS - start)) -le 6 ] && echo 0 || echo 1)" "  within seconds"
[ ! -e stuck ]
ok $? "  and nothing is written"

# In an MPI job the draws are split among the ranks, with the same bytes:
# tests/e2e/32_mpi_analyses.t.

# --- Latin hypercube -----------------------------------------------------------
run_cjmsim psa "$S" --draws 100 --lhs --out lhs --quiet
is "$(python3 -c "
import csv
rows = [r for r in csv.DictReader(open('lhs/psa.csv')) if r['variant'] == 'baseline']
s = sorted(int((float(r['q']) - 0.005) / 0.045 * 100) for r in rows)
t = sorted(int(float(r['promo_cost']) / 5 * 100) for r in rows)
print(s == list(range(100)), t == list(range(100)))")" "True True" \
    "--lhs: one draw of each parameter in each of the 100 strata"
is "$(json lhs/psa.json "d['sampling']")" "latin_hypercube" "psa.json says how it drew"

# --- --set holds a parameter ----------------------------------------------------
run_cjmsim psa "$S" --draws 20 --set promo_cost=1 --out held --quiet
is "$(head -n 1 held/psa.csv | cut -d, -f1-3)" "draw,q,variant" "--set: the parameter is not drawn"
is "$(grep ',promo,' held/psa.csv | cut -d, -f10 | sort -u)" "20000" "and holds its value (cost 1 x 20000)"

# --- a plain run says what its interval leaves out ----------------------------
run_cjmsim run "$S" --out plain
like "$OUT" "leave out how uncertain the scenario's 2 parameters are" "run says its intervals leave the parameters out"
like "$OUT" "cjmsim psa .*uncert_exact.lua --draws 1000" "and suggests psa"
grep -q "they leave out how uncertain the scenario's 2 parameters are. <code>cjmsim psa</code>" plain/report.html
ok $? "and so does the report"
run_cjmsim run "$S" --out plain --set q=0.02 --set promo_cost=0
! printf '%s' "$OUT" | grep -q 'leave out how uncertain'
ok $? "not when every uncertain parameter is set"
! grep -q 'leave out how uncertain' plain/report.html
ok $? "nor the report"

# --- errors ----------------------------------------------------------------------
bad() { # bad EXPECTED-MESSAGE ARGS...
    local expected=$1
    shift
    run_cjmsim psa "$@" --out bad --quiet
    is "$RC/$ERR" "2/cjmsim: $expected" "psa $*: exit 2 and the message"
    [ ! -e bad ]
    ok $? "  and nothing is written"
}
bad "--draws: 0 is out of range: it must be from 1 to 1000000" "$S" --draws 0
bad "--draws: 1000001 is out of range: it must be from 1 to 1000000" "$S" --draws 1000001
bad "--draws: 'ten' is not a whole number (write digits only, e.g. 1000)" "$S" --draws ten
bad "--vary belongs to cjmsim sweep (see cjmsim help sweep)" "$S" --vary q=1
bad "psa: $S has no uncertain parameter to draw that --set or --params leaves free (declare one with param \"name\" { default, low = L, high = H } or dist = ...)" \
    "$S" --set q=0.02 --set promo_cost=1
bad "unknown parameter 'x' in --set: the scenario declares no parameter of that name (did you mean 'q'?); its parameters: q, promo_cost" \
    "$S" --set x=1 --draws 5

sed 's/transition("browse", "buy", q)/transition("browse", "buy", q * 20)/' "$S" >wrong.lua
run_cjmsim psa wrong.lua --draws 20 --out bad --quiet --threads 2
is "$RC" 3 "a draw the scenario cannot run is a scenario error"
like "$ERR" "^cjmsim: in draw 3 \(q = 0\.0404[0-9]*, promo_cost = 4\.868[0-9]*\): wrong\.lua:17: transition browse->buy: probability 1\.6" \
    "it names the first such draw, its values and file:line"
run_cjmsim psa wrong.lua --draws 20 --out bad --quiet --threads 1
like "$ERR" "^cjmsim: in draw 3 " "the same draw with one thread"
[ ! -e bad ]
ok $? "nothing is written"

# --- the lesson ------------------------------------------------------------------
L4="$TESTS_DIR/../scripts/lesson4_uncertainty.lua"
run_cjmsim psa "$L4" --draws 200 --customers 5000 --out lesson
is "$RC/$ERR" "0/" "lesson 4's psa runs without a message (its beta(120, 11880) draws fine)"
like "$OUT" "^consultation is the most profitable choice in [0-9]+% of plausible worlds; it pays back in [0-9]+%\.$" \
    "lesson 4 gets its headline"
is "$(ls lesson/plots/*.svg | xargs -n1 basename | tr '\n' ' ')" "psa_acceptability.svg psa_scatter.svg tornado.svg " \
    "the scatter, the acceptability curve and the tornado are drawn"

# Ctrl-C stops it and leaves nothing
"$CJMSIM" psa "$L4" --draws 5000 --out stopped --quiet 2>interrupt.err &
pid=$!
sleep 1
kill -INT $pid
wait $pid
is "$?/$(cat interrupt.err)" "130/cjmsim: interrupted: no results were written" "Ctrl-C: exit 130 and the message"
[ ! -e stopped ] && ! ls -d stopped.* 2>/dev/null
ok $? "nothing is left behind"

run_cjmsim help psa
is "$RC" 0 "cjmsim help psa"
like "$OUT" "--draws N" "describes --draws"

done_testing
