#!/usr/bin/env bash
# Failures from outside the scenario: a full disk while the results are
# written, SIGTERM and SIGHUP, running out of memory, standard output that
# cannot be written, and a scenario path that is not a regular file. Each has
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

# SIGHUP (the terminal closed) stops a run like Ctrl-C does too.
"$CJMSIM" run "$S" --customers 100000000 --days 365 --threads 1 --out hup --quiet \
    >"$WORK/hup.out" 2>"$WORK/hup.err" &
pid=$!
for _ in $(seq 100); do
    compgen -G "$WORK/hup.tmp-*" >/dev/null && break
    sleep 0.05
done
kill -HUP "$pid"
wait "$pid"
is "$?" 130 "SIGHUP: exit 130"
is "$(cat "$WORK/hup.err")" "cjmsim: interrupted: no results were written" "SIGHUP: message"
absent "$WORK/hup" "SIGHUP leaves no results directory"
no_leftovers "$WORK" "SIGHUP leaves no temporary directory"

# Running out of memory once the temporary directory exists: under a limit
# of 200 MB of address space a run of 36,500 days loads, compiles and
# starts its results (shown by the same run with few customers and one
# thread, without gnuplot, which succeeds), but 1,024 threads each counting
# 36,500 days cannot all get their counters. The allocation that fails
# exits 5 and takes the temporary directory with it.
limited() { # limited ARGS...: cjmsim under the limits, without gnuplot
    (
        ulimit -s 256 && ulimit -v 200000 || exit 99
        PATH=/nonexistent exec "$CJMSIM" "$@"
    ) >"$WORK/oom.out" 2>"$WORK/oom.err"
}
limited run "$SCENARIOS/shop.lua" --customers 500 --days 36500 --threads 1 --out fits --quiet
if [ "$?" -eq 0 ] && [ -f "$WORK/fits/summary.json" ]; then
    limited run "$SCENARIOS/shop.lua" --customers 2000000 --days 36500 --threads 1024 --out oom --quiet
    is "$?" 5 "out of memory after the results were started: exit 5"
    is "$(cat "$WORK/oom.err")" "cjmsim: out of memory" "out of memory: message"
    absent "$WORK/oom" "out of memory leaves no results directory"
    no_leftovers "$WORK" "out of memory leaves no temporary directory"
else
    skip 4 "cjmsim cannot run under a 200 MB address-space limit here (a sanitizer build?)"
fi
rm -rf "$WORK/fits"

# Standard output that cannot be written is a failure, not a silent success.
"$CJMSIM" check "$S" >/dev/full 2>"$WORK/full-check.err"
is "$?:$(cat "$WORK/full-check.err")" "4:cjmsim: cannot write standard output: No space left on device" \
    "check >/dev/full: exit 4 with a message"
"$CJMSIM" run "$S" --customers 500 --days 10 --out stdout-full >/dev/full 2>"$WORK/full-run.err"
is "$?" 4 "run >/dev/full: exit 4"
like "$(cat "$WORK/full-run.err")" "^cjmsim: cannot write standard output: No space left on device$" \
    "run >/dev/full: the message says standard output could not be written"
"$CJMSIM" --version >/dev/full 2>/dev/null
is "$?" 4 "--version >/dev/full: exit 4"
"$CJMSIM" check "$S" >/dev/null 2>"$WORK/null.err"
is "$?:$(cat "$WORK/null.err")" "0:" "check >/dev/null: exit 0, no message"

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
