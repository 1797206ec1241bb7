#!/usr/bin/env bash
# Calendar time: customers arriving day by day (scenario arrivals, --arrivals),
# the day's own arrivals, purchases, revenue and cost in daily.csv, and
# repeat_buyers_in_window (scenario repeat_window). Arrivals are checked to
# the customer: ⌊A(d)⌋ − ⌊A(d − 1)⌋ a day, every persona's running count
# within 1 of its share on every day. The figures are compared with exact
# probabilities (tests/e2e/exact_journey.py: a customer arriving on day a is
# a cohort of days − a days, and the cohorts add up): sampled runs within 5
# standard errors, run --exact to 1e-9. Bad arrivals fail with exact texts.
source "$(dirname "$0")/lib.sh"

S="$SCENARIOS/calendar.lua"
cd "$WORK" || exit 1

py() { python3 -c "import csv, json, math, sys; sys.path.insert(0, '$TESTS_DIR/e2e')
$1" "${@:2}"; }

# --- arrivals: counts per day and per persona -------------------------------
run_cjmsim run "$S" --out "$WORK/num" --quiet
is "$RC" 0 "a scenario with arrivals = 37.5 runs"
cat >"$WORK/fn.lua" <<'LUA'
scenario { name = "Arrivals by function", days = 40, seed = 3,
           arrivals = function(day) return day < 10 and 12.25 or (day % 7 == 0 and 0 or 31.7) end }
persona "x" { share = 0.46 }
persona "y" { share = 0.33 }
persona "z" { share = 0.21 }
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 9.5 }
transition("visit", "buy", 0.1)
LUA
run_cjmsim run "$WORK/fn.lua" --out "$WORK/fn" --quiet
is "$RC" 0 "a scenario with an arrivals function runs"

check_arrivals() { # DIR DAYS SHARES A(d)-AS-PYTHON
    py '
rows = [r for r in csv.DictReader(open(sys.argv[1] + "/daily.csv")) if r["variant"] == "baseline"]
days, shares = int(sys.argv[2]), eval(sys.argv[3])
A = eval("lambda d: " + sys.argv[4])
d = json.load(open(sys.argv[1] + "/summary.json"))
names = list(shares)
per = {(r["persona"], int(r["day"])): int(r["arrivals"]) for r in rows}
bad = []
run = {p: 0 for p in names}
for day in range(days + 1):
    total = math.floor(A(day)) if day < days else math.floor(A(days - 1))
    today = sum(per[(p, day)] for p in names)
    want = total - (math.floor(A(day - 1)) if 0 < day < days else 0 if day == 0 else total)
    if today != want or per[("all", day)] != today:
        bad.append(("day", day, today, want))
    for p in names:
        run[p] += per[(p, day)]
        if abs(run[p] - shares[p] * total) >= 1:
            bad.append(("quota", day, p, run[p], shares[p] * total))
if d["customers"] != math.floor(A(days - 1)) or any(d["variants"][0]["personas"][p]["customers"] != run[p] for p in names):
    bad.append("customers")
print(bad or "ok")' "$@"
}
is "$(check_arrivals "$WORK/num" 60 '{"a": .5, "b": .3, "c": .2}' '37.5 * (d + 1)')" "ok" \
    "arrivals = 37.5: ⌊A(d)⌋ − ⌊A(d − 1)⌋ a day, every persona within 1 of its share every day, customers counts them"
is "$(check_arrivals "$WORK/fn" 40 '{"x": .46, "y": .33, "z": .21}' \
    'sum(12.25 if i < 10 else 0 if i % 7 == 0 else 31.7 for i in range(d + 1))')" "ok" \
    "an arrivals function: the same, with days of no arrivals"
run_cjmsim run "$WORK/fn.lua" --out "$WORK/fn-arr" --quiet --arrivals 7 --days 20
is "$(check_arrivals "$WORK/fn-arr" 20 '{"x": .46, "y": .33, "z": .21}' '7 * (d + 1)')" "ok" \
    "--arrivals 7 replaces the function"
run_cjmsim run "$SCENARIOS/minimal.lua" --out "$WORK/min-arr" --quiet --arrivals 50 --days 30
is "$(json "$WORK/min-arr/summary.json" 'd["customers"]')" "1500" "--arrivals turns a cohort scenario into calendar time"
is "$(py 'rows = list(csv.DictReader(open(sys.argv[1])))
print(all(float(r["revenue"]) == 9.5 * int(r["purchases"]) and r["cost"] == "0" for r in rows))' "$WORK/fn/daily.csv")" \
    "True" "daily.csv: revenue is the day's purchases times the order value"

# --- a cohort run gets the new columns too ----------------------------------
run_cjmsim run "$SCENARIOS/minimal.lua" --out "$WORK/cohort" --quiet
is "$(py 'd = json.load(open(sys.argv[2]))
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["persona"] == "all" and r["variant"] == "baseline"]
v = d["variants"][0]
print([int(r["arrivals"]) for r in rows[:2]] == [d["customers"], 0],
      sum(int(r["purchases"]) for r in rows) == v["purchases"],
      abs(sum(float(r["revenue"]) for r in rows) - v["revenue"]) < 1e-6 * (1 + v["revenue"]))' \
    "$WORK/cohort/daily.csv" "$WORK/cohort/summary.json")" "True True True" \
    "a cohort: everybody arrives on day 0; the days' purchases and revenue add up to the totals"

# --- sampled and exact runs against the exact journey ------------------------
run_cjmsim run "$S" --arrivals 400 --out "$WORK/mc" --quiet --threads 2
is "$RC" 0 "24,000 customers over 60 days run"
run_cjmsim run "$S" --arrivals 400 --out "$WORK/ex" --quiet --exact
is "$RC" 0 "the same with --exact runs"
lines=$(py '
from exact_journey import Journey, calendar
mc, ex = sys.argv[1], sys.argv[2]
DAYS, W = 60, 10
BUY = {"a": 0.05, "b": 0.08, "c": 0.1}
def journey(p, remind):
    j = Journey("visit", DAYS)
    for s in ("visit", "use", "gone"): j.stage(s)
    j.stage("buy", purchase=True)
    j.edge("visit", "buy", BUY[p]); j.edge("visit", "gone", 0.1); j.edge("buy", "use", 1)
    j.edge("use", "buy", 0.06 * (1.5 if remind else 1)); j.edge("use", "gone", 0.03)
    return j
def load(path):
    rows = list(csv.DictReader(open(path + "/daily.csv")))
    return {(r["variant"], r["persona"], int(r["day"])): r for r in rows}, json.load(open(path + "/summary.json"))
out = []
for path, exact in ((mc, False), (ex, True)):
    rows, d = load(path)
    worst, n = 0.0, 0
    for vi, v in enumerate(("baseline", "remind")):
        vj = d["variants"][vi]
        day_mean = {k: [0.0] * (DAYS + 1) for k in ("purchases", "reach")}
        day_var = {k: [0.0] * (DAYS + 1) for k in ("purchases", "reach")}
        for p in BUY:
            arr = [int(rows[(v, p, a)]["arrivals"]) for a in range(DAYS)]
            cur = journey(p, v == "remind").curves(window=W, stage="use")
            cal = calendar(cur, arr, DAYS)
            for k in day_mean:
                for t in range(DAYS + 1):
                    day_mean[k][t] += cal[k][0][t]; day_var[k][t] += cal[k][1][t]
            for key, curve in (("buyers", "first"), ("repeat_buyers", "second"), ("repeat_buyers_in_window", "window")):
                mean = var = 0.0
                for a, na in enumerate(arr):
                    q = sum(cur[curve][:DAYS - a + 1])
                    mean += na * q; var += na * q * (1 - q)
                got = vj["personas"][p][key]
                if exact:
                    worst = max(worst, abs(got - mean) / max(1, mean))
                else:
                    worst = max(worst, abs(got - mean) / math.sqrt(var)); n += 1
            if exact:  # lifetime value: payments at age s discounted by 1.5^(-s/365)
                rev = cost = 0.0
                for a, na in enumerate(arr):
                    for s_ in range(DAYS - a + 1):
                        f = 1.5 ** (-s_ / 365)
                        rev += na * 20 * cur["purchases"][s_] * f
                        cost += na * (0.5 * cur["reach"][s_] * f if v == "remind" else 0)
                np_ = sum(arr)
                for key, want in (("clv_revenue", rev / np_), ("clv_profit", (0.4 * rev - cost) / np_)):
                    worst = max(worst, abs(vj["personas"][p][key] - want) / max(1, abs(want)))
        for t in range(DAYS + 1):
            r = rows[(v, "all", t)]
            pairs = [(float(r["purchases"]), "purchases"), (float(r["revenue"]) / 20, "purchases")]
            if v == "remind":
                pairs.append((float(r["cost"]) / 0.5, "reach"))
            elif float(r["cost"]) != 0:
                worst = 99
            for got, k in pairs:
                m, s = day_mean[k][t], math.sqrt(day_var[k][t])
                if exact:
                    worst = max(worst, abs(got - m) / max(1, m))
                elif s > 0:
                    worst = max(worst, abs(got - m) / s); n += 1
                elif got != m:
                    worst = 99
    out.append("%s %s" % ("exact" if exact else "mc", "ok" if worst < (1e-9 if exact else 5) else "worst %g" % worst))
print("\n".join(out))' "$WORK/mc" "$WORK/ex")
is "$(sed -n 1p <<<"$lines")" "mc ok" \
    "sampled: buyers, repeat buyers, repeat_buyers_in_window per persona, and each day's purchases, revenue and cost within 5 standard errors of the sum of shifted cohorts"
is "$(sed -n 2p <<<"$lines")" "exact ok" "--exact: the same figures to 1e-9, and clv_revenue and clv_profit per persona"
is "$(json "$WORK/mc/summary.json" 'sorted(k for k in d["variants"][1]["uplift"] if "window" in k)')" \
    "['repeat_buyers_in_window']" "the uplift object holds repeat_buyers_in_window"
is "$(json "$WORK/mc/summary.json" '(lambda u: u["ci95"][0] < u["diff"] < u["ci95"][1])(d["variants"][1]["uplift"]["repeat_buyers_in_window"])')" \
    "True" "with an interval around it"
is "$(json "$WORK/mc/summary.json" 'd["variants"][1]["uplift"]["repeat_buyers_in_window"]["diff"] == (d["variants"][1]["repeat_buyers_in_window"] - d["variants"][0]["repeat_buyers_in_window"]) / d["customers"]')" \
    "True" "its diff is the difference of the shares (paired 0/1 counters)"
run_cjmsim run "$SCENARIOS/minimal.lua" --out "$WORK/nowin" --quiet
is "$(json "$WORK/nowin/summary.json" '"repeat_buyers_in_window" in d["variants"][0]')" "False" \
    "without repeat_window, no repeat_buyers_in_window"

# --- lifetime value -----------------------------------------------------------
# A journey without chance: arriving on day a, a customer buys on days a + 1,
# a + 3, … and uses the perk on days a + 2, a + 4, …, so every discounted sum
# is known to the hundredth.
cat >"$WORK/clv.lua" <<'LUA'
scenario { name = "CLV", days = 30, seed = 1, arrivals = 10, discount_rate = 0.2, margin = 0.5 }
persona "p" { share = 1 }
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 20 }
stage "use" { }
transition("visit", "buy", 1)
transition("buy", "use", 1)
transition("use", "buy", 1)
intervention "perk" { at = "use", cost_per_customer = 3, cost_per_use = 0.5 }
LUA
run_cjmsim run "$WORK/clv.lua" --out "$WORK/clv" --quiet
is "$RC" 0 "a scenario with discount_rate runs"
is "$(py 'd = json.load(open(sys.argv[1]))
cents = lambda x: math.floor(100 * x + 0.5)
disc = lambda s: 1.2 ** (-s / 365)
rev = cost = 0
for a in range(30):
    r = c = 0.0  # one customer arriving on day a, its payments in order
    for s in range(1, 31 - a):
        if s % 2: r += 20 * disc(s)
        else: c += (0.5 + (3 if s == 2 else 0)) * disc(s)
    rev += 10 * cents(r)
    cost += 10 * cents(c)
n = 300
base, perk = d["variants"]
want = [rev / 100 / n, 0.5 * rev / 100 / n, rev / 100 / n, (0.5 * rev - cost) / 100 / n]
got = [base["clv_revenue"], base["clv_profit"], perk["clv_revenue"], perk["clv_profit"]]
up = perk["uplift"]
print(all(abs(g - w) < 1e-9 for g, w in zip(got, want)), base["clv_revenue"] < base["revenue"] / n,
      abs(up["clv_profit"]["diff"] + cost / 100 / n) < 1e-9, up["clv_revenue"]["diff"] == 0,
      base["personas"]["p"]["clv_profit"] == base["clv_profit"])' "$WORK/clv/summary.json")" \
    "True True True True True" \
    "clv_revenue and clv_profit: each purchase and cost discounted by 1.2^(-t/365) from the arrival day, a customer's sum rounded to a hundredth; the uplift of the profit is the discounted cost"
sed 's/discount_rate = 0.2/discount_rate = 0/' "$WORK/clv.lua" >"$WORK/clv0.lua"
run_cjmsim run "$WORK/clv0.lua" --out "$WORK/clv0" --quiet
is "$(json "$WORK/clv0/summary.json" '[round(v["clv_revenue"] * v["customers"], 6) == v["revenue"] for v in d["variants"]]')" \
    "[True, True]" "discount_rate = 0: the lifetime revenue is the revenue per customer"
run_cjmsim run "$WORK/clv.lua" --out "$WORK/clv-exact" --quiet --exact
is "$(py 'd = json.load(open(sys.argv[1]))
disc = lambda s: 1.2 ** (-s / 365)
rev = sum(10 * 20 * disc(s) for a in range(30) for s in range(1, 31 - a) if s % 2)
cost = sum(10 * (0.5 + (3 if s == 2 else 0)) * disc(s) for a in range(30) for s in range(1, 31 - a) if s % 2 == 0)
base, perk = d["variants"]
print(abs(base["clv_revenue"] - rev / 300) < 1e-9, abs(perk["clv_profit"] - (0.5 * rev - cost) / 300) < 1e-9)' \
    "$WORK/clv-exact/summary.json")" "True True" "--exact: the lifetime values to 1e-9, not rounded"
is "$(json "$WORK/num/summary.json" '"clv_revenue" in d["variants"][0] and "clv_revenue" in d["variants"][1]["uplift"]')" \
    "True" "summary.json's variants and their uplift hold clv_revenue"
run_cjmsim run "$SCENARIOS/minimal.lua" --out "$WORK/noclv" --quiet
is "$(json "$WORK/noclv/summary.json" '"clv_revenue" in d["variants"][0]')" "False" "without discount_rate, no lifetime value"

# --- month by month ----------------------------------------------------------
is "$(py 'd = json.load(open(sys.argv[1] + "/summary.json"))
rows = [list(map(float, l.split())) for l in open(sys.argv[1] + "/plots/monthly.dat") if not l.startswith("#")]
ok = [int(r[0]) for r in rows] == [1, 2]
for v, var in enumerate(d["variants"]):
    ok &= abs(sum(r[1 + 2 * v] for r in rows) - var["revenue"]) < 1e-3 * (1 + var["revenue"])
    ok &= sum(r[2 + 2 * v] for r in rows) == var["repeat_buyers"]
daily = [r for r in csv.DictReader(open(sys.argv[1] + "/daily.csv")) if r["persona"] == "all" and r["variant"] == "baseline"]
ok &= abs(sum(float(r["revenue"]) for r in daily if 31 <= int(r["day"]) <= 60) - rows[1][1]) < 1e-6 * (1 + rows[1][1])
print(ok)' "$WORK/mc")" "True" \
    "plots/monthly.dat: months 1 (days 0-30) and 2 (days 31-60) add up to the revenue and repeat buyers; month 2 is days 31-60 of daily.csv"
like "$(cat "$WORK/mc/report.html")" "<h2>Month by month</h2>" "the report has a month-by-month table"
ok "$([ -s "$WORK/mc/plots/monthly.svg" ] || ! command -v gnuplot >/dev/null; echo $?)" "the monthly chart is drawn"
is "$(json "$WORK/mc/manifest.json" '"plots/monthly.svg" in str(d)')" "True" "and listed in the manifest"
run_cjmsim run "$S" --arrivals 400 --out "$WORK/loud" --threads 2
like "$OUT" "The last month \(month 2, days 31-60\) beside the whole run" "the console shows the last month"
like "$OUT" "remind +[0-9,]+ +[0-9,]+ +[0-9,]+ +[0-9,]+" "with revenue and repeat buyers beside the run's"
ok "$([ ! -e "$WORK/cohort/plots/monthly.dat" ]; echo $?)" "a cohort run draws no monthly chart"

# --- the examples say what they show -------------------------------------------
EX=$(cd "$TESTS_DIR/../scripts" && pwd)
run_cjmsim run "$EX/lesson5_calendar.lua" --exact --out "$WORK/l5" --quiet
is "$(py 'rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if not l.startswith("#")]
b, l = [r[1] for r in rows], [r[3] for r in rows]
print(len(rows), abs(b[11] / 150000 - 1) < 0.002, abs(l[11] / 187500 - 1) < 0.002, b[0] < 0.6 * 150000,
      l[0] / b[0] < 1.1 < 1.2 < l[11] / b[11], all(x < y for x, y in zip(b, b[1:])))' "$WORK/l5/plots/monthly.dat")" \
    "12 True True True True True" \
    "lesson 5: revenue climbs every month to 150,000 (loyalty 187,500); month 1 is far below and the gap widens"
run_cjmsim run "$EX/sport_nutrition_calendar.lua" --out "$WORK/snc" --quiet --variants order_notifications
is "$(json "$WORK/snc/summary.json" 'd["customers"]')" "120850" "sport_nutrition_calendar: 120,850 arrivals, as its comment says"

# --- the same bytes whatever the threads -------------------------------------
run_cjmsim run "$S" --arrivals 400 --out "$WORK/t1" --quiet --threads 1
run_cjmsim run "$S" --arrivals 400 --out "$WORK/t3" --quiet --threads 3
same=0
for f in summary.json funnel.csv transitions.csv daily.csv; do
    cmp -s "$WORK/t1/$f" "$WORK/mc/$f" && cmp -s "$WORK/t1/$f" "$WORK/t3/$f" || same=1
done
ok "$same" "--threads 1, 2 and 3 write the same bytes"
if [ -n "${CJMSIM_MPI:-}" ] && [ -x "${CJMSIM_MPI:-}" ] && command -v mpirun >/dev/null; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
    mpirun --oversubscribe -n 2 "$CJMSIM_MPI" run "$S" --arrivals 400 --out "$WORK/mpi" --quiet --threads 1 \
        >/dev/null 2>&1
    same=0
    for f in summary.json funnel.csv transitions.csv daily.csv; do cmp -s "$WORK/t1/$f" "$WORK/mpi/$f" || same=1; done
    ok "$same" "2 MPI ranks write the same bytes"
else
    skip 1 "Open MPI or cjmsim-mpi is not available"
fi

# --- bad arrivals -------------------------------------------------------------
bad() { # LUA-SCENARIO-LINE EXPECTED-MESSAGE DESCRIPTION [OPTIONS...]
    printf '%s\npersona "p" { share = 1 }\nstage "a" { entry = true }\n' "$1" >"$WORK/bad.lua"
    run_cjmsim run "$WORK/bad.lua" --out "$WORK/bad" --quiet "${@:4}"
    is "$RC $ERR" "3 cjmsim: $WORK/bad.lua:$2" "$3"
    ok "$([ -e "$WORK/bad" ] && echo 1 || echo 0)" "$3: nothing written"
}
bad 'scenario { days = 9, arrivals = -1 }' "1: scenario: arrivals = -1 is out of range: it must be from 0 to 1e+12" "a negative number"
bad 'scenario { days = 9, arrivals = 0/0 }' "1: scenario: arrivals is not a number (NaN); check for 0/0" "NaN"
bad 'scenario { days = 9, arrivals = 1/0 }' "1: scenario: arrivals = inf is out of range: it must be from 0 to 1e+12" "infinity"
bad 'scenario { days = 9, arrivals = "many" }' "1: scenario: arrivals must be a number of customers a day or a function(day), not a string" "a string"
bad 'scenario { days = 9, customers = 10, arrivals = 5 }' "1: scenario: give either customers (one cohort on day 0) or arrivals (customers arriving each day), not both" "customers and arrivals together"
bad 'scenario { days = 9, arrivals = 0 }' "1: arrivals: nobody arrives in 9 days" "nobody arrives"
bad 'scenario { days = 9, arrivals = 2e11 }' "1: arrivals add up to 1200000000000 customers by day 5, more than the limit of 1000000000000" "beyond the limit, on the day it is passed"
bad 'scenario { days = 9,
  arrivals = function(day) return 10 - day * 2 end }' "2: the arrivals function returned -2 for day 6: arrivals are a finite number of customers, 0 or more" "a function going negative names the day"
bad 'scenario { days = 9,
  arrivals = function(day) return day < 5 and 1 or 1e12 end }' "2: arrivals add up to 1000000000005 customers by day 5, more than the limit of 1000000000000" "a function passing the limit"
bad 'scenario { days = 9,
  arrivals = function(day) return day == 3 and "x" or 1 end }' "2: the arrivals function returned a string for day 3, not a number" "a function returning a string"
bad 'scenario { days = 9,
  arrivals = function(day) return day < 4 and 1 or 0/0 end }' "2: the arrivals function returned NaN (not a number) for day 4; check for 0/0" "a function returning NaN"
bad 'scenario { days = 9,
  arrivals = function(day) if day == 2 then error("no data") end return 1 end }' "2: no data (in arrivals, for day 2)" "a function that fails"
run_cjmsim run "$S" --customers 100 --out "$WORK/bad" --quiet
is "$RC $ERR" "2 cjmsim: --customers counts one cohort on day 0; with arrivals, customers arrive each day: give --arrivals N (a day) instead" \
    "--customers with arrivals is a usage error"
run_cjmsim run "$S" --arrivals 100000000000 --out "$WORK/bad" --quiet
is "$RC $ERR" "2 cjmsim: --arrivals 100000000000: 1100000000000 customers by day 10, more than the limit of 1000000000000" \
    "--arrivals beyond the limit is a usage error naming the day"
run_cjmsim check "$S" --arrivals 5
is "$RC" 2 "check takes no --arrivals"

done_testing
