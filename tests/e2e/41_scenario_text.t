#!/usr/bin/env bash
# Text from a scenario is untrusted: it reaches the terminal with its control
# characters escaped (\x1b), in errors, in `check` and in print, and what
# cjmsim copies of it counts against the memory limit.
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
ESC=$(printf '\033')

# --- control characters --------------------------------------------------------
printf 'stage "visit" { entry = true }\nerror("bad \\27[2J\\27]0;title\\7 thing", 0)\n' >error_text.lua
run_cjmsim check error_text.lua
is "$RC" 3 "an error quoting control characters: exit 3"
is "$ERR" 'cjmsim: error_text.lua:2: bad \x1b[2J\x1b]0;title\x07 thing' "an error message shows control characters escaped"

printf 'persona "p\\27[31m" { share = 1 }\nstage "visit" { entry = true }\n' >name_control.lua
run_cjmsim check name_control.lua
is "$RC" 3 "a name with a control character: exit 3"
is "$ERR" 'cjmsim: name_control.lua:1: persona name "p\x1b[31m" contains a control character' \
    "the control-character error shows the name escaped"
printf 'persona "p\\194\\155x" { share = 1 }\nstage "visit" { entry = true }\n' >name_c1.lua
run_cjmsim check name_c1.lua
is "$ERR" 'cjmsim: name_c1.lua:1: persona name "p\xc2\x9bx" contains a control character' \
    "a C1 control character (U+009B) in a name is refused and shown escaped"

cat >texts.lua <<'LUA'
scenario { question = "Does it \27[31mpay\27[0m?", currency = "\27]0;x\7EUR" }
persona "fan" { share = 1, who = { "runners", "\27[2Jcoaches" }, tag = "a\tb\nc" }
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 1 }
transition("visit", "buy", 0.1)
print("said\27[1m so\nnext line")
LUA
run_cjmsim check texts.lua
is "$RC" 0 "a scenario with control characters in its texts is valid"
is "$(grep -c "$ESC" <<<"$OUT$ERR")" "0" "check writes no escape character to the terminal"
like "$OUT" '^  Question: Does it \\x1b\[31mpay\\x1b\[0m\?$' "check shows the question escaped"
like "$OUT" '^      who    runners; \\x1b\[2Jcoaches$' "check shows a 5W text escaped"
like "$OUT" 'tag = "a\\x09b\\x0ac"$' "check shows an attribute escaped, tabs and newlines too"
is "$ERR" "$(printf 'said\\x1b[1m so\nnext line')" "print escapes control characters but keeps lines"
run_cjmsim run texts.lua --customers 100 --days 3 --out "$WORK/out-texts"
is "$RC" 0 "the scenario runs"
is "$(grep -c "$ESC" <<<"$OUT")" "0" "the run's summary writes no escape character"
like "$OUT" '^Money, \\x1b\]0;x\\x07EUR ' "the run's summary shows the currency escaped"

# --- what cjmsim copies from the scenario counts against the memory limit -------
# One 4 MB string used as 40 texts is 4 MB of Lua memory but 160 MB of copies.
cat >text_bomb.lua <<'LUA'
local s = string.rep("x", 4 * 1024 * 1024)
local list = {}
for i = 1, 40 do list[i] = s end
stage "visit" { entry = true, description = list }
LUA
run_cjmsim check text_bomb.lua --lua-memory 64
is "$RC" 3 "texts copied past the memory limit: exit 3"
is "$ERR" "cjmsim: text_bomb.lua:4: stage 'visit': item 15 of description: the text cjmsim keeps from the scenario exceeds the memory limit (--lua-memory 64 MB); raise the limit with --lua-memory MB" \
    "texts copied past the memory limit: the message names the place and the limit"
run_cjmsim run text_bomb.lua --lua-memory 64 --out "$WORK/out-bomb"
is "$RC" 3 "run stops at the same limit"
absent "$WORK/out-bomb" "and writes no results"
cat >attr_bomb.lua <<'LUA'
local s = string.rep("y", 4 * 1024 * 1024)
local fan = { share = 1 }
for i = 1, 40 do fan["a" .. i] = s end
persona "fan" (fan)
stage "visit" { entry = true }
LUA
run_cjmsim check attr_bomb.lua --lua-memory 64
is "$RC" 3 "string attributes copied past the memory limit: exit 3"
like "$ERR" "^cjmsim: attr_bomb\\.lua:4: persona 'fan': a[0-9]+: the text cjmsim keeps from the scenario exceeds the memory limit \\(--lua-memory 64 MB\\)" \
    "string attributes past the memory limit: message"
run_cjmsim check text_bomb.lua --lua-memory 256
is "$RC" 0 "the same texts fit under a higher limit"

done_testing
