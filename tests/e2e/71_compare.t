#!/usr/bin/env bash
# cjmsim compare: two runs of the same shop with different seeds differ only
# within the simulation's precision; a changed probability shows beyond it;
# compare.html carries both summaries' numbers; bad inputs fail with their
# exact messages and exit codes, writing nothing.
source "$(dirname "$0")/lib.sh"

SHOP="$SCENARIOS/shop.lua"
cd "$WORK" || exit 1

run_cjmsim run "$SHOP" --customers 20000 --seed 1 --out "$WORK/s1" --quiet
is "$RC" 0 "the shop runs with seed 1"
run_cjmsim run "$SHOP" --customers 20000 --seed 2 --out "$WORK/s2" --quiet
is "$RC" 0 "the shop runs with seed 2"

# The same shop, its visit->buy probability doubled.
sed 's/transition("visit", "buy", 0.25)/transition("visit", "buy", 0.5)/' "$SHOP" >"$WORK/shop2.lua"
run_cjmsim run "$WORK/shop2.lua" --customers 20000 --seed 2 --out "$WORK/s3" --quiet
is "$RC" 0 "the changed shop runs"

# row VARIANT KEY FILE: the precision word of one row of a comparison's console
row() {
    awk -v v="Variant $1" -v k="$2" '
        $0 == v { inside = 1; next }
        /^Variant / { inside = 0 }
        inside && index($0, "  " k " ") == 1 { print }' "$3"
}

run_cjmsim compare "$WORK/s1" "$WORK/s2" --out "$WORK/c12"
is "$RC" 0 "compare of two seeds exits 0"
echo "$OUT" >"$WORK/c12.txt"
like "$(row baseline "repeat buyers" "$WORK/c12.txt")" "within the simulation's precision$" \
    "two seeds: the baseline's repeat buyers differ within the simulation's precision"
like "$(row coupon "uplift of repeat buyers" "$WORK/c12.txt")" "within the simulation's precision$" \
    "two seeds: the coupon's uplift differs within the simulation's precision"
like "$(row baseline "reached buy" "$WORK/c12.txt")" "within the simulation's precision$" \
    "two seeds: the share reaching buy differs within the simulation's precision"
like "$OUT" "Side by side: $WORK/c12/compare.html" "it says where compare.html is"
is "$(json "$WORK/c12/manifest.json" 'sorted(d["files"])')" "['compare.html', 'manifest.json']" \
    "the comparison's manifest lists its files"
is "$(json "$WORK/c12/manifest.json" '[d["program"], d["command"], d["compared"]]')" \
    "['cjmsim', 'compare', ['$WORK/s1', '$WORK/s2']]" "the manifest says what was compared"
no_leftovers "$WORK" "nothing half-written is left"

run_cjmsim compare "$WORK/s2" "$WORK/s3" --out "$WORK/c23"
is "$RC" 0 "compare of a changed probability exits 0"
echo "$OUT" >"$WORK/c23.txt"
like "$(row baseline "reached buy" "$WORK/c23.txt")" "beyond the simulation's precision$" \
    "a doubled visit->buy probability: the share reaching buy is beyond the precision"
like "$(row baseline "buyers" "$WORK/c23.txt")" "^  buyers .*\+[0-9.]+ pts  beyond the simulation's precision$" \
    "buyers grow, beyond the precision"

# Every number of compare.html is the one of its side's summary.json.
check_html() {
    python3 - "$@" <<'PY'
import html.parser, json, math, sys
page, a, b = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.variant = self.key = None
        self.cells = []
    def handle_starttag(self, tag, attrs):
        at = dict(attrs)
        if tag == "section" and "data-variant" in at:
            self.variant = at["data-variant"]
        if tag == "tr" and "data-key" in at:
            self.key = at["data-key"]
        if tag == "td" and "data-side" in at:
            self.cells.append((self.variant, self.key, at["data-side"], at.get("data-value")))
p = P()
p.feed(open(page).read())
def expected(summary, variant, key):
    v = next((x for x in summary["variants"] if x["name"] == variant), None)
    if v is None:
        return None
    n = v["customers"]
    if key.startswith("reached."):
        c = v["reached"].get(key[8:])
        return None if c is None else c / n
    if key in ("buyers", "repeat_buyers"):
        return v[key] / n
    if key.startswith("uplift."):
        u = v.get("uplift", {}).get(key[7:])
        return None if u is None else u["diff"]
    return v.get(key)
bad, checked = [], 0
for variant, key, side, value in p.cells:
    want = expected(a if side == "a" else b, variant, key)
    got = None if value is None else float(value)
    if (want is None) != (got is None) or (want is not None and not math.isclose(want, got, rel_tol=1e-12, abs_tol=1e-12)):
        bad.append((variant, key, side, want, got))
    checked += 1
print("checked %d" % checked if not bad and checked > 100 else "mismatch %s of %d" % (bad[:3], checked))
PY
}
like "$(check_html "$WORK/c23/compare.html" "$WORK/s2/summary.json" "$WORK/s3/summary.json")" \
    "^checked [0-9]+$" "every number in compare.html is its summary.json's"
like "$(grep -c 'beyond the simulation' "$WORK/c23/compare.html")" "^[1-9]" \
    "compare.html says which differences are beyond the precision"

# Different scenarios: stages and variants matched by name, a dash where one lacks them.
cat >"$WORK/other.lua" <<'LUA'
scenario { name = "Other <shop>", customers = 2000, days = 30, seed = 3 }
persona "p" { share = 1 }
stage "ad" { entry = true }
stage "buy" { purchase = true, value = 10 }
stage "kiosk" { terminal = true }
transition("ad", "buy", 0.1)
transition("buy", "kiosk", 0.5)
intervention "coupon" { at = "buy", mood = 1 }
LUA
run_cjmsim compare "$WORK/s1" "$WORK/other.lua" --out "$WORK/cother"
is "$RC" 0 "compare of a directory and a scenario exits 0"
ok "$([ -f "$WORK/results/other/summary.json" ]; echo $?)" "the scenario was run into results/other"
echo "$OUT" >"$WORK/cother.txt"
like "$(row baseline "reached kiosk" "$WORK/cother.txt")" "^  reached kiosk +— +[0-9.]+% +— *$" \
    "a stage A lacks is a dash on A's side"
like "$(row baseline "reached visit" "$WORK/cother.txt")" "^  reached visit +[0-9.]+% +— +— *$" \
    "a stage B lacks is a dash on B's side"
like "$(row loyalty "repeat buyers" "$WORK/cother.txt")" "^  repeat buyers +[0-9.]+% +— +— *$" \
    "a variant B lacks is a dash on B's side"
like "$(cat "$WORK/cother/compare.html")" "Other &lt;shop&gt;" "scenario names are escaped in compare.html"

# Bad inputs: exit 4 naming the file, nothing written.
mkdir -p "$WORK/empty" "$WORK/broken" "$WORK/notours"
echo '{"variants": [' >"$WORK/broken/summary.json"
echo '{"hello": 1}' >"$WORK/notours/summary.json"
run_cjmsim compare "$WORK/s1" "$WORK/empty" --out "$WORK/cbad"
is "$RC" 4 "a directory without summary.json: exit 4"
is "$ERR" "cjmsim: $WORK/empty/summary.json: cannot read it: No such file or directory (is '$WORK/empty' a results directory?)" \
    "the message names the missing summary.json"
run_cjmsim compare "$WORK/broken" "$WORK/s1" --out "$WORK/cbad"
is "$RC" 4 "a summary.json that is not JSON: exit 4"
like "$ERR" "^cjmsim: $WORK/broken/summary.json:2: not valid JSON: " "the message names the file and line"
run_cjmsim compare "$WORK/s1" "$WORK/notours" --out "$WORK/cbad"
is "$RC" 4 "JSON that is not a summary: exit 4"
is "$ERR" "cjmsim: $WORK/notours/summary.json: not a cjmsim summary (it needs \"stages\" and \"variants\" lists)" \
    "the message says it is not a cjmsim summary"
absent "$WORK/cbad" "a failed comparison writes nothing"
run_cjmsim compare "$WORK/s1"
is "$RC" 2 "one argument: exit 2"
is "$ERR" "cjmsim: compare needs two results directories or scenarios: cjmsim compare results/a results/b" \
    "the message says compare needs two"
run_cjmsim compare "$WORK/s1" "$WORK/s2" "$WORK/s3"
is "$RC" 2 "three arguments: exit 2"
run_cjmsim compare "$WORK/s1" "$SCENARIOS/bad/duplicate_stage.lua" --out "$WORK/cbad"
is "$RC" 3 "a scenario with an error: exit 3"
like "$ERR" "duplicate_stage.lua:[0-9]+:" "the scenario error names file:line"
run_cjmsim compare "$WORK/s1" "$WORK/s2" --out "$WORK/s1"
is "$RC" 4 "the output may not be one of the compared directories: exit 4"
is "$(json "$WORK/s1/summary.json" 'd["seed"]')" "1" "the compared results are untouched"

done_testing
