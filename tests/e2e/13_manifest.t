#!/usr/bin/env bash
# manifest.json lists exactly the files of its results directory, whatever
# the command and the options that add files (--pdf, calendar time's monthly
# plot) or take them away (no gnuplot, fewer variants): every writer
# records what it writes through the results directory, and a file written
# without being recorded (or recorded without being written) fails here. The
# list is in name order, each file once; results.xlsx has a sheet for each
# CSV file the directory recorded.
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
SHOP="$SCENARIOS/shop.lua"
S="$SCENARIOS/uncert_exact.lua"

# listed DIR: the manifest's files, one line each, as listed.
listed() { json "$1/manifest.json" '"\n".join(d["files"])'; }
# present DIR: every file in DIR and below, in name order (C locale).
present() { (cd "$1" && find . -type f | sed 's|^\./||' | LC_ALL=C sort); }

# exactly NAME DIR: the manifest lists every file present and nothing else,
# in name order, each once.
exactly() {
    is "$(listed "$2")" "$(present "$2")" "$1: the manifest lists exactly the files there are"
    is "$(listed "$2" | LC_ALL=C sort -u)" "$(listed "$2")" "$1: in name order, each file once"
}

run_cjmsim run "$SHOP" --customers 800 --days 20 --out plain --quiet
is "$RC" 0 "a plain run succeeds"
exactly "run" plain
like "$(listed plain | tr '\n' ' ')" "plots/funnel\.svg .*report\.html results\.xlsx summary\.json" \
    "run: the pictures, the report and the data files are among them"

run_cjmsim run "$SHOP" --customers 800 --days 20 --out png --png --quiet
is "$RC" 0 "a run with --png succeeds"
exactly "run --png" png
like "$(listed png | tr '\n' ' ')" "plots/funnel\.png plots/funnel\.svg " "run --png: its PNGs are among them"

run_cjmsim run "$SHOP" --customers 800 --days 20 --exact --out exact --quiet
is "$RC" 0 "an exact run succeeds"
exactly "run --exact" exact

run_cjmsim run "$SCENARIOS/calendar.lua" --days 70 --out calendar --quiet
is "$RC" 0 "a run in calendar time succeeds"
exactly "calendar time" calendar
like "$(listed calendar | tr '\n' ' ')" "plots/monthly\.dat" "calendar time: the monthly plot is listed"

# Without gnuplot the pictures are missing, and so from the manifest.
(PATH=/nonexistent exec "$CJMSIM" run "$SHOP" --customers 800 --days 20 --out nognu --quiet) \
    >/dev/null 2>&1
is "$?" 0 "a run without gnuplot succeeds"
exactly "no gnuplot" nognu
is "$(listed nognu | grep -c '\.png$\|\.svg$')" 0 "no gnuplot: no picture is listed"

# --pdf adds report.pdf, printed here by a stand-in for Chromium.
cat >fake-browser <<'SH'
#!/bin/sh
for a in "$@"; do
    case "$a" in --print-to-pdf=*) printf '%%PDF-1.4 stand-in\n' >"${a#--print-to-pdf=}" ;; esac
done
SH
chmod +x fake-browser
CJMSIM_CHROMIUM="$WORK/fake-browser" run_cjmsim run "$SHOP" --customers 800 --days 20 --pdf \
    --out pdf --quiet
is "$RC" 0 "a run with --pdf succeeds"
exactly "run --pdf" pdf
like "$(listed pdf | tr '\n' ' ')" "report\.pdf" "--pdf: report.pdf is listed"

# The workbook reads back the CSV files the directory recorded.
is "$(listed plain | grep '^[^/]*\.csv$' | tr '\n' ' ')" "daily.csv funnel.csv transitions.csv " \
    "run: the CSV files recorded"
is "$(python3 -c 'import re, sys, zipfile
book = zipfile.ZipFile(sys.argv[1]).read("xl/workbook.xml").decode()
print(" ".join(re.findall(r"<sheet name=\"([^\"]*)\"", book)))' plain/results.xlsx)" \
    "summary funnel transitions daily" "results.xlsx: the summary, then a sheet per recorded CSV file"

# The analyses finish their directories the same way.
run_cjmsim sweep "$S" --vary q=0.01,0.03 --days 12 --customers 2000 --out sweep --quiet
is "$RC" 0 "sweep succeeds"
exactly "sweep" sweep

run_cjmsim psa "$S" --draws 20 --days 12 --customers 2000 --out psa --quiet
is "$RC" 0 "psa succeeds"
exactly "psa" psa

run_cjmsim breakeven "$S" --param promo_cost --variant promo --days 12 --customers 2000 --out be --quiet
is "$RC" 0 "breakeven succeeds"
exactly "breakeven" be

cat >two.lua <<'LUA'
scenario { name = "Two steps", days = 30, customers = 4000, seed = 3 }
local p = param "p_buy" { 0.05, low = 0.01, high = 0.2 }
stage "visit" { entry = true }
stage "buy"   { purchase = true, value = 10 }
stage "gone"  { terminal = true }
transition("visit", "buy", p)
transition("visit", "gone", 0.1)
target "bought" { buyers = 900, of = 4000 }
LUA
run_cjmsim calibrate two.lua --out cal --quiet
is "$RC" 0 "calibrate succeeds"
exactly "calibrate" cal

run_cjmsim compare plain exact --out cmp --quiet
is "$RC" 0 "compare succeeds"
exactly "compare" cmp

# A results directory the manifest describes is replaced whole by the next run.
run_cjmsim run "$SHOP" --customers 800 --days 20 --out plain --quiet --variants baseline
is "$RC" 0 "a run replaces a previous result"
exactly "a replaced result" plain

done_testing
