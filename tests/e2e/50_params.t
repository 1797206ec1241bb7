#!/usr/bin/env bash
# Parameters: param returns its default in a plain run; --set and --params
# change it wherever the scenario uses it (probabilities, functions, factors,
# shares, moods, values, costs); unknown names and bad values are command-line
# errors (exit 2); every bad declaration is a scenario error naming file:line
# (exit 3); an error that only a non-default value causes names the value;
# check lists the parameters; summary.json and manifest.json record them.
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
P="$SCENARIOS/params.lua"
PLACES="$SCENARIOS/params_places.lua"

# sum_reached FILE STAGE: customers who reached STAGE, over every variant.
sum_reached() {
    json "$1" "sum(v['reached']['$2'] for v in d['variants'])"
}

# --- the default -------------------------------------------------------------
# The same scenario with the numbers written in place of the parameters gives
# the same summary: param returned its default.
sed -e 's/^local p_buy .*$/local p_buy  = 0.1/' -e 's/^local effect .*$/local effect = 1.5/' \
    -e 's/^local leave .*$/local leave  = 0.1/' "$P" >literal.lua
! grep -q 'param "' literal.lua
ok $? "the literal copy declares no parameter"
run_cjmsim run "$P" --out default --quiet
is "$RC" 0 "a scenario with parameters runs"
run_cjmsim run literal.lua --out literal --quiet
is "$(python3 -c '
import json, sys
a, b = (json.load(open(f + "/summary.json")) for f in sys.argv[1:])
pa, pb = a.pop("params"), b.pop("params")
a.pop("scenario"); b.pop("scenario")
print(a == b, pa, pb)' default literal)" \
    "True {'p_buy': 0.1, 'effect': 1.5, 'p_leave': 0.1} {}" \
    "defaults give the results of the literal numbers; summary.json lists the values"
buy_default=$(sum_reached default/summary.json buy)
[ "$buy_default" -gt 0 ]
ok $? "customers buy at the defaults ($buy_default)"
is "$(json default/manifest.json "d['params']")" "{'p_buy': 0.1, 'effect': 1.5, 'p_leave': 0.1}" \
    "manifest.json records the values in force"

# --- --set -------------------------------------------------------------------
run_cjmsim run "$P" --out zero --quiet --set p_buy=0
is "$RC" 0 "--set p_buy=0 runs"
is "$(sum_reached zero/summary.json buy)" 0 "--set p_buy=0: nobody reaches buy in any variant"
is "$(json zero/summary.json "d['params']['p_buy'], d['variants'][0]['buyers']")" "(0.0, 0)" \
    "summary.json says p_buy = 0 and counts no buyer"
is "$(json zero/manifest.json "d['params']['p_buy']")" "0.0" "manifest.json says p_buy = 0"
is "$ERR" "cjmsim: warning: p_buy = 0 (from --set) lies outside its range 0.05..0.2 ($P:5); it is used as given" \
    "a value outside low..high is used, with a warning"

# a parameter read inside a probability function
run_cjmsim run "$P" --out stay --quiet --set p_leave=0
is "$(json stay/summary.json "d['variants'][0]['transitions']['buy->gone']['customers']")" 0 \
    "--set p_leave=0: the function returns it, nobody leaves buy"
is "$ERR" "" "no warning for a parameter without a range"

# an intervention's factor: with effect = 1 promo is the baseline
run_cjmsim run "$P" --out flat --quiet --set effect=1
is "$(json flat/summary.json "[v['buyers'] for v in d['variants']] + [d['variants'][1]['uplift']['buyers']['diff']]")" \
    "[$(json default/summary.json "d['variants'][0]['buyers']"), $(json default/summary.json "d['variants'][0]['buyers']"), 0.0]" \
    "--set effect=1: promo buys exactly as the baseline"

# --- --params FILE, and --set winning over it ----------------------------------
printf '{ "params": { "p_buy": 0 }, "loglik": -1.5 }\n' >calibration.json
run_cjmsim run "$P" --out fromfile --quiet --params calibration.json
is "$RC" 0 "--params runs"
is "$(sum_reached fromfile/summary.json buy)" 0 "--params p_buy = 0: nobody buys"
like "$ERR" "p_buy = 0 \\(from calibration.json\\)" "the warning names the file"
run_cjmsim run "$P" --out setwins --quiet --set p_buy=0.1 --params calibration.json
is "$(sum_reached setwins/summary.json buy)" "$(sum_reached default/summary.json buy)" \
    "--set p_buy=0.1 wins over the file, wherever it stands on the line"
is "$(json setwins/summary.json "d['params']")" "{'p_buy': 0.1, 'effect': 1.5, 'p_leave': 0.1}" \
    "summary.json has the value --set gave"

# --- command-line errors: exit 2, nothing written --------------------------------
usage() { # usage DESCRIPTION MESSAGE ARGS...
    local what=$1 msg=$2
    shift 2
    run_cjmsim run "$P" --out bad_run --quiet "$@"
    is "$RC" 2 "$what: exit 2"
    is "$ERR" "cjmsim: $msg" "$what: message"
    [ ! -e bad_run ]
    ok $? "$what: no results directory"
}
usage "unknown --set name" \
    "unknown parameter 'p_bye' in --set: the scenario declares no parameter of that name (did you mean 'p_buy'?); its parameters: p_buy, effect, p_leave" \
    --set p_bye=0.1
printf '{ "params": { "p_buy": 0.1, "uplift": 2 } }\n' >unknown.json
usage "unknown name in a --params file" \
    "unknown parameter 'uplift' in --params unknown.json: the scenario declares no parameter of that name; its parameters: p_buy, effect, p_leave" \
    --params unknown.json
usage "a non-numeric --set" "--set p_buy=abc: 'abc' is not a number" --set p_buy=abc
usage "a non-finite --set" "--set p_buy=inf: the value must be a finite number" --set p_buy=inf
usage "--set without =" "--set needs NAME=VALUE, e.g. --set consult_effect=1.6; got 'p_buy'" \
    --set p_buy
usage "--set with a bad name" \
    "--set p-buy=1: 'p-buy' is not a parameter name (letters, digits and _, not starting with a digit, at most 64 characters)" \
    --set p-buy=1
printf '{ "p_buy": 0.1 }\n' >noparams.json
usage "a file without params" \
    "--params noparams.json: the file has no top-level \"params\" object ({ \"params\": { \"name\": value } }, as calibration.json has)" \
    --params noparams.json
printf '{ "params": { "p_buy": "0.1" } }\n' >string.json
usage "a string value in the file" "--params string.json: the value of 'p_buy' must be a number" \
    --params string.json
run_cjmsim check "$P" --set nothing=1
is "$RC" 2 "check: an unknown --set name is exit 2 too"
like "$ERR" "unknown parameter 'nothing' in --set" "check names it"

# --- an error that a parameter value causes names the value ---------------------
run_cjmsim run "$P" --out err_run --quiet --set p_buy=2 --set effect=1.2
is "$RC" 3 "a probability above 1 from --set: exit 3"
like "$ERR" "^cjmsim: $P:13: transition visit->buy: .* \\(with p_buy = 2, effect = 1.2\\)\$" \
    "the compile error names file:line and the values not at their defaults"
run_cjmsim run "$PLACES" --out err_run --quiet --set mood_b=1.5
is "$RC" 3 "a mood of 1.5: exit 3"
is "$ERR" "cjmsim: $PLACES:11: persona 'b': mood = 1.5 must be a whole number (with mood_b = 1.5)" \
    "the load error names the value"
run_cjmsim check "$PLACES" --set share_a=1.2
is "$RC" 3 "check: a share above 1: exit 3"
like "$ERR" "\\(with share_a = 1.2\\)\$" "check names the value too"
cat >err_default.lua <<'EOF'
local p = param "p" { 2 }
stage "a" { entry = true }
stage "b" {}
transition("a", "b", p)
EOF
run_cjmsim check err_default.lua
is "$ERR" "cjmsim: err_default.lua:4: transition a->b: the probability = 2 is out of range: it must be from 0 to 1" \
    "at the defaults the error does not mention parameters"

# --- parameters wherever a number may stand -------------------------------------
run_cjmsim run "$PLACES" --out places --quiet --set share_a=0.3 --set mood_b=2 --set value=7 \
    --set cost=0.5
is "$RC" 0 "share, mood, value and cost from --set run"
is "$(json places/summary.json "[(p, q['customers']) for p, q in d['variants'][0]['personas'].items()]")" \
    "[('a', 300), ('b', 700)]" "share_a = 0.3: 300 and 700 customers"
is "$(json places/summary.json "d['variants'][0]['personas']['b']['mood_on_entry']['visit'], d['variants'][1]['personas']['b']['mood_on_entry']['buy']")" \
    "(2.0, 3.0)" "mood_b = 2: persona b arrives at mood 2 (3 with the gift)"
is "$(json places/summary.json "[(v['purchases'], v['revenue'], v['cost']) for v in d['variants']]")" \
    "[(1000, 7000.0, 0.0), (1000, 7000.0, 500.0)]" "value = 7 per order, cost = 0.5 per customer"
is "$(json places/summary.json "d['params']")" "{'share_a': 0.3, 'mood_b': 2, 'value': 7, 'cost': 0.5}" \
    "whole-number parameters stay whole numbers in summary.json"

# --- check lists the parameters ----------------------------------------------
printf '{ "params": { "cost": 0.75 } }\n' >calibration2.json
run_cjmsim check "$PLACES" --set value=7 --params calibration2.json
is "$RC" 0 "check with --set and --params exits 0"
expected=$(cat <<'OUT'
Parameters: the default, the range (low..high) that sweeps and calibration
search, the distribution that uncertainty analysis draws from, and the value
in force where --set or --params gives one
  share_a     0.5      0.1..0.9  uniform(0.1, 0.9)
  mood_b      0        -         fixed
  value       10       5..20     triangular(5, 10, 20)  = 7 (--set)
  cost        1        -         gamma(4, 0.25)         = 0.75 (calibration2.json)
OUT
)
is "$(printf '%s\n' "$OUT" | sed -n '/^Parameters:/,/^$/p' | sed '/^$/d')" "$expected" \
    "check lists default, range, distribution and the value in force"
run_cjmsim check "$SCENARIOS/minimal.lua"
! printf '%s' "$OUT" | grep -q '^Parameters'
ok $? "check prints no parameter section for a scenario without parameters"

# --- bad declarations: exit 3, file:line -------------------------------------------
# bad_decl LINE-OF-LUA MESSAGE: the line is line 3 of a small scenario.
n_bad=0
bad_decl() {
    n_bad=$((n_bad + 1))
    local f="bad$n_bad.lua"
    printf 'scenario { days = 5 }\nstage "a" { entry = true }\n%s\n' "$1" >"$f"
    run_cjmsim run "$f" --out "bad_out$n_bad" --quiet
    is "$RC" 3 "$2: exit 3"
    is "$ERR" "cjmsim: $f:3: $2" "$1"
    [ ! -e "bad_out$n_bad" ]
    ok $? "$2: nothing written"
}
bad_decl 'local x = param "x" { 1, low = 0 }' 'param "x": give both low and high, or neither (high is missing)'
bad_decl 'local x = param "x" { 1, high = 2 }' 'param "x": give both low and high, or neither (low is missing)'
bad_decl 'local x = param "x" { 1, low = 2, high = 3 }' 'param "x": the default 1 lies outside low..high = 2..3'
bad_decl 'local x = param "x" { 1, low = 1, high = 1 }' 'param "x": low = 1 must be below high = 1'
bad_decl 'local x = param "x" { 1, low = 2, high = 0 }' 'param "x": low = 2 must be below high = 0'
bad_decl 'local x = param "x" { low = 0, high = 1 }' 'param "x" needs its default value first: param "x" { 1.4, low = 1.0, high = 1.8 }'
bad_decl 'local x = param "x" { "1" }' 'param "x": the default must be a number, not a string'
bad_decl 'local x = param "x" { 0/0 }' 'param "x": the default must be a finite number'
bad_decl 'local x = param "x" { 1, low = 0, high = 1/0 }' 'param "x": high must be a finite number'
bad_decl 'local x = param "x" { 1, low = "0", high = 2 }' 'param "x": low must be a number, not a string'
bad_decl 'local x = param "x" { 1, lo = 0, hi = 2 }' "param \"x\": unknown key 'hi' (did you mean 'high'?); known keys: the default first, then low, high, dist"
bad_decl 'local x = param "x" { 1, 2 }' 'param "x": only the default comes without a name; write the others as low = ..., high = ..., dist = ...'
bad_decl 'local x = param "x" { 1 } local y = param "x" { 2 }' 'param "x" is declared twice: first at bad13.lua:3'
bad_decl 'local x = param "x y" { 1 }' 'param "x y": a parameter name is letters, digits and _, not starting with a digit, at most 64 characters'
bad_decl 'local x = param(1) { 1 }' 'param expects a name in quotes: param "consult_effect" { 1.4, low = 1.0, high = 1.8 }'
bad_decl 'local x = param "x" (1)' 'param "x" expects a table after the name: param "x" { 1.4, low = 1.0, high = 1.8 }'
bad_decl 'local x = param "x" { 1, dist = 2 }' 'param "x": dist must be a distribution such as beta(12, 988) or normal(1.4, 0.2), not a number'
bad_decl 'local x = param "x" { 1.4, dist = beta(12, 988) }' 'param "x": the default 1.4 is a value beta(12, 988) never draws (it draws from 0 to 1)'
bad_decl 'local x = param "x" { -1, dist = gamma(2, 1) }' 'param "x": the default -1 is a value gamma(2, 1) never draws (it draws from 0 up)'
bad_decl 'local d = normal(1, 0)' 'normal(mean, sd) needs sd > 0, got normal(1, 0)'
bad_decl 'local d = lognormal(0, -1)' 'lognormal(meanlog, sdlog) needs sdlog > 0, got lognormal(0, -1)'
bad_decl 'local d = beta(0, 1)' 'beta(alpha, beta) needs alpha > 0 and beta > 0, got beta(0, 1)'
bad_decl 'local d = beta(1, -2)' 'beta(alpha, beta) needs alpha > 0 and beta > 0, got beta(1, -2)'
bad_decl 'local d = gamma(0, 1)' 'gamma(shape, scale) needs shape > 0 and scale > 0, got gamma(0, 1)'
bad_decl 'local d = gamma(1, 0)' 'gamma(shape, scale) needs shape > 0 and scale > 0, got gamma(1, 0)'
bad_decl 'local d = uniform(2, 1)' 'uniform(a, b) needs a < b, got uniform(2, 1)'
bad_decl 'local d = triangular(0, 3, 2)' 'triangular(a, mode, b) needs a < b and a <= mode <= b, got triangular(0, 3, 2)'
bad_decl 'local d = triangular(0, 1)' 'triangular(a, mode, b) takes 3 numbers, got 2'
bad_decl 'local d = normal(1, "x")' 'normal(mean, sd): argument 2 must be a number, not a string'
bad_decl 'transition("a", "a", function(c) return param "late" { 0.1 } end)' \
    'param "late" is declared while probabilities are computed: declare parameters when the file runs, outside functions (in the probability of a->a, for persona '"'"'everyone'"'"', mood 0, purchases 0, day 1 in stage)'

# --- help ---------------------------------------------------------------------
run_cjmsim run --help
like "$OUT" "--set NAME=VALUE" "run --help shows --set"
run_cjmsim check --help
like "$OUT" "--params FILE" "check --help shows --params"

done_testing
