#!/usr/bin/env bash
# The command line outside the run options: commands, help, version, the
# scenario argument. Usage mistakes exit 2, a missing or unusable scenario 3.
source "$(dirname "$0")/lib.sh"

GOOD="$SCENARIOS/design_core.lua"

# --- help and version ------------------------------------------------------
for cmd in --help -h help; do
    run_cjmsim $cmd
    is "$RC" 0 "$cmd exits 0"
    like "$OUT" '^Usage: cjmsim run SCENARIO\.lua \[options\]' "$cmd prints the usage line first"
    for opt in --out --customers --days --seed --variants --threads --quiet; do
        like "$OUT" "^  $opt( |$)" "$cmd documents $opt"
    done
    like "$OUT" 'Exit status: 0 success, 2 bad command line, 3 scenario error, 4 results could' \
        "$cmd documents the exit codes"
    is "$ERR" "" "$cmd writes nothing to stderr"
done

run_cjmsim run "$GOOD" --help
is "$RC" 0 "run SCENARIO --help exits 0"
like "$OUT" '^Usage: cjmsim run' "run SCENARIO --help prints the usage"

for cmd in --version version; do
    run_cjmsim $cmd
    is "$RC" 0 "$cmd exits 0"
    like "$OUT" '^cjmsim [0-9]+\.[0-9]+\.[0-9]+$' "$cmd prints the program and its version"
    is "$ERR" "" "$cmd writes nothing to stderr"
done

# --- commands --------------------------------------------------------------
cd "$WORK" || exit 1

run_cjmsim
is "$RC" 2 "no command exits 2"
is "$ERR" "cjmsim: no command given (try: cjmsim run scenario.lua, or cjmsim --help)" \
    "no command: message"
is "$OUT" "" "no command: nothing on stdout"

run_cjmsim simulate "$GOOD"
is "$RC" 2 "unknown command exits 2"
is "$ERR" "cjmsim: unknown command 'simulate' (try: cjmsim run scenario.lua)" \
    "unknown command: message"

run_cjmsim --quiet run "$GOOD"
is "$RC" 2 "an option before the command exits 2"
is "$ERR" "cjmsim: unknown command '--quiet' (try: cjmsim run scenario.lua)" \
    "an option before the command: message"

# --- options and the scenario argument -------------------------------------
run_cjmsim run "$GOOD" --fast
is "$RC" 2 "unknown option exits 2"
is "$ERR" "cjmsim: unknown option '--fast' (see cjmsim --help)" "unknown option: message"

run_cjmsim run -x "$GOOD"
is "$RC" 2 "unknown short option exits 2"
is "$ERR" "cjmsim: unknown option '-x' (see cjmsim --help)" "unknown short option: message"

run_cjmsim run "$GOOD" --customers5
is "$RC" 2 "an option glued to its value exits 2"
is "$ERR" "cjmsim: unknown option '--customers5' (see cjmsim --help)" \
    "an option glued to its value: message"

run_cjmsim run
is "$RC" 2 "run without a scenario exits 2"
is "$ERR" "cjmsim: run needs a scenario file: cjmsim run scenario.lua" \
    "run without a scenario: message"

run_cjmsim run --days 10 --seed 3
is "$RC" 2 "run with options but no scenario exits 2"
is "$ERR" "cjmsim: run needs a scenario file: cjmsim run scenario.lua" \
    "run with options but no scenario: message"

run_cjmsim run "$GOOD" "$SCENARIOS/minimal.lua"
is "$RC" 2 "two scenarios exit 2"
is "$ERR" "cjmsim: one scenario at a time: got '$GOOD' and '$SCENARIOS/minimal.lua'" \
    "two scenarios: message names both"

run_cjmsim run "$WORK/no-such-scenario.lua"
is "$RC" 3 "a missing scenario file exits 3"
is "$ERR" "cjmsim: cannot open scenario '$WORK/no-such-scenario.lua': No such file or directory" \
    "a missing scenario file: message"

mkdir -p "$WORK/a-directory.lua"
run_cjmsim run "$WORK/a-directory.lua"
is "$RC" 3 "a directory as scenario exits 3"
is "$ERR" "cjmsim: scenario '$WORK/a-directory.lua' is a directory, not a .lua file" \
    "a directory as scenario: message"

run_cjmsim run /dev/null/x.lua
is "$RC" 3 "a scenario under a file exits 3"
is "$ERR" "cjmsim: cannot open scenario '/dev/null/x.lua': Not a directory" \
    "a scenario under a file: message"

run_cjmsim run /dev/zero
is "$RC" 3 "a device as scenario exits 3"
is "$ERR" "cjmsim: scenario '/dev/zero' is not a regular file" "a device as scenario: message"

# None of the failures above wrote results into the current directory.
absent "$WORK/results" "failed commands create no results/ directory"
no_leftovers "$WORK" "failed commands leave no temporary directories"

done_testing
