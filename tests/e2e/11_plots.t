#!/usr/bin/env bash
# The plots of a run: gnuplot draws every plot as a well-formed SVG (and, with
# --png, as a valid PNG too) from data and scripts left in plots/; hostile
# names are drawn as text and run
# nothing; a '%' in a name is drawn as written; an --out path with a line
# break or bytes that are not UTF-8 gets its plots; without gnuplot the run
# succeeds, warns once and the one command it names draws them later; a
# failing gnuplot is a warning naming every plot not drawn, and the report
# says which are missing; gnuplot gets an argument vector, never a shell, and
# starts in the plots folder.
source "$(dirname "$0")/lib.sh"

CHECK="$TESTS_DIR/e2e/check_image.py"
PLOTS="funnel buyers_by_day uplift emotions personas"
cd "$WORK" || exit 1

if ! command -v gnuplot >/dev/null; then
    echo "1..0 # skip gnuplot is not installed (Debian: gnuplot-nox; CI installs it)"
    exit 0
fi

# images DIR [KIND...]: "name kind" for every plot's pictures of these kinds
# (default svg) in DIR; expected_images [KIND...]: what that is when all are
# valid.
images() {
    local dir=$1 p k files=()
    shift
    for p in $PLOTS; do for k in "${@:-svg}"; do files+=("$dir/$p.$k"); done; done
    python3 "$CHECK" "${files[@]}" | sed -E 's/ [0-9]+x[0-9]+$//'
}
expected_images() {
    local p k
    for p in $PLOTS; do for k in "${@:-svg}"; do printf '%s.%s %s\n' "$p" "$k" "$k"; done; done
}

# --- a run draws every plot ---------------------------------------------------------
run_cjmsim run "$SCENARIOS/shop.lua" --customers 3000 --days 40 --out "$WORK/shop"
is "$RC" 0 "a run with gnuplot succeeds"
is "$ERR" "" "and warns about nothing"
P="$WORK/shop/plots"
is "$(images "$P")" "$(expected_images)" "every plot is a well-formed SVG"
is "$(ls "$P" | grep -c '\.png$')" 0 "and no PNG is drawn without --png"
# A blank picture is well-formed too: each must hold the shapes of its chart.
is "$(python3 "$CHECK" --ink "$P"/*.svg | awk '$4 < 20 { print $1 }')" "" \
    "every SVG draws its chart (20 coloured shapes at least)"
is "$(python3 "$CHECK" --ink --colour E69F00 "$P/funnel.svg" | awk '{ print $6 }')" 6 \
    "funnel.svg: the second variant's colour (palette.gp) on its bar at each of 5 stages and in the key"
grep -q "^formats = 'svg'$" "$P/funnel.gp"
ok "$?" "funnel.gp says it draws SVG (formats = 'svg')"

# --- --png draws PNG as well -----------------------------------------------------------
run_cjmsim run "$SCENARIOS/shop.lua" --customers 3000 --days 40 --out "$WORK/png" --png --quiet
is "$RC:$ERR" "0:" "a run with --png succeeds without a warning"
is "$(images "$WORK/png/plots" png svg)" "$(expected_images png svg)" \
    "--png: every plot is a valid PNG and a well-formed SVG"
is "$(python3 "$CHECK" "$WORK/png/plots/funnel.png" | cut -d' ' -f3 | awk -Fx '{ print ($1 >= 1000 && $2 >= 600) }')" 1 \
    "the PNGs are large enough to project (funnel at least 1000x600)"
is "$(python3 "$CHECK" --ink --colour E69F00 "$WORK/png/plots/funnel.png" | awk '{ print ($4 > 5 && $6 > 0.5) }')" 1 \
    "funnel.png is drawn: over 5% of it ink, the second variant's colour on over 0.5%"
is "$(json "$WORK/png/manifest.json" 'sorted(f for f in d["files"] if f.endswith(".png"))')" \
    "$(cd "$WORK/png" && python3 -c 'import sys; print(sorted(sys.argv[1:]))' plots/*.png)" \
    "manifest.json lists every PNG"
is "$(grep -c "^formats = 'png svg'$" "$WORK/png/plots/funnel.gp")" 1 "funnel.gp says it draws both"
# pngcairo sets a point at 96 pixels an inch, svg at 72: the SVG's text is
# scaled to be the PNG's, the title's 15 points 20 pixels in both.
is "$(grep -o 'font-size="\(17.33\|20.00\|13.00\|15.00\)"' "$WORK/png/plots/funnel.svg" | sort -u | tr '\n' ' ')" \
    'font-size="17.33" font-size="20.00" ' \
    "the SVG's text is the PNG's size: 13 and 15 points at 96 pixels an inch, not 72"
rm -f "$WORK/png/plots"/*.png "$WORK/png/plots"/*.svg
(cd "$WORK/png/plots" && gnuplot plots.gp) >"$WORK/redraw-png.out" 2>&1
is "$?:$(cat "$WORK/redraw-png.out")" "0:" "its plots.gp draws them again, silently"
is "$(images "$WORK/png/plots" png svg)" "$(expected_images png svg)" "as PNG and SVG"
for p in $PLOTS; do
    ok "$([ -s "$P/$p.dat" ] && [ -s "$P/$p.gp" ]; echo $?)" "$p: its data and script stay beside it"
done
is "$(grep -vc '^#' "$P/funnel.dat")" 5 "funnel.dat: one row per stage"
is "$(grep -v '^#' "$P/funnel.dat" | awk 'NR == 1 { print $2, $3 }')" "100.0000 -1.0000" \
    "funnel.dat: everyone reached the entry stage, which has no conversion"
is "$(grep -vc '^#' "$P/buyers_by_day.dat")" 41 "buyers_by_day.dat: one row per day 0 ... 40"
is "$(py '
d = json.load(open(sys.argv[1]))
last = [l.split() for l in open(sys.argv[2]) if not l.startswith("#")][-1]
got = [round(float(last[2 + 2 * v]), 4) for v in range(len(d["variants"]))]
want = [round(100.0 * v["repeat_buyers"] / v["customers"], 4) for v in d["variants"]]
print(got == want or (got, want))' "$WORK/shop/summary.json" "$P/buyers_by_day.dat")" "True" \
    "buyers_by_day.dat ends at each variant's repeat buyers of summary.json"
is "$(py '
d = json.load(open(sys.argv[1]))
rows = [l.split() for l in open(sys.argv[2]) if not l.startswith("#")]
everyone = [r for r in rows if r[1] == str(len(d["personas"]) + 1)]
got = [round(float(r[2]), 2) for r in everyone]
want = [round(100 * v["uplift"]["repeat_buyers"]["diff"], 2) for v in d["variants"][1:]]
print(got == want or (got, want))' "$WORK/shop/summary.json" "$P/uplift.dat")" "True" \
    "uplift.dat holds summary.json's uplift of every variant, in points"
is "$(json "$WORK/shop/manifest.json" 'sorted(f for f in d["files"] if f.startswith("plots/"))')" \
    "$(cd "$WORK/shop" && python3 -c 'import sys; print(sorted(sys.argv[1:]))' plots/*)" \
    "manifest.json lists every file of plots/"

# --- the one command draws them again -----------------------------------------------
rm -f "$P"/*.svg
(cd "$P" && gnuplot plots.gp) >"$WORK/redraw.out" 2>&1
is "$?:$(cat "$WORK/redraw.out")" "0:" "cd plots && gnuplot plots.gp draws them again, silently"
is "$(images "$P")" "$(expected_images)" "and every picture is back"
is "$(ls "$P" | grep -c '\.png$')" 0 "as the run drew them: SVG only"

# --- a baseline alone has no uplift to draw -----------------------------------------
run_cjmsim run "$SCENARIOS/shop.lua" --customers 500 --days 10 --variants baseline --out "$WORK/base" --quiet
is "$RC:$ERR" "0:" "a baseline-only run draws its plots"
is "$(ls "$WORK/base/plots" | grep -c '\.svg$'):$(ls "$WORK/base/plots" | grep -c uplift)" "4:0" \
    "four plots, and no uplift plot without a variant"

# --- hostile names --------------------------------------------------------------------
mkdir -p "$WORK/h"
run_in "$WORK/h" run "$SCENARIOS/hostile.lua" --out out
is "$RC" 0 "a scenario with hostile names runs"
is "$ERR" "" "gnuplot draws every plot of it without complaint"
is "$(images "$WORK/h/out/plots")" "$(expected_images)" "its plots are well-formed SVG"
is "$(find "$WORK" \( -name x -o -name y -o -name z -o -name v -o -name w -o -name k -o -name t -o -name c \) -print)" "" \
    "no label ran: no file x, y, z, v, w, k, t or c anywhere"
is "$(python3 -c '
import sys, xml.etree.ElementTree as ET
texts = set(t.strip() for t in ET.parse(sys.argv[1]).getroot().itertext())
want = ["a\" ; system(\"touch x\") ; \"", "<buy> & '"'"'pay'"'"'", "use\\n@x", "gone\\",
        "i\" ; system(\"touch v\") ; \"", "<j> & '"'"'k'"'"'"]
print([w for w in want if w not in texts])' "$WORK/h/out/plots/funnel.svg")" "[]" \
    "funnel.svg shows the stage and variant names as the scenario wrote them"
is "$(python3 -c '
import sys, xml.etree.ElementTree as ET
texts = set(t.strip() for t in ET.parse(sys.argv[1]).getroot().itertext())
print([w for w in ["b'"'"' . system('"'"'touch y'"'"') . '"'"'", "all customers"] if w not in texts])' \
    "$WORK/h/out/plots/uplift.svg")" "[]" "uplift.svg shows the persona names as written"

# --- '%' in names: gnuplot reads tic labels as formats ---------------------------------
run_cjmsim run "$SCENARIOS/percent.lua" --out "$WORK/pct" --quiet
is "$RC:$ERR" "0:" "a scenario with '%' in its names runs and draws without a warning"
is "$(images "$WORK/pct/plots")" "$(expected_images)" "its plots are well-formed SVG (a stage named 50% does not stop the funnel)"
# svg_missing SVG TEXT...: the texts the picture does not show.
svg_missing() {
    python3 -c '
import sys, xml.etree.ElementTree as ET
texts = set(t.strip() for t in ET.parse(sys.argv[1]).getroot().itertext())
print([w for w in sys.argv[2:] if w not in texts])' "$@"
}
is "$(svg_missing "$WORK/pct/plots/funnel.svg" "ad 100%" "50%" "(from ad 100%)" "use %" "(from 50%)" "%%" "10% off" "%d%%")" "[]" \
    "funnel.svg: the stage names on the axis as written"
is "$(svg_missing "$WORK/pct/plots/uplift.svg" "10% off" "%d%%" "10% off+" "%s %d %n")" "[]" \
    "uplift.svg: the variant names on the axis as written"
is "$(svg_missing "$WORK/pct/plots/personas.svg" "10% off" "%s %d %n")" "[]" \
    "personas.svg: the persona names on the axis as written"
is "$(svg_missing "$WORK/pct/plots/emotions.svg" "ad 100%" "50%" "use %" "%%")" "[]" \
    "emotions.svg: the stage names on the axis as written"

# --- an --out path gnuplot could not be told -----------------------------------------
# gnuplot starts in the plots folder and is told only file names, so a line
# break or bytes that are not UTF-8 in the results path reach it nowhere.
odd=$(printf 'line\nbreak \377\376 %%s')
run_in "$WORK/odd" run "$SCENARIOS/shop.lua" --customers 500 --days 10 --out "$odd" --quiet
is "$RC:$ERR" "0:" "--out with a line break and invalid UTF-8: exit 0, no warning"
is "$(images "$WORK/odd/$odd/plots")" "$(expected_images)" "and every plot is drawn"

# --- no gnuplot -----------------------------------------------------------------------
mkdir -p "$WORK/nognu"
(cd "$WORK/nognu" && PATH=/nonexistent exec "$CJMSIM" run "$SCENARIOS/shop.lua" --customers 800 --days 20 \
    --out "it's here" --quiet) >"$WORK/nognu.out" 2>"$WORK/nognu.err"
is "$?" 0 "without gnuplot the run still succeeds"
is "$(cat "$WORK/nognu.out")" "" "--quiet: nothing on stdout"
is "$(cat "$WORK/nognu.err")" \
    "cjmsim: gnuplot not found: plots not drawn; draw them later with: cd 'it'\\''s here/plots' && gnuplot plots.gp" \
    "one warning, naming the one command that draws them later"
N="$WORK/nognu/it's here"
is "$(ls "$N/plots" | grep -c '\.png$\|\.svg$')" 0 "no pictures"
is "$(ls "$N/plots" | grep -c '\.dat$'):$(ls "$N/plots" | grep -c '\.gp$')" "5:6" \
    "the data and scripts are there (five plots and plots.gp)"
is "$(json "$N/manifest.json" '" ".join(sorted(d["files"]))')" \
    "$(cd "$N" && find . -type f | sed 's|^\./||' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')" \
    "manifest.json lists exactly the files there are"
ok "$(grep -q 'gnuplot plots.gp' "$N/report.html"; echo $?)" "report.html says how to draw the charts"
command=$(sed 's/.*draw them later with: //' "$WORK/nognu.err")
(cd "$WORK/nognu" && bash -c "$command") >/dev/null 2>&1
is "$?" 0 "the command of the warning runs"
is "$(images "$N/plots")" "$(expected_images)" "and draws every plot"

# --- installed: the templates come from PREFIX/share/cjmsim/plots --------------------
ROOT=$(cd "$TESTS_DIR/.." && pwd)
BUILD_DIR=$(cd "$(dirname "$CJMSIM")" && pwd)
if [ "$(dirname "$BUILD_DIR")" = "$ROOT" ] && command -v make >/dev/null; then
    BUILD=$(basename "$BUILD_DIR")
    # -o: the binary is taken as it is, never rebuilt by the test.
    make -s -C "$ROOT" -o "$BUILD/cjmsim" install BUILD="$BUILD" PREFIX=/usr \
        DESTDIR="$WORK/inst" >"$WORK/install.out" 2>&1
    is "$?" 0 "make install exits 0"
    is "$(cd "$WORK/inst/usr/share/cjmsim/plots" 2>/dev/null && ls)" "$(cd "$ROOT/plots" && ls -- *.gp)" \
        "make install installs every template of plots/"
    # The installed program is away from the source tree: only the installed
    # data directory can give it the templates.
    (cd "$WORK" && CJMSIM_DATADIR="$WORK/inst/usr/share/cjmsim" exec "$WORK/inst/usr/bin/cjmsim" run \
        "$SCENARIOS/shop.lua" --customers 300 --days 10 --out inst-run --quiet) >"$WORK/inst.out" 2>&1
    is "$?:$(cat "$WORK/inst.out")" "0:" "the installed cjmsim runs and draws without a warning"
    is "$(images "$WORK/inst-run/plots")" "$(expected_images)" "from the installed templates"
else
    skip 4 "the binary is not in a build directory of the source tree"
fi

# --- a failing gnuplot, and the argument vector it gets -------------------------------
mkdir -p "$WORK/fake"
cat >"$WORK/fake/gnuplot" <<'EOF'
#!/bin/sh
# Records the folder it runs in and its arguments on one line (one write, so
# that the plots' runs do not interleave) and fails like gnuplot on a bad
# script.
{ printf '%s|' "$(basename "$(dirname "$PWD")")/$(basename "$PWD")" "$@"; echo; } | sed 's/|$//' >>"$FAKE_LOG"
echo "\"$2\" line 3: undefined variable: nonsense" >&2
exit 1
EOF
chmod +x "$WORK/fake/gnuplot"
export FAKE_LOG="$WORK/fake/args"
(cd "$WORK/fake" && PATH="$WORK/fake:$PATH" exec "$CJMSIM" run "$SCENARIOS/shop.lua" --customers 500 \
    --days 10 --variants baseline --out out --quiet) >"$WORK/fake.out" 2>"$WORK/fake.err"
is "$?" 0 "a failing gnuplot does not fail the run"
like "$(cat "$WORK/fake.err")" \
    '^cjmsim: gnuplot failed on [a-z_]+\.gp: "[a-z_]+\.gp" line 3: undefined variable: nonsense; not drawn: funnel, buyers_by_day, emotions, personas; the data and scripts are in out/plots$' \
    "one warning line, with gnuplot's own message and every plot not drawn"
is "$(grep -c '' "$FAKE_LOG")" 4 "gnuplot is started once per plot"
is "$(grep -Evc "^out\.tmp-[A-Za-z0-9]{6}/plots\|--default-settings(\|[a-z_]+\.gp\|-e\|print 'cjmsim: drawn [a-z_]+\.gp'; reset session)+$" "$FAKE_LOG")" 0 \
    "it runs in <results>/plots with the arguments --default-settings NAME.gp -e COMMAND ..., with no shell between"
is "$(cut -d'|' -f3 "$FAKE_LOG" | LC_ALL=C sort | tr '\n' ' ')" "buyers_by_day.gp emotions.gp funnel.gp personas.gp " \
    "each plot's script starts one run: a plot that fails costs the others of its gnuplot nothing"
ok "$([ -s "$WORK/fake/out/report.html" ]; echo $?)" "the report is written all the same"
is "$(grep -o 'Missing: <code>plots/[a-z_]*\.svg' "$WORK/fake/out/report.html" | sed 's/.*plots.//' | tr '\n' ' ')" \
    "funnel.svg buyers_by_day.svg emotions.svg personas.svg " "and it names every chart that is missing"
done_testing
