#!/usr/bin/env bash
# Mistakes in scenario files: each file under tests/scenarios/bad/ holds one,
# and the run must stop with exit 3 and the message `cjmsim: file:line: ...`
# (file alone where no line applies), print nothing on stdout, and create no
# results directory and no temporary directory.
source "$(dirname "$0")/lib.sh"

BAD="$SCENARIOS/bad"
cd "$WORK" || exit 1

# The scenarios are run by a short relative path (../bad/NAME.lua) from an
# empty directory; long paths have their own test at the end.
mkdir -p "$WORK/c"
ln -s "$BAD" "$WORK/c/bad"

# bad NAME LINE MESSAGE: runs bad/NAME.lua with the default results location
# and checks the exact error. LINE may be empty.
bad() {
    local name=$1 line=$2 msg=$3 f="../bad/$1.lua" cwd="$WORK/c/$1"
    run_in "$cwd" run "$f"
    is "$RC" 3 "$name: exit 3"
    is "$ERR" "cjmsim: $f${line:+:$line}: $msg" "$name: message"
    is "$OUT" "" "$name: nothing on stdout"
    is "$(ls -A "$cwd")" "" "$name: nothing written in the current directory"
}

# --- Lua itself --------------------------------------------------------------
bad syntax_error 3 "'}' expected (to close '{' at line 2) near 'stage'"
bad runtime_error 4 "attempt to index a nil value (local 'channels')"
bad transition_two_arguments 4 \
    'transition takes three arguments: transition("from", "to", probability), got 2'

# An error raised with a value that is not a message still names the place.
run_in "$WORK/c/error_object" run ../bad/error_object.lua
is "$RC" 3 "error_object: exit 3"
like "$ERR" '^cjmsim: \.\./bad/error_object\.lua:3: ' "error_object: the message names file:line"

# --- the journey graph -------------------------------------------------------
bad unknown_stage 4 "transition visit->purchse: unknown stage 'purchse' (did you mean 'purchase'?)"
bad two_entries 4 "stage 'search' is a second entry stage (the first is 'ad' on line 2): a journey has exactly one entry stage"
bad no_entry "" "no entry stage: mark the stage where customers start with entry = true"
bad no_stages "" 'no stages: declare the journey with stage "name" { ... }'
bad duplicate_stage 5 "stage 'visit' is declared twice (first on line 2)"
bad duplicate_transition 5 "transition visit->buy is declared twice (first on line 4)"
bad terminal_exit 5 "transition lost->visit: stage 'lost' is terminal, customers cannot leave it (remove terminal = true or this transition)"

# --- personas ------------------------------------------------------------------
bad shares_sum 4 "persona shares sum to 0.9, they must sum to 1 (beginner 0.5 + athlete 0.3 + coach 0.1)"
bad missing_share 3 "persona 'coach' has no share: give it share = a fraction of customers (0.25)"
bad duplicate_persona 4 "persona 'beginner' is declared twice (first on line 2)"
bad reserved_all 3 "persona name 'all' is reserved for totals; choose another name"

# --- keys and types ------------------------------------------------------------
bad unknown_key 3 "stage 'buy': unknown key 'vaule' (did you mean 'value'?); known keys: entry, terminal, purchase, value, emotion, touchpoints, actions, thoughts, feelings, pains, opportunities, description"
bad scenario_name_number 1 "scenario: name must be a string in quotes, not a number"
bad scenario_unknown_key 2 "scenario: unknown key 'costumers' (did you mean 'customers'?); known keys: name, days, customers, seed, margin, description, question, currency, arrivals, repeat_window, discount_rate"
bad intervention_unknown_key 5 "intervention 'notify': unknown key 'cost_per_costumer' (did you mean 'cost_per_customer'?); known keys: personas, at, mood, scale, set, cost_per_customer, cost_per_use, description, channel, once, from_day, until_day"
bad emotion_not_integer 3 "stage 'buy': emotion = 0.5 must be a whole number"
bad mood_out_of_range 2 "persona 'fan': mood = 5 is out of range: it must be from -3 to 3"
bad value_not_purchase 3 "stage 'cart' has a value but is not a purchase stage: add purchase = true or remove value"
bad entry_not_boolean 2 "stage 'visit': entry must be true or false, not a string"

# --- probabilities given as numbers and per-persona tables ---------------------
bad probability_above_one 4 "transition visit->buy: the probability = 5 is out of range: it must be from 0 to 1"
bad probability_negative 6 "transition visit->lost: the probability = -0.02 is out of range: it must be from 0 to 1"
# NaN is not a number, and has no sign: never "-nan", which reads as negative.
run_in "$WORK/c/probability_nan" run ../bad/probability_nan.lua
is "$RC" 3 "probability_nan: exit 3"
like "$ERR" "^cjmsim: \.\./bad/probability_nan\.lua:4: transition visit->buy: .*not a number \(NaN\)" \
    "probability_nan: the message says the probability is not a number"
is "$(grep -c -- '-nan' <<<"$ERR")" "0" "probability_nan: the message does not say -nan"
bad persona_table_missing 7 "transition visit->buy: no value for persona 'coach' (write coach = 0 if it does not apply)"
bad persona_table_unknown 6 "transition visit->buy: unknown persona 'couch' (did you mean 'coach'?)"
bad sum_numbers_exceed 2 "stage 'visit': the daily probabilities of leaving sum to 1.1 for persona 'everyone', mood 0, purchases 0, day 1 in stage (visit->buy 0.7 + visit->lost 0.4); they must not exceed 1"

# --- probabilities given as functions, checked for every reachable state --------
bad function_not_number 4 "the probability function of visit->buy returned a nil, not a number (for persona 'everyone', mood 0, purchases 0, day 1 in stage)"
bad function_sum_mood 4 "stage 'visit': the daily probabilities of leaving sum to 1.2 for persona 'fan', mood 3, purchases 0, day 1 in stage (visit->buy 0.6 + visit->lost 0.6); they must not exceed 1"
bad function_sum_purchases 4 "stage 'usage': the daily probabilities of leaving sum to 1.2 for persona 'everyone', mood 0, purchases 2, day 1 in stage (usage->buy 0.7 + usage->lost 0.5); they must not exceed 1"
bad function_sum_days 2 "stage 'visit': the daily probabilities of leaving sum to 1.1 for persona 'everyone', mood 0, purchases 0, day 10 in stage (visit->buy 0.6 + visit->lost 0.5); they must not exceed 1"
bad function_negative 5 "transition visit->buy: probability -0.01 for persona 'grumpy', mood -3, purchases 0, day 1 in stage; a daily probability must be from 0 to 1"
bad function_unknown_attribute 7 "c.team_sise: no persona has an attribute 'team_sise'; a customer has persona, mood, purchases, days_in_stage and its persona's attributes (in the probability of visit->buy, for persona 'beginner', mood 0, purchases 0, day 1 in stage)"
bad function_runtime_error 7 "attempt to perform arithmetic on a nil value (field 'team_size') (in the probability of visit->buy, for persona 'beginner', mood 0, purchases 0, day 1 in stage)"

bad function_nan 4 "transition visit->buy: the probability is not a number (NaN) for persona 'everyone', mood 0, purchases 0, day 1 in stage; check for 0/0 or math.huge - math.huge"

# A function that would be out of range only in states no customer can reach
# is not a mistake.
run_in "$WORK/c/unreachable" run "$SCENARIOS/unreachable_negative.lua" --customers 200 --days 20 \
    --out "$WORK/unreachable" --quiet
is "$RC" 0 "a function negative only in unreachable states loads and runs"
is "$ERR" "" "no error for states no customer can reach"

# --- interventions ---------------------------------------------------------------
bad scale_unknown_edge 8 "intervention 'reminder', scale: there is no transition usage->buy to scale (use set to add one)"
bad scale_unknown_stage 8 "intervention 'reminder', scale, edge usage->bye: unknown stage 'bye' (did you mean 'buy'?)"
bad scale_exceeds 5 "transition visit->buy: probability 1.2 for persona 'everyone', mood 0, purchases 0, day 1 in stage in variant 'push' (changed by intervention 'push'); a daily probability must be from 0 to 1"
bad intervention_unknown_persona 7 "intervention 'consultation': unknown persona 'athlete'"
bad intervention_persona_typo 7 "intervention 'consultation': unknown persona 'begginer' (did you mean 'beginner'?)"
bad intervention_unknown_at 5 "intervention 'notify': unknown stage 'purchace' (did you mean 'purchase'?)"
bad mood_without_at 5 "intervention 'notify': mood needs at = \"stage\" to say where the mood changes"
bad intervention_no_change 5 "intervention 'notify' changes nothing: give it at = \"stage\" with mood = ..., or scale / set of an edge"
bad reserved_baseline 5 "intervention name 'baseline' is reserved for the run without interventions"
bad intervention_plus 5 "intervention name \"notify+call\" must not contain '+' or ','"

# --- values at the edges: refused, not rounded or cut ---------------------------
bad seed_above_range 2 "scenario: seed = 9.22337203685478e+18 is out of range: it must be from 0 to 9223372036854775807"
bad customers_above_range 2 "scenario: customers = 1000000000001 is out of range: it must be from 1 to 1000000000000"
bad name_zero_byte 2 'persona name "b\0..." holds a zero byte (\0); write it without'
bad key_zero_byte 2 "persona 'fan': the key \"share\\0...\" holds a zero byte (\\0); write it without"
bad text_zero_byte 2 "stage 'visit': item 2 of thoughts \"cut\\0...\" holds a zero byte (\\0); write it without"
# The largest seed is kept exactly, and --seed reproduces it.
printf 'scenario { seed = math.maxinteger, customers = 500, days = 5 }\nstage "visit" { entry = true }\nstage "buy" { purchase = true, value = 1 }\ntransition("visit", "buy", 0.3)\n' >"$WORK/max_seed.lua"
run_cjmsim run "$WORK/max_seed.lua" --out "$WORK/max_seed_a" --quiet
is "$RC" 0 "seed = math.maxinteger runs"
is "$(json "$WORK/max_seed_a/summary.json" 'd["seed"]')" "9223372036854775807" "seed = math.maxinteger is recorded exactly"
run_cjmsim run "$WORK/max_seed.lua" --out "$WORK/max_seed_b" --quiet --seed 9223372036854775807
is "$(json "$WORK/max_seed_b/summary.json" '(d["seed"], d["variants"][0]["buyers"])')" \
    "$(json "$WORK/max_seed_a/summary.json" '(d["seed"], d["variants"][0]["buyers"])')" \
    "--seed reproduces the recorded seed"

# --- every error names the scenario and a line ------------------------------------
# err_case NAME LUA-LINE MESSAGE: line 2 of NAME.lua raises an error.
err_case() {
    printf 'stage "visit" { entry = true }\n%s\n' "$2" >"$WORK/c/$1.lua"
    run_in "$WORK/c" run "$1.lua"
    is "$RC" 3 "$1: exit 3"
    is "$ERR" "cjmsim: $1.lua:2: $3" "$1: message"
}
# A chunk made by load is named after the line that loads it, whatever name
# it is given: it cannot pass for another file.
err_case load_at_name 'load("local x; x()", "@/etc/passwd")()' "load:1: attempt to call a nil value (local 'x')"
err_case load_eq_name 'load("local x; x()", "=/etc/passwd")()' "load:1: attempt to call a nil value (local 'x')"
err_case load_syntax 'error(select(2, load("x = = 1", "@/etc/passwd")), 0)' "load:1: unexpected symbol near '='"
# A message without a place gets the place it was raised at.
err_case level_zero 'error("/etc/passwd:1: boom", 0)' "/etc/passwd:1: boom"
# An error object's __tostring that fails in turn does not hide the error.
err_case tostring_raises 'local e = setmetatable({}, {}); getmetatable(e).__tostring = function(x) error(x) end; error(e)' \
    "error raised with a table value whose __tostring failed"
err_case tostring_text 'error(setmetatable({}, { __tostring = function() return "custom" end }))' "custom"

# --- an explicit --out is not created either -------------------------------------
mkdir -p "$WORK/outs"
for name in syntax_error shares_sum function_sum_days scale_exceeds intervention_unknown_at; do
    run_cjmsim run "$BAD/$name.lua" --out "$WORK/outs/deeper/$name" --customers 2000 --days 60
    is "$RC" 3 "$name with --out: exit 3"
    is "$(ls -A "$WORK/outs")" "" "$name with --out: neither the directory nor its parents are created"
done
no_leftovers "$WORK" "no temporary directories are left behind"

# --- --variants naming an unknown intervention is a usage error --------------------
run_in "$WORK/c/variants" run "$SCENARIOS/shop.lua" --variants coupon,cupon+loyalty
is "$RC" 2 "--variants with an unknown intervention: exit 2"
is "$ERR" "cjmsim: --variants: unknown intervention 'cupon'; the scenario's interventions are: coupon, loyalty, newsletter" \
    "--variants with an unknown intervention: message lists the known ones"
is "$(ls -A "$WORK/c/variants")" "" "--variants with an unknown intervention: nothing written"

run_in "$WORK/c/variants" run "$SCENARIOS/minimal.lua" --variants coupon
is "$RC" 2 "--variants on a scenario without interventions: exit 2"
is "$ERR" "cjmsim: --variants: unknown intervention 'coupon'; the scenario's interventions are: none: the scenario declares no intervention" \
    "--variants on a scenario without interventions: message"

# --- a long path is named in full ------------------------------------------------
# Lua shortens chunk names to 60 bytes ("...tail"); cjmsim must still name the
# whole file, whatever the error.
LONG="$WORK/courses/customer-journey-mapping-2025/week-03-repeat-purchases/student-submissions/group-b"
mkdir -p "$LONG"
for name in syntax_error runtime_error function_unknown_attribute shares_sum; do
    cp "$BAD/$name.lua" "$LONG/"
done
run_cjmsim run "$LONG/syntax_error.lua"
is "$ERR" "cjmsim: $LONG/syntax_error.lua:3: '}' expected (to close '{' at line 2) near 'stage'" \
    "long path: a syntax error names the whole path"
run_cjmsim run "$LONG/runtime_error.lua"
is "$ERR" "cjmsim: $LONG/runtime_error.lua:4: attempt to index a nil value (local 'channels')" \
    "long path: a runtime error names the whole path"
run_cjmsim run "$LONG/function_unknown_attribute.lua"
is "$ERR" "cjmsim: $LONG/function_unknown_attribute.lua:7: c.team_sise: no persona has an attribute 'team_sise'; a customer has persona, mood, purchases, days_in_stage and its persona's attributes (in the probability of visit->buy, for persona 'beginner', mood 0, purchases 0, day 1 in stage)" \
    "long path: an error inside a probability function names the whole path"
run_cjmsim run "$LONG/shares_sum.lua"
is "$ERR" "cjmsim: $LONG/shares_sum.lua:4: persona shares sum to 0.9, they must sum to 1 (beginner 0.5 + athlete 0.3 + coach 0.1)" \
    "long path: a model mistake names the whole path"
printf 'stage "visit" { entry = true }\nload("local x; x()", "@/etc/passwd")()\n' >"$LONG/load_error.lua"
run_cjmsim run "$LONG/load_error.lua"
is "$ERR" "cjmsim: $LONG/load_error.lua:2: load:1: attempt to call a nil value (local 'x')" \
    "long path: an error in a chunk made by load names the whole path and the line"

# --- names count characters, not bytes ---------------------------------------------------------
# 64 Cyrillic letters are 128 bytes and 64 characters: allowed; 65 are not.
name64=$(python3 -c 'print("я" * 64)')
printf 'stage "%s" { entry = true }\nstage "b" {}\ntransition("%s", "b", 0.5)\nintervention "x" { scale = { ["%s->b"] = 1.5 } }\n' \
    "$name64" "$name64" "$name64" >"$WORK/name64.lua"
run_cjmsim run "$WORK/name64.lua" --customers 100 --days 5 --out "$WORK/name64" --quiet
is "$RC:$ERR" "0:" "a stage name of 64 Cyrillic letters (128 bytes) is accepted, in an edge key too"
printf 'stage "%sя" { entry = true }\n' "$name64" >"$WORK/name65.lua"
run_cjmsim run "$WORK/name65.lua"
is "$RC:$ERR" "3:cjmsim: $WORK/name65.lua:1: stage name must have 1 to 64 characters, got 65" \
    "65 Cyrillic letters are one character too many, counted as characters"

done_testing
