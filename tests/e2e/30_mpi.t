#!/usr/bin/env bash
# MPI runs: `mpirun -n K cjmsim-mpi run` splits the customer blocks among the
# ranks and rank 0 alone writes results that are byte-identical to a
# single-process run with the same seed, for any K and thread count. A
# failure on any rank ends the whole job with one message and the same exit
# status; no half-written results. Ranks that built different models stop
# before adding up their totals. Skipped where Open MPI is not installed
# (make check builds cjmsim-mpi whenever mpicc exists).
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
mpi_tests_or_skip

S="$SCENARIOS/design_core.lua"
ARGS=(--customers 30000 --days 90 --seed 5 --quiet)
FILES="summary.json funnel.csv transitions.csv daily.csv"

run_cjmsim run "$S" "${ARGS[@]}" --threads 2 --out single
is "$RC" 0 "the single-process reference run succeeds"

for k in 1 2 3; do
    for threads in 1 2; do
        mpi -n "$k" "$MPI_BIN" run "$S" "${ARGS[@]}" --threads "$threads" --out "mpi-$k-$threads"
        is "$RC" 0 "$k ranks x $threads threads: exit 0"
        same=0
        for f in $FILES; do cmp -s "single/$f" "mpi-$k-$threads/$f" || same=1; done
        ok "$same" "$k ranks x $threads threads: $FILES byte-identical to one process"
    done
    is "$(json "mpi-$k-1/manifest.json" 'd["processes"]')" "$k" "$k ranks: the manifest records $k processes"
done
is "$(cat "$WORK/mpi.out")" "" "--quiet: no rank prints"

# Without --quiet only rank 0 prints the summary.
mpi -n 3 "$MPI_BIN" run "$S" --customers 30000 --days 90 --seed 5 --out loud
is "$RC" 0 "a loud run: exit 0"
is "$(grep -c '^Sports nutrition shop$' "$WORK/mpi.out")" "1" "the summary is printed once"

# A scenario error on one rank only (MPMD: rank 1 gets a broken file) stops
# the job: one message, exit 3 everywhere, no results.
mpi -n 1 "$MPI_BIN" run "$S" "${ARGS[@]}" --out broken : \
    -n 1 "$MPI_BIN" run "$SCENARIOS/bad/shares_sum.lua" "${ARGS[@]}" --out broken
is "$RC" 3 "a scenario error on rank 1: the job exits 3"
# (mpirun adds its own notice of the failed job after cjmsim's message.)
is "$(grep -c '^cjmsim:' "$WORK/mpi.err")" "1" "a scenario error on rank 1: reported once"
is "$(head -n 1 "$WORK/mpi.err")" "cjmsim: $SCENARIOS/bad/shares_sum.lua:4: persona shares sum to 0.9, they must sum to 1 (beginner 0.5 + athlete 0.3 + coach 0.1)" \
    "a scenario error on rank 1: one clear message"
absent "$WORK/broken" "a scenario error on rank 1: no results"
no_leftovers "$WORK" "a scenario error on rank 1: no temporary directory"

# A full disk on rank 0 while writing: every rank ends with exit 4. The file
# size limit stands for the full disk (as in 15_failures.t); TCP over
# loopback replaces shared memory, whose segment the limit would refuse.
mpi --mca btl self,tcp -n 1 bash -c 'trap "" XFSZ; ulimit -f 40; exec "$@"' sh "$MPI_BIN" run "$S" "${ARGS[@]}" --out full : \
    -n 1 "$MPI_BIN" run "$S" "${ARGS[@]}" --out full
is "$RC" 4 "a full disk on rank 0: the job exits 4"
is "$(grep -c '^cjmsim:' "$WORK/mpi.err")" "1" "a full disk on rank 0: reported once"
like "$(head -n 1 "$WORK/mpi.err")" "^cjmsim: cannot write full/[^ ]+: File too large$" \
    "a full disk on rank 0: one clear message"
absent "$WORK/full" "a full disk on rank 0: no results"
no_leftovers "$WORK" "a full disk on rank 0: no temporary directory"

# Ranks that built different models stop before any totals are added up:
# one message, exit 3, no results. MPMD gives each rank its own file; the
# two files declare the same stages in a different order.
cat >order_a.lua <<'LUA'
stage "visit" { entry = true }
stage "cart" {}
stage "buy" { purchase = true, value = 10 }
transition("visit", "cart", 0.2)
transition("cart", "buy", 0.3)
LUA
sed '2{h;d};3G' order_a.lua >order_b.lua # "cart" after "buy"
MISMATCH="cjmsim: the ranks of the MPI job built different models (rank 1's differs from rank 0's): every rank must run the same scenario with the same options, and the scenario must declare the same things in every process (nothing that depends on os.clock() or on the machine); nothing was simulated"
mpi -n 1 "$MPI_BIN" run order_a.lua "${ARGS[@]}" --out order : -n 1 "$MPI_BIN" run order_b.lua "${ARGS[@]}" --out order
is "$RC" 3 "ranks with different stage orders: the job exits 3"
is "$(grep -c '^cjmsim:' "$WORK/mpi.err")" "1" "ranks with different stage orders: reported once"
is "$(head -n 1 "$WORK/mpi.err")" "$MISMATCH" "ranks with different stage orders: one clear message"
absent "$WORK/order" "ranks with different stage orders: no results"
# The same file on every rank, but a different number of customers.
mpi -n 2 "$MPI_BIN" run order_a.lua "${ARGS[@]}" --out order : -n 1 "$MPI_BIN" run order_a.lua "${ARGS[@]}" --customers 30001 --out order
is "$RC" 3 "a rank with other options: the job exits 3"
is "$(grep -c '^cjmsim:' "$WORK/mpi.err")" "1" "a rank with other options: reported once"
is "$(head -n 1 "$WORK/mpi.err")" "${MISMATCH/rank 1/rank 2}" "a rank with other options: one clear message"
absent "$WORK/order" "a rank with other options: no results"
# The same file and options on every rank: the job agrees and runs.
mpi -n 1 "$MPI_BIN" run order_a.lua "${ARGS[@]}" --out order : -n 1 "$MPI_BIN" run order_a.lua "${ARGS[@]}" --threads 2 --out order
is "$RC" 0 "the same model (other thread counts): exit 0"

# Limits that stop loading stop every rank at once, and the job says so
# once: the instruction limit, and the load watchdog on Lua code and on a
# stall inside C (a runaway pattern).
printf 'while true do end\n' >spin.lua
printf 'string.find(string.rep("a", 30000), ".-.-.-.-.-.-.-.-.-b")\n' >pattern.lua
mpi -n 2 "$MPI_BIN" run spin.lua "${ARGS[@]}" --lua-instructions 1000000 --out stopped
is "$RC" 3 "the instruction limit on 2 ranks: the job exits 3"
is "$(grep -c '^cjmsim:' "$WORK/mpi.err")" "1" "the instruction limit on 2 ranks: reported once"
like "$(head -n 1 "$WORK/mpi.err")" "^cjmsim: spin\.lua:1: the scenario ran more than 1000000 Lua instructions" \
    "the instruction limit on 2 ranks: the message"
for f in spin pattern; do
    mpi -n 2 "$MPI_BIN" run "$f.lua" "${ARGS[@]}" --lua-instructions 1000000000000000 --lua-seconds 1 --out stopped
    is "$RC" 3 "the load watchdog ($f) on 2 ranks: the job exits 3"
    is "$(grep -c '^cjmsim:' "$WORK/mpi.err")" "1" "the load watchdog ($f) on 2 ranks: reported once"
    is "$(head -n 1 "$WORK/mpi.err")" "cjmsim: $f.lua: loading the scenario took more than 1 second (a runaway string pattern or loop?); raise the limit with --lua-seconds N" \
        "the load watchdog ($f) on 2 ranks: the message"
done
# Only rank 1 stalls: rank 0, waiting for it, says so.
mpi -n 1 "$MPI_BIN" run order_a.lua "${ARGS[@]}" --lua-seconds 1 --out stopped : \
    -n 1 "$MPI_BIN" run pattern.lua "${ARGS[@]}" --lua-seconds 1 --out stopped
is "$RC" 3 "the load watchdog on rank 1 only: the job exits 3"
is "$(grep -c '^cjmsim:' "$WORK/mpi.err")" "1" "the load watchdog on rank 1 only: reported once"
is "$(head -n 1 "$WORK/mpi.err")" "cjmsim: another rank of the MPI job took more than 1 second to load the scenario (a runaway string pattern or loop?); raise the limit with --lua-seconds N" \
    "the load watchdog on rank 1 only: the message is about the other rank"
absent "$WORK/stopped" "stopped loads: no results"
no_leftovers "$WORK" "stopped loads: no temporary directory"

done_testing
