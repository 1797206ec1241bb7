#!/usr/bin/env bash
# The model rules on a journey without chance (tests/scenarios/clockwork.lua):
# day 0 on the entry stage, one move a day, days_in_stage counting from 1,
# purchases and revenue on entering a purchase stage, moods with emotions,
# interventions and the clamp to [-3, 3]. Every number is known in advance.
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
CW="$SCENARIOS/clockwork.lua"

run_cjmsim run "$CW" --out "$WORK/cw" --quiet
is "$RC" 0 "clockwork runs"
S="$WORK/cw/summary.json"
is "$(json "$S" '[(v["name"], v["buyers"], v["repeat_buyers"], v["purchases"], v["revenue"]) for v in d["variants"]]')" \
    "[('baseline', 100, 100, 200, 2000.0), ('welcome', 100, 100, 200, 2000.0)]" \
    "by day 10 every customer bought on days 2 and 7: 200 purchases of 10"
is "$(json "$S" 'd["variants"][0]["reached"]')" "{'ad': 100, 'visit': 100, 'buy': 100, 'home': 100}" \
    "everyone reached every stage"
is "$(json "$S" '[v["transitions"]["buy->home"]["moves"] for v in d["variants"]]')" "[200, 200]" \
    "buy->home was taken twice by each customer (days 5 and 10)"
is "$(json "$S" '[v["mood_on_entry"] for v in d["variants"]]')" \
    "[{'ad': 0.0, 'visit': 0.0, 'buy': -0.5, 'home': 1.5}, {'ad': 0.0, 'visit': 0.0, 'buy': 0.0, 'home': 2.5}]" \
    "moods on entry: emotions, the intervention's +1 at home, and the clamp at 3"
is "$(json "$S" 'd["variants"][1]["uplift"]["repeat_buyers"]')" "{'diff': 0.0, 'ci95': [-0.0369934982069857, 0.0369934982069857], 'se': 0.0}" \
    "no chance, no difference: the uplift is 0; its score interval is that of 100 of 100 (1 - 100 / (100 + z²))"
is "$(awk -F, '$1 == "baseline" && $2 == "all" { printf "%s:%s:%s ", $3, $4, $5 }' "$WORK/cw/daily.csv")" \
    "0:0:0 1:0:0 2:100:0 3:100:0 4:100:0 5:100:0 6:100:0 7:100:100 8:100:100 9:100:100 10:100:100 " \
    "daily.csv: first purchase on day 2, second on day 7"

run_cjmsim run "$CW" --days 11 --out "$WORK/cw11" --quiet
is "$(json "$WORK/cw11/summary.json" 'd["variants"][0]["purchases"]')" "200" "by day 11 still 2 purchases each"
run_cjmsim run "$CW" --days 12 --out "$WORK/cw12" --quiet
is "$(json "$WORK/cw12/summary.json" '[d["variants"][0]["purchases"], d["variants"][0]["revenue"]]')" "[300, 3000.0]" \
    "on day 12 the third purchase"
run_cjmsim run "$CW" --days 1 --out "$WORK/cw1" --quiet
is "$(json "$WORK/cw1/summary.json" '[d["variants"][0]["reached"], d["variants"][0]["buyers"]]')" \
    "[{'ad': 100, 'visit': 100, 'buy': 0, 'home': 0}, 0]" "one day: one move, no purchase yet"

done_testing
