#!/usr/bin/env bash
# How customers are split among personas (DESIGN.md, model rule 1): exact
# counts by largest remainder of customers x share, ties to the persona
# declared first; and how a persona without customers is reported.
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1

# split SCENARIO CUSTOMERS: the persona customer counts, in declaration order.
split() {
    run_cjmsim run "$SCENARIOS/$1.lua" --customers "$2" --days 3 --out "$WORK/split" --quiet
    json "$WORK/split/summary.json" \
        '" ".join(str(g["customers"]) for g in d["variants"][0]["personas"].values())'
}

# shop.lua: shares 0.2, 0.5, 0.3
is "$(split shop 7)" "1 4 2" "7 x (0.2, 0.5, 0.3) = 1.4, 3.5, 2.1: the spare customer goes to the largest remainder"
is "$(split shop 3)" "1 1 1" "3 x (0.2, 0.5, 0.3) = 0.6, 1.5, 0.9: two spare customers go to .9 and .6"
is "$(split shop 2001)" "400 1001 600" "2001 x (0.2, 0.5, 0.3) = 400.2, 1000.5, 600.3"
is "$(split shop 10)" "2 5 3" "10 customers divide exactly"
is "$(split shop 1)" "0 1 0" "a single customer goes to the largest share"

# thirds.lua: three shares of 1/3, every remainder ties
is "$(split thirds 1000)" "334 333 333" "1000 / 3: the tie goes to the persona declared first"
is "$(split thirds 2000)" "667 667 666" "2000 / 3: two spare customers go to the first two personas"
is "$(split thirds 1)" "1 0 0" "1 / 3: the first persona"
is "$(split thirds 2)" "1 1 0" "2 / 3: the first two personas"

# shares_tie.lua: 0.35 and 0.65; for a multiple of 10 customers both quotas
# end in .5, a tie, whatever binary floating point makes of 0.35.
for n in 10 30 90 130 1010; do
    early=$(( (n * 35 + 99) / 100 ))
    is "$(split shares_tie "$n")" "$early $((n - early))" \
        "$n x (0.35, 0.65): the tie at .5 goes to the persona declared first"
done

# The split is the same in every variant and sums to the customers.
run_cjmsim run "$SCENARIOS/shop.lua" --customers 4321 --days 3 --out "$WORK/sum" --quiet
is "$(json "$WORK/sum/summary.json" '[[g["customers"] for g in v["personas"].values()] for v in d["variants"]]')" \
    "$(py 'print([[864, 2161, 1296]] * 5)')" "4321 customers: the same split in every variant"

# A persona with share 0 has no customers and zeros everywhere.
run_cjmsim run "$SCENARIOS/zero_share.lua" --customers 500 --days 10 --out "$WORK/zero" --quiet
is "$RC" 0 "a persona with share 0 runs"
is "$(json "$WORK/zero/summary.json" '[(v["personas"]["ghost"]["customers"], v["personas"]["ghost"]["buyers"], v["personas"]["ghost"]["reached"]["visit"], v["personas"]["regular"]["customers"]) for v in d["variants"]]')" \
    "[(0, 0, 0, 500)]" "the persona with share 0 is reported with 0 customers"
is "$(grep -c '^baseline,ghost,' "$WORK/zero/daily.csv")" "11" "daily.csv has its rows for days 0..10"

done_testing
