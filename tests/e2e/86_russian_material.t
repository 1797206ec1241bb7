#!/usr/bin/env bash
# The Russian material teaches the same models as the English one: each
# scenario in scripts/ru/ is its English twin in scripts/ with Russian names,
# so with the same seed it must give the same counts position by position
# (names differ, numbers do not). The Russian persona library (personas/
# новичок.lua …) must resolve from a scenario's include and hold the same
# moods and attributes as the English personas; README.ru.md must start with
# the same two commands as README.md.
source "$(dirname "$0")/lib.sh"

ROOT=$(cd "$TESTS_DIR/.." && pwd)
cd "$WORK" || exit 1

# plotless ARGS...: run_cjmsim without gnuplot on the PATH, for runs whose
# numbers alone are compared: no plots to draw keeps them to milliseconds.
# Any message but gnuplot's warning is kept in ERR.
mkdir -p "$WORK/nobin"
plotless() {
    PATH="$WORK/nobin" "$CJMSIM" "$@" >"$WORK/stdout" 2>"$WORK/stderr"
    RC=$?
    OUT=$(cat "$WORK/stdout")
    ERR=$(grep -v '^cjmsim: gnuplot not found' "$WORK/stderr" || true)
}

# numbers SUMMARY: every variant's figures by position, without names.
numbers() {
    py 'd = json.load(open(sys.argv[1]))
for i, v in enumerate(d["variants"]):
    print(i, [v[k] for k in ("customers", "buyers", "repeat_buyers", "purchases", "revenue", "cost")],
          list(v["reached"].values()),
          [list(p["reached"].values()) + [p["buyers"], p["repeat_buyers"], p["revenue"]] for p in v["personas"].values()])
print(len(d["stages"]), len(d["personas"]), d["days"], d["seed"], d["margin"])' "$1"
}

# --- each Russian scenario gives its English twin's numbers -------------------
n_ru=0
for ru in "$ROOT"/scripts/ru/*.lua; do
    name=$(basename "$ru" .lua)
    en="$ROOT/scripts/$name.lua"
    n_ru=$((n_ru + 1))
    ok $([ -f "$en" ]; echo $?) "ru/$name: has an English twin scripts/$name.lua"
    run_cjmsim check "$ru"
    is "$RC" 0 "ru/$name: cjmsim check exits 0"
    like "$OUT" "a valid scenario" "ru/$name: check calls it valid"
    # Few customers keep it fast; the same seed and customers on both sides.
    run_cjmsim run "$ru" --customers 3000 --out "$WORK/ru_$name" --quiet
    is "$RC:$ERR" "0:" "ru/$name: runs without a message"
    plotless run "$en" --customers 3000 --out "$WORK/en_$name" --quiet
    is "$RC" 0 "$name: the English twin runs"
    got=$(numbers "$WORK/ru_$name/summary.json")
    want=$(numbers "$WORK/en_$name/summary.json")
    like "$want" "^0 \[3000, [1-9]" "$name: the English twin has buyers to compare"
    is "$got" "$want" "ru/$name: buyers, repeat buyers, purchases, revenue, cost and reached per stage equal the English ones, variant by variant"
    # The names are Russian: no stage of the English twin appears in it.
    shared=$(py 'a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
print(sorted(set(a["stages"]) & set(b["stages"]) - {"telegram"}))' \
        "$WORK/ru_$name/summary.json" "$WORK/en_$name/summary.json")
    is "$shared" "[]" "ru/$name: its stages have Russian names"
    cyr=$(py 'd = json.load(open(sys.argv[1]))
print(all(any("\u0400" <= ch <= "\u04ff" for ch in s) for s in [d["scenario"]] + [x for x in d["stages"] if x != "telegram"] + [v["name"] for v in d["variants"][1:]]))' \
        "$WORK/ru_$name/summary.json")
    is "$cyr" "True" "ru/$name: the scenario, stage and intervention names are in Cyrillic"
done
is "$n_ru" 6 "scripts/ru/ holds a Russian version of each of the 6 example scenarios"

# The exact mode on the largest model: the expected values agree to the digit.
plotless run "$ROOT/scripts/ru/sport_nutrition.lua" --exact --out "$WORK/ru_exact" --quiet
plotless run "$ROOT/scripts/sport_nutrition.lua" --exact --out "$WORK/en_exact" --quiet
is "$(numbers "$WORK/ru_exact/summary.json")" "$(numbers "$WORK/en_exact/summary.json")" \
    "ru/sport_nutrition --exact: the same expected values as the English one"

# --- the Russian persona library resolves ------------------------------------
# The Russian lessons include personas by their Russian names from the
# library (there is no persona file in scripts/ru/).
ls "$ROOT"/scripts/ru/ | grep -qv '\.lua$'
ok $((1 - $?)) "scripts/ru/ holds scenarios only: the personas come from the library"
run_cjmsim check "$ROOT/scripts/ru/lesson2_personas.lua"
like "$OUT" "новичок" "ru/lesson2_personas: check lists the library persona новичок"
like "$OUT" "Несколько месяцев назад начал ходить в зал" "ru/lesson2_personas: with its Russian 5W text"

# Each Russian persona is its English twin: the same mood and attribute. A
# scenario of one persona whose buying depends on both gives the same
# expected buyers.
twin() { # twin RU EN EXPRESSION: the daily chance to buy, from the attributes
    local d="$WORK/twin_$2"
    mkdir -p "$d"
    for who in "$1" "$2"; do
        cat >"$d/s_$who.lua" <<LUA
include "$who" { share = 1 }
stage "a" { entry = true }
stage "b" { purchase = true, value = 1, terminal = true }
stage "c" { terminal = true }
transition("a", "b", function(c) return $3 * (1 + 0.2 * c.mood) end)
transition("a", "c", 0.05)
LUA
        plotless run "$d/s_$who.lua" --exact --days 60 --out "$d/r_$who" --quiet
        is "$RC:$ERR" "0:" "include \"$who\" resolves from the library"
    done
    local a b
    a=$(json "$d/r_$1/summary.json" 'd["variants"][0]["buyers"]')
    b=$(json "$d/r_$2/summary.json" 'd["variants"][0]["buyers"]')
    is "$a" "$b" "persona $1 has the mood and attributes ($3) of $2 (expected buyers $b)"
    is "$(json "$d/r_$1/summary.json" 'd["personas"]')" "['$1']" "persona file $1.lua declares the persona $1"
}
twin новичок beginner c.reorder
twin спортсмен athlete c.reorder
twin тренер coach "c.reorder * c.team_size / 20"
twin владелец_бизнеса smb_owner "c.renewal * c.employees / 500"
twin ит_директор it_manager "c.renewal * c.employees / 5000"
twin закупщик procurement "c.renewal * c.employees / 50000"

# --- README.ru.md ------------------------------------------------------------
ok $([ -f "$ROOT/README.ru.md" ]; echo $?) "README.ru.md exists"
first_two() { awk '/^```/ { n++; next } n == 1 && k < 2 { print; k++ }' "$1"; }
want=$(first_two "$ROOT/README.md")
like "$want" "^sudo apt-get update && .* && make && ./cjmsim run scripts/sport_nutrition.lua" "README.md's first code block starts with the command that installs, builds and runs"
is "$(printf '%s\n' "$want" | sed -n 2p)" "make check" "README.md's second command is make check"
is "$(first_two "$ROOT/README.ru.md")" "$want" "README.ru.md's first code block has README.md's two first commands"
# The paragraph between the first code block and the title.
grep -q '(README.ru.md)' <(awk '/^```/ { n++; next } n == 2 && /^# / { exit } n == 2' "$ROOT/README.md")
ok $? "README.md's top paragraph links README.ru.md"
awk '/^```lua/ { f = 1; next } /^```/ { f = 0 } f' "$ROOT/README.ru.md" >"$WORK/readme_ru.lua"
plotless run "$WORK/readme_ru.lua" --exact --out "$WORK/readme_ru" --quiet
is "$RC:$ERR" "0:" "README.ru.md's scenario runs as printed"
grep -q '(README.md)' "$ROOT/README.ru.md"
ok $? "README.ru.md links back to README.md"

done_testing
