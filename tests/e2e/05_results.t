#!/usr/bin/env bash
# What a successful run writes: the files of the results directory, the
# summary.json contract (DESIGN.md, README.md), the CSV files, the manifest,
# the printed summary, and where the values of a run come from.
source "$(dirname "$0")/lib.sh"

SHOP="$SCENARIOS/shop.lua"
R="$WORK/r"
mkdir -p "$WORK/cwd" && cd "$WORK/cwd" || exit 1

run_cjmsim run "$SHOP" --customers 2000 --days 60 --seed 11 --threads 2 --out "$R"
is "$RC" 0 "the run succeeds"
is "$ERR" "" "nothing on stderr"
is "$(ls -A "$WORK/cwd")" "" "with --out nothing is written in the current directory"

# --- the files -------------------------------------------------------------------
for f in summary.json funnel.csv transitions.csv daily.csv manifest.json; do
    ok "$([ -s "$R/$f" ]; echo $?)" "$f is written"
done
is "$(json "$R/manifest.json" '" ".join(sorted(d["files"]))')" \
    "$(cd "$R" && find . -type f | sed 's|^\./||' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')" \
    "manifest.json lists exactly the files of the directory"
# DESIGN.md: the results directory also holds the plots and a report a person opens.

# --- summary.json: the run -------------------------------------------------------------
S="$R/summary.json"
is "$(json "$S" '[d["scenario"], d["seed"], d["customers"], d["days"]]')" "['Corner shop', 11, 2000, 60]" \
    "scenario, seed, customers and days"
is "$(json "$S" 'd["stages"]')" "['ad', 'visit', 'buy', 'home', 'gone']" "stages in declaration order"
is "$(json "$S" 'd["personas"]')" "['student', 'parent', 'retiree']" "personas in declaration order"
is "$(json "$S" '[v["name"] for v in d["variants"]]')" \
    "['baseline', 'coupon', 'loyalty', 'newsletter', 'coupon+loyalty+newsletter']" \
    "default variants: baseline, each intervention, all of them joined by '+'"
is "$(json "$S" '[v["interventions"] for v in d["variants"]]')" \
    "[[], ['coupon'], ['loyalty'], ['newsletter'], ['coupon', 'loyalty', 'newsletter']]" \
    "each variant lists its interventions"

# --- summary.json: the keys and types of every variant and persona ------------------------
is "$(py '
d = json.load(open(sys.argv[1]))
bad = []
ints = ["customers", "buyers", "repeat_buyers", "purchases"]
for v in d["variants"]:
    groups = [(v["name"], v)] + [(v["name"] + "/" + p, g) for p, g in v["personas"].items()]
    for name, g in groups:
        for k in ints:
            if type(g.get(k)) is not int: bad.append(name + "." + k)
        for k in ["revenue", "cost"]:
            if type(g.get(k)) is not float: bad.append(name + "." + k)
        if list(g.get("reached", {})) != d["stages"]: bad.append(name + ".reached")
        if any(type(x) is not int for x in g["reached"].values()): bad.append(name + ".reached types")
    if list(v["personas"]) != d["personas"]: bad.append(v["name"] + ".personas")
print(bad or "")
' "$S")" "" "every variant and persona has customers, reached, buyers, repeat_buyers, purchases (integers), revenue, cost (numbers)"

# --- summary.json: counts that follow from the inputs --------------------------------------
is "$(json "$S" '[v["customers"] for v in d["variants"]]')" "[2000, 2000, 2000, 2000, 2000]" \
    "every variant has all the customers"
is "$(json "$S" '[v["reached"]["ad"] for v in d["variants"]]')" "[2000, 2000, 2000, 2000, 2000]" \
    "every customer reaches the entry stage"
is "$(json "$S" '[[g["customers"] for g in v["personas"].values()] for v in d["variants"]][0]')" \
    "[400, 1000, 600]" "persona customers are 2000 x the shares 0.2, 0.5, 0.3"
is "$(py '
d = json.load(open(sys.argv[1]))
bad = []
for v in d["variants"]:
    ps = v["personas"].values()
    for k in ["customers", "buyers", "repeat_buyers", "purchases"]:
        if sum(p[k] for p in ps) != v[k]: bad.append(v["name"] + "." + k)
    for k in ["revenue", "cost"]:
        if abs(sum(p[k] for p in ps) - v[k]) > 1e-6: bad.append(v["name"] + "." + k)
    for s in d["stages"]:
        if sum(p["reached"][s] for p in ps) != v["reached"][s]: bad.append(v["name"] + ".reached." + s)
    for name, p in v["personas"].items():
        if p["reached"]["ad"] != p["customers"]: bad.append(v["name"] + "/" + name + " entry")
print(bad or "")
' "$S")" "" "the personas add up to the variant, and each persona's customers all reach the entry stage"
is "$(py '
d = json.load(open(sys.argv[1]))
bad = []
for v in d["variants"]:
    for name, g in [(v["name"], v)] + list(v["personas"].items()):
        if g["buyers"] != g["reached"]["buy"]: bad.append(name + ": buyers != reached buy")
        if not g["repeat_buyers"] <= g["buyers"]: bad.append(name + ": repeat > buyers")
        if not g["purchases"] >= g["buyers"] + g["repeat_buyers"]: bad.append(name + ": purchases")
        if abs(g["revenue"] - 25 * g["purchases"]) > 1e-6: bad.append(name + ": revenue != 25 x purchases")
print(bad or "")
' "$S")" "" "buyers = reached(buy), repeat buyers <= buyers, revenue = 25 x purchases"

# Costs, as README.md defines them: cost_per_customer once per customer who
# uses the intervention (enters its `at` stage, or the stage its scaled edge
# leaves) among the personas it applies to.
is "$(py '
d = json.load(open(sys.argv[1]))
v = {x["name"]: x for x in d["variants"]}
p = v["loyalty"]["personas"]
print([v["baseline"]["cost"],
       v["coupon"]["cost"] == 0.5 * v["coupon"]["reached"]["buy"],
       v["loyalty"]["cost"] == 1.0 * (p["parent"]["reached"]["home"] + p["retiree"]["reached"]["home"]),
       v["loyalty"]["personas"]["student"]["cost"],
       v["newsletter"]["cost"] == 0.1 * 2000])
' "$S")" "[0.0, True, True, 0.0, True]" \
    "costs: none for the baseline; 0.5 per coupon user; 1 per loyalty user (not students); 0.1 per newsletter reader"

# --- uplift -------------------------------------------------------------------------------
is "$(json "$S" '"uplift" in d["variants"][0]')" "False" "the baseline has no uplift"
is "$(py '
d = json.load(open(sys.argv[1]))
base = d["variants"][0]
bad = []
for v in d["variants"][1:]:
    pairs = [(v["name"], v, base)] + [(v["name"] + "/" + p, g, base["personas"][p]) for p, g in v["personas"].items()]
    for name, g, b in pairs:
        u = g["uplift"]["repeat_buyers"]
        want = (g["repeat_buyers"] - b["repeat_buyers"]) / g["customers"]
        if abs(u["diff"] - want) > 1e-12: bad.append(name + ": diff %r != %r" % (u["diff"], want))
        lo, hi = u["ci95"]
        if not lo <= u["diff"] <= hi: bad.append(name + ": diff outside ci95")
print(bad or "")
' "$S")" "" "uplift.repeat_buyers.diff = (repeat buyers - baseline's) / customers, inside ci95, for variants and personas"
is "$(json "$S" '[v["uplift"]["repeat_buyers"]["ci95"][0] < v["uplift"]["repeat_buyers"]["ci95"][1] for v in d["variants"][1:]]')" \
    "[True, True, True, True]" "the 95% intervals of the variants have a width"

# Common random numbers: a customer's journey is the same in every variant
# until an intervention touches it.
is "$(py '
d = json.load(open(sys.argv[1]))
v = {x["name"]: x for x in d["variants"]}
b = v["baseline"]
print([v["coupon"]["buyers"] == b["buyers"],
       [v["coupon"]["reached"][s] == b["reached"][s] for s in ["ad", "visit", "buy"]],
       v["loyalty"]["buyers"] == b["buyers"]])
' "$S")" "[True, [True, True, True], True]" \
    "interventions after the first purchase leave the first purchase identical"
is "$(py '
d = json.load(open(sys.argv[1]))
v = {x["name"]: x for x in d["variants"]}
keys = ["customers", "reached", "buyers", "repeat_buyers", "purchases", "revenue"]
s, b = v["loyalty"]["personas"]["student"], v["baseline"]["personas"]["student"]
print([s[k] == b[k] for k in keys], s["uplift"]["repeat_buyers"]["diff"], s["uplift"]["repeat_buyers"]["ci95"])
' "$S")" "[True, True, True, True, True, True] 0.0 [0.0, 0.0]" \
    "students, whom loyalty does not target, are identical to the baseline in the loyalty variant"

# --- funnel.csv -----------------------------------------------------------------------------
is "$(head -n 1 "$R/funnel.csv")" \
    "variant,persona,stage,reached,share_of_customers,from_stage,conversion_from_stage,mood_on_entry" \
    "funnel.csv header"
is "$(py '
d = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
want = {}
for v in d["variants"]:
    for g, c in [("all", v)] + list(v["personas"].items()):
        for s in d["stages"]:
            want[(v["name"], g, s)] = c["reached"][s]
got = {(r["variant"], r["persona"], r["stage"]): int(r["reached"]) for r in rows}
print([len(rows), got == want])
' "$S" "$R/funnel.csv")" "[100, True]" "funnel.csv: a row per variant, persona (and all) and stage, reached as in summary.json"

# --- transitions.csv -----------------------------------------------------------------------
is "$(head -n 1 "$R/transitions.csv")" "variant,persona,from,to,customers,moves,conversion" \
    "transitions.csv header"
is "$(py '
d = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
got = {(r["variant"], r["from"] + "->" + r["to"]): int(r["customers"]) for r in rows if r["persona"] == "all"}
want = {(v["name"], e): t["customers"] for v in d["variants"] for e, t in v["transitions"].items()}
print([len(rows), got == want])
' "$S" "$R/transitions.csv")" "[120, True]" "transitions.csv: a row per variant, persona and edge, customers as in summary.json"

# --- daily.csv -----------------------------------------------------------------------------
is "$(head -n 1 "$R/daily.csv")" "variant,persona,day,buyers,repeat_buyers,arrivals,purchases,revenue,cost" "daily.csv header"
is "$(py '
d = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
bad = []
series = {}
for r in rows:
    series.setdefault((r["variant"], r["persona"]), []).append((int(r["day"]), int(r["buyers"]), int(r["repeat_buyers"])))
for v in d["variants"]:
    for g, c in [("all", v)] + list(v["personas"].items()):
        s = series.pop((v["name"], g), [])
        if [x[0] for x in s] != list(range(d["days"] + 1)): bad.append((v["name"], g, "days"))
        elif any(a[1] > b[1] or a[2] > b[2] for a, b in zip(s, s[1:])): bad.append((v["name"], g, "decreases"))
        elif s[-1][1:] != (c["buyers"], c["repeat_buyers"]): bad.append((v["name"], g, "last day", s[-1], c["buyers"], c["repeat_buyers"]))
        elif s[0][1:] != (0, 0): bad.append((v["name"], g, "day 0"))
print([len(rows), bad, sorted(series)])
' "$S" "$R/daily.csv")" "[1220, [], []]" \
    "daily.csv: days 0..60 per variant and persona, cumulative, ending at summary.json's buyers and repeat buyers"

# --- manifest.json -------------------------------------------------------------------------
M="$R/manifest.json"
is "$(json "$M" 'd["version"]')" "$("$CJMSIM" --version | sed 's/^cjmsim //')" "manifest: version"
is "$(json "$M" '[d["seed"], d["customers"], d["days"], d["threads"]]')" "[11, 2000, 60, 2]" \
    "manifest: seed, customers, days, threads"
is "$(json "$M" 'd["scenario_sha256"]')" "$(sha256sum "$SHOP" | cut -c1-64)" "manifest: scenario_sha256 is the file's"
is "$(json "$M" 'd["command_line"]')" \
    "$(py 'print(sys.argv[1:])' "$CJMSIM" run "$SHOP" --customers 2000 --days 60 --seed 11 --threads 2 --out "$R")" \
    "manifest: command_line is the arguments, as given"

# --- the printed summary -----------------------------------------------------------------
is "$(head -n 1 <<<"$OUT")" "Corner shop" "stdout starts with the scenario's name"
like "$OUT" "2,000 customers over 60 days, seed 11, 5 variants" "stdout gives customers, days, seed and variants"
for v in baseline coupon loyalty newsletter coupon+loyalty+newsletter; do
    like "$OUT" "(^| )$(sed 's/+/\\+/g' <<<"$v")( |:|$)" "stdout names variant $v"
done
like "$OUT" "Results: $R/" "stdout names the results directory"

run_cjmsim run "$SHOP" --customers 200 --days 10 --out "$WORK/quiet" --quiet
is "$RC:$OUT:$ERR" "0::" "--quiet prints nothing"
ok "$([ -s "$WORK/quiet/summary.json" ]; echo $?)" "--quiet still writes the results"

# --- where the run's values come from -------------------------------------------------------
run_cjmsim run "$SHOP" --customers 200 --days 5 --out "$WORK/cores" --quiet
is "$(json "$WORK/cores/manifest.json" 'd["threads"]')" "$(getconf _NPROCESSORS_ONLN)" \
    "manifest: without --threads, one thread per core"

run_cjmsim run "$SHOP" --out "$WORK/own" --quiet
is "$(json "$WORK/own/summary.json" '[d["customers"], d["days"], d["seed"]]')" "[1500, 30, 7]" \
    "without options the scenario's customers, days and seed apply"
is "$(json "$WORK/own/manifest.json" '[d["customers"], d["days"], d["seed"]]')" "[1500, 30, 7]" \
    "the manifest records the scenario's values"
is "$(json "$WORK/own/summary.json" '[g["customers"] for g in d["variants"][0]["personas"].values()]')" \
    "[300, 750, 450]" "the scenario's 1500 customers split 0.2, 0.5, 0.3"

run_cjmsim run "$SHOP" --customers 900 --days 12 --seed 5 --out "$WORK/over" --quiet
is "$(json "$WORK/over/summary.json" '[d["customers"], d["days"], d["seed"]]')" "[900, 12, 5]" \
    "--customers, --days and --seed override the scenario"
is "$(py '
rows = list(csv.DictReader(open(sys.argv[1])))
print(max(int(r["day"]) for r in rows))' "$WORK/over/daily.csv")" "12" "daily.csv follows --days"

run_cjmsim run "$SCENARIOS/minimal.lua" --out "$WORK/defaults" --quiet
is "$(json "$WORK/defaults/summary.json" '[d["scenario"], d["customers"], d["days"], d["seed"]]')" \
    "['minimal', 10000, 180, 1]" "without scenario { }: the file name, 10000 customers, 180 days, seed 1"
is "$(json "$WORK/defaults/summary.json" '[v["name"] for v in d["variants"]]')" "['baseline']" \
    "without interventions the only variant is the baseline"

# --- the default results directory ------------------------------------------------------------
mkdir -p "$WORK/cwd2" && cd "$WORK/cwd2" || exit 1
run_cjmsim run "$SHOP" --customers 100 --days 5
is "$RC" 0 "a run without --out succeeds"
is "$(ls -A "$WORK/cwd2"):$(ls -A "$WORK/cwd2/results")" "results:shop" \
    "without --out the results go to results/shop in the current directory"
is "$(json results/shop/summary.json 'd["customers"]')" "100" "results/shop holds this run"
like "$OUT" "Results: results/shop/" "stdout names results/shop/"

cp "$SHOP" "$WORK/cwd2/corner.shop.lua"
run_cjmsim run corner.shop.lua --customers 100 --days 5 --quiet
ok "$([ -f results/corner.shop/summary.json ]; echo $?)" "only the .lua ending is dropped: results/corner.shop"
no_leftovers "$WORK" "no temporary directories are left behind"

done_testing
