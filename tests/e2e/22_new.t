#!/usr/bin/env bash
# cjmsim new NAME: writes a commented starting scenario from the template
# templates/scenario.lua, which runs and checks as is; it never overwrites a
# file, and its mistakes have exact messages and exit statuses.
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1

run_cjmsim new my_shop
is "$RC" 0 "new my_shop exits 0"
is "$OUT" "Wrote my_shop.lua: a scenario that runs as is. Next:
  cjmsim check my_shop.lua    see the journey it describes
  cjmsim run my_shop.lua      simulate it
Then make it yours: the comments in it explain every line." "new tells what to do next"
is "$ERR" "" "new writes nothing to stderr"
ok "$([ -f my_shop.lua ]; echo $?)" "my_shop.lua is written"
like "$(head -n 1 my_shop.lua)" '^-- my_shop: ' "the name is filled into the first comment"
like "$(cat my_shop.lua)" '^--   cjmsim run my_shop\.lua ' "and into the commands in the comments"

run_cjmsim check my_shop.lua
is "$RC" 0 "the new scenario checks"
like "$OUT" '^my_shop\.lua: a valid scenario, "my_shop"$' "its scenario is named after the file"
like "$OUT" '^Stages nobody can leave, though not terminal: none$' "it has no trap"
like "$OUT" '^Stages nobody reaches: none$' "every stage is reached"
run_cjmsim run my_shop.lua --quiet
is "$RC" 0 "the new scenario runs as is"
is "$(json results/my_shop/summary.json '[v["name"] for v in d["variants"]]')" \
    "['baseline', 'cart_reminder']" "its results hold the baseline and its intervention"

# --- never overwrite -----------------------------------------------------------
echo "-- my own work" >>my_shop.lua
before=$(sha256sum my_shop.lua)
run_cjmsim new my_shop
is "$RC" 4 "new over an existing file exits 4"
is "$ERR" "cjmsim: 'my_shop.lua' already exists: choose another name, or remove it first" \
    "new over an existing file: message"
is "$OUT" "" "new over an existing file: nothing on stdout"
is "$(sha256sum my_shop.lua)" "$before" "the existing file is untouched"
run_cjmsim new my_shop.lua
is "$RC" 4 "new NAME.lua over an existing file exits 4"
ln -s "$WORK/elsewhere.lua" link.lua
run_cjmsim new link
is "$RC" 4 "new over a dangling link exits 4"
absent "$WORK/elsewhere.lua" "and writes nothing through the link"

# --- names -------------------------------------------------------------------
run_cjmsim new other.lua
is "$RC" 0 "new other.lua exits 0"
ok "$([ -f other.lua ] && [ ! -e other.lua.lua ]; echo $?)" "new other.lua writes other.lua"

mkdir -p course
run_cjmsim new 'course/say "hi" \ 2'
is "$RC" 0 "a name with quotes and a backslash exits 0"
run_cjmsim run 'course/say "hi" \ 2.lua' --out "$WORK/quoted" --quiet
is "$RC" 0 "that scenario runs"
is "$(json "$WORK/quoted/summary.json" 'd["scenario"]')" 'say "hi" \ 2' \
    "its name is the file name, quotes and backslash included"

long=$(printf 'x%.0s' {1..65})
run_cjmsim new "$long"
is "$RC" 2 "a 65-character name exits 2"
is "$ERR" "cjmsim: new: the name '$long' is too long: a scenario name has at most 64 characters" \
    "a 65-character name: message"
absent "$WORK/$long.lua" "nothing is written for a name too long"
run_cjmsim new "$(printf 'x%.0s' {1..64})"
is "$RC" 0 "a 64-character name is fine"

run_cjmsim new course/
is "$RC" 2 "a folder name exits 2"
is "$ERR" "cjmsim: new: 'course/' has no file name: write one, e.g. cjmsim new my_shop" \
    "a folder name: message"
run_cjmsim new "$(printf 'a\tb')"
is "$RC" 2 "a name with a control character exits 2"
is "$ERR" "cjmsim: new: the name contains a control character" "a control character: message"
run_cjmsim new no/such/folder/x
is "$RC" 4 "a missing folder exits 4"
is "$ERR" "cjmsim: cannot create 'no/such/folder/x.lua': No such file or directory" \
    "a missing folder: message"

# --- the command line -------------------------------------------------------
run_cjmsim new
is "$RC" 2 "new without a name exits 2"
is "$ERR" "cjmsim: new needs a name: cjmsim new my_shop" "new without a name: message"
run_cjmsim new a b
is "$RC" 2 "new with two names exits 2"
is "$ERR" "cjmsim: one name at a time: got 'a' and 'b'" "new with two names: message"
run_cjmsim new a --days 3
is "$RC" 2 "new with an option exits 2"
is "$ERR" "cjmsim: unknown option '--days' (see cjmsim new --help)" "new with an option: message"
absent "$WORK/a.lua" "a refused command writes nothing"

# --- the template is a data file a teacher can change ---------------------
mkdir -p "$WORK/data/templates"
printf -- '-- @NAME@ for the course\nstage "start" { entry = true }\n' >"$WORK/data/templates/scenario.lua"
CJMSIM_DATADIR="$WORK/data" run_cjmsim new lesson
is "$RC" 0 "new with CJMSIM_DATADIR exits 0"
is "$(cat lesson.lua)" '-- lesson for the course
stage "start" { entry = true }' "new writes the template of CJMSIM_DATADIR"

done_testing
