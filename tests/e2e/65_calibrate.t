#!/usr/bin/env bash
# Targets and cjmsim calibrate. A two-step funnel whose shares a few lines of
# python compute exactly: targets made from known parameter values (K =
# round(N p), N = 10^6) are recovered inside narrow profile intervals; the
# log-likelihood and every z of calibration.json match a hand computation;
# --params calibration.json reproduces the fitted shares; the bytes do not
# depend on --threads; targets on the last stage alone cannot tell the two
# probabilities apart, which is said (naming both and the middle stage) and
# not said when the middle stage has a target. Every bad target is exit 3
# with its file:line message; bad --fit and no targets fail with nothing
# written.
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1

# Visit -> cart with p_a a day, cart -> order with p_b, each stage left with
# 0.1 a day, 60 days.
funnel() { # funnel TARGET-LINES...
    cat <<'LUA'
scenario { name = "Two steps", days = 60, customers = 10000 }
local a = param "p_a" { 0.05, low = 0.01, high = 0.3 }
local b = param "p_b" { 0.05, low = 0.01, high = 0.3 }
local leave = param "leave" { 0.1 }
stage "visit" { entry = true }
stage "cart" { }
stage "order" { purchase = true, value = 100 }
stage "left" { terminal = true }
transition("visit", "cart", a)
transition("visit", "left", leave)
transition("cart", "order", b)
transition("cart", "left", 0.1)
LUA
    printf '%s\n' "$@"
}
cat >shares.py <<'PY'
import sys
def shares(a, b, q=0.1, days=60):
    visit, cart, rc, ro = 1.0, 0.0, 0.0, 0.0
    for _ in range(days):
        to_cart, to_order = visit * a, cart * b
        visit, cart = visit * (1 - a - q), cart * (1 - b - q) + to_cart
        rc, ro = rc + to_cart, ro + to_order
    return rc, ro
PY
export PYTHONPATH=$WORK
read -r KC KO < <(python3 -c "
from shares import shares
c, o = shares(0.04, 0.06)
print(round(1e6 * c), round(1e6 * o))")
funnel "target \"carted\" { stage = \"cart\", reached = $KC, of = 1000000 }" \
    "target \"ordered\" { stage = \"order\", reached = $KO, of = 1000000 }" >known.lua

# ---- recovery -------------------------------------------------------------
run_cjmsim calibrate known.lua --out fit2 --threads 2
is "$RC" 0 "calibrate runs"
like "$OUT" "^Two steps: 2 parameters fitted to 2 targets \(exact expected values\)" "and says what it fitted"
is "$(json fit2/calibration.json "sorted(d['params']), sorted(d['intervals']), d['method'], d['warnings']")" \
    "(['p_a', 'p_b'], ['p_a', 'p_b'], 'exact', [])" "calibration.json: params, intervals, method, no warnings"
is "$(json fit2/calibration.json "all(abs(d['params'][n] - v) < 2e-4 * v for n, v in (('p_a', 0.04), ('p_b', 0.06)))")" \
    True "the known values are recovered (p_a = 0.04, p_b = 0.06)"
is "$(json fit2/calibration.json "all(lo < v < hi and hi - lo < 0.01 * 0.29 for (lo, hi), v in ((d['intervals']['p_a'], 0.04), (d['intervals']['p_b'], 0.06)))")" \
    True "each lies inside its profile interval, which is narrow (under 1% of the range)"
is "$(json fit2/calibration.json "[t['name'] for t in d['targets']], sorted(d['targets'][0])")" \
    "(['carted', 'ordered'], ['name', 'observed', 'observed_share', 'of', 'simulated', 'what', 'z'])" \
    "targets with name, observed, of, simulated and z"
is "$(json fit2/calibration.json "sorted(d['covariance']), d['covariance']['names']")" \
    "(['correlation', 'matrix', 'names'], ['p_a', 'p_b'])" "the covariance of the fit"
is "$(json fit2/manifest.json "sorted(d['files'])")" \
    "['calibration.json', 'manifest.json', 'plots/calibration.dat', 'plots/calibration.gp', 'plots/calibration.svg', 'plots/plots.gp']" \
    "the manifest lists calibration.json and the plot"
if command -v gnuplot >/dev/null; then
    run_cjmsim calibrate known.lua --out fitpng --threads 2 --png --quiet
    is "$RC:$(json fitpng/manifest.json "[f for f in d['files'] if f.endswith('.png')]")" \
        "0:['plots/calibration.png']" "with --png the fit's plot is a PNG too, listed in the manifest"
    cmp -s fit2/calibration.json fitpng/calibration.json
    ok $? "and the fit is the same"
else
    skip 2 "gnuplot is not installed"
fi

# The interval is where the profile drops by 1.92: with p_a at an end of its
# interval and p_b re-fitted, the log-likelihood is 1.92 below the maximum.
# With a single parameter the profile is the likelihood itself.
run_cjmsim calibrate known.lua --fit p_a --set p_b=0.06 --out fit1 --quiet
is "$RC" 0 "--fit one parameter, the other set"
is "$(python3 -c "
import json, math
from shares import shares
d = json.load(open('fit1/calibration.json'))
def ll(a):
    s = 0
    for k, p in zip(($KC, $KO), shares(a, 0.06)):
        n = 10**6
        s += math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * math.log(p) + (n - k) * math.log1p(-p)
    return s
lo, hi = d['intervals']['p_a']
top = ll(d['params']['p_a'])
print(abs(top - d['loglik']) < 1e-6, abs(ll(lo) - top + 1.920729) < 2e-3, abs(ll(hi) - top + 1.920729) < 2e-3)")" \
    "True True True" "loglik by hand, and the interval's ends 1.92 below it"

# ---- the likelihood and z by hand -----------------------------------------
is "$(python3 -c "
import json, math
d = json.load(open('fit2/calibration.json'))
s = 0
ok = True
for t in d['targets']:
    k, n, p = t['observed'], t['of'], t['simulated']
    s += math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * math.log(p) + (n - k) * math.log1p(-p)
    ok = ok and abs(t['z'] - (k - n * p) / math.sqrt(n * p * (1 - p))) < 1e-6
    ok = ok and t['observed_share'] == k / n
print(ok, abs(s - d['loglik']) < 1e-6 * abs(s))")" "True True" "loglik and z of calibration.json match the binomial by hand"

# ---- --params calibration.json ---------------------------------------------
run_cjmsim run known.lua --exact --params fit2/calibration.json --out rerun --quiet
is "$RC" 0 "run --params calibration.json"
is "$(python3 -c "
import json
a = json.load(open('fit2/calibration.json'))['targets']
b = json.load(open('rerun/summary.json'))['targets']
print(all(abs(x['simulated'] - y['simulated']) < 1e-9 and abs(x['z'] - y['z']) < 1e-6 for x, y in zip(a, b)) and len(a) == len(b) == 2)")" \
    True "the fitted model's run has the fitted shares and z in summary.json"

# ---- threads ----------------------------------------------------------------
run_cjmsim calibrate known.lua --out fit2_t1 --threads 1 --quiet
cmp -s fit2/calibration.json fit2_t1/calibration.json
ok $? "calibration.json is the same bytes with --threads 1 and 2"
cmp -s fit2/plots/calibration.dat fit2_t1/plots/calibration.dat
ok $? "and so is the plot's data"

# ---- identifiability --------------------------------------------------------
funnel "target \"ordered\" { stage = \"order\", reached = $KO, of = 1000000 }" >product.lua
run_cjmsim calibrate product.lua --out prod
is "$RC" 0 "a fit that cannot tell the parameters apart still answers"
like "$OUT" "Warning: the targets cannot tell p_a and p_b apart \(correlation [-+]?[01]\.[0-9]+\): they see only a combination of the two; add a target on 'cart' \(how many reached it\) to separate them\." \
    "and warns, naming both parameters and the middle stage"
is "$(json prod/calibration.json "any('p_a and p_b' in w and \"'cart'\" in w for w in d['warnings'])")" True \
    "calibration.json has the warning"
like "$OUT" "Warning: the targets say little about p_a: its 95% interval covers [0-9]+% of its range" \
    "a flat profile is named"

# ---- run shows targets ------------------------------------------------------
run_cjmsim run known.lua --exact --set p_a=0.05 --out shown
like "$OUT" "carted +reached 'cart' +[0-9,]+/1,000,000 +[0-9.]+% +[0-9.]+% +[-+][0-9.]+" "run prints each target beside the simulated share"
is "$(python3 -c "
import json, math
from shares import shares
d = json.load(open('shown/summary.json'))
ps = shares(0.05, 0.05)
print(all(abs(t['simulated'] - p) < 1e-9 and abs(t['z'] - (t['observed'] - t['of'] * p) / math.sqrt(t['of'] * p * (1 - p))) < 1e-6 for t, p in zip(d['targets'], ps)))")" \
    True "summary.json's targets: the exact shares and z by hand"
like "$(cat shown/report.html)" "<h2>Targets</h2>" "the report has the targets"
run_cjmsim check known.lua
like "$OUT" "  ordered: reached 'order', $KO of 1000000 \([0-9.]+%\)" "check lists the targets"

# by_day: buyers by day 10 under the exact model, by hand
funnel "target \"early\" { buyers = 100, of = 1000, by_day = 10 }" "target \"early2\" { stage = \"order\", reached = 100, of = 1000, by_day = 10 }" >byday.lua
run_cjmsim run byday.lua --exact --out byday --quiet
is "$(python3 -c "
import json
from shares import shares
d = json.load(open('byday/summary.json'))
p = shares(0.05, 0.05, days=10)[1]
print(abs(d['targets'][0]['simulated'] - p) < 1e-9, abs(d['targets'][1]['simulated'] - p) < 1e-9)")" "True True" \
    "buyers by day 10 (and reached the only purchase stage by day 10) are the exact share by day 10"

# ---- Monte Carlo ------------------------------------------------------------
run_cjmsim calibrate known.lua --monte-carlo --customers 20000 --out mc --quiet
is "$RC" 0 "calibrate --monte-carlo"
is "$(json mc/calibration.json "d['method'], all(abs(d['params'][n] - v) < 0.25 * v for n, v in (('p_a', 0.04), ('p_b', 0.06)))")" \
    "('monte-carlo', True)" "fits simulated shares near the known values"

# ---- psa --calibrated: the fit's normal approximation -----------------------
run_cjmsim psa known.lua --calibrated fit2/calibration.json --draws 400 --customers 1000 --out psa --quiet
is "$RC" 0 "psa --calibrated"
is "$(python3 -c "
import csv, json, math, statistics as st
rows = [r for r in csv.DictReader(open('psa/psa.csv')) if r['variant'] == 'baseline' and r['persona'] == 'all']
c = json.load(open('fit2/calibration.json'))
ok = len(rows) == 400
for i, n in enumerate(c['covariance']['names']):
    xs = [float(r[n]) for r in rows]
    sd = math.sqrt(c['covariance']['matrix'][i][i])
    ok = ok and abs(st.mean(xs) - c['params'][n]) < 5 * sd / math.sqrt(len(xs))
    ok = ok and abs(st.stdev(xs) / sd - 1) < 0.25
print(ok)")" True "draws the fitted parameters around the fit with the fit's standard deviations"
is "$(json psa/psa.json "d['calibrated']")" "fit2/calibration.json" "psa.json names the calibration"
run_cjmsim psa known.lua --calibrated prod/calibration.json --draws 10 --out psa_bad
is "$RC:$ERR" '2:cjmsim: --calibrated prod/calibration.json: the file has no "covariance" of its "params" (a calibration.json whose fit is inside the ranges and tells the parameters apart has one)' \
    "a calibration without a covariance cannot be drawn from"
[ ! -e psa_bad ]
ok $? "and nothing is written"

# ---- bad targets ------------------------------------------------------------
bad_target() { # bad_target LINE MESSAGE DESCRIPTION
    funnel 'target "ordered" { stage = "order", reached = 1000, of = 10000 }' "$1" >bad.lua
    run_cjmsim calibrate bad.lua --out bad
    is "$RC:$ERR" "3:cjmsim: bad.lua:14: $2" "$3"
}
bad_target 'target "x" { stage = "nowhere", reached = 5, of = 10 }' \
    "target \"x\": unknown stage 'nowhere' (stages: visit, cart, order, left)" "unknown stage"
bad_target 'target "x" { stage = "cart", reached = 1, of = 10, persona = "nobody" }' \
    "target \"x\": unknown persona 'nobody' (personas: everyone)" "unknown persona"
bad_target 'target "x" { buyers = 11, of = 10 }' 'target "x": buyers = 11 is more than of = 10' "K > N"
bad_target 'target "x" { buyers = -1, of = 10 }' 'target "x": buyers must not be negative, got -1' "negative"
bad_target 'target "x" { buyers = 2.5, of = 10 }' \
    'target "x": buyers must be a whole number (a count of customers), got 2.5' "not a whole number"
bad_target 'target "x" { buyers = 1, of = 10, by_day = 0 }' 'target "x": by_day must be a day from 1 on, got 0' "by_day 0"
bad_target 'target "x" { buyers = 1, of = 10, by_day = 61 }' \
    "target \"x\": by_day = 61 is past the scenario's last day (days = 60)" "by_day past the last day"
bad_target 'target "x" { buyers = 1, repeat_buyers = 1, of = 10 }' \
    'target "x": give one of reached, buyers, repeat_buyers and repeat_buyers_in_window, not both buyers and repeat_buyers' "two counts"
bad_target 'target "x" { of = 10 }' \
    'target "x": say what was counted: reached = K (with stage), buyers = K, repeat_buyers = K or repeat_buyers_in_window = K' "no count"
bad_target 'target "x" { stage = "cart", buyers = 1, of = 10 }' 'target "x": stage goes with reached, not with buyers' "stage without reached"
bad_target 'target "x" { reached = 1, of = 10 }' 'target "x": reached needs stage = "name": the stage they reached' "reached without stage"
bad_target 'target "x" { buyers = 1 }' 'target "x": of = N is missing: how many customers the count is out of' "no of"
bad_target 'target "x" { buyers = 1, of = 0 }' 'target "x": of must be at least 1' "of = 0"
bad_target 'target "x" { stage = "cart", reached = 1, of = 10, bday = 3 }' \
    "target \"x\": unknown key 'bday' (did you mean 'by_day'?); known keys: stage, reached, buyers, repeat_buyers, repeat_buyers_in_window, of, by_day, persona" "unknown key"
bad_target 'target "ordered" { buyers = 1, of = 10 }' 'target "ordered" is declared twice: first at bad.lua:13' "duplicate name"
bad_target 'target "x" { repeat_buyers_in_window = 1, of = 10 }' \
    "target \"x\": repeat_buyers_in_window needs the scenario's repeat window: scenario { repeat_window = 90 } (the most days from the first purchase to the second)" \
    "repeat_buyers_in_window without the scenario's repeat_window"
run_cjmsim check bad.lua
is "$RC" 3 "check finds bad targets too"
is "$(ls -d bad* 2>/dev/null)" "bad.lua" "nothing written on a bad target"

# ---- bad requests -----------------------------------------------------------
run_cjmsim calibrate known.lua --fit p_a,nope --out nope
is "$RC:$ERR" "2:cjmsim: --fit: unknown parameter 'nope' (the scenario declares: p_a, p_b, leave)" "an unknown --fit name"
run_cjmsim calibrate known.lua --fit leave --out nope
is "$RC:$ERR" "2:cjmsim: --fit leave: the parameter has no low and high to search between (known.lua:4: declare it with low = ..., high = ...)" \
    "a parameter without low and high"
run_cjmsim calibrate known.lua --set p_a=0.05 --out nope
is "$RC" 2 "a fitted parameter also --set"
funnel >none.lua
run_cjmsim calibrate none.lua --out nope
is "$RC:$ERR" "3:cjmsim: none.lua declares no targets: calibrate fits parameters to observed counts, e.g. target \"ordered\" { stage = \"order\", reached = 600, of = 10000 }" \
    "no targets"
run_cjmsim run known.lua --fit p_a --out nope
is "$RC:$ERR" "2:cjmsim: --fit belongs to cjmsim calibrate (see cjmsim help calibrate)" "--fit is calibrate's"
[ ! -e nope ]
ok $? "nothing written on a bad request"

run_cjmsim help calibrate
like "$OUT" "^Usage: cjmsim calibrate SCENARIO.lua \[--fit NAME,...\]" "help calibrate"

done_testing
