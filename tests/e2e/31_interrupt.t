#!/usr/bin/env bash
# Ctrl-C (SIGINT) or SIGTERM while a scenario loads stops the run at once,
# whether the scenario is running Lua code (an endless loop, even one that
# catches errors with pcall) or is stuck inside one long C call (a runaway
# string pattern, a huge gsub): exit 130, one message, no results. Under MPI,
# SIGINT to mpirun ends every rank with one message from rank 0, in a run
# and in psa, whose draws the ranks share.
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
ulimit -c 0
# No limit other than the signal may stop these scenarios.
NO_LIMITS=(--lua-instructions 1000000000000000 --lua-seconds 60)
MESSAGE="cjmsim: interrupted: no results were written"

# Each scenario prints "loading" first, so the signal is sent once loading
# is under way.
cat >lua_loop.lua <<'LUA'
print("loading")
while true do end
LUA
cat >pcall_loop.lua <<'LUA'
print("loading")
while true do pcall(function() while true do end end) end
LUA
cat >pattern.lua <<'LUA'
print("loading")
string.find(string.rep("a", 30000), ".-.-.-.-.-.-.-.-.-b")
LUA
cat >gsub_loop.lua <<'LUA'
print("loading")
local s = string.rep("a", 20000000)
while true do s = s:gsub("a", "b"):gsub("b", "a") end
LUA
cat >probability_loop.lua <<'LUA'
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 1 }
transition("visit", "buy", function(c) print("loading") while true do end end)
LUA

# alive PID: the process exists and is not a zombie.
alive() {
    [ -r "/proc/$1/stat" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ]
}

# loadings: how many times "loading" was printed so far (under mpirun the
# ranks' lines may interleave, so words are counted, not lines).
loadings() {
    grep -o loading "$WORK/int.err" | wc -l
}

# interrupt SIGNAL LOADINGS COMMAND...: starts COMMAND, waits until it has
# printed "loading" LOADINGS times (at most 10 s), sends SIGNAL half a
# second later and polls for its end (at most 10 s, then it is killed).
# Sets RC, OUT, ERR (stderr without the "loading"s) and MS (milliseconds
# from the signal to the end).
interrupt() {
    local sig=$1 want=$2
    shift 2
    "$@" >"$WORK/int.out" 2>"$WORK/int.err" &
    local pid=$! t0=${EPOCHREALTIME/./}
    while [ "$(loadings)" -lt "$want" ] && alive "$pid" &&
        [ $((${EPOCHREALTIME/./} - t0)) -lt 10000000 ]; do
        sleep 0.01
    done
    sleep 0.5 # well into loading
    t0=${EPOCHREALTIME/./}
    kill "-$sig" "$pid"
    while alive "$pid" && [ $((${EPOCHREALTIME/./} - t0)) -lt 10000000 ]; do
        sleep 0.01
    done
    MS=$(((${EPOCHREALTIME/./} - t0) / 1000))
    kill -KILL "$pid" 2>/dev/null
    wait "$pid"
    RC=$?
    OUT=$(cat "$WORK/int.out")
    ERR=$(sed 's/loading//g; /^$/d' "$WORK/int.err")
}

# in_time MS LIMIT DESCRIPTION
in_time() {
    if [ "$1" -lt "$2" ]; then ok 0 "$3"; else ok 1 "$3"; echo "#   took ${1} ms"; fi
}

for name in lua_loop pcall_loop pattern gsub_loop probability_loop; do
    interrupt INT 1 "$CJMSIM" run "$name.lua" "${NO_LIMITS[@]}" --out "$WORK/out-$name"
    is "$RC" 130 "$name: SIGINT while loading exits 130"
    in_time "$MS" 1500 "$name: stopped within 1.5 s of SIGINT"
    is "$ERR" "$MESSAGE" "$name: one message"
    is "$OUT" "" "$name: nothing on stdout"
    absent "$WORK/out-$name" "$name: no results"
done
interrupt TERM 1 "$CJMSIM" run pattern.lua "${NO_LIMITS[@]}" --out "$WORK/out-term"
is "$RC" 130 "SIGTERM while stuck in C exits 130"
in_time "$MS" 1500 "SIGTERM: stopped within 1.5 s"
is "$ERR" "$MESSAGE" "SIGTERM: one message"
no_leftovers "$WORK" "interrupted loads leave no temporary directory"

MPI_BIN=${CJMSIM_MPI:-}
if [ -z "$MPI_BIN" ] || [ ! -x "$MPI_BIN" ] || ! command -v mpirun >/dev/null; then
    skip 16 "Open MPI or cjmsim-mpi is not available"
    done_testing
    exit
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
# mpirun passes Ctrl-C on to the ranks as SIGTERM after its
# odls_base_sigkill_timeout (1 s by default): hence the longer bound.
for name in lua_loop pattern gsub_loop; do
    interrupt INT 2 mpirun --oversubscribe -n 2 "$MPI_BIN" run "$name.lua" "${NO_LIMITS[@]}" \
        --out "$WORK/mpi-$name"
    ok "$([ "$RC" -ne 0 ]; echo $?)" "MPI, $name: SIGINT to mpirun fails the job"
    in_time "$MS" 3000 "MPI, $name: stopped within 3 s of SIGINT"
    is "$(grep -c interrupted <<<"$ERR")" 1 "MPI, $name: one message"
    is "$(grep '^cjmsim:' <<<"$ERR")" "$MESSAGE" "MPI, $name: the message"
done
# psa splits its draws among the ranks: every draw but the default loops.
cp "$SCENARIOS/uncert_exact.lua" psa_loop.lua
echo 'if q ~= 0.02 then print("loading") while true do end end' >>psa_loop.lua
interrupt INT 2 mpirun --oversubscribe -n 2 "$MPI_BIN" psa psa_loop.lua "${NO_LIMITS[@]}" \
    --draws 40 --out "$WORK/mpi-psa"
ok "$([ "$RC" -ne 0 ]; echo $?)" "MPI psa: SIGINT to mpirun fails the job"
in_time "$MS" 3000 "MPI psa: stopped within 3 s of SIGINT"
is "$(grep '^cjmsim:' <<<"$ERR")" "$MESSAGE" "MPI psa: one message"
absent "$WORK/mpi-psa" "MPI psa: no results"
no_leftovers "$WORK" "interrupted MPI jobs leave no temporary directory"

done_testing
