#!/usr/bin/env bash
# The numeric options of run (--customers, --days, --seed, --threads) and the
# other options' values: every bad value is a usage error (exit 2) with a
# message naming the option, in both "--opt value" and "--opt=value" forms,
# and it stops the run before anything is written.
source "$(dirname "$0")/lib.sh"

GOOD="$SCENARIOS/design_core.lua"
cd "$WORK" || exit 1

not_number() { echo "cjmsim: $1: '$2' is not a whole number (write digits only, e.g. 1000)"; }
out_of_range() { echo "cjmsim: $1: $2 is out of range: it must be from $3 to $4"; }

# option  minimum  maximum  maximum+1
while read -r opt min max above; do
    for bad in -5 1e30 abc 12abc 3.5 ' 7' '+5' ''; do
        run_cjmsim run "$GOOD" "$opt" "$bad"
        is "$RC" 2 "$opt '$bad' exits 2"
        is "$ERR" "$(not_number "$opt" "$bad")" "$opt '$bad': message"
    done
    for big in 99999999999999999999999 18446744073709551616 $above; do
        run_cjmsim run "$GOOD" "$opt" "$big"
        is "$RC" 2 "$opt $big exits 2"
        is "$ERR" "$(out_of_range "$opt" "$big" "$min" "$max")" "$opt $big: out of range"
    done
    if [ "$min" -gt 0 ]; then
        run_cjmsim run "$GOOD" "$opt" 0
        is "$RC" 2 "$opt 0 exits 2"
        is "$ERR" "$(out_of_range "$opt" 0 "$min" "$max")" "$opt 0: out of range"
    fi
    run_cjmsim run "$GOOD" "$opt=-5"
    is "$RC" 2 "$opt=-5 exits 2"
    is "$ERR" "$(not_number "$opt" -5)" "$opt=-5: message"
    run_cjmsim run "$GOOD" "$opt="
    is "$RC" 2 "$opt= (empty) exits 2"
    is "$ERR" "$(not_number "$opt" '')" "$opt= (empty): message"
    run_cjmsim run "$GOOD" "$opt=$above"
    is "$RC" 2 "$opt=$above exits 2"
    is "$ERR" "$(out_of_range "$opt" $above "$min" "$max")" "$opt=$above: out of range"
    run_cjmsim run "$GOOD" "$opt"
    is "$RC" 2 "$opt without a value exits 2"
    is "$ERR" "cjmsim: $opt needs a value" "$opt without a value: message"
done <<'LIMITS'
--customers 1 1000000000000 1000000000001
--days 1 36500 36501
--seed 0 9223372036854775807 9223372036854775808
--threads 1 1024 1025
LIMITS

# A bad value is reported even when the scenario argument comes after it.
run_cjmsim run --days 0 "$GOOD"
is "$RC" 2 "--days 0 before the scenario exits 2"
is "$ERR" "$(out_of_range --days 0 1 36500)" "--days 0 before the scenario: message"

# The first bad option wins.
run_cjmsim run "$GOOD" --days abc --customers 0
is "$ERR" "$(not_number --days abc)" "the first bad option is the one reported"

for opt in --out --variants; do
    run_cjmsim run "$GOOD" "$opt"
    is "$RC" 2 "$opt without a value exits 2"
    is "$ERR" "cjmsim: $opt needs a value" "$opt without a value: message"
done

run_cjmsim run "$GOOD" --out ''
is "$RC" 2 "--out '' exits 2"
is "$ERR" "cjmsim: --out needs a directory name" "--out '': message"
run_cjmsim run "$GOOD" --out=
is "$RC" 2 "--out= exits 2"
is "$ERR" "cjmsim: --out needs a directory name" "--out=: message"

VHINT="write names separated by commas, interventions of one variant joined by '+'"
for list in '' 'baseline,' ',order_notifications' 'baseline,,order_notifications'; do
    run_cjmsim run "$GOOD" --variants "$list" --customers 100 --days 5 --out "$WORK/v"
    is "$RC" 2 "--variants '$list' exits 2"
    is "$ERR" "cjmsim: --variants: empty name in '$list'; $VHINT" "--variants '$list': message"
done

absent "$WORK/results" "bad options create no results/ directory"
absent "$WORK/v" "bad --variants create no results directory"
no_leftovers "$WORK" "bad options leave no temporary directories"

# --- good values in both forms reach the run --------------------------------
run_cjmsim run "$GOOD" --customers=300 --days=20 --seed=0 --threads=2 --out="$WORK/eq" --quiet
is "$RC" 0 "--opt=value forms run"
is "$(json "$WORK/eq/summary.json" '[d["customers"], d["days"], d["seed"]]')" "[300, 20, 0]" \
    "--customers=300 --days=20 --seed=0 reach summary.json"
is "$(json "$WORK/eq/manifest.json" 'd["threads"]')" "2" "--threads=2 reaches manifest.json"

run_cjmsim run "$GOOD" --customers 1 --days 1 --seed 9223372036854775807 --threads 1024 \
    --out "$WORK/edge" --quiet
is "$RC" 0 "the smallest and largest accepted values run"
is "$(json "$WORK/edge/summary.json" '[d["customers"], d["days"], d["seed"]]')" \
    "[1, 1, 9223372036854775807]" "the extreme values reach summary.json"
is "$(json "$WORK/edge/manifest.json" 'd["threads"]')" "1024" "--threads 1024 is recorded"

run_cjmsim run "$GOOD" --customers 00250 --days 5 --out "$WORK/zeros" --quiet
is "$(json "$WORK/zeros/summary.json" 'd["customers"]')" "250" "leading zeros read as decimal"

run_cjmsim run "$GOOD" --customers 100 --days 5 --customers 200 --out "$WORK/twice" --quiet
is "$(json "$WORK/twice/summary.json" 'd["customers"]')" "200" "the last of a repeated option wins"

done_testing
