#!/usr/bin/env bash
# cjmsim fit: a scenario estimated from an event log or path data. Logs are
# simulated from known daily probabilities (gen_events.py); the fit must
# recover them within its 95% intervals as often as a 95% interval should,
# switch to probabilities by day in the stage for a fixed delivery time and
# only then, estimate personas apart, read path data, and stop on bad data
# with FILE:LINE:FIELD, exit status 3 and nothing written.
source "$(dirname "$0")/lib.sh"

GEN="$TESTS_DIR/e2e/gen_events.py"
EXAMPLE=$(cd "$TESTS_DIR/../scripts" && pwd)/events_shop.csv
cd "$WORK" || exit 1

# params FILE: the fitted parameters as JSON {name: [default, low, high]}.
params() {
    python3 - "$1" <<'PY'
import json, re, sys
out = {}
for m in re.finditer(r'param "([^"]+)" \{ ([^,]+), low = ([^,]+), high = ([^,]+),',
                     open(sys.argv[1]).read()):
    out[m.group(1)] = [float(m.group(2)), float(m.group(3)), float(m.group(4))]
print(json.dumps(out))
PY
}

# --- the command line ---
run_cjmsim help fit
is "$RC" 0 "help fit exits 0"
like "$OUT" "--purchase STAGE" "help fit describes --purchase"
fit_help=$OUT
run_cjmsim fit --help
is "$OUT" "$fit_help" "fit --help prints the same"
manual=$(sed 's/\\-/-/g' "$TESTS_DIR/../docs/cjmsim.1")
for opt in $(printf '%s\n' "$fit_help" | grep -Eo '^  --[a-z-]+' | sort -u); do
    like "$manual" "^\\.BI? $opt( |$)" "the manual documents fit's $opt"
done
run_cjmsim --help
like "$OUT" "^  fit +write a scenario estimated" "--help lists fit"
run_cjmsim fit "$EXAMPLE"
is "$RC" 2 "fit without --out is a command-line error"
like "$ERR" "fit needs --out" "  and says so"
run_cjmsim fit "$EXAMPLE" --out x.lua --bogus
is "$RC" 2 "an unknown option is a command-line error"
run_cjmsim fit "$EXAMPLE" --out x.lua --purchase nosuch
is "$RC" 2 "--purchase of a stage the log lacks is a command-line error"
like "$ERR" "has no stage 'nosuch'; its stages are ads, " "  and lists the stages"
absent x.lua "  and writes nothing"

# --- the shipped example: a shop with personas, a 3-day delivery, amounts ---
python3 "$GEN" --model shop --seed 7 --customers 2000 --days 120 --arrivals 30 \
    --dates 2024-01-01 --out regenerated.csv --truth truth.json
cmp -s regenerated.csv "$EXAMPLE"
ok $? "scripts/events_shop.csv is what gen_events.py writes (seed 7)"
run_cjmsim fit "$EXAMPLE" --days 120 --out unmarked.lua
is "$ERR" "cjmsim: note: rows of stage 'order' carry amounts, but it is not a purchase stage; --purchase order would make it one, worth their mean" \
    "without --purchase, a note points at the stage with amounts"
run_cjmsim fit "$EXAMPLE" --purchase order --days 120 --out shop.lua
is "$RC" 0 "fit the example log"
is "$ERR" "" "  silently"
like "$OUT" "Wrote shop.lua: 7 stages, 9 transitions \(1 by day in the stage\), 16 parameters" \
    "  prints what it wrote"
S=$(cat shop.lua)
like "$S" 'stage "order" \{ purchase = true, value = 39\.[0-9]+ \}' \
    "order is a purchase stage worth the mean amount (uniform 20..60)"
like "$S" 'stage "lost" \{ terminal = true \}' "lost, which nobody leaves, is terminal"
like "$S" 'stage "churned" \{ terminal = true \}' "churned is terminal"
like "$S" 'stage "ads" \{ entry = true \}' "ads, where every customer starts, is the entry"
like "$S" 'local h_order_delivered = \{
  athlete = \{ 0, 0, 1 \},
  beginner = \{ 0, 0, 1 \},
\}' "the 3-day delivery is fitted by day in the stage, per persona"
like "$S" 'customers = 2000, days = 120' "customers and days are the log's"
like "$S" 'persona "beginner" \{ share = 1213 / 2000 \}' "shares are the personas' counts"
params shop.lua >fitted.json
is "$(py '
t = json.load(open(sys.argv[1])); f = json.load(open(sys.argv[2]))
bad, n = [], 0
for edge, p in t.items():
    a, b = edge.split("->")
    for persona, v in (p.items() if isinstance(p, dict) else [(q, p) for q in ("athlete", "beginner")]):
        d, lo, hi = f["p_%s_%s_%s" % (a, b, persona)]
        n += 1
        z = (d - v) / ((hi - lo) / 3.92)  # the interval is 2 x 1.96 standard errors wide
        if abs(z) >= 5:
            bad.append("%s %s: %g, truth %g, z = %.1f" % (edge, persona, d, v, z))
print(n, bad)' truth.json fitted.json)" "16 []" "every fitted probability of the shop is within 5 standard errors of the truth"

# The fitted scenario runs, and reproduces the log's funnel: each stage
# reached by as many simulated customers as the log's within 5 binomial
# standard deviations (the log has arrivals over 30 days; the scenario
# starts everyone on day 0 and runs the whole 120 days, so compare the
# stages reached within the first days: ads and site, which customers
# leave within weeks).
run_cjmsim check shop.lua
is "$RC" 0 "the fitted scenario checks"
like "$OUT" "p_ads_site_athlete .*beta\\(569\\.5, 4631\\.5\\)" "  and declares its estimates as parameters with beta distributions"
run_cjmsim run shop.lua --customers 20000 --out shop_res --quiet
is "$RC" 0 "the fitted scenario runs"
is "$(py '
import collections
d = json.load(open(sys.argv[1]))["variants"][0]
first = {}
for r in csv.DictReader(open(sys.argv[2])):
    first.setdefault(r["customer"], []).append(r["stage"])
n = len(first)
p = sum("site" in s for s in first.values()) / n
got = d["reached"]["site"] / d["customers"]
sd = (p * (1 - p) / n + p * (1 - p) / d["customers"]) ** 0.5
print(abs(got - p) < 5 * sd)' shop_res/summary.json "$EXAMPLE")" True \
    "the simulated share reaching site matches the log's"
# psa or a sweep may push a stage's estimates above 1 in all: at_most_one
# scales them down, so the scenario still runs.
run_cjmsim run shop.lua --customers 1000 --out shop_set --quiet \
    --set p_ads_site_athlete=0.9 --set p_ads_lost_athlete=0.6
is "$RC" 0 "estimates set to sum above 1 are scaled down and the scenario runs"
is "$(json shop_set/summary.json '(lambda a: abs(a["site"] / a["ads"] - 0.6) < 5 * (0.24 / a["ads"]) ** 0.5)(d["variants"][0]["personas"]["athlete"]["reached"])')" \
    True "  athletes go on to site in 0.9 / (0.9 + 0.6) = 60% of cases"

# --- coverage: 200 logs of a known journey, with arrivals and censoring ---
python3 - "$TESTS_DIR/e2e" "$CJMSIM" <<'PY' >coverage.txt
import random, re, subprocess, sys
sys.path.insert(0, sys.argv[1])
import gen_events
cjmsim = sys.argv[2]
truth = {"p_a_b": 0.05, "p_a_x": 0.02, "p_b_c": 0.10}
inside = total = by_day = 0
model = gen_events.MODELS["simple"]
for seed in range(200):
    # as gen_events.py --model simple --seed SEED --customers 300 --days 40 --arrivals 20
    rng = random.Random(seed)
    rows = gen_events.simulate(model, rng, 300, 40, 20)
    with open("cov.csv", "w") as out:
        gen_events.write_log(model, rows, out, rng)
    subprocess.run([cjmsim, "fit", "cov.csv", "--days", "40", "--out", "cov.lua", "--force",
                    "--quiet"], check=True)
    text = open("cov.lua").read()
    by_day += text.count("days_in_stage, ")
    for name, p in truth.items():
        m = re.search(r'param "%s" \{ [^,]+, low = ([^,]+), high = ([^,]+),' % name, text)
        if not m:  # fitted by day in the stage (counted above)
            continue
        total += 1
        inside += float(m.group(1)) <= p <= float(m.group(2))
print(inside, total, by_day)
PY
read -r inside total by_day <coverage.txt
# 95% of the intervals should hold the truth: within 5 binomial standard
# deviations of 0.95 (the 600 intervals are nearly independent).
is "$(py '
i, n = int(sys.argv[1]), int(sys.argv[2])
sd = (0.95 * 0.05 / n) ** 0.5
print(abs(i / n - 0.95) < 5 * sd)' "$inside" "$total")" True \
    "the 95% intervals hold the true probability in $inside of $total cases"
# Geometric dwell everywhere: at p < 0.001, 400 tests flag about 0.4 stages.
ok $((by_day > 4)) "no geometric stage is fitted by day in the stage ($by_day in 400)"

# --- a fixed delivery time is not geometric; a geometric dwell is ---
python3 "$GEN" --model delivery --seed 3 --customers 400 --days 60 --out delivery.csv \
    --truth delivery_truth.json
run_cjmsim fit delivery.csv --days 60 --out delivery.lua --purchase order
is "$RC" 0 "fit a log with a 3-day delivery"
D=$(cat delivery.lua)
like "$D" 'local h_order_delivered = \{ 0, 0, 1 \}' "delivery: probability 1 on day 3, 0 before"
like "$D" 'transition\("order", "delivered", function\(c\) return h_order_delivered\[math.min\(c.days_in_stage, 3\)\] end\)' \
    "  as a function of c.days_in_stage"
like "$D" '-- order: the time spent before leaving is not geometric' "  and says why"
like "$D" 'local p_delivered_gone = param' "the geometric stage keeps a constant probability"
like "$D" '-- delivered: geometric time before leaving fits' "  and says the test passed"

# --- personas are estimated apart ---
python3 "$GEN" --model personas --seed 5 --customers 2000 --days 40 --out personas.csv
run_cjmsim fit personas.csv --days 40 --out personas.lua
is "$RC" 0 "fit a log with personas"
params personas.lua >personas.json
is "$(py '
f = json.load(open(sys.argv[1]))
slow, fast = f["p_a_b_slow"], f["p_a_b_fast"]
print(slow[1] <= 0.04 <= slow[2], fast[1] <= 0.12 <= fast[2], slow[2] < fast[1])' personas.json)" \
    "True True True" "slow and fast each hold their own truth (0.04, 0.12), apart"

# --- customers starting elsewhere, moves on the same day ---
printf 'customer,day,stage\nc1,0,a\nc1,0,b\nc2,0,a\nc3,1,b\nc3,4,a\n' >start.csv
run_cjmsim fit start.csv --out start.lua
is "$RC" 0 "fit a log whose customers start in different stages"
is "$ERR" "cjmsim: warning: 1 of 3 customers did not start in 'a', the most common first stage; the scenario starts everyone there (see the comment in start.lua)" \
    "  warns that one customer starts elsewhere"
like "$(cat start.lua)" "-- 1 moves came on the same day as the customer's previous one" \
    "  and says a same-day move counts one day at risk"
like "$(cat start.lua)" '-- a -> b: 1 moves in 5 customer-days at risk' \
    "  (a: c1 1 day to b, c2 4 days censored, c3 none after day 4)"

# --- long and clashing names still make parameter names a scenario takes ---
long="A very long stage name that goes on and on and on"
printf 'customer,day,stage,persona\nc1,0,%s,ads\nc2,0,%s,Ads\nc3,0,%s,a persona with a long long name\nc1,3,%s too,ads\nc2,2,%s too,Ads\nc3,2,%s too,a persona with a long long name\n' \
    "$long" "$long" "$long" "$long" "$long" "$long" >long.csv
run_cjmsim fit long.csv --out long.lua
is "$RC" 0 "fit a log with long names, and personas ads and Ads"
run_cjmsim check long.lua
is "$RC" 0 "  its parameters have names of at most 64 characters, all different"

# --- path data ---
cat >paths.csv <<'EOF'
path,total_conversions,total_conversion_value,total_null
ads > site > order,30,1200,70
ads > ads > site,10,400,90
email > site,5,250,45
EOF
run_cjmsim fit paths.csv --out paths.lua
is "$RC" 0 "fit path data (found by its header)"
P=$(cat paths.lua)
like "$P" 'stage "start" \{ entry = true \}' "paths start from a stage of their own"
like "$P" 'stage "conversion" \{ terminal = true, purchase = true, value = 41.1111 \}' \
    "conversions end in a purchase stage worth total_conversion_value / total_conversions"
like "$P" 'stage "lost" \{ terminal = true \}' "nulls end in the terminal stage lost"
like "$P" 'param "p_start_ads" \{ 0.8, ' "start -> ads: 200 of 250 paths"
like "$P" 'param "p_ads_site" \{ 0.666667, ' "ads -> site: 200 moves in 300 steps (ads > ads is two days)"
like "$P" 'param "p_site_conversion" \{ 0.06, ' "site -> conversion: 15 of 250"
like "$P" 'each step of a path is taken to happen on the next' "  and the file says what paths cannot tell"
run_cjmsim run paths.lua --out paths_res --quiet
is "$RC" 0 "the scenario fitted from paths runs"
is "$(json paths_res/summary.json 'd["variants"][0]["reached"]["start"]')" 250 \
    "  with one customer per path counted"

# --- bad data: FILE:LINE:FIELD, exit 3, nothing written ---
bad() { # bad NAME CSV EXPECTED-MESSAGE DESCRIPTION
    printf '%b' "$2" >"$1.csv"
    run_cjmsim fit "$1.csv" --out "$1.lua"
    is "$RC" 3 "$4: exit status 3"
    is "$ERR" "cjmsim: $1.csv:$3" "$4: the message"
    absent "$1.lua" "$4: nothing written"
}
bad nocolumn 'customer,day\nc1,0\n' \
    "1: the header has no column 'stage': an event log needs the columns customer, day and stage (and optionally persona and amount); path data needs path and total_conversions" \
    "a missing column"
bad baddate 'customer,day,stage\nc1,2024-01-30,a\nc1,2024-02-30,b\n' \
    "3:2: day '2024-02-30' is not a real date (YYYY-MM-DD)" "an impossible date"
bad notaday 'customer,day,stage\nc1,2024-01-30,a\nc1,30.1.2024,b\n' \
    "3:2: day '30.1.2024' is neither a whole number nor a date YYYY-MM-DD" "an unparsable day"
bad mixed 'customer,day,stage\nc1,0,a\nc1,2024-01-02,b\n' \
    "3:2: day '2024-01-02' is a date, but line 2 gives day numbers: use one or the other" \
    "dates mixed with day numbers"
bad backwards 'customer,day,stage\nc1,0,a\nc2,1,a\nc1,5,b\nc1,3,c\n' \
    "5:2: time goes backwards for customer 'c1': day 3 comes after day 5 on line 4 (a customer's rows must be in the order they happened)" \
    "time going backwards"
bad empty 'customer,day,stage\n' "2: the log has a header but no rows: nothing to fit" "an empty log"
bad amount 'customer,day,stage,amount\nc1,0,a,\nc1,1,b,12x\n' \
    "3:4: amount '12x' is not a number" "a non-numeric amount"
bad persona 'customer,day,stage,persona\nc1,0,a,pro\nc1,1,b,novice\n' \
    "3:4: customer 'c1' is persona 'novice' here but 'pro' on line 2: a customer's persona must not change" \
    "a persona that changes"
bad short 'customer,day,stage\nc1,0,a\n\nc1,1\n' \
    "4:3: the row has 2 fields but the header has 3: column 3 (stage) is missing" "a short row"
bad pathcount 'path,total_conversions,total_null\nads > site,3,x\n' \
    "2:3: total_null 'x' is not a number" "path data with a non-numeric count"
no_leftovers "$WORK" "no temporary file is left behind"

# --- an existing file is kept unless --force ---
echo "-- mine" >mine.lua
run_cjmsim fit paths.csv --out mine.lua
is "$RC" 4 "an existing --out: exit status 4"
like "$ERR" "'mine.lua' already exists: choose another --out, or add --force" "  and says so"
is "$(cat mine.lua)" "-- mine" "  and leaves the file alone"
run_cjmsim fit paths.csv --out mine.lua --force
is "$RC" 0 "--force replaces it"
like "$(head -1 mine.lua)" "^-- Fitted by .cjmsim fit. from paths.csv" "  with the fitted scenario"

done_testing
