#!/usr/bin/env bash
# cjmsim run --exact: the expected results computed without sampling. The
# same files as a sampled run, with real numbers where counts stood and
# "method": "exact"; the figures agree with the exact journey probabilities
# of tests/e2e/exact_journey.py to 1e-9, and with sampled runs within 5 of
# their standard errors (tests/e2e/exact_vs_mc.py) on scenarios with moods,
# purchases, days in stage, per-persona tables, set and scale, costs per
# customer and per use, and interventions for some personas only.
source "$(dirname "$0")/lib.sh"

EX=$(cd "$TESTS_DIR/../scripts" && pwd)
cd "$WORK" || exit 1

# --- the files, the method, the intervals -----------------------------------
SN="$EX/sport_nutrition.lua"
run_cjmsim run "$SN" --exact --days 90 --out "$WORK/sn"
is "$RC" 0 "sport_nutrition --exact runs"
is "$ERR" "" "without a message"
like "$OUT" "exact expected values, computed without sampling" "the console says the figures are exact"
for f in summary.json funnel.csv transitions.csv daily.csv manifest.json report.html plots/funnel.svg; do
    ok "$([ -s "$WORK/sn/$f" ] && echo 0 || echo 1)" "it writes $f"
done
S="$WORK/sn/summary.json"
is "$(json "$S" 'd["method"]')" "exact" 'summary.json says "method": "exact"'
is "$(json "$S" 'all(u["ci95"] == [u["diff"], u["diff"]] and u["se"] == 0
    for v in d["variants"][1:] for g in [v] + list(v["personas"].values()) for u in g["uplift"].values())')" \
    "True" "every uplift's ci95 is [diff, diff]"
is "$(json "$S" '[type(d["variants"][0][k]).__name__ for k in ("customers", "buyers", "repeat_buyers", "purchases")]')" \
    "['int', 'float', 'float', 'float']" "customers stay a count; the rest are expected values"
is "$(json "$S" 'sorted(d["variants"][0].keys()) == sorted(d["variants"][0].keys())')" "True" "summary.json parses"
is "$(py 'd = json.load(open(sys.argv[1]))
rows = [r for r in csv.DictReader(open(sys.argv[2])) if r["variant"] == "baseline" and r["persona"] == "all"]
print(float(rows[-1]["buyers"]) == d["variants"][0]["buyers"], float(rows[-1]["repeat_buyers"]) == d["variants"][0]["repeat_buyers"])' \
    "$S" "$WORK/sn/daily.csv")" "True True" "daily.csv ends where summary.json's buyers and repeat buyers are"
is "$(py 'rows = list(csv.DictReader(open(sys.argv[1])))
print(any(float(r["reached"]) != round(float(r["reached"])) for r in rows))' "$WORK/sn/funnel.csv")" \
    "True" "funnel.csv holds real numbers"
like "$(cat "$WORK/sn/report.html")" "Exact expected values" "the report says the figures are exact"
like "$(cat "$WORK/sn/plots/funnel.gp")" "method = 'exact'" "the plots know the figures are exact"

run_cjmsim run "$SN" --exact --days 90 --seed 7 --threads 1 --out "$WORK/sn7" --quiet
is "$(cmp -s "$WORK/sn/summary.json" "$WORK/sn7/summary.json" || json "$WORK/sn7/summary.json" 'd["seed"]')" "7" \
    "another seed and thread count change only the seed written"
is "$(diff <(json "$S" 'd["variants"]') <(json "$WORK/sn7/summary.json" 'd["variants"]') && echo same)" "same" \
    "the figures are the same"

run_cjmsim check "$SN" --exact
is "$RC" 2 "check takes no --exact"
like "$ERR" "check takes no --exact" "and says so"
run_cjmsim run "$SN" --out "$WORK/sn-mc" --customers 1000 --days 30 --quiet
is "$(json "$WORK/sn-mc/summary.json" 'd["method"]')" "monte_carlo" 'a sampled run says "method": "monte_carlo"'

# --- against the exact journey probabilities, to 1e-9 ------------------------
lines=$(python3 - "$S" "$WORK/sn/transitions.csv" "$TESTS_DIR/e2e" <<'PY'
import csv, json, sys
sys.path.insert(0, sys.argv[3])
from exact_journey import Journey
d = json.load(open(sys.argv[1]))
moves = {(r["variant"], r["persona"], r["from"], r["to"]): r for r in csv.DictReader(open(sys.argv[2]))}

def sport(p, notify, consult, days):
    """scripts/sport_nutrition.lua for one persona, in a variant."""
    reorder = {"beginner": .010, "athlete": .025, "coach": .022}[p]
    consider = {"beginner": 0.030, "athlete": 0.040, "coach": 0.050}[p]
    buy = {"beginner": 0.05, "athlete": 0.08, "coach": 0.07}[p]
    mood0 = {"beginner": 0, "athlete": 1, "coach": 1}[p]
    j = Journey("awareness", days, mood=mood0, days_cap=25)
    for s in ("awareness", "consideration", "lost", "churned"): j.stage(s)
    j.stage("purchase", emotion=-1 + notify, purchase=True)
    j.stage("usage", emotion=1 + consult)
    j.edge("awareness", "consideration", consider); j.edge("awareness", "lost", 0.05)
    j.edge("consideration", "purchase", buy); j.edge("consideration", "lost", 0.06)
    j.edge("purchase", "usage", lambda c: 0 if c.days_in_stage < 2 else 0.5 if c.days_in_stage < 4 else 1)
    j.edge("usage", "purchase", lambda c: 0.002 if c.days_in_stage < 25 else
           reorder * (1 + 0.1 * min(c.purchases - 1, 3)) * (1 + 0.3 * c.mood))
    j.edge("usage", "churned", lambda c: (0.7 if consult else 1) * (0.020 - 0.004 * c.mood))
    return j

value = {"beginner": 2500, "athlete": 3500, "coach": 2500 * 12 * 0.3}
worst, bad, n = 0.0, [], 0
def close(got, want, what):
    global worst, n
    n += 1
    rel = abs(got - want) / max(abs(want), 1e-300)
    worst = max(worst, rel if want else abs(got))
    if abs(got - want) > 1e-9 * abs(want) + 1e-12:
        bad.append("%s: exact mode %.17g, journey %.17g" % (what, got, want))

for v in d["variants"]:
    if v["name"] not in ("baseline", "order_notifications+expert_consultation"):
        continue
    notify = int("order_notifications" in v["name"])
    for p, g in v["personas"].items():
        consult = int("expert_consultation" in v["name"] and p != "athlete")
        j = sport(p, notify, consult, d["days"])
        N = g["customers"]
        e = j.expected()
        reached = {s: e[s] for s in ("consideration", "lost", "churned")}  # entered at most once
        reached.update(awareness=1.0, purchase=j.reached("purchase"), usage=j.reached("usage"))
        for s, r in reached.items():
            close(g["reached"][s], N * r, "%s/%s reached %s" % (v["name"], p, s))
        close(g["buyers"], N * j.buyers(), "%s/%s buyers" % (v["name"], p))
        close(g["repeat_buyers"], N * j.repeat(), "%s/%s repeat buyers" % (v["name"], p))
        close(g["purchases"], N * e["purchase"], "%s/%s purchases" % (v["name"], p))
        close(g["revenue"], N * value[p] * e["purchase"], "%s/%s revenue" % (v["name"], p))
        cost = 6 * notify * e["purchase"] + 350 * consult * reached["usage"]
        close(g["cost"], N * cost, "%s/%s cost (per use and per customer)" % (v["name"], p))
        row = moves[(v["name"], p, "usage", "purchase")]
        close(float(row["customers"]), N * j.took("usage", "purchase"), "%s/%s took usage->purchase" % (v["name"], p))
        for src, dst in (("purchase", "usage"), ("usage", "purchase"), ("usage", "churned")):
            close(float(moves[(v["name"], p, src, dst)]["moves"]), N * e[(src, dst)],
                  "%s/%s moves %s->%s" % (v["name"], p, src, dst))
print("%d\tsport_nutrition: %d figures agree with the exact journey to 1e-9 (largest relative difference %.2g)"
      % (not bad, n, worst))
for b in bad[:10]:
    print("#\t  %s" % b)
PY
)
while IFS=$'\t' read -r pass what; do
    if [ "$pass" = "#" ]; then echo "# $what"; else ok $((1 - pass)) "$what"; fi
done <<<"$lines"

# --- against sampled runs, within 5 standard errors --------------------------
# exact_vs_mc SCENARIO NAME CUSTOMERS DAYS: the exact run, one large sampled
# run (counts and paired uplifts) and 20 small ones with other seeds (means
# of the other figures). The small runs draw no plots (gnuplot out of reach).
mkdir -p "$WORK/nogp"
exact_vs_mc() {
    local scn=$1 name=$2 customers=$3 days=$4 seed batches=()
    run_cjmsim run "$scn" --exact --customers "$customers" --days "$days" --out "$WORK/$name-exact" --quiet
    is "$RC" 0 "$name: --exact runs"
    run_cjmsim run "$scn" --customers "$customers" --days "$days" --out "$WORK/$name-mc" --quiet
    is "$RC" 0 "$name: the sampled run runs"
    for seed in $(seq 101 120); do
        PATH="$WORK/nogp" "$CJMSIM" run "$scn" --customers 4000 --days "$days" --seed "$seed" \
            --out "$WORK/$name-b$seed" --quiet 2>/dev/null
        batches+=("$WORK/$name-b$seed")
    done
    lines=$(python3 "$TESTS_DIR/e2e/exact_vs_mc.py" "$WORK/$name-exact" "$WORK/$name-mc" "${batches[@]}" 2>&1)
    while IFS=$'\t' read -r pass what; do
        case "$pass" in
        0 | 1) ok $((1 - pass)) "$name: $what" ;;
        *) echo "# $pass $what" ;;
        esac
    done <<<"$lines"
}

exact_vs_mc "$SN" sport_nutrition 200000 120
exact_vs_mc "$SCENARIOS/exact_purchases.lua" exact_purchases 120001 40
exact_vs_mc "$SCENARIOS/exact_combo.lua" exact_combo 150001 60
# Nearly every probability a function of days in stage, and a cost per
# customer of an intervention met in two stages of a cycle.
exact_vs_mc "$TESTS_DIR/../bench/meal_kit.lua" meal_kit 100000 120

# --- an MPI job: every rank computes the same, rank 0 writes it once ---------
MPI_BIN=${CJMSIM_MPI:-}
if [ -n "$MPI_BIN" ] && [ -x "$MPI_BIN" ] && command -v mpirun >/dev/null; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
    mpirun --oversubscribe -n 2 "$MPI_BIN" run "$SN" --exact --days 90 --out "$WORK/sn-mpi" --quiet \
        >"$WORK/mpi.out" 2>"$WORK/mpi.err"
    is "$?" 0 "mpirun -n 2 cjmsim-mpi run --exact exits 0"
    same=0
    for f in summary.json funnel.csv transitions.csv daily.csv; do
        cmp -s "$WORK/sn/$f" "$WORK/sn-mpi/$f" || same=1
    done
    ok "$same" "2 ranks write the same exact results as one process (not summed over ranks)"
else
    skip 2 "Open MPI or cjmsim-mpi is not available"
fi

done_testing
