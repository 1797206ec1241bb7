#!/usr/bin/env bash
# cjmsim run --pdf: report.pdf printed by headless Chromium into the results
# directory, listed in the manifest; without Chromium, or when it fails, a
# clear error and no results at all.
source "$(dirname "$0")/lib.sh"

SHOP="$SCENARIOS/shop.lua"
cd "$WORK" || exit 1
mkdir -p "$WORK/tmp"
export TMPDIR="$WORK/tmp"

if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    run_cjmsim run "$SHOP" --pdf --out "$WORK/r" --quiet
    is "$RC" 0 "run --pdf exits 0"
    is "$(head -c 5 "$WORK/r/report.pdf" 2>/dev/null)" "%PDF-" "report.pdf is a PDF"
    is "$(json "$WORK/r/manifest.json" '"report.pdf" in d["files"]')" "True" \
        "the manifest lists report.pdf"
    if command -v pdftotext >/dev/null 2>&1; then
        like "$(pdftotext "$WORK/r/report.pdf" - 2>/dev/null)" "Corner shop" \
            "the PDF shows the scenario's name"
    else
        skip 1 "pdftotext (poppler-utils) is not installed"
    fi
    is "$(ls -A "$WORK/tmp")" "" "Chromium's temporary profile is removed"
    # A results path with a space, '#' and '?' still prints the right file.
    run_cjmsim run "$SHOP" --pdf --out "$WORK/odd #1 ?x" --quiet
    is "$(head -c 5 "$WORK/odd #1 ?x/report.pdf" 2>/dev/null)" "%PDF-" "an odd results path gets its PDF"
    # A second run replaces the first: the PDF is one of cjmsim's own files.
    run_cjmsim run "$SHOP" --pdf --out "$WORK/r" --quiet --seed 3
    is "$RC" 0 "a second run --pdf replaces the first"
else
    skip 6 "Chromium is not installed"
fi

# Without --pdf there is no PDF.
run_cjmsim run "$SHOP" --out "$WORK/plain" --quiet
absent "$WORK/plain/report.pdf" "without --pdf no report.pdf"

# No browser: exit 2, nothing written.
CJMSIM_CHROMIUM="$WORK/no-such-browser" run_cjmsim run "$SHOP" --pdf --out "$WORK/nob"
is "$RC" 2 "--pdf without Chromium: exit 2"
is "$ERR" "cjmsim: --pdf needs Chromium to print report.html (install the chromium package, set CJMSIM_CHROMIUM, or leave --pdf out)" \
    "the message says what --pdf needs"
absent "$WORK/nob" "no results are written"

# A browser that fails: exit 4, nothing written, nothing left behind.
printf '#!/bin/sh\nexit 7\n' >"$WORK/broken-browser"
chmod +x "$WORK/broken-browser"
CJMSIM_CHROMIUM="$WORK/broken-browser" run_cjmsim run "$SHOP" --pdf --out "$WORK/bro"
is "$RC" 4 "a browser that fails: exit 4"
is "$ERR" "cjmsim: $WORK/broken-browser could not print report.html to PDF (exit status 7)" \
    "the message names the browser and its status"
absent "$WORK/bro" "no results are written"
no_leftovers "$WORK" "nothing half-written is left"
is "$(ls -A "$WORK/tmp")" "" "no temporary profile is left"

run_cjmsim check "$SHOP" --pdf
is "$RC" 2 "check takes no --pdf"

done_testing
