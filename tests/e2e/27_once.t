#!/usr/bin/env bash
# An intervention's mood change with once = true applies on the customer's
# first purchase only, instead of piling up on every purchase to the clamp.
# A journey without chance: every customer buys on days 2, 7 and 12, and is
# home on days 5 and 10, so every mood is known in advance.
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
cat >once.lua <<'LUA'
scenario { name = "Once", customers = 100, days = 12 }
stage "ad"    { entry = true }
stage "visit" { }
stage "buy"   { purchase = true, value = 10 }
stage "home"  { }
transition("ad", "visit", 1)
transition("visit", "buy", 1)
transition("buy", "home", function(c) return c.days_in_stage >= 3 and 1 or 0 end)
transition("home", "buy", function(c) return c.days_in_stage >= 2 and 1 or 0 end)
intervention "thanks" { at = "buy", mood = 1, cost_per_use = 1 }
intervention "thanks_once" { at = "buy", mood = 1, once = true, cost_per_use = 1 }
LUA

run_cjmsim run once.lua --out "$WORK/o" --quiet
is "$RC" 0 "a scenario with once = true runs"
S="$WORK/o/summary.json"
is "$(json "$S" '[(v["name"], v["purchases"], v["cost"], v["mood_on_entry"]["buy"], v["mood_on_entry"]["home"]) for v in d["variants"]]')" \
    "[('baseline', 300, 0.0, 0.0, 0.0), ('thanks', 300, 300.0, 2.0, 1.5), ('thanks_once', 300, 100.0, 1.0, 1.0), ('thanks+thanks_once', 300, 400.0, 2.66666666666667, 2.5)]" \
    "mood +1 on every purchase piles up (1, 2, 3); once = true gives +1 on the first purchase only, and is used (paid) once"

run_cjmsim check once.lua
like "$OUT" "thanks_once
    entering buy: mood \\+1, on the customer's first purchase only \\(once = true\\)" "check says what once = true does"
ok "$(grep -q 'thanks_once: mood +1 on the first purchase only' "$WORK/o/report.html"; echo $?)" \
    "and so does the report"

# --- only at a purchase stage: elsewhere the customer's state cannot tell a first visit -----
printf 'stage "a" { entry = true }\nstage "b" { purchase = true }\ntransition("a", "b", 0.1)\nintervention "x" { at = "a", mood = 1,\n  once = true }\n' >bad1.lua
run_cjmsim check bad1.lua
is "$RC:$ERR" "3:cjmsim: bad1.lua:4: intervention 'x': once = true applies the change on the customer's first purchase only, so at must name a purchase stage ('a' is not one)" \
    "once at a stage that is not a purchase: a scenario error naming file:line"
printf 'stage "a" { entry = true }\nstage "b" { purchase = true }\ntransition("a", "b", 0.1)\nintervention "x" { scale = { ["a->b"] = 2 }, once = true }\n' >bad2.lua
run_cjmsim check bad2.lua
is "$RC:$ERR" "3:cjmsim: bad2.lua:4: intervention 'x': once = true applies the change on the customer's first purchase only, so at must name a purchase stage" \
    "once without at: the same error"
printf 'stage "a" { entry = true }\nstage "b" { purchase = true }\ntransition("a", "b", 0.1)\nintervention "x" { at = "b", mood = 1, once = 1 }\n' >bad3.lua
run_cjmsim check bad3.lua
is "$RC:$ERR" "3:cjmsim: bad3.lua:4: intervention 'x': once must be true or false, not a number" \
    "once must be a boolean"

done_testing
