#!/usr/bin/env bash
# cjmsim check: validates without simulating and prints what the scenario
# means. tests/scenarios/check_graph.lua has every number known in advance
# (see its comments): per-persona probabilities and ranges, the shares each
# stage passes on, a stage nobody reaches, two stages nobody can leave, and
# what each variant changes. Mistakes are reported exactly as run reports
# them, and check writes nothing.
source "$(dirname "$0")/lib.sh"

cd "$SCENARIOS" || exit 1

run_cjmsim check check_graph.lua
is "$RC" 0 "check exits 0 on a valid scenario"
is "$ERR" "" "check writes nothing to stderr"
expected=$(cat <<'OUT'
check_graph.lua: a valid scenario, "Check graph"
  20 days, 500 customers, seed 5, margin 1

Personas: share of the customers, starting mood, attributes (c.name), and
the 5W description (what, who, why, when, where) where there is one
  a               75%  mood -1   level = 2
      who    Always in a hurry
  b               25%  mood +2

Stages
  visit       entry
  buy         purchase worth 10 (a), 20 (b), emotion +1
  use
  limbo
  island
  wait
  gone        terminal

Transitions: the daily probability for each persona; lo..hi where it depends
on the customer (mood, purchases, days in the stage); - where no customer of
the persona gets to the stage
  visit -> buy     a 0.1  b 0.3
  visit -> gone    0.1
  visit -> wait    a 0  b 0.02
  buy -> use       0..1
  use -> buy       a 0.02..0.05  b 0.05
  use -> limbo     0.05
  island -> gone   never used: nobody gets to island
  wait -> gone     a -  b 0

Where customers go from the stages whose probabilities are constant: each
way out gets its probability / the sum of the stage's probabilities, once
the run is long enough
  visit       a: buy 50.0%, gone 50.0%, wait 0.0%, after 5.0 days on average
              b: buy 71.4%, gone 23.8%, wait 4.8%, after 2.4 days on average
  use         b: buy 50.0%, limbo 50.0%, after 10.0 days on average
              a: depends on the customer

Stages nobody reaches in the baseline (no transition with a probability above
0 leads there from a stage customers get to):
  island (reached in: bridge, bridge+boost)

Stages nobody can leave, though not terminal (customers who get there stay
for good; mark a stage terminal = true when that is what you mean):
  limbo: no transition leaves it
  wait: its transitions are 0 for every customer who gets there

Interventions
  bridge
    limbo -> island: set to 0.2
    costs 1 per use
  boost (for a)
    entering buy: mood +1
    visit -> buy: x1.5

Variants: the transitions each changes, baseline -> variant, over the
states customers can reach
  bridge
    island -> gone   - -> 0.5
    limbo -> island  - -> 0.2
    island is reached (nobody gets there in the baseline)
  boost
    visit -> buy     a 0.1 -> 0.15  b unchanged
    use -> buy       a 0.02..0.05 -> 0.03..0.05  b unchanged
    where customers end up from stages whose probabilities are constant:
      from visit (a): buy 50.0% -> 60.0% (x1.20), gone 50.0% -> 40.0% (x0.80); 5.0 -> 4.0 days there on average
  bridge+boost
    visit -> buy     a 0.1 -> 0.15  b unchanged
    use -> buy       a 0.02..0.05 -> 0.03..0.05  b unchanged
    island -> gone   - -> 0.5
    limbo -> island  - -> 0.2
    island is reached (nobody gets there in the baseline)
    where customers end up from stages whose probabilities are constant:
      from visit (a): buy 50.0% -> 60.0% (x1.20), gone 50.0% -> 40.0% (x0.80); 5.0 -> 4.0 days there on average
OUT
)
is "$OUT" "$expected" "check prints the compiled journey"
absent "$SCENARIOS/results" "check writes no results directory"

# The parts a student reads, one by one, so that a failure says which (each
# pattern is one whole line).
like "$OUT" '^  use -> buy       a 0\.02\.\.0\.05  b 0\.05$' \
    "a function of the mood is shown as its range over the moods customers reach"
like "$OUT" '^  island -> gone   never used: nobody gets to island$' "an edge nobody uses"
like "$OUT" '^  island \(reached in: bridge, bridge\+boost\)$' \
    "island is unreachable in the baseline, reached with the bridge"
like "$OUT" '^  limbo: no transition leaves it$' "limbo is a stage nobody can leave"
like "$OUT" '^  wait: its transitions are 0 for every customer who gets there$' \
    "wait is a stage nobody can leave though it has a transition"
like "$OUT" '^  visit       a: buy 50\.0%, gone 50\.0%, wait 0\.0%, after 5\.0 days on average$' \
    "constant probabilities give the eventual shares p / sum and 1 / sum days"

# --days changes the days the probabilities are checked over.
run_cjmsim check check_graph.lua --days 1
is "$RC" 0 "check --days 1 exits 0"
like "$OUT" '^  1 days, 500 customers' "check --days 1 checks one day"
like "$OUT" '^  buy -> use       0$' "with one day the delivery never completes (0 on day 1)"

# --variants picks the variants whose changes are shown.
run_cjmsim check check_graph.lua --variants boost
is "$RC" 0 "check --variants boost exits 0"
like "$OUT" '^  boost$' "the chosen variant is shown"
variants=$(printf '%s\n' "$OUT" | sed -n '/^Variants/,$p' | grep -E '^  [^ ]')
is "$variants" "  boost" "only that variant is shown"

# --- mistakes: the same message and exit status as run ---------------------
cd "$WORK" || exit 1
mkdir -p "$WORK/c"
ln -s "$SCENARIOS/bad" "$WORK/c/bad"
cd "$WORK/c" || exit 1
for name in unknown_stage shares_sum function_negative syntax_error; do
    run_cjmsim run "bad/$name.lua" --out "$WORK/r_$name" --quiet
    run_rc=$RC run_err=$ERR
    run_cjmsim check "bad/$name.lua"
    is "$RC" 3 "check bad/$name.lua exits 3"
    is "$ERR" "$run_err" "check bad/$name.lua: the message run gives"
    is "$run_rc" 3 "run bad/$name.lua exits 3 too"
    is "$OUT" "" "check bad/$name.lua: nothing on stdout"
done
like "$ERR" '^cjmsim: bad/syntax_error\.lua:3: ' "the message names file:line"

run_cjmsim check "$WORK/missing.lua"
is "$RC" 3 "check of a missing file exits 3"
is "$ERR" "cjmsim: cannot open scenario '$WORK/missing.lua': No such file or directory" \
    "check of a missing file: message"

# --- the command line ---------------------------------------------------------
run_cjmsim check
is "$RC" 2 "check without a scenario exits 2"
is "$ERR" "cjmsim: check needs a scenario file: cjmsim check scenario.lua" \
    "check without a scenario: message"
for opt in --out --customers --threads; do
    run_cjmsim check "$SCENARIOS/check_graph.lua" "$opt" 5
    is "$RC" 2 "check $opt exits 2"
    is "$ERR" "cjmsim: check takes no $opt: it simulates nothing and writes nothing (see cjmsim check --help)" \
        "check $opt: message"
done
run_cjmsim check "$SCENARIOS/check_graph.lua" --out=x
is "$ERR" "cjmsim: check takes no --out: it simulates nothing and writes nothing (see cjmsim check --help)" \
    "check --out=x: message"
run_cjmsim check "$SCENARIOS/check_graph.lua" --quiet
is "$RC" 2 "check --quiet exits 2"
run_cjmsim check "$SCENARIOS/check_graph.lua" --png
is "$RC:$ERR" "2:cjmsim: check takes no --png: it simulates nothing and writes nothing (see cjmsim check --help)" \
    "check --png exits 2: it draws nothing"
run_cjmsim check "$SCENARIOS/check_graph.lua" --fast
is "$RC" 2 "check with an unknown option exits 2"
is "$ERR" "cjmsim: unknown option '--fast' (see cjmsim check --help)" "unknown option: message"
run_cjmsim check "$SCENARIOS/check_graph.lua" --days 0
is "$ERR" "cjmsim: --days: 0 is out of range: it must be from 1 to 36500" "check --days 0: message"
run_cjmsim check "$SCENARIOS/check_graph.lua" --variants nothing
is "$RC" 2 "check --variants with an unknown intervention exits 2"

absent "$WORK/c/results" "check wrote no results directory"

# --- a variant's eventual shares ---------------------------------------------------
# Two competing daily chances of 0.1: half go each way. Scaling one by 1.5
# sends 60% its way (x1.20, not x1.5) and shortens the stay from 5 to 4 days;
# scaling it and lowering the other to keep their sum keeps the speed.
cat >"$WORK/compete.lua" <<'LUA'
stage "page" { entry = true }
stage "cart" {}
stage "left" { terminal = true }
transition("page", "cart", 0.1)
transition("page", "left", 0.1)
intervention "offer" { scale = { ["page->cart"] = 1.5 } }
intervention "same_speed" { scale = { ["page->cart"] = 1.5, ["page->left"] = 0.5 } }
LUA
run_cjmsim check "$WORK/compete.lua" --variants offer,same_speed
is "$RC" 0 "check of competing chances exits 0"
like "$OUT" "from page: cart 50\.0% -> 60\.0% \(x1\.20\), left 50\.0% -> 40\.0% \(x0\.80\); 5\.0 -> 4\.0 days there on average" \
    "x1.5 on one of two competing chances: 60% instead of 50% (x1.20), and a shorter stay"
like "$OUT" "from page: cart 50\.0% -> 75\.0% \(x1\.50\), left 50\.0% -> 25\.0% \(x0\.50\); 5\.0 -> 5\.0 days there on average" \
    "lowering the other chance by as much keeps the stay and gives x1.5"
done_testing
