#!/usr/bin/env bash
# The report's data files: its style sheet (report/report.css), its
# explanatory prose in English and Russian (report/prose.en.html,
# report/prose.ru.html) and the palette it shares with the plots
# (plots/palette.gp) are real files of the data directory. `make install`
# installs them and the installed cjmsim writes the same report from them;
# a missing or broken one stops the run with exit status 5, a message naming
# the file, and no results; the report and the plots draw with the same
# colours, whatever palette.gp says; the prose files have the same sections
# in both languages, the Russian ones in Russian.
source "$(dirname "$0")/lib.sh"

ROOT=$(cd "$TESTS_DIR/.." && pwd)
EXAMPLE="$ROOT/scripts/sport_nutrition.lua"
cd "$WORK" || exit 1

plan 29

# colours DIR: one line each for the variants', the personas' and the "all
# customers" colours of the report in DIR, then of the palette its plots
# were drawn with (plots/funnel.gp), then the variants' colours that
# gnuplot used in plots/funnel.svg, as #RRGGBB.
colours() {
    python3 - "$1" <<'EOF'
import re, sys
d = sys.argv[1]
page = open(d + "/report.html", encoding="utf-8").read()
gp = open(d + "/plots/funnel.gp", encoding="utf-8").read()
svg = open(d + "/plots/funnel.svg", encoding="utf-8").read()
n_variants = int(re.search(r"^n_variants = (\d+)$", gp, re.M).group(1))
n_groups = int(re.search(r"^n_groups = (\d+)$", gp, re.M).group(1))
def first(seq, n):
    out = []
    for x in seq:
        if x not in out:
            out.append(x)
    return out[:n]
# The variants' table headers, and the bars of the funnel of each group.
variants = re.findall(r'<th style="border-top:4px solid (#[0-9A-F]{6})">', page)[:n_variants]
groups = first(re.findall(r'<div class="bar"><span style="width:[0-9.]+%;background:(#[0-9A-F]{6})">', page), n_groups)
curve = re.search(r'<polyline fill="none" stroke="(#[0-9A-F]{6})" stroke-width="3.0"', page).group(1)
def array(name):
    m = re.search(r"^array %s\[8\] = \[(.*)\]$" % name, gp, re.M)
    return ["#" + x.strip()[2:].upper() for x in m.group(1).split(",")]
p_var, p_per = array("variant_colour"), array("persona_colour")
p_all = "#" + re.search(r"^all_customers_colour = 0x(\w{6})$", gp, re.M).group(1).upper()
drawn = sorted(set("#%02X%02X%02X" % tuple(int(c) for c in m)
                   for m in re.findall(r"rgb\(\s*(\d+),\s*(\d+),\s*(\d+)\)", svg)))
print("report:", " ".join(variants), "|", " ".join(groups), "|", curve)
print("palette:", " ".join(p_var[:n_variants]), "|", " ".join(p_per[:n_groups - 1] + [p_all]), "|", p_all)
print("svg has every variant colour:", all(c in drawn for c in p_var[:n_variants]))
EOF
}

# --- the palette: the report and the plots agree ------------------------------------
"$CJMSIM" run "$EXAMPLE" --customers 3000 --out "$WORK/src" --quiet >/dev/null 2>"$WORK/src.err"
is "$?:$(cat "$WORK/src.err")" "0:" "a run from the source tree's data"
colours "$WORK/src" >"$WORK/src.colours"
is "$(sed -n 1p "$WORK/src.colours" | sed 's/^report: //')" \
    "$(sed -n 2p "$WORK/src.colours" | sed 's/^palette: //')" \
    "the report's colours of variants, personas and all customers are the plots' palette"
is "$(sed -n 2p "$WORK/src.colours")" \
    "palette: #505050 #E69F00 #0072B2 #009E73 | #4E79A7 #F28E2B #59A14F #000000 | #000000" \
    "the palette of plots/palette.gp"
is "$(sed -n 3p "$WORK/src.colours")" "svg has every variant colour: True" "gnuplot drew with it"
like "$(grep -c '^# ---- plots/palette.gp$' "$WORK/src/plots/funnel.gp")" '^1$' \
    "each plot's script holds palette.gp, so that it draws again alone"

# --- the files, installed -----------------------------------------------------------------
BUILD_DIR=$(cd "$(dirname "$CJMSIM")" && pwd)
if [ "$(dirname "$BUILD_DIR")" != "$ROOT" ] || ! command -v make >/dev/null; then
    skip_all=1
fi
if [ -n "${skip_all:-}" ]; then
    for i in $(seq 24); do echo "ok $((5 + i)) # skip the binary is not in a build directory of the source tree"; done
    exit 0
fi
BUILD=$(basename "$BUILD_DIR")
make -s -C "$ROOT" -o "$BUILD/cjmsim" install BUILD="$BUILD" PREFIX=/usr DESTDIR="$WORK/inst" \
    >"$WORK/install.out" 2>&1
is "$?" 0 "make install exits 0"
DATA="$WORK/inst/usr/share/cjmsim"
is "$(cd "$DATA" && ls report/* plots/palette.gp | tr '\n' ' ')" \
    "plots/palette.gp report/prose.en.html report/prose.ru.html report/report.css " \
    "make install installs the report's data files"
INST="$WORK/inst/usr/bin/cjmsim"
# The staged binary was built for another PREFIX: it finds the staged Russian
# catalog beside itself, as it would in PREFIX/share/locale once installed.
ln -s ../share/locale "$WORK/inst/usr/bin/locale"
# The installed program is away from the source tree: only the installed
# data directory can give it the files. Same scenario path, same seed: the
# same report as from the source tree.
for lang in en ru; do
    (cd "$WORK" && CJMSIM_DATADIR="$DATA" exec "$INST" run "$EXAMPLE" --customers 3000 --lang $lang \
        --out "inst-$lang" --quiet) >"$WORK/inst.out" 2>&1
    is "$?:$(cat "$WORK/inst.out")" "0:" "--lang $lang: the installed cjmsim runs without a word"
    "$CJMSIM" run "$EXAMPLE" --customers 3000 --lang $lang --out "$WORK/src-$lang" --quiet >/dev/null 2>&1
    cmp -s "$WORK/inst-$lang/report.html" "$WORK/src-$lang/report.html"
    ok $? "--lang $lang: its report.html is the source tree's, byte for byte"
done

# --- a missing or broken data file --------------------------------------------------------
# missing FILE [ARGS...]: runs the installed cjmsim on a copy of the data
# directory without FILE; sets RC and ERR.
missing() {
    local file=$1
    shift
    rm -rf "$WORK/data" "$WORK/out-missing"
    cp -r "$DATA" "$WORK/data"
    rm "$WORK/data/$file"
    (cd "$WORK" && CJMSIM_DATADIR="$WORK/data" exec "$INST" run "$EXAMPLE" --customers 300 \
        --out out-missing --quiet "$@") >"$WORK/missing.out" 2>"$WORK/missing.err"
    RC=$?
    # The installed data directory as this binary was built to know it.
    ERR=$(sed 's|beside the program and in /[^)]*)|beside the program and in DATADIR)|; s|рядом с программой и в /[^)]*)|рядом с программой и в DATADIR)|' "$WORK/missing.err")
}
for file in report/report.css plots/palette.gp report/prose.en.html; do
    missing "$file"
    is "$RC" 5 "without $file: exit status 5"
    is "$ERR" "cjmsim: the report's data file $file is missing (looked in \$CJMSIM_DATADIR, beside the program and in DATADIR): set CJMSIM_DATADIR to the folder that holds it or reinstall cjmsim" \
        "without $file: one message naming it and where it was looked for"
    ok "$([ ! -e "$WORK/out-missing" ] && [ -z "$(ls -d "$WORK"/out-missing.tmp-* 2>/dev/null)" ]; echo $?)" \
        "without $file: no results, no temporary directory"
done
missing report/prose.ru.html --lang ru
is "$RC:$ERR" "5:cjmsim: файл данных отчёта report/prose.ru.html не найден (искали в \$CJMSIM_DATADIR, рядом с программой и в DATADIR): укажите в CJMSIM_DATADIR папку, где он лежит, или переустановите cjmsim" \
    "without the Russian prose, a Russian run stops, in Russian"
# A prose file without one of its sections, a palette without its colours.
rm -rf "$WORK/data" && cp -r "$DATA" "$WORK/data"
sed -i 's/^<!-- @reading -->$/<!-- @readin -->/' "$WORK/data/report/prose.en.html"
(cd "$WORK" && CJMSIM_DATADIR="$WORK/data" exec "$INST" run "$EXAMPLE" --customers 300 \
    --out out-broken --quiet) >/dev/null 2>"$WORK/broken.err"
is "$?:$(cat "$WORK/broken.err")" "5:cjmsim: $WORK/data/report/prose.en.html has no section <!-- @reading -->" \
    "a prose file without a section: exit status 5, naming the file and the section"
rm -rf "$WORK/data" && cp -r "$DATA" "$WORK/data"
sed -i 's/^array persona_colour\[8\] = .*/array persona_colour[8] = [0x4E79A7]/' "$WORK/data/plots/palette.gp"
(cd "$WORK" && CJMSIM_DATADIR="$WORK/data" exec "$INST" run "$EXAMPLE" --customers 300 \
    --out out-broken --quiet) >/dev/null 2>"$WORK/broken.err"
is "$?:$(cat "$WORK/broken.err")" "5:cjmsim: $WORK/data/plots/palette.gp: the colours variant_colour[8], persona_colour[8] and all_customers_colour are not all there as 0xRRGGBB" \
    "a palette without its 8 colours: exit status 5, naming the file"

# --- another palette: the report and the plots change together -------------------------
rm -rf "$WORK/data" && cp -r "$DATA" "$WORK/data"
sed -i -e 's/^array variant_colour\[8\] = .*/array variant_colour[8] = [0x112233, 0x445566, 0x778899, 0xAABBCC, 0x102030, 0x405060, 0x708090, 0xA0B0C0]/' \
    -e 's/^array persona_colour\[8\] = .*/array persona_colour[8] = [0x123456, 0x234567, 0x345678, 0x456789, 0x56789A, 0x6789AB, 0x789ABC, 0x89ABCD]/' \
    -e 's/^all_customers_colour = .*/all_customers_colour = 0x0A0B0C/' "$WORK/data/plots/palette.gp"
CJMSIM_DATADIR="$WORK/data" "$CJMSIM" run "$EXAMPLE" --customers 3000 --out "$WORK/alt" --quiet \
    >/dev/null 2>&1
is "$?" 0 "a run with another palette"
colours "$WORK/alt" >"$WORK/alt.colours"
is "$(sed -n 1p "$WORK/alt.colours")" \
    "report: #112233 #445566 #778899 #AABBCC | #123456 #234567 #345678 #0A0B0C | #0A0B0C" \
    "the report takes its colours from palette.gp"
is "$(sed -n 2p "$WORK/alt.colours" | sed 's/^palette: //')" \
    "$(sed -n 1p "$WORK/alt.colours" | sed 's/^report: //')" "and so do the plots"
is "$(sed -n 3p "$WORK/alt.colours")" "svg has every variant colour: True" "gnuplot drew with it"

# --- the prose in both languages --------------------------------------------------------
sections() { grep -o '^<!-- @[a-z-]* -->$' "$1" | tr '\n' ' '; }
is "$(sections "$ROOT/report/prose.ru.html")" "$(sections "$ROOT/report/prose.en.html")" \
    "prose.ru.html has the sections of prose.en.html, in the same order"
# Each Russian section is in Russian: its text (tags and code left out)
# has more Cyrillic letters than Latin ones.
python3 - "$ROOT/report/prose.ru.html" >"$WORK/latin" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
for name, body in re.findall(r"^<!-- @([a-z-]+) -->\n(.*?)(?=^<!-- @|\Z)", text, re.M | re.S):
    words = re.sub(r"<code>.*?</code>|<[^>]*>|&\w+;|cjmsim|gnuplot|ROI|CSV|JSON", " ", body, flags=re.S)
    cyr, lat = len(re.findall("[а-яё]", words, re.I)), len(re.findall("[a-z]", words, re.I))
    if cyr <= lat:
        print(name)
EOF
is "$(cat "$WORK/latin")" "" "every section of prose.ru.html is in Russian"
