#!/usr/bin/env bash
# Targets by day on any stage and repeat_buyers_in_window targets. A journey
# whose middle stage 'cart' is entered again and again (cart -> visit ->
# cart), with two personas and a repeat window of 10 days, is carried day by
# day in a few lines of python (journey.py below: the first entry into
# 'cart' and the second purchase within the window, by day). run --exact
# gives those shares to 1e-9, for a cohort and for arrivals day by day (a
# customer arriving on day a who first enters 'cart' on day t counts by day
# t); sampled runs lie within 5 binomial standard errors and do not depend
# on --threads; the console, check and the report show the targets;
# calibrate recovers known parameters from them, exact and sampled; bad
# targets are exit 3 with file:line and nothing written.
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1

scenario() { # scenario SCENARIO-KEYS TARGET-LINES...
    cat <<LUA
scenario { name = "Targets by day", days = 40, $1 }
local a = param "p_a" { 0.05, low = 0.01, high = 0.3 }
local r = param "p_r" { 0.05, low = 0.01, high = 0.3 }
persona "new" { share = 0.6 }
persona "loyal" { share = 0.4 }
stage "visit" { entry = true }
stage "cart" { }
stage "order" { purchase = true, value = 100 }
stage "home" { }
stage "left" { terminal = true }
transition("visit", "cart", { new = a, loyal = 2 * a })
transition("visit", "left", 0.1)
transition("cart", "order", 0.2)
transition("cart", "visit", 0.1)
transition("order", "home", 1)
transition("home", "order", r)
LUA
    shift
    printf '%s\n' "$@"
}
TARGETS=('target "cart_12" { stage = "cart", reached = 3000, of = 10000, by_day = 12 }'
    'target "cart_5_loyal" { stage = "cart", reached = 2000, of = 10000, by_day = 5, persona = "loyal" }'
    'target "again_10" { repeat_buyers_in_window = 900, of = 10000 }'
    'target "again_10_by_20" { repeat_buyers_in_window = 500, of = 10000, by_day = 20, persona = "new" }')
scenario 'customers = 20000, repeat_window = 10' "${TARGETS[@]}" >cohort.lua
scenario 'arrivals = 500, repeat_window = 10' "${TARGETS[@]}" >calendar.lua

cat >journey.py <<'PY'
import json, math, re, sys

def chances(stage, persona, a, r):
    return {"visit": {"cart": a if persona == "new" else 2 * a, "left": 0.1},
            "cart": {"order": 0.2, "visit": 0.1},
            "order": {"home": 1.0}, "home": {"order": r}, "left": {}}[stage]

def by_day(persona, a, r, days=40, window=10):
    """Per day: the chance of entering 'cart' for the first time, and of a
    second purchase at most `window` days after the first."""
    cart, second = [0.0] * (days + 1), [0.0] * (days + 1)
    state = {("visit", 0, None, False): 1.0}  # stage, purchases, days since the first, been in cart
    for d in range(1, days + 1):
        nxt = {}
        for (stage, k, since, seen), m in state.items():
            since = None if since is None else min(since + 1, window + 1)
            out = chances(stage, persona, a, r)
            moves = [(stage, 1 - sum(out.values()))] + list(out.items())
            for i, (to, p) in enumerate(moves):
                kk, ss, sn = k, since, seen
                if i > 0 and to == "cart" and not seen:
                    cart[d] += m * p
                    sn = True
                if i > 0 and to == "order":
                    kk, ss = min(k + 1, 2), 0 if k == 0 else since
                    if k == 1 and since <= window:
                        second[d] += m * p
                key = (to, kk, None if kk == 2 else ss, sn)
                nxt[key] = nxt.get(key, 0.0) + m * p
        state = nxt
    return cart, second

SHARES = {"new": 0.6, "loyal": 0.4}

def share(what, a=0.05, r=0.05, calendar=False, days=40):
    """The share a target's 'what' counts, arrivals day by day or a cohort."""
    kind = 0 if what.startswith("reached") else 1
    m = re.search(r"by day (\d+)", what)
    last = int(m.group(1)) if m else days
    m = re.search(r"\((\w+)\)", what)
    personas = [m.group(1)] if m else list(SHARES)
    total = 0
    for p in personas:
        per_day = by_day(p, a, r)[kind]
        cohort = lambda D: sum(per_day[:D + 1])
        s = sum(cohort(last - a0) for a0 in range(min(last, days - 1) + 1)) / days if calendar else cohort(last)
        total += s * (1 if m else SHARES[p])
    return total

def group_customers(summary, what):
    m = re.search(r"\((\w+)\)", what)
    v = summary["variants"][0]
    return v["personas"][m.group(1)]["customers"] if m else summary["customers"]
PY
export PYTHONPATH=$WORK

# ---- exact: a cohort and arrivals day by day --------------------------------
run_cjmsim run cohort.lua --exact --out ex
is "$RC" 0 "run --exact with targets by day on a middle stage and repeat window targets"
like "$OUT" "cart_12 +reached 'cart' by day 12 +3,000/10,000 +30\.0% +35\.8% +-12\.1  far off" \
    "run prints the target by day on a middle stage"
like "$OUT" "again_10_by_20 +bought again within 10 days by day 20 \(new\) +500/10,000 +5\.0% +6\.9% +-7\.4" \
    "and the repeat window target, by persona and by day"
exact_check() { # DIR CALENDAR
    python3 -c "
import json, math
from journey import share
d = json.load(open('$1/summary.json'))
ok = len(d['targets']) == 4
for t in d['targets']:
    p = share(t['what'], calendar=$2)
    ok = ok and abs(t['simulated'] - p) < 1e-9
    ok = ok and abs(t['z'] - (t['observed'] - t['of'] * p) / math.sqrt(t['of'] * p * (1 - p))) < 1e-6
print(ok)"
}
is "$(exact_check ex False)" True "summary.json: each target's exact share by day and z, by hand"
is "$(json ex/summary.json "[t['what'] for t in d['targets']]")" \
    "[\"reached 'cart' by day 12\", \"reached 'cart' by day 5 (loyal)\", 'bought again within 10 days', 'bought again within 10 days by day 20 (new)']" \
    "summary.json says what each target counts"
like "$(cat ex/report.html)" "bought again within 10 days by day 20 \(new\)" "the report's target table has them"
run_cjmsim run calendar.lua --exact --out cal
is "$RC:$(exact_check cal True)" "0:True" \
    "arrivals day by day: a customer arriving on day a who enters 'cart' on day t counts by day t (exact)"
run_cjmsim check cohort.lua
like "$OUT" "  again_10: bought again within 10 days, 900 of 10000 \(9\.0%\)" "check lists a repeat window target"

# ---- Monte Carlo ------------------------------------------------------------
mc_check() { # DIR CALENDAR: the largest |z| of the targets' simulated counts
    python3 -c "
import json, math
from journey import share, group_customers
d = json.load(open('$1/summary.json'))
zs = []
for t in d['targets']:
    p, n = share(t['what'], calendar=$2), group_customers(d, t['what'])
    zs.append(abs(t['simulated'] * n - n * p) / math.sqrt(n * p * (1 - p)))
print(len(zs) == 4 and max(zs) < 5 or zs)"
}
run_cjmsim run cohort.lua --out mc --threads 2 --quiet
is "$RC:$(mc_check mc False)" "0:True" "sampled: every target within 5 binomial standard errors of the exact share"
run_cjmsim run calendar.lua --out mccal --threads 2 --quiet
is "$RC:$(mc_check mccal True)" "0:True" "and with arrivals day by day"
run_cjmsim run calendar.lua --out mccal1 --threads 1 --quiet
is "$RC:$(json mccal1/summary.json "d['targets']")" "0:$(json mccal/summary.json "d['targets']")" \
    "the sampled targets are the same with --threads 1 and 2"

# ---- calibrate --------------------------------------------------------------
read -r KC KW < <(python3 -c "
from journey import share
print(round(1e6 * share(\"reached 'cart' by day 12\", 0.07, 0.04)), round(1e6 * share('bought again within 10 days', 0.07, 0.04)))")
scenario 'customers = 20000, repeat_window = 10' \
    "target \"cart_12\" { stage = \"cart\", reached = $KC, of = 1000000, by_day = 12 }" \
    "target \"again_10\" { repeat_buyers_in_window = $KW, of = 1000000 }" >known.lua
run_cjmsim calibrate known.lua --out fit --threads 2 --quiet
is "$RC" 0 "calibrate with a target by day on a middle stage and a repeat window target"
is "$(json fit/calibration.json "d['method'], all(abs(d['params'][n] - v) < 1e-3 * v for n, v in (('p_a', 0.07), ('p_r', 0.04)))")" \
    "('exact', True)" "recovers the known values (p_a = 0.07, p_r = 0.04) exactly"
is "$(json fit/calibration.json "all(lo < v < hi for (lo, hi), v in ((d['intervals']['p_a'], 0.07), (d['intervals']['p_r'], 0.04)))")" \
    True "each inside its interval"
run_cjmsim calibrate known.lua --monte-carlo --customers 20000 --fit p_r --set p_a=0.07 --out fitmc --quiet
is "$RC:$(json fitmc/calibration.json "d['method'], abs(d['params']['p_r'] - 0.04) < 0.15 * 0.04")" \
    "0:('monte-carlo', True)" "calibrate --monte-carlo fits the repeat window target near the known p_r"

# ---- bad targets ------------------------------------------------------------
bad() { # bad SCENARIO-KEYS TARGET-LINE MESSAGE DESCRIPTION
    scenario "$1" "$2" >bad.lua
    run_cjmsim run bad.lua --out badout
    is "$RC:$ERR" "3:cjmsim: bad.lua:17: $3" "$4"
}
bad 'customers = 100' 'target "w" { repeat_buyers_in_window = 5, of = 100 }' \
    "target \"w\": repeat_buyers_in_window needs the scenario's repeat window: scenario { repeat_window = 90 } (the most days from the first purchase to the second)" \
    "repeat_buyers_in_window without repeat_window"
bad 'customers = 100, repeat_window = 10' 'target "w" { stage = "order", repeat_buyers_in_window = 5, of = 100 }' \
    'target "w": stage goes with reached, not with repeat_buyers_in_window' "a stage with repeat_buyers_in_window"
bad 'customers = 100, repeat_window = 10' 'target "w" { repeat_buyers = 5, repeat_buyers_in_window = 5, of = 100 }' \
    'target "w": give one of reached, buyers, repeat_buyers and repeat_buyers_in_window, not both repeat_buyers and repeat_buyers_in_window' \
    "repeat_buyers and repeat_buyers_in_window together"
bad 'customers = 100, repeat_window = 10' 'target "w" { repeat_buyers_in_window = 5, of = 100, by_day = 41 }' \
    "target \"w\": by_day = 41 is past the scenario's last day (days = 40)" "by_day past the last day"
bad 'customers = 100, repeat_window = 10' 'target "w" { repeat_buyers_in_window = 101, of = 100 }' \
    'target "w": repeat_buyers_in_window = 101 is more than of = 100' "K > N"
absent badout "nothing written on a bad target"

done_testing
