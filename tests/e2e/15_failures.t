#!/usr/bin/env bash
# Failures from outside the scenario: a full disk while the results are
# written, SIGTERM, and a scenario path that is not a regular file. Each has
# its documented exit status, a clear message, and leaves no results behind.
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
S="$SCENARIOS/design_core.lua"

# A disk that fills up: the file size limit makes every write past 16 KiB
# fail with EFBIG, as a full disk fails with ENOSPC. SIGXFSZ is ignored so
# that the write reports the error instead of killing the process.
(
    trap '' XFSZ
    ulimit -f 16
    exec "$CJMSIM" run "$S" --customers 2000 --days 30 --out full
) >"$WORK/full.out" 2>"$WORK/full.err"
is "$?" 4 "a full disk while writing results: exit 4"
like "$(cat "$WORK/full.err")" "^cjmsim: cannot write full/[a-z_/]+\.(json|csv|html|dat|gp): File too large$" \
    "a full disk: the message names the file and the reason"
absent "$WORK/full" "a full disk leaves no results directory"
no_leftovers "$WORK" "a full disk leaves no temporary directory"

# SIGTERM stops a run like Ctrl-C does.
"$CJMSIM" run "$S" --customers 100000000 --days 365 --threads 1 --out term --quiet \
    >"$WORK/term.out" 2>"$WORK/term.err" &
pid=$!
for _ in $(seq 100); do
    compgen -G "$WORK/term.tmp-*" >/dev/null && break
    sleep 0.05
done
kill -TERM "$pid"
wait "$pid"
is "$?" 130 "SIGTERM: exit 130"
is "$(cat "$WORK/term.err")" "cjmsim: interrupted: no results were written" "SIGTERM: message"
absent "$WORK/term" "SIGTERM leaves no results directory"
no_leftovers "$WORK" "SIGTERM leaves no temporary directory"

# A named pipe is not a scenario file (reading it could block forever).
mkfifo pipe.lua
run_cjmsim run pipe.lua --out piped
is "$RC" 3 "a named pipe as scenario: exit 3"
is "$ERR" "cjmsim: scenario 'pipe.lua' is not a regular file" "a named pipe as scenario: message"
absent "$WORK/piped" "a named pipe writes no results"

# A scenario file that is empty has no stages.
: >empty.lua
run_cjmsim run empty.lua --out empty
is "$RC" 3 "an empty scenario: exit 3"
is "$ERR" "cjmsim: empty.lua: no stages: declare the journey with stage \"name\" { ... }" \
    "an empty scenario: message"

done_testing
