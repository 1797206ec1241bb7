#!/usr/bin/env bash
# results.xlsx: every results directory holds a workbook with a "summary"
# sheet and one sheet per CSV file. Read back with openpyxl: every CSV cell
# is the sheet's cell (numbers as numbers, names as text: "=1+1" is a
# string, never a formula), the summary sheet has every variant's figures
# of summary.json, the formats say counts, shares and money, and the same
# run gives the same bytes.
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
# openpyxl (Debian's python3-openpyxl) is installed for the system python3.
XLPY=
for p in python3 /usr/bin/python3; do
    if "$p" -c 'import openpyxl' 2>/dev/null; then
        XLPY=$p
        break
    fi
done
ok "$([ -n "$XLPY" ]; echo $?)" "python3-openpyxl is installed (the tests read the workbook with it)"
# xl DIR PYTHON-CODE: runs the code with wb (the workbook of DIR), d (its
# summary.json), csvs (each CSV file as a list of rows) and dir.
xl() {
    "${XLPY:-python3}" -c '
import csv, json, sys, openpyxl
dir = sys.argv[1]
wb = openpyxl.load_workbook(dir + "/results.xlsx")
d = json.load(open(dir + "/summary.json", encoding="utf-8"))
csvs = {n: list(csv.reader(open(dir + "/" + n + ".csv", encoding="utf-8", newline="")))
        for n in ("funnel", "transitions", "daily")}
exec(sys.argv[2])' "$@" 2>&1
}

run_cjmsim run "$SCENARIOS/languages.lua" --customers 2000 --threads 1 --out "$WORK/r" --quiet
is "$RC:$ERR" "0:" "the run succeeds"
ok "$([ -s "$WORK/r/results.xlsx" ]; echo $?)" "results.xlsx is written"
is "$(json "$WORK/r/manifest.json" '"results.xlsx" in d["files"]')" "True" "manifest.json lists it"

is "$(xl "$WORK/r" 'print(wb.sheetnames)')" "['summary', 'funnel', 'transitions', 'daily']" \
    "the sheets: summary, then one per CSV file"

# cells_equal DIR: every cell of every CSV file of DIR, against its sheet.
cells_equal() {
    local name
    for name in funnel transitions daily; do
        is "$(xl "$1" '
name = sys.argv[3]
rows, ws = csvs[name], wb[name]
bad = []
if ws.max_row != len(rows) or ws.max_column != len(rows[0]):
    bad.append(("size", ws.max_row, ws.max_column, len(rows), len(rows[0])))
for r, row in enumerate(rows, 1):
    for c, text in enumerate(row, 1):
        cell = ws.cell(r, c)
        if text == "":
            good = cell.value is None
        elif cell.data_type == "n":
            good = r > 1 and float(text) == float(cell.value)
        else:
            good = cell.data_type == "s" and cell.value == text
        if not good:
            bad.append((r, c, text, cell.value, cell.data_type))
print(bad[:5])' "$name")" "[]" "$(basename "$1"): every cell of $name.csv is in the sheet, equal"
    done
}
cells_equal "$WORK/r"

is "$(xl "$WORK/r" '
ws, rows = wb["funnel"], csvs["funnel"]
head = rows[0]
kinds = {}
for h in ("variant", "persona", "stage", "reached", "share_of_customers", "mood_on_entry"):
    c = head.index(h) + 1
    kinds[h] = sorted(set((ws.cell(r, c).data_type, ws.cell(r, c).number_format)
                          for r in range(2, len(rows) + 1) if ws.cell(r, c).value is not None))
print(kinds)')" \
    "{'variant': [('s', 'General')], 'persona': [('s', 'General')], 'stage': [('s', 'General')], 'reached': [('n', '#,##0')], 'share_of_customers': [('n', '0.00%')], 'mood_on_entry': [('n', '+0.00;-0.00;0.00')]}" \
    "funnel: names are text; counts, shares and moods are numbers with their formats"

is "$(xl "$WORK/r" '
cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value == "=1+1"]
print(len(cells) > 0, sorted(set(c.data_type for c in cells)),
      sorted(set(ws.title for ws in wb for row in ws.iter_rows() for c in row if c.value == "=1+1")))')" \
    "True ['s'] ['daily', 'funnel', 'transitions']" \
    "the persona named =1+1 is a string in every sheet, not a formula"
is "$(xl "$WORK/r" 'print(sum(1 for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"))')" \
    "0" "no cell of the workbook is a formula"
is "$(xl "$WORK/r" '
seen = [c.value for row in wb["funnel"].iter_rows(min_col=3, max_col=3, min_row=2) for c in row]
print(list(dict.fromkeys(seen)) == d["stages"], d["stages"][3] == "до\u0301ма")')" \
    "True True" "Cyrillic, CJK and combining names read back unchanged"

# The summary sheet: the run's facts, then a column per variant with every
# figure of summary.json (the per-stage and per-persona tables are the CSV
# sheets), verdicts included when the summary has them.
is "$(xl "$WORK/r" '
ws = wb["summary"]
facts = {r[0].value: r[1].value for r in ws.iter_rows() if r[0].value and r[0].row < 8}
print([facts.get(k) == d[k] for k in ("scenario", "seed", "customers", "days", "margin")])')" \
    "[True, True, True, True, True]" "summary: the scenario, seed, customers, days and margin"
is "$(xl "$WORK/r" '
ws = wb["summary"]
head = next(r for r in ws.iter_rows() if r[0].value == "variant")
names = [c.value for c in head[1:]]
rows = {r[0].value: [c.value for c in r[1:]] for r in ws.iter_rows(min_row=head[0].row + 1)}
print(names == [v["name"] for v in d["variants"]],
      rows["buyers"] == [v["buyers"] for v in d["variants"]],
      rows["repeat_buyers"] == [v["repeat_buyers"] for v in d["variants"]])')" \
    "True True True" "summary: a column per variant; buyers and repeat buyers equal summary.json's"
is "$(xl "$WORK/r" '
ws = wb["summary"]
head = next(r for r in ws.iter_rows() if r[0].value == "variant")
rows = {r[0].value: r[1:] for r in ws.iter_rows(min_row=head[0].row + 1)}
def flat(prefix, obj, top, out):
    for k, v in obj.items():
        if top and k in ("name", "reached", "mood_on_entry", "transitions", "personas"):
            continue
        n = prefix + k
        if isinstance(v, dict):
            flat(n + ".", v, False, out)
        elif isinstance(v, list) and len(v) == 2 and all(isinstance(x, float) for x in v):
            out[n + ".low"], out[n + ".high"] = v
        else:
            out[n] = ", ".join(v) if isinstance(v, list) else v
    return out
bad = []
for i, v in enumerate(d["variants"]):
    for k, want in flat("", v, True, {}).items():
        got = rows[k][i].value if k in rows else "missing"
        if not (got == want or (want in ("", None) and got is None)):
            bad.append((v["name"], k, want, got))
print(bad[:5])')" "[]" "summary: every figure of every variant in summary.json, equal"
is "$(xl "$WORK/r" '
ws = wb["summary"]
fmt = {r[0].value: r[2].number_format for r in ws.iter_rows() if r[0].value and len(r) > 2}
print([fmt[k] for k in ("customers", "repeat_rate", "revenue", "incremental_profit", "roi")])')" \
    "['#,##0', '0.00%', '#,##0.00', '#,##0.00', '0.00%']" \
    "summary: counts grouped, shares as percentages, money with two decimals"

# The same run, with other threads, gives the same bytes.
run_cjmsim run "$SCENARIOS/languages.lua" --customers 2000 --threads 2 --out "$WORK/again" --quiet
ok "$(cmp -s "$WORK/r/results.xlsx" "$WORK/again/results.xlsx"; echo $?)" \
    "the same run gives a byte-identical results.xlsx"

# A seed beyond a double's whole numbers stays exact, as text.
run_cjmsim run "$SCENARIOS/shop.lua" --customers 300 --days 10 --seed 9007199254740993 --out "$WORK/seed" --quiet
is "$(xl "$WORK/seed" '
cell = next(r[1] for r in wb["summary"].iter_rows() if r[0].value == "seed")
print(repr(cell.value), cell.data_type, d["seed"])')" "'9007199254740993' s 9007199254740993" \
    "a seed above 2^53 is the exact text, not a rounded number"

# Names with quotes, commas of their own and backslashes: the CSV files
# quote them, the sheets hold them as they are.
run_cjmsim run "$SCENARIOS/hostile.lua" --customers 500 --out "$WORK/hostile" --quiet
is "$RC" 0 "the scenario with hostile names runs"
cells_equal "$WORK/hostile"

# Any scenario: the shop, with five variants and a comma-free CSV.
run_cjmsim run "$SCENARIOS/shop.lua" --customers 800 --days 20 --out "$WORK/shop" --quiet
is "$RC" 0 "the shop runs"
is "$(xl "$WORK/shop" '
ws = wb["daily"]
print(ws.max_row == len(csvs["daily"]), ws.cell(ws.max_row, 5).value == int(csvs["daily"][-1][4]))')" \
    "True True" "its daily sheet has every day, to the last repeat buyer"

done_testing
