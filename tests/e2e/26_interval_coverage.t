#!/usr/bin/env bash
# The 95% interval of an uplift keeps its coverage when few customers
# differ between the variants. A journey of 40 customers, where a change
# lifts the daily chance to buy from 1% to 1.5%, is run with 500 seeds; its
# exact uplift in buyers comes from the model rules (exact_journey.py, no
# simulation). The score interval of summary.json must hold the exact value
# in at least 95% of the runs, less five binomial standard deviations; the
# normal (Wald) interval built from the same runs' standard error falls short
# of that bound, which shows that the check can fail.
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
SEEDS=500
cat >tiny.lua <<'LUA'
scenario { name = "tiny", days = 10, customers = 40 }
stage "home" { entry = true }
stage "buy" { purchase = true, value = 10 }
transition("home", "buy", 0.01)
intervention "push" { scale = { ["home->buy"] = 1.5 } }
LUA

failed=0
for ((s = 1; s <= SEEDS; s++)); do
    # without gnuplot on the PATH no plot is drawn: only the numbers matter here
    PATH=/nonexistent "$CJMSIM" run tiny.lua --seed "$s" --out "r$s" --quiet --threads 1 2>/dev/null ||
        failed=$((failed + 1))
done
is "$failed" 0 "$SEEDS runs of 40 customers succeed"

lines=$(python3 - "$SEEDS" "$TESTS_DIR/e2e" <<'PY'
import json, math, sys
sys.path.insert(0, sys.argv[2])
from exact_journey import Journey
seeds = int(sys.argv[1])

def exact(p):
    j = Journey("home", 10)
    j.stage("home"); j.stage("buy", purchase=True)
    j.edge("home", "buy", p)
    return j.buyers()

truth = exact(0.015) - exact(0.01)
z = 1.959963984540054
score = wald = degenerate = 0
for s in range(1, seeds + 1):
    v = json.load(open("r%d/summary.json" % s))["variants"][1]
    u = v["uplift"]["buyers"]
    lo, hi = u["ci95"]
    score += lo <= truth <= hi
    wald += u["diff"] - z * u["se"] <= truth <= u["diff"] + z * u["se"]
    degenerate += lo == hi
bound = 0.95 - 5 * math.sqrt(0.95 * 0.05 / seeds)
print("%d\tthe exact uplift %.4f is inside the score interval in %d of %d runs (at least %.3f)"
      % (score / seeds >= bound, truth, score, seeds, bound))
print("%d\tthe Wald interval would hold it in only %d of %d runs" % (wald / seeds < bound, wald, seeds))
print("%d\tno interval is a single point while the true uplift is %.4f (%d are)"
      % (degenerate == 0, truth, degenerate))
PY
)
while IFS=$'\t' read -r pass what; do
    ok $((1 - pass)) "$what"
done <<<"$lines"

done_testing
