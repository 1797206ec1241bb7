#!/usr/bin/env bash
# Tables line up by the columns people see: in tests/scenarios/languages.lua
# the stages, personas and variants are named in Cyrillic (two bytes a
# column), Chinese and Japanese (three bytes, two columns) and with a
# combining accent (no column of its own). In every table of the console and
# of `check`, the field after the name starts (left-aligned) or ends
# (right-aligned) at the same display column on every row, as counted by
# python3's unicodedata (tests/e2e/columns.py). The plot scripts get the
# names' widths in the same columns.
source "$(dirname "$0")/lib.sh"

COLUMNS_PY="$(cd "$(dirname "$0")" && pwd)/columns.py"
cd "$WORK" || exit 1
STAGES=(осведомлённость визит 購買 "до"$'\xcc\x81'"ма" ушёл)
PERSONAS=(студентка 会社員 =1+1)
VARIANTS=(baseline скидка 会員 скидка+会員)
EDGES=("осведомлённость -> визит" "визит -> 購買" "визит -> ушёл" "購買 -> ${STAGES[3]}"
       "${STAGES[3]} -> 購買" "${STAGES[3]} -> ушёл")

# same FILE TITLE FIELD DESCRIPTION NAME...: FIELD (1 start of the field
# after the name, 2 its end, 3 the end of the line) is one number on every
# row of the table, and the table has a row for each name.
same() {
    local file=$1 title=$2 field=$3 what=$4
    shift 4
    local got rows
    got=$(python3 "$COLUMNS_PY" "$file" "$title" "$@" | cut -d' ' -f"$field")
    rows=$(printf '%s\n' "$got" | grep -c .)
    is "$rows" "$#" "$what: a row for each name"
    is "$(printf '%s\n' "$got" | sort -u | wc -l)" 1 "$what: the same display column on every row"
    [ "$(printf '%s\n' "$got" | sort -u | wc -l)" -eq 1 ] || printf '#   %s\n' $got
}

run_cjmsim run "$SCENARIOS/languages.lua" --customers 2000 --out "$WORK/r"
is "$RC" 0 "the scenario with names in several scripts runs"
printf '%s\n' "$OUT" >"$WORK/console.txt"
same "$WORK/console.txt" "Funnel" 2 "funnel: the reached column" stage "${STAGES[@]}"
same "$WORK/console.txt" "Funnel" 3 "funnel: the conversion column (names in it) and the mood" \
    "${STAGES[@]}"
same "$WORK/console.txt" "Funnel by variant" 3 "funnel by variant: the variants' columns" \
    stage "${STAGES[@]}"
same "$WORK/console.txt" "Purchases by variant" 2 "variants: the buyers column" variant "${VARIANTS[@]}"
same "$WORK/console.txt" "Purchases by variant" 3 "variants: the uplift column" "${VARIANTS[@]}"
same "$WORK/console.txt" "Money" 2 "money: the revenue column" variant "${VARIANTS[@]}"
same "$WORK/console.txt" "Repeat buyers by persona" 2 "personas: the customers column" \
    persona "${PERSONAS[@]}"
same "$WORK/console.txt" "Repeat buyers by persona" 3 \
    "personas: the variants' columns (named in the header)" persona "${PERSONAS[@]}"

# The plots make room for the names by their width in columns, which
# cjmsim writes into every plot script: осведомлённость is 15 columns (30
# bytes), скидка+会員 11 (17 bytes).
is "$(grep -E '^(stage|from|variant|group)_width = ' "$WORK/r/plots/funnel.gp" | tr '\n' ' ')" \
    "stage_width = 15 from_width = 15 variant_width = 11 group_width = 13 " \
    "the plot scripts get the widest names in display columns"

run_cjmsim check "$SCENARIOS/languages.lua"
is "$RC" 0 "check runs on it"
printf '%s\n' "$OUT" >"$WORK/check.txt"
same "$WORK/check.txt" "Personas" 1 "check, personas: the share column" "${PERSONAS[@]}"
# визит has no property, and so no second column.
same "$WORK/check.txt" "Stages" 1 "check, stages: the properties column" \
    осведомлённость 購買 "${STAGES[3]}" ушёл
same "$WORK/check.txt" "Transitions" 1 "check, transitions: the probabilities column" \
    "${EDGES[@]}"
same "$WORK/check.txt" "Where customers go" 1 "check, where customers go: the outcomes column" \
    осведомлённость визит 購買 "${STAGES[3]}"
# The persona rows under "до́ма -> 購買" (the first starts with the transition).
same "$WORK/check.txt" "  скидка+会員" 1 "check, a variant's changes: the column after the persona" \
    会社員 =1+1

done_testing
