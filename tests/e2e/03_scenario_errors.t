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
bad intervention_unknown_key 5 "intervention 'notify': unknown key 'cost_per_costumer' (did you mean 'cost_per_customer'?); known keys: personas, at, mood, scale, set, cost_per_customer, cost_per_use, description, channel"
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

done_testing
