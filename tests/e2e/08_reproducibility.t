#!/usr/bin/env bash
# The same seed gives the same bytes, whatever the number of threads and
# however often it runs (DESIGN.md, model rule 6); another seed gives other
# results.
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
DATA="summary.json funnel.csv transitions.csv daily.csv"

# 5000 customers make 5 blocks of 1024, so threads really share the work; the
# personas' boundaries (2500, 4250) fall inside blocks.
for scenario in design_core shop days_heavy; do
    S="$SCENARIOS/$scenario.lua"
    for t in 1 2 3 8; do
        run_cjmsim run "$S" --customers 5000 --days 60 --seed 3 --threads "$t" --out "$WORK/$scenario-t$t" --quiet
        is "$RC" 0 "$scenario with --threads $t runs"
    done
    run_cjmsim run "$S" --customers 5000 --days 60 --seed 3 --threads 2 --out "$WORK/$scenario-again" --quiet
    for f in $DATA; do
        for other in t2 t3 t8 again; do
            ok "$(cmp -s "$WORK/$scenario-t1/$f" "$WORK/$scenario-$other/$f"; echo $?)" \
                "$scenario: $f of --threads 1 and $other are byte-identical"
        done
    done
    is "$(json "$WORK/$scenario-t3/manifest.json" 'd["threads"]')" "3" "$scenario: the manifest records the threads"
    is "$(py '
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
for m in (a, b):
    del m["threads"], m["command_line"]
print(a == b)' "$WORK/$scenario-t1/manifest.json" "$WORK/$scenario-t3/manifest.json")" "True" \
        "$scenario: the manifests differ only in threads and command line"

    run_cjmsim run "$S" --customers 5000 --days 60 --seed 4 --threads 2 --out "$WORK/$scenario-seed4" --quiet
    is "$(py '
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
print([a["seed"], b["seed"], a["variants"] == b["variants"]])' \
        "$WORK/$scenario-t1/summary.json" "$WORK/$scenario-seed4/summary.json")" "[3, 4, False]" \
        "$scenario: another seed gives other results"
done

# The seed written in the scenario and the same seed given as --seed are one run.
run_cjmsim run "$SCENARIOS/shop.lua" --customers 3000 --days 30 --out "$WORK/scenario-seed" --quiet
run_cjmsim run "$SCENARIOS/shop.lua" --customers 3000 --days 30 --seed 7 --out "$WORK/option-seed" --quiet
for f in $DATA; do
    ok "$(cmp -s "$WORK/scenario-seed/$f" "$WORK/option-seed/$f"; echo $?)" \
        "$f: the scenario's seed 7 and --seed 7 give the same bytes"
done

# The results do not depend on where they are written or from where cjmsim runs.
mkdir -p "$WORK/elsewhere"
(cd "$WORK/elsewhere" && "$CJMSIM" run "$SCENARIOS/shop.lua" --customers 3000 --days 30 --quiet)
for f in $DATA; do
    ok "$(cmp -s "$WORK/scenario-seed/$f" "$WORK/elsewhere/results/shop/$f"; echo $?)" \
        "$f: the same bytes from another directory"
done

# A variant's figures do not depend on which other variants run with it:
# each is measured on the same customers and random numbers, whether its
# journeys are drawn in full or follow the baseline's where they agree.
S="$SCENARIOS/days_heavy.lua"
run_cjmsim run "$S" --seed 9 --out "$WORK/all-variants" --quiet
for v in welcome_call flexible_pause welcome_call+flexible_pause; do
    run_cjmsim run "$S" --seed 9 --variants "$v" --out "$WORK/one-variant" --quiet
    is "$(py '
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
pick = lambda m: [x for x in m["variants"] if x["name"] in ("baseline", sys.argv[3])]
print(pick(a) == pick(b) and len(pick(b)) == 2)' \
        "$WORK/all-variants/summary.json" "$WORK/one-variant/summary.json" "$v")" "True" \
        "days_heavy: $v alone gives the same figures as with every variant"
    rows() { awk -F, -v v="$v" '$1 == "baseline" || $1 == v' "$WORK/$1/daily.csv"; }
    is "$(rows one-variant | grep -c "^$v,")" "$(rows one-variant | grep -c "^baseline,")" \
        "days_heavy: daily.csv has the rows of $v"
    is "$(rows all-variants | md5sum)" "$(rows one-variant | md5sum)" \
        "days_heavy: $v alone gives the same daily curves"
done

done_testing
