#!/usr/bin/env bash
# The output of a run: gnuplot draws while cjmsim writes the data files and
# the workbook, so that the pictures cost little more than the slowest of
# the two; report.html, which embeds the pictures, and the manifest, which
# lists them, come after gnuplot is done. The plots are shared out among one
# gnuplot per processor, and the pictures are the bytes each script draws
# alone; a failing plot costs no other, even those its gnuplot was to draw
# after it. A Ctrl-C while gnuplot draws stops it: exit 130, one message, no
# results directory, no temporary directory and no gnuplot left running.
source "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1

plan 21

# alive PID: the process exists and is not a zombie.
alive() {
    [ -r "/proc/$1/stat" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ]
}

# A stand-in for gnuplot (found first on PATH), which reads its command line
# as gnuplot does: it draws each NAME.gp (a picture of a few bytes) and, for
# -e "print '...'; ...", prints the text. Before the first script it waits
# until the data files and the workbook of the run appear beside the plots
# folder (at most 10 s), and notes for each script whether they had. With
# FAKE_SLEEP set it records its pid and sleeps that long instead.
mkdir -p "$WORK/fake"
cat >"$WORK/fake/gnuplot" <<'FAKE'
#!/bin/bash
if [ -n "${FAKE_SLEEP:-}" ]; then
    echo $$ >>"$FAKE_LOG.pids"
    exec sleep "$FAKE_SLEEP"
fi
for _ in $(seq 200); do
    [ -s ../daily.csv ] && [ -s ../results.xlsx ] && break
    sleep 0.05
done
seen=missing
[ -s ../daily.csv ] && [ -s ../results.xlsx ] && seen=seen
[ -e ../report.html ] && seen="$seen, report too early"
shift # --default-settings
while [ $# -gt 0 ]; do
    case $1 in
    -e)
        shift
        case $1 in "print '"*) text=${1#print \'}; echo "${text%%\'*}" >&2 ;; esac
        ;;
    *.gp)
        name=${1%.gp}
        echo "$name $seen" >>"$FAKE_LOG"
        printf '\x89PNG fake' >"$name.png"
        echo '<svg/>' >"$name.svg"
        ;;
    esac
    shift
done
FAKE
chmod +x "$WORK/fake/gnuplot"
export FAKE_LOG="$WORK/fake/log"

PATH="$WORK/fake:$PATH" "$CJMSIM" run "$SCENARIOS/shop.lua" --customers 500 --days 10 \
    --variants baseline --out "$WORK/out" --quiet >"$WORK/run.out" 2>"$WORK/run.err"
is "$?" 0 "the run succeeds"
is "$(cat "$WORK/run.err")" "" "and warns of nothing"
is "$(sort "$FAKE_LOG" | tr '\n' ';')" \
    "buyers_by_day seen;emotions seen;funnel seen;personas seen;" \
    "gnuplot is running while daily.csv and results.xlsx are written, and before report.html"
is "$(grep -o 'data:image/png;base64,iVBORyBmYWtl' "$WORK/out/report.html" | wc -l)" 4 \
    "the report embeds the pictures drawn meanwhile"
is "$(json "$WORK/out/manifest.json" '" ".join(sorted(f for f in d["files"] if f.endswith(".png")))')" \
    "plots/buyers_by_day.png plots/emotions.png plots/funnel.png plots/personas.png" \
    "the manifest lists them"

# --- Ctrl-C while gnuplot draws ------------------------------------------------------
export FAKE_SLEEP=60
# One gnuplot per processor, at most one per plot.
LANES=$(nproc)
[ "$LANES" -gt 4 ] && LANES=4
: >"$FAKE_LOG.pids"
PATH="$WORK/fake:$PATH" "$CJMSIM" run "$SCENARIOS/shop.lua" --customers 500 --days 10 \
    --variants baseline --out "$WORK/int" --quiet >"$WORK/int.out" 2>"$WORK/int.err" &
PID=$!
t0=${EPOCHREALTIME/./}
while [ "$(grep -c '' "$FAKE_LOG.pids")" -lt "$LANES" ] && [ $((${EPOCHREALTIME/./} - t0)) -lt 10000000 ]; do
    sleep 0.01
done
is "$(grep -c '' "$FAKE_LOG.pids")" "$LANES" "every gnuplot is started"
sleep 0.3 # the data files are written meanwhile
kill -INT "$PID"
t0=${EPOCHREALTIME/./}
while alive "$PID" && [ $((${EPOCHREALTIME/./} - t0)) -lt 10000000 ]; do sleep 0.01; done
MS=$(((${EPOCHREALTIME/./} - t0) / 1000))
kill -KILL "$PID" 2>/dev/null
wait "$PID"
is "$?" 130 "Ctrl-C while gnuplot draws exits 130"
ok "$([ "$MS" -lt 2000 ]; echo $?)" "at once (in ${MS} ms), not when gnuplot is done"
is "$(cat "$WORK/int.err")" "cjmsim: interrupted: no results were written" "one message"
left=0
while read -r p; do alive "$p" && left=$((left + 1)) && kill -KILL "$p"; done <"$FAKE_LOG.pids"
is "$left" 0 "no gnuplot is left running"
ok "$([ ! -e "$WORK/int" ]; echo $?)" "no results directory"
is "$(find "$WORK" -maxdepth 1 -name 'int.tmp-*' | wc -l)" 0 "no temporary directory"
unset FAKE_SLEEP

# --- the real gnuplot: a few processes, the same pictures --------------------------------
if ! command -v gnuplot >/dev/null; then
    for i in $(seq 9); do echo "ok $((12 + i)) # skip gnuplot is not installed"; done
    exit 0
fi
REAL=$(command -v gnuplot)
mkdir -p "$WORK/wrap"
# Records each run's arguments on one line, then is the real gnuplot.
printf '#!/bin/sh\n{ printf "%%s|" "$@"; echo; } >>"%s"\nexec "%s" "$@"\n' \
    "$WORK/wrap/log" "$REAL" >"$WORK/wrap/gnuplot"
chmod +x "$WORK/wrap/gnuplot"
ROOT=$(cd "$TESTS_DIR/.." && pwd)
EXAMPLE="$ROOT/scripts/sport_nutrition.lua"
PATH="$WORK/wrap:$PATH" "$CJMSIM" run "$EXAMPLE" --customers 2000 --out "$WORK/real" --quiet \
    >/dev/null 2>"$WORK/real.err"
is "$?:$(cat "$WORK/real.err")" "0:" "with gnuplot: the run succeeds without a warning"
N=$(ls "$WORK"/real/plots/*.gp | grep -vc '/plots\.gp$')
WANT=$(nproc)
[ "$WANT" -gt "$N" ] && WANT=$N
is "$(grep -c '' "$WORK/wrap/log")" "$WANT" "$N plots drawn by $WANT gnuplot processes, one per processor"
is "$(tr '|' '\n' <"$WORK/wrap/log" | grep -c '\.gp$')" "$N" "each plot's script given once"
# Each script drawn again by a gnuplot of its own: the same bytes.
mkdir -p "$WORK/alone"
cp "$WORK"/real/plots/*.gp "$WORK"/real/plots/*.dat "$WORK/alone/"
(cd "$WORK/alone" && for f in *.gp; do [ "$f" = plots.gp ] || "$REAL" --default-settings "$f" || exit 1; done)
is "$?" 0 "each script draws alone"
same=0
for f in "$WORK"/real/plots/*.png "$WORK"/real/plots/*.svg; do
    cmp -s "$f" "$WORK/alone/$(basename "$f")" && same=$((same + 1))
done
is "$same" "$((2 * N))" "the pictures are the bytes of one gnuplot per plot"

# A failing plot (its template broken) costs no other plot, even those its
# gnuplot was to draw after it: funnel is the first plot of the first one.
mkdir -p "$WORK/data"
cp -r "$ROOT/plots" "$ROOT/report" "$WORK/data/"
sed -i '1i x = nonsense_of_the_test + 1' "$WORK/data/plots/funnel.gp"
: >"$WORK/wrap/log"
CJMSIM_DATADIR="$WORK/data" PATH="$WORK/wrap:$PATH" "$CJMSIM" run "$EXAMPLE" --customers 2000 \
    --out "$WORK/broken" --quiet >/dev/null 2>"$WORK/broken.err"
is "$?" 0 "a failing plot does not fail the run"
like "$(cat "$WORK/broken.err")" \
    '^cjmsim: gnuplot failed on funnel\.gp: "funnel\.gp" line [0-9]+: undefined variable: nonsense_of_the_test; not drawn: funnel; the data and scripts are in ' \
    "the warning names it alone, with gnuplot's complaint"
is "$(cd "$WORK/broken/plots" && ls -- *.png | tr '\n' ' ')" \
    "buyers_by_day.png emotions.png personas.png uplift.png " "every other plot is drawn"
# The first gnuplot stops at funnel.gp; one more starts with the plot after
# it in the same share, when the share has more than funnel.
is "$(grep -c '' "$WORK/wrap/log")" "$((WANT + (N > WANT ? 1 : 0)))" \
    "after the failure one more gnuplot draws the rest of the failed one's plots"
