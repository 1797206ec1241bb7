#!/usr/bin/env bash
# The Russian interface (GNU gettext, po/ru.po): the catalog is complete for
# the messages of the sources as they are now; with LANG=ru_RU.UTF-8 or
# --lang ru — on a machine with no Russian locale installed — the summary,
# check, a scenario error, the help, the report and the plot labels are in
# Russian, numbers are grouped with a no-break space; English stays the
# default; and the files (CSV, JSON) are the same bytes in both languages.
# Lua's own messages (a syntax error, an error while running) are
# Russian too, with file:line, and Lua's English text in English.
source "$(dirname "$0")/lib.sh"

ROOT=$(cd "$TESTS_DIR/.." && pwd)
EXAMPLE="$ROOT/scripts/sport_nutrition.lua"
NBSP=$'\xc2\xa0'
cd "$WORK" || exit 1

plan 76

# --- the catalog -----------------------------------------------------------
# The messages are extracted again from the sources here, so a message added
# without its translation fails this test, not only a stale po/cjmsim.pot.
make -s -C "$ROOT" --no-print-directory pot POT="$WORK/cjmsim.pot" >/dev/null 2>"$WORK/xgettext.err"
ok "$([ -s "$WORK/cjmsim.pot" ]; echo $?)" "xgettext extracts the messages of engine/*.c"
msgcmp "$ROOT/po/ru.po" "$WORK/cjmsim.pot" 2>"$WORK/msgcmp.err"
ok $? "po/ru.po translates every message of the sources (msgcmp)"
[ -s "$WORK/msgcmp.err" ] && sed 's/^/# /' "$WORK/msgcmp.err" | head -n 20
is "$(msgattrib --untranslated "$ROOT/po/ru.po" | grep -c '^msgid ')" 0 "po/ru.po: no untranslated message"
is "$(msgattrib --only-fuzzy "$ROOT/po/ru.po" | grep -c '^msgid ')" 0 "po/ru.po: no fuzzy message"
msgfmt --check -c -o /dev/null "$ROOT/po/ru.po" 2>"$WORK/msgfmt.err"
ok $? "msgfmt --check -c passes (formats agree with their msgid)"
# The check can fail: a message left untranslated is caught.
awk 'BEGIN { done = 0 } /^msgid "unchanged"$/ { hit = 1 }
     hit && /^msgstr / && !done { print "msgstr \"\""; done = 1; hit = 0; next } { print }' \
    "$ROOT/po/ru.po" >"$WORK/broken.po"
msgcmp "$WORK/broken.po" "$WORK/cjmsim.pot" 2>/dev/null
ok "$([ $? -ne 0 ]; echo $?)" "msgcmp catches a message left untranslated"

# --- no Russian locale is needed ---------------------------------------------
if locale -a 2>/dev/null | grep -qi '^ru_RU'; then
    echo "# note: a ru_RU locale is installed here; the fallback is not what is tested"
fi

# --- the summary ---------------------------------------------------------------
LANG=ru_RU.UTF-8 "$CJMSIM" run "$EXAMPLE" --customers 20000 --out "$WORK/ru" >"$WORK/ru.out" 2>"$WORK/ru.err"
is "$?" 0 "LANG=ru_RU.UTF-8: the run succeeds"
RU=$(cat "$WORK/ru.out")
like "$RU" '^Воронка \(базовый вариант\)' "the funnel is titled in Russian"
like "$RU" '^Повторные покупатели по персонам' "repeat buyers by persona, in Russian"
like "$RU" '^Покупки по вариантам' "purchases by variant, in Russian"
like "$RU" 'прогноз: рост' "the verdict on the effect is in Russian"
like "$RU" 'окупается' "the verdict on the money is in Russian"
like "$RU" 'точность симуляции' "the intervals are the simulation precision, in Russian"
like "$RU" "^20${NBSP}000 клиентов за 180 дней, зерно 42, 4 варианта" \
    "counts agree with their nouns, thousands grouped with a no-break space"
like "$RU" "  awareness +20${NBSP}000 " "the funnel groups thousands the Russian way"
like "$RU" 'точность симуляции \[[+-][0-9]+,[0-9]{2}; [+-][0-9]+,[0-9]{2}\]' \
    "decimals are written with a comma"
like "$RU" '^  awareness .* 100,0%' "percentages too"
ok "$(printf '%s' "$RU" | grep -q 'Funnel\|Repeat buyers\|predicted gain'; [ $? -ne 0 ]; echo $?)" \
    "no English heading is left"
is "$(cat "$WORK/ru.err")" "" "nothing on stderr"

# --lang ru wins over an English environment, --lang en over a Russian one.
LANG=en_US.UTF-8 "$CJMSIM" --lang ru run "$EXAMPLE" --customers 20000 --out "$WORK/ru2" >"$WORK/ru2.out" 2>&1
is "$(cat "$WORK/ru2.out")" "$(sed "s|$WORK/ru/|$WORK/ru2/|g" "$WORK/ru.out")" \
    "--lang ru (before the command) prints what LANG=ru_RU.UTF-8 prints"
LANG=ru_RU.UTF-8 "$CJMSIM" run "$EXAMPLE" --customers 20000 --out "$WORK/en" --lang=en >"$WORK/en.out" 2>&1
like "$(cat "$WORK/en.out")" '^Funnel \(baseline\)' "--lang=en (after the options) wins over LANG=ru_RU.UTF-8"
like "$(cat "$WORK/en.out")" '^20,000 customers over 180 days' "English groups with commas"
LC_ALL=ru_RU.UTF-8 LANG=C "$CJMSIM" --help >"$WORK/lcall.out" 2>&1
like "$(cat "$WORK/lcall.out")" '^Использование: cjmsim run' "LC_ALL wins over LANG"
LC_MESSAGES=ru_RU.UTF-8 LANG=C "$CJMSIM" --help >"$WORK/lcm.out" 2>&1
like "$(cat "$WORK/lcm.out")" '^Использование: cjmsim run' "LC_MESSAGES selects Russian too"

# --- the files stay the same --------------------------------------------------
# The same command line in two directories, one run in each language.
mkdir -p "$WORK/in_ru" "$WORK/in_c"
(cd "$WORK/in_ru" && LANG=ru_RU.UTF-8 "$CJMSIM" run "$EXAMPLE" --customers 20000 --out out --quiet)
(cd "$WORK/in_c" && LANG=C "$CJMSIM" run "$EXAMPLE" --customers 20000 --out out --quiet)
same=0
for f in "$WORK"/in_c/out/*.csv "$WORK"/in_c/out/*.json; do
    cmp -s "$f" "$WORK/in_ru/out/$(basename "$f")" || { same=1; echo "# differs: $(basename "$f")"; }
done
ok "$same" "every CSV and JSON file is byte-identical in a Russian and an English run"
ok "$(cmp -s "$WORK/in_c/out/report.html" "$WORK/in_ru/out/report.html"; [ $? -ne 0 ]; echo $?)" \
    "while the report differs"
ok "$(head -n 1 "$WORK/ru/funnel.csv" | LC_ALL=C grep -q $'[\xd0\xd1]'; [ $? -ne 0 ]; echo $?)" \
    "CSV headers stay English"
is "$(json "$WORK/ru/summary.json" 'd["variants"][1]["verdict"]["effect"]')" "gain" \
    "summary.json keeps the English verdict"
same=0
for f in "$WORK"/ru2/*.csv "$WORK"/ru2/*.json; do
    [ "$(basename "$f")" = manifest.json ] && continue # it records the command line
    cmp -s "$f" "$WORK/en/$(basename "$f")" || { same=1; echo "# differs: $(basename "$f")"; }
done
ok "$same" "--lang ru changes no CSV or JSON file but the recorded command line"

# --- the report and the plots -----------------------------------------------
R="$WORK/ru/report.html"
like "$(head -n 3 "$R")" '<html lang="ru">' 'report.html says <html lang="ru">'
like "$(cat "$R")" '<h2>Карта пути клиента</h2>' "the journey map is titled in Russian"
like "$(cat "$R")" '<h2>Как читать этот отчёт</h2>' "how to read the report, in Russian"
like "$(cat "$R")" 'Точки контакта' "the map's rows use the CJM words"
like "$(cat "$R")" 'модель предсказывает \+[0-9]+,[0-9] п\. п\.' "the report's sentences use a decimal comma"
like "$(cat "$WORK/en/report.html")" '<html lang="en">' 'the English report says <html lang="en">'
like "$(cat "$WORK/ru/plots/funnel.gp")" "^label_funnel = 'воронка" "the plot labels reach gnuplot in Russian"
ok "$(grep -q "воронка\|Воронка" "$ROOT"/plots/*.gp; [ $? -ne 0 ]; echo $?)" \
    "the templates hold no text of their own"

# --- check, errors, help --------------------------------------------------------
run_cjmsim check "$EXAMPLE" --lang ru
is "$RC" 0 "check --lang ru exits 0"
like "$OUT" 'сценарий без ошибок, «Sports nutrition shop»' "check says the scenario is valid, in Russian"
like "$OUT" '^Переходы: дневная вероятность' "check's transitions, in Russian"
like "$OUT" "клиентов: 100${NBSP}000" "check groups thousands the Russian way"
like "$OUT" 'маржа 0,3$' "check writes decimals with a comma"

BAD="$SCENARIOS/bad/shares_sum.lua"
LANG=ru_RU.UTF-8 "$CJMSIM" run "$BAD" --out "$WORK/bad" >"$WORK/bad.out" 2>"$WORK/bad.err"
is "$?" 3 "a scenario error is still exit 3"
is "$(cat "$WORK/bad.err")" \
    "cjmsim: $BAD:4: доли персон в сумме дают 0.9, а должны давать 1 (beginner 0.5 + athlete 0.3 + coach 0.1)" \
    "the scenario error is in Russian and names file:line"
run_cjmsim --lang ru run
is "$RC" 2 "a usage error is still exit 2"
is "$ERR" "cjmsim: run: нужен файл сценария: cjmsim run scenario.lua" "the usage error is in Russian"

run_cjmsim --lang ru --help
like "$OUT" '^Использование: cjmsim run SCENARIO.lua \[параметры\]' "--help in Russian"
like "$OUT" '^  --lang ru\|en +язык сообщений' "--help lists --lang"
run_cjmsim help run --lang ru
like "$OUT" '^Использование: cjmsim run SCENARIO.lua' "help run in Russian"

run_cjmsim --lang de --help
is "$RC" 2 "an unknown --lang is exit 2"
is "$ERR" "cjmsim: --lang: unknown language 'de' (ru or en)" "and says which languages there are"

# --- English stays the default ----------------------------------------------------
for env in C en_US.UTF-8; do
    LANG=$env "$CJMSIM" check "$EXAMPLE" >"$WORK/c.out" 2>&1
    like "$(cat "$WORK/c.out")" 'a valid scenario, "Sports nutrition shop"' "LANG=$env: English"
done

# --- tables line up by the width people see ---------------------------------------
# A grouped number holds no-break spaces (two bytes, one column) and the
# headers are Cyrillic: the column a number ends in is the same on every row.
COLS="$TESTS_DIR/e2e/columns.py"
VARIANTS="baseline order_notifications expert_consultation order_notifications+expert_consultation"
ends() { python3 "$COLS" "$1" "$2" $3 | awk '{ print $2 }' | sort -u | wc -l; }
is "$(ends "$WORK/ru.out" "Деньги" "вариант $VARIANTS")" 1 "the money table's revenue column lines up in Russian"
is "$(ends "$WORK/ru.out" "Воронка (базовый" "этап awareness consideration purchase usage lost churned")" 1 \
    "the funnel's column of customers lines up in Russian"
LANG=ru_RU.UTF-8 "$CJMSIM" run "$EXAMPLE" --arrivals 60 --out "$WORK/cal" >"$WORK/cal.out" 2>&1
like "$(cat "$WORK/cal.out")" '^Последний месяц \(месяц 6, дни 151-180\)' "the last month's table is in Russian"
is "$(ends "$WORK/cal.out" "Последний месяц" "вариант $VARIANTS")" 1 "and its revenue column lines up"

# --- the analyses and compare ---------------------------------------------------------
# The console speaks Russian; the files keep their English sentences.
LANG=ru_RU.UTF-8 "$CJMSIM" psa "$EXAMPLE" --draws 8 --customers 2000 --out "$WORK/psa_ru" >"$WORK/psa.out" 2>&1
is "$?" 0 "psa in Russian succeeds"
like "$(cat "$WORK/psa.out")" 'самый прибыльный выбор в [0-9]+% правдоподобных миров; окупается в [0-9]+%\.' \
    "psa's headline is in Russian"
like "$(cat "$WORK/psa.out")" '^Sports nutrition shop: 8 розыгрышей 4 неопределённых параметров' \
    "psa counts draws with the Russian plural"
LANG=C "$CJMSIM" psa "$EXAMPLE" --draws 8 --customers 2000 --out "$WORK/psa_en" --quiet
cmp -s "$WORK/psa_en/psa.json" "$WORK/psa_ru/psa.json"
ok $? "psa.json is the same bytes in both languages (its headline stays English)"
like "$(cat "$WORK/psa_ru/plots/tornado.gp")" "^label_tornado = 'что сильнее всего меняет ответ'" \
    "psa's plots get Russian labels"

LANG=ru_RU.UTF-8 "$CJMSIM" sweep "$EXAMPLE" --vary consult_cost=250,500 --customers 2000 --out "$WORK/sw" >"$WORK/sw.out" 2>&1
like "$(cat "$WORK/sw.out")" '^Sports nutrition shop: 2 точки x 4 варианта' "sweep's summary is in Russian"

for lang in ru_RU.UTF-8 C; do
    LANG=$lang "$CJMSIM" breakeven "$EXAMPLE" --param consult_cost --variant expert_consultation \
        --customers 2000 --out "$WORK/be_$lang" >"$WORK/be_$lang.out" 2>&1
done
like "$(cat "$WORK/be_ru_RU.UTF-8.out")" '(выходит в ноль при consult_cost = |нет точки безубыточности)' \
    "breakeven answers in Russian"
cmp -s "$WORK/be_C/breakeven.json" "$WORK/be_ru_RU.UTF-8/breakeven.json"
ok $? "breakeven.json is the same bytes in both languages"

LANG=ru_RU.UTF-8 "$CJMSIM" compare "$WORK/ru" "$WORK/ru2" --out "$WORK/cmp" >"$WORK/cmp.out" 2>&1
is "$?" 0 "compare in Russian succeeds"
like "$(cat "$WORK/cmp.out")" '^Сравнение двух результатов' "compare speaks Russian"
like "$(cat "$WORK/cmp.out")" 'в пределах точности симуляции' "and judges the differences in Russian"
like "$(head -n 3 "$WORK/cmp/compare.html")" '<html lang="ru">' 'compare.html says <html lang="ru">'

# --- Lua's own messages ----------------------------------------------------------
# A syntax error and an error while running, as Lua words them, reach the
# reader in Russian with file:line, the tokens and the names as written;
# in English they are Lua's text byte for byte.
printf 'scenario { name = "x", customers = 100, days = 5 }\nstage "a" { entry = true\nstage "b" {}\n' >"$WORK/syntax.lua"
run_cjmsim run "$WORK/syntax.lua" --lang ru --out "$WORK/syn_ru"
is "$RC:$ERR" "3:cjmsim: $WORK/syntax.lua:3: ожидается '}' (чтобы закрыть '{' из строки 2) рядом с 'stage'" \
    "a syntax error is in Russian, with file:line and Lua's tokens"
LANG=ru_RU.UTF-8 "$CJMSIM" check "$WORK/syntax.lua" >/dev/null 2>"$WORK/syn.err"
is "$(cat "$WORK/syn.err")" "cjmsim: $WORK/syntax.lua:3: ожидается '}' (чтобы закрыть '{' из строки 2) рядом с 'stage'" \
    "check under LANG=ru_RU.UTF-8 shows it in Russian too"
run_cjmsim run "$WORK/syntax.lua" --out "$WORK/syn_en"
is "$RC:$ERR" "3:cjmsim: $WORK/syntax.lua:3: '}' expected (to close '{' at line 2) near 'stage'" \
    "in English the syntax error is Lua's own text"
printf 'scenario { name = "x", customers = 100, days = 5 }\nlocal t = {}\nlocal share = t.beginner.share\nstage "a" { entry = true }\n' >"$WORK/runtime.lua"
run_cjmsim check "$WORK/runtime.lua" --lang ru
is "$RC:$ERR" "3:cjmsim: $WORK/runtime.lua:3: попытка индексировать значение nil (поле 'beginner')" \
    "an error while running is in Russian, with file:line and the name"
run_cjmsim check "$WORK/runtime.lua"
is "$RC:$ERR" "3:cjmsim: $WORK/runtime.lua:3: attempt to index a nil value (field 'beginner')" \
    "in English it is Lua's own text"
printf 'scenario { name = "x", customers = 100, days = 5 }\nlocal function rate(c) local base; return base * 2 end\nstage "a" { entry = true }\nstage "b" {}\ntransition("a", "b", rate)\n' >"$WORK/rate.lua"
run_cjmsim run "$WORK/rate.lua" --lang ru --out "$WORK/rate_ru"
is "$RC" 3 "an error inside a transition's function is exit 3"
like "$ERR" "^cjmsim: $WORK/rate.lua:2: попытка арифметической операции над значением nil \(локальная переменная 'base'\) \(в вероятности a->b" \
    "an error inside a transition's function is in Russian, with file:line"
