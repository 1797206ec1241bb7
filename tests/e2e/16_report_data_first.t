#!/usr/bin/env bash
# The report's data files (report/report.css, report/prose.LANG.html,
# plots/palette.gp) are read before anything is simulated: without one, a
# run that would simulate for minutes stops at once with exit status 5 and
# the message naming the file, having written nothing (no results, no
# temporary directory, no lock) and drawn nothing (gnuplot never started).
source "$(dirname "$0")/lib.sh"

ROOT=$(cd "$TESTS_DIR/.." && pwd)
EXAMPLE="$ROOT/scripts/sport_nutrition.lua"
cd "$WORK" || exit 1

plan 10

# The program away from the source tree, so that only $CJMSIM_DATADIR gives
# it the data files (datadir.h).
mkdir -p "$WORK/prog/bin"
cp "$CJMSIM" "$WORK/prog/bin/cjmsim"
PROG="$WORK/prog/bin/cjmsim"

# A gnuplot that only says it was started.
mkdir -p "$WORK/fake"
printf '#!/bin/sh\necho started >>"%s"\n' "$WORK/fake/log" >"$WORK/fake/gnuplot"
chmod +x "$WORK/fake/gnuplot"

# 200,000,000 customers x 365 days x 4 variants on one thread: about a
# minute of simulation on a fast machine, far beyond the timeout below; a run
# that stops with status 5 within it stopped before simulating.
for file in report/report.css report/prose.en.html plots/palette.gp; do
    rm -rf "$WORK/data" "$WORK"/early*
    mkdir -p "$WORK/data"
    cp -r "$ROOT/plots" "$ROOT/report" "$WORK/data/"
    rm "$WORK/data/$file"
    : >"$WORK/fake/log"
    CJMSIM_DATADIR="$WORK/data" PATH="$WORK/fake:$PATH" timeout 20 "$PROG" run "$EXAMPLE" \
        --customers 200000000 --threads 1 --out "$WORK/early" --quiet >"$WORK/out" 2>"$WORK/err"
    RC=$?
    is "$RC:$(sed 's|beside the program and in /[^)]*)|beside the program and in DATADIR)|' "$WORK/err")" \
        "5:cjmsim: the report's data file $file is missing (looked in \$CJMSIM_DATADIR, beside the program and in DATADIR): set CJMSIM_DATADIR to the folder that holds it or reinstall cjmsim" \
        "without $file: exit status 5 at once, before the simulation, naming the file"
    is "$(cd "$WORK" && ls -d early* 2>/dev/null)" "" \
        "without $file: no results, no temporary directory, no lock file"
    is "$(grep -c '' "$WORK/fake/log")" 0 "without $file: gnuplot is not started"
done

# With every file there, the same run of a few customers writes its results.
rm -rf "$WORK/data" && mkdir -p "$WORK/data" && cp -r "$ROOT/plots" "$ROOT/report" "$WORK/data/"
CJMSIM_DATADIR="$WORK/data" "$PROG" run "$EXAMPLE" --customers 2000 --threads 1 \
    --out "$WORK/early" --quiet >/dev/null 2>"$WORK/err"
is "$?:$(cat "$WORK/err"):$(ls "$WORK/early/report.html" 2>/dev/null)" "0::$WORK/early/report.html" \
    "with the data files the run writes its report"
