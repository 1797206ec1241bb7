#!/usr/bin/env bash
# MPI analyses: `mpirun -n K cjmsim-mpi psa | sweep | breakeven` splits the
# parameter sets among the ranks (set i on rank i mod K) and rank 0 alone
# writes results byte-identical to one process with the same seed, for
# K = 1, 2, 3 and 1 or 2 threads; the manifest records the K processes.
# Which rank runs which set is seen by giving one rank (MPMD) a copy of the
# scenario that raises an error at one parameter value only: the job fails
# exactly when that value's set is that rank's, with the message one process
# running the copy gives, exit 3 and nothing written. A failure in several
# sets on several ranks reports the lowest set, as one process does.
# breakeven's refinement runs on every rank (each run's customers split), so
# a copy failing only there fails the job from rank 1 too. Skipped where
# Open MPI is not installed.
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
mpi_tests_or_skip
# same DIR1 DIR2 FILES...: 0 when every file (and every plot's data) is
# byte-identical in both directories.
same() {
    local a=$1 b=$2 f rc=0
    shift 2
    for f in "$@"; do cmp -s "$a/$f" "$b/$f" || rc=1; done
    for f in "$a"/plots/*.dat; do
        [ -e "$f" ] || continue
        cmp -s "$f" "$b/plots/${f##*/}" || rc=1
    done
    echo $rc
}

S="$SCENARIOS/uncert_exact.lua"
COMMON=(--customers 5000 --seed 11 --quiet)
PSA=(psa "$S" --draws 40 "${COMMON[@]}")
SWEEP=(sweep "$S" --vary q=0.01:0.04:0.01 --vary promo_cost=1,3 "${COMMON[@]}")
BREAKEVEN=(breakeven "$S" --param promo_cost --variant promo "${COMMON[@]}")

run_cjmsim "${PSA[@]}" --threads 2 --out psa-1
is "$RC" 0 "the single-process psa succeeds"
run_cjmsim "${SWEEP[@]}" --threads 2 --out sweep-1
is "$RC" 0 "the single-process sweep succeeds"
run_cjmsim "${BREAKEVEN[@]}" --threads 2 --out breakeven-1
is "$RC" 0 "the single-process breakeven succeeds"
ls psa-1/plots/*.dat sweep-1/plots/*.dat >/dev/null 2>&1
ok $? "the analyses write plot data to compare"

for k in 1 2 3; do
    for threads in 1 2; do
        mpi -n "$k" "$MPI_BIN" "${PSA[@]}" --threads "$threads" --out "psa-$k-$threads"
        is "$RC/$(cat mpi.err mpi.out)" "0/" "psa, $k ranks x $threads threads: exit 0, nothing said"
        is "$(same psa-1 "psa-$k-$threads" psa.csv psa.json tornado.csv)" 0 \
            "psa, $k ranks x $threads threads: psa.csv, psa.json, tornado.csv, plot data byte-identical"
        mpi -n "$k" "$MPI_BIN" "${SWEEP[@]}" --threads "$threads" --out "sweep-$k-$threads"
        is "$RC/$(cat mpi.err mpi.out)" "0/" "sweep, $k ranks x $threads threads: exit 0, nothing said"
        is "$(same sweep-1 "sweep-$k-$threads" sweep.csv)" 0 \
            "sweep, $k ranks x $threads threads: sweep.csv and plot data byte-identical"
        mpi -n "$k" "$MPI_BIN" "${BREAKEVEN[@]}" --threads "$threads" --out "breakeven-$k-$threads"
        is "$RC/$(cat mpi.err mpi.out)" "0/" "breakeven, $k ranks x $threads threads: exit 0, nothing said"
        is "$(same breakeven-1 "breakeven-$k-$threads" breakeven.json)" 0 \
            "breakeven, $k ranks x $threads threads: breakeven.json byte-identical"
    done
    for c in psa sweep breakeven; do
        is "$(json "$c-$k-2/manifest.json" 'd["processes"]')" "$k" "$c, $k ranks: the manifest records $k processes"
    done
done

# Without --quiet rank 0 alone prints the summary.
mpi -n 3 "$MPI_BIN" psa "$S" --draws 40 --customers 5000 --seed 11 --out loud
is "$RC" 0 "a loud psa: exit 0"
is "$(grep -c '^Exact: 40 draws of 2 uncertain parameters' mpi.out)" 1 "the summary is printed once"

# fails_at_high.lua: the scenario as it is, but an error when q is at its
# high end, 0.05, exactly (no draw is: draws are open, and the tornado's
# high end, set n_draws + 2, is). The error line comes last, so the model
# and its fingerprint are the scenario's own.
cp "$S" fails_at_high.lua
echo 'if q == 0.05 then error("q is at its high end") end' >>fails_at_high.lua
LINE=$(wc -l <fails_at_high.lua)

# psa with 40 draws: the set of q's high end is index 41, rank 1's of 2; with
# 41 draws it is index 42, rank 0's. Rank 1 alone gets the failing copy.
run_cjmsim psa fails_at_high.lua --draws 40 "${COMMON[@]}" --out one-fails
is "$RC/$ERR" "3/cjmsim: in the tornado, q at its high (q = 0.05): fails_at_high.lua:$LINE: q is at its high end" \
    "one process with the failing copy: exit 3 and the set's message"
mpi -n 1 "$MPI_BIN" psa "$S" --draws 40 "${COMMON[@]}" --out rank1-fails : \
    -n 1 "$MPI_BIN" psa fails_at_high.lua --draws 40 "${COMMON[@]}" --out rank1-fails
is "$RC" 3 "psa, the failing set on rank 1: exit 3"
is "$(grep '^cjmsim:' mpi.err)" "$ERR" "psa, the failing set on rank 1: the message of one process, once"
absent rank1-fails "psa, the failing set on rank 1: nothing written"
mpi -n 1 "$MPI_BIN" psa "$S" --draws 41 "${COMMON[@]}" --out rank0-has-it : \
    -n 1 "$MPI_BIN" psa fails_at_high.lua --draws 41 "${COMMON[@]}" --out rank0-has-it
is "$RC/$(cat mpi.err)" "0/" "psa, the failing value's set on rank 0: rank 1 never runs it"
run_cjmsim psa "$S" --draws 41 "${COMMON[@]}" --out psa-41
is "$(same psa-41 rank0-has-it psa.csv psa.json tornado.csv)" 0 \
    "  and rank 1's sets, from its copy, give the bytes of one process"

# sweep: q = 0.05 is point 2 (index 1, rank 1's of 2) or point 3 (index 2,
# rank 0's).
mpi -n 1 "$MPI_BIN" sweep "$S" --vary q=0.02,0.05,0.03 "${COMMON[@]}" --out sw-fails : \
    -n 1 "$MPI_BIN" sweep fails_at_high.lua --vary q=0.02,0.05,0.03 "${COMMON[@]}" --out sw-fails
is "$RC" 3 "sweep, the failing point on rank 1: exit 3"
is "$(grep '^cjmsim:' mpi.err)" "cjmsim: in sweep point 2 (q = 0.05): fails_at_high.lua:$LINE: q is at its high end" \
    "sweep, the failing point on rank 1: its message, once"
absent sw-fails "sweep, the failing point on rank 1: nothing written"
mpi -n 1 "$MPI_BIN" sweep "$S" --vary q=0.02,0.03,0.05 "${COMMON[@]}" --out sw-ok : \
    -n 1 "$MPI_BIN" sweep fails_at_high.lua --vary q=0.02,0.03,0.05 "${COMMON[@]}" --out sw-ok
is "$RC/$(cat mpi.err)" "0/" "sweep, the failing value's point on rank 0: rank 1 never runs it"

# breakeven in q (promo_cost = 2, a root inside): the scan's last point, q's
# high end, is index 20: rank 2's of 3, not rank 1's.
BQ=(--param q --variant promo --set promo_cost=2 "${COMMON[@]}")
mpi -n 2 "$MPI_BIN" breakeven "$S" "${BQ[@]}" --out be-fails : \
    -n 1 "$MPI_BIN" breakeven fails_at_high.lua "${BQ[@]}" --out be-fails
is "$RC" 3 "breakeven, the failing scan point on rank 2: exit 3"
is "$(grep '^cjmsim:' mpi.err)" "cjmsim: in the break-even scan (q = 0.05, promo_cost = 2): fails_at_high.lua:$LINE: q is at its high end" \
    "breakeven, the failing scan point on rank 2: its message, once"
absent be-fails "breakeven, the failing scan point on rank 2: nothing written"
mpi -n 1 "$MPI_BIN" breakeven "$S" "${BQ[@]}" --out be-ok : \
    -n 1 "$MPI_BIN" breakeven fails_at_high.lua "${BQ[@]}" --out be-ok : \
    -n 1 "$MPI_BIN" breakeven "$S" "${BQ[@]}" --out be-ok
is "$RC/$(cat mpi.err)" "0/" "breakeven, the failing value's scan point on rank 2: rank 1 never runs it"
run_cjmsim breakeven "$S" "${BQ[@]}" --out be-1
is "$(same be-1 be-ok breakeven.json)" 0 "  and the scan and the refinement give the bytes of one process"

# breakeven's refinement runs on every rank too, each run's customers split
# among them: a copy that fails strictly between the scan points 2.25 and
# 2.5 of promo_cost, where the crossing lies, fails only in the refinement,
# and given to rank 1 alone it fails the job as it fails one process.
cp "$S" fails_inside.lua
echo 'if cost > 2.25 and cost < 2.5 then error("refined at " .. cost) end' >>fails_inside.lua
run_cjmsim breakeven fails_inside.lua --param promo_cost --variant promo "${COMMON[@]}" --out inside
is "$RC" 3 "one process, the copy failing in the refinement: exit 3"
like "$ERR" "^cjmsim: in the break-even search \\(promo_cost = 2\\.[0-9]+\\): fails_inside.lua:$LINE: refined at 2\\.[0-9]+$" \
    "  the refinement's message"
mpi -n 1 "$MPI_BIN" "${BREAKEVEN[@]}" --out inside : \
    -n 1 "$MPI_BIN" breakeven fails_inside.lua --param promo_cost --variant promo "${COMMON[@]}" --out inside
is "$RC/$(grep '^cjmsim:' mpi.err)" "3/$ERR" "the copy on rank 1: its refinement fails the job with the same message"
absent inside "the copy on rank 1: nothing written"

# Many draws fail, on every rank: the lowest one is reported, as by one
# process, whatever the ranks and threads.
cp "$S" fails_above.lua
echo 'if q > 0.04 then error("q is above 0.04: " .. q) end' >>fails_above.lua
run_cjmsim psa fails_above.lua --draws 40 "${COMMON[@]}" --threads 2 --out above
is "$RC" 3 "one process, draws failing: exit 3"
like "$ERR" "^cjmsim: in draw [0-9]+ \\(q = [0-9.]+, promo_cost = [0-9.]+\\): fails_above.lua:$LINE: q is above 0.04: " "  the lowest draw's message"
for k in 2 3; do
    for threads in 1 2; do
        mpi -n "$k" "$MPI_BIN" psa fails_above.lua --draws 40 "${COMMON[@]}" --threads "$threads" --out above
        is "$RC/$(grep '^cjmsim:' mpi.err)" "3/$ERR" "$k ranks x $threads threads, draws failing: the same lowest draw"
    done
done
absent above "draws failing: nothing written"
no_leftovers "$WORK" "no temporary directory anywhere"

done_testing
