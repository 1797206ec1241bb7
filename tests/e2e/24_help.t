#!/usr/bin/env bash
# Help for each command (cjmsim COMMAND --help, cjmsim help COMMAND), the
# manual page docs/cjmsim.1 (it renders, and it documents every option the
# help lists), and `make install`, which installs the manual and the data.
source "$(dirname "$0")/lib.sh"

ROOT=$(cd "$TESTS_DIR/.." && pwd)
cd "$WORK" || exit 1

run_cjmsim --help
general=$OUT
for cmd in run check new fit sweep psa breakeven compare serve; do
    like "$general" "^  $cmd +[a-z]" "--help lists the command $cmd"
done
like "$general" '^       cjmsim help \[COMMAND\] \| --help \| --version$' "--help shows cjmsim help COMMAND"

# usage COMMAND FIRST-LINE: the command's help, both ways.
usage() {
    run_cjmsim "$1" --help
    is "$RC" 0 "$1 --help exits 0"
    is "$(printf '%s\n' "$OUT" | head -n 1)" "$2" "$1 --help starts with its usage"
    local by_flag=$OUT
    run_cjmsim help "$1"
    is "$RC" 0 "help $1 exits 0"
    is "$OUT" "$by_flag" "help $1 prints the same as $1 --help"
    is "$ERR" "" "help $1 writes nothing to stderr"
}
usage run "Usage: cjmsim run SCENARIO.lua [options]"
run_help=$OUT
usage check "Usage: cjmsim check SCENARIO.lua [options]"
check_help=$OUT
usage new "Usage: cjmsim new NAME"
new_help=$OUT
usage sweep "Usage: cjmsim sweep SCENARIO.lua --vary NAME=LO:HI:STEP [--vary ...] [options]"
analysis_help=$OUT
usage psa "Usage: cjmsim psa SCENARIO.lua [--draws N] [--lhs] [options]"
analysis_help+=$'\n'$OUT
usage breakeven "Usage: cjmsim breakeven SCENARIO.lua --param NAME --variant V [options]"
analysis_help+=$'\n'$OUT
for opt in --vary --draws --lhs --param --variant --set --params --out --threads; do
    like "$analysis_help" "^  $opt( |$)" "the analyses' help documents $opt"
done
usage compare "Usage: cjmsim compare A B [--out DIR] [--quiet]"
compare_help=$OUT
usage serve "Usage: cjmsim serve SCENARIO.lua [--port N] [options]"
serve_help=$OUT
like "$run_help" "^  --pdf " "run --help documents --pdf"
like "$run_help" "^  --png " "run --help documents --png"
like "$analysis_help" "^  --png " "the analyses' help documents --png"
like "$serve_help" "^  --port N " "serve --help documents --port"
like "$compare_help" "^standard errors of the difference of two independent runs" "compare --help says what the precision means"

for opt in --out --customers --days --seed --variants --threads --quiet \
    --lua-instructions --lua-memory --lua-seconds; do
    like "$run_help" "^  $opt( |$)" "run --help documents $opt"
done
for opt in --days --seed --variants --lua-instructions --lua-memory --lua-seconds; do
    like "$check_help" "^  $opt( |$)" "check --help documents $opt"
done
for opt in --out --customers --threads --quiet; do
    ok "$(printf '%s\n' "$check_help" | grep -Eq -- "^  $opt( |$)"; echo $((1 - $?)))" \
        "check --help does not offer $opt"
done
like "$check_help" '^Exit status: 0 the scenario is valid, 2 bad command line, 3 scenario error$' \
    "check --help gives its exit statuses"
like "$new_help" '^  cjmsim new my_shop +writes my_shop\.lua$' "new --help shows an example"
like "$new_help" 'never$' "new --help says it never overwrites"

run_cjmsim help nothing
is "$RC" 2 "help on an unknown command exits 2"
is "$ERR" "cjmsim: no help on 'nothing': the commands are run, check, new, fit, sweep, psa, breakeven, calibrate, compare and serve" \
    "help on an unknown command: message"
run_cjmsim help run check
is "$RC" 2 "help with two commands exits 2"
is "$ERR" "cjmsim: help takes one command: cjmsim help run" "help with two commands: message"

# --- the manual page -------------------------------------------------------
MAN="$ROOT/docs/cjmsim.1"
ok "$([ -f "$MAN" ]; echo $?)" "docs/cjmsim.1 exists"
manual=$(grep -v '^\.\\"' "$MAN" | sed 's/\\-/-/g')
for opt in $(printf '%s\n%s\n%s\n%s\n%s\n' "$run_help" "$check_help" "$analysis_help" "$compare_help" "$serve_help" | grep -Eo '^  --[a-z-]+' | sort -u); do
    like "$manual" "^\\.BI? $opt( |$)" "the manual documents $opt"
done
for section in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "SCENARIO FILES" FILES ENVIRONMENT \
    "EXIT STATUS" EXAMPLES; do
    like "$manual" "^\\.SH \"?$section\"?$" "the manual has the section $section"
done
if command -v groff >/dev/null; then
    warnings=$(groff -man -ww -z "$MAN" 2>&1)
    is "$warnings" "" "groff renders the manual without a warning"
    rendered=$(groff -man -Tutf8 -P-cbou "$MAN" 2>/dev/null)
    like "$rendered" '^ +cjmsim - simulate customer journeys' "the manual renders its NAME line"
    like "$rendered" '^ +check SCENARIO\.lua$' "the manual renders the check command"
else
    skip 3 "groff is not installed"
fi
if command -v man >/dev/null && man -l "$MAN" >/dev/null 2>&1; then
    like "$(MANWIDTH=80 man -l "$MAN" 2>/dev/null)" '^ +new NAME$' "man -l shows the manual"
else
    skip 1 "man -l is not available"
fi

# --- make install ----------------------------------------------------------
BUILD_DIR=$(cd "$(dirname "$CJMSIM")" && pwd)
if [ "$(dirname "$BUILD_DIR")" = "$ROOT" ] && command -v make >/dev/null; then
    BUILD=$(basename "$BUILD_DIR")
    # -o: the binary is taken as it is, never rebuilt by the test.
    make -s -C "$ROOT" -o "$BUILD/cjmsim" install BUILD="$BUILD" PREFIX=/usr \
        DESTDIR="$WORK/inst" >"$WORK/install.out" 2>&1
    is "$?" 0 "make install exits 0"
    for f in usr/bin/cjmsim usr/share/man/man1/cjmsim.1 usr/share/cjmsim/templates/scenario.lua \
        usr/share/cjmsim/personas/beginner.lua usr/share/cjmsim/personas/smb_owner.lua; do
        ok "$([ -f "$WORK/inst/$f" ]; echo $?)" "make install installs /$f"
    done
    is "$(cd "$ROOT/personas" && ls -- *.lua)" "$(cd "$WORK/inst/usr/share/cjmsim/personas" && ls)" \
        "the whole persona library is installed"
    CJMSIM_DATADIR="$WORK/inst/usr/share/cjmsim" "$WORK/inst/usr/bin/cjmsim" new installed \
        >/dev/null 2>&1
    "$WORK/inst/usr/bin/cjmsim" check installed.lua >/dev/null 2>&1
    is "$?" 0 "the installed data gives a scenario that checks"
else
    skip 8 "the binary is not in a build directory of the source tree"
fi

done_testing
