#!/usr/bin/env bash
# The output of a run and --threads N, the cores the whole command uses.
# With N >= 2, gnuplot draws while cjmsim writes the data files and the
# workbook, so that the pictures cost little more than the slowest of the
# two; with N = 1 nothing runs beside anything: gnuplot starts once the data
# files and the workbook are written. Either way report.html, which embeds
# the pictures, and the manifest, which lists them, come after gnuplot is
# done. The plots are shared out among min(N - 1, plots) gnuplot processes
# beside the writers (min(N, plots) with --png, whose pictures cost several
# times the workbook), and the pictures are the bytes each script draws
# alone; a failing plot costs no other, even those its gnuplot was to draw
# after it. A Ctrl-C while gnuplot draws stops it: exit 130, one message, no
# results directory, no temporary directory and no gnuplot left running.
source "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1

plan 51

# alive PID: the process exists and is not a zombie.
alive() {
    [ -r "/proc/$1/stat" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ]
}

# A stand-in for gnuplot (found first on PATH), which reads its command line
# as gnuplot does: it draws each NAME.gp (a picture of a few bytes) and, for
# -e "print '...'; ...", prints the text; it draws a PNG too when the script
# says formats = 'png svg'. It notes whether the data files and
# the workbook of the run were beside the plots folder when it started
# ("written" or "not yet"); then, before the first script, it waits until
# they are (at most 10 s), and notes for each script whether they were and
# whether report.html was not yet. With FAKE_SLEEP set it records its pid
# and what it saw at its start, and sleeps that long instead.
mkdir -p "$WORK/fake"
cat >"$WORK/fake/gnuplot" <<'FAKE'
#!/bin/bash
written() { [ -s ../daily.csv ] && [ -s ../results.xlsx ]; }
at_start="not yet"
written && at_start=written
if [ -n "${FAKE_SLEEP:-}" ]; then
    echo "$$ $at_start" >>"$FAKE_LOG.pids"
    exec sleep "$FAKE_SLEEP"
fi
echo "$at_start" >>"$FAKE_LOG.starts"
for _ in $(seq 200); do
    written && break
    sleep 0.05
done
seen=missing
written && seen=seen
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
        grep -q "^formats = 'png svg'$" "$1" && printf '\x89PNG fake' >"$name.png"
        echo '<svg/>' >"$name.svg"
        ;;
    esac
    shift
done
FAKE
chmod +x "$WORK/fake/gnuplot"
export FAKE_LOG="$WORK/fake/log"

# fake_run THREADS NAME [OPTION...]: a run of shop.lua's baseline (4 plots)
# with the fake gnuplot; sets RC.
fake_run() {
    local threads=$1 name=$2
    shift 2
    : >"$FAKE_LOG"
    : >"$FAKE_LOG.starts"
    PATH="$WORK/fake:$PATH" "$CJMSIM" run "$SCENARIOS/shop.lua" --customers 500 --days 10 \
        --variants baseline --threads "$threads" --out "$WORK/$name" --quiet "$@" \
        >"$WORK/run.out" 2>"$WORK/run.err"
    RC=$?
}
# The fake SVG, '<svg/>' and a line break, as the report embeds it.
SVG64=$(printf '<svg/>\n' | base64)

fake_run 2 out
is "$RC:$(cat "$WORK/run.err")" "0:" "--threads 2: the run succeeds and warns of nothing"
is "$(sort "$FAKE_LOG" | tr '\n' ';')" \
    "buyers_by_day seen;emotions seen;funnel seen;personas seen;" \
    "--threads 2: gnuplot is running while daily.csv and results.xlsx are written, and before report.html"
is "$(grep -c '' "$FAKE_LOG.starts")" 1 \
    "--threads 2: one gnuplot process draws the 4 SVGs, beside this process's writers"
is "$(grep -o "data:image/svg+xml;base64,$SVG64" "$WORK/out/report.html" | wc -l)" 4 \
    "the report embeds the pictures drawn meanwhile"
is "$(json "$WORK/out/manifest.json" '" ".join(sorted(f for f in d["files"] if f.endswith(".svg")))')" \
    "plots/buyers_by_day.svg plots/emotions.svg plots/funnel.svg plots/personas.svg" \
    "the manifest lists them"
is "$(ls "$WORK/out/plots" | grep -c '\.png$')" 0 "no PNG without --png"

fake_run 3 three
is "$RC:$(grep -c '' "$FAKE_LOG.starts")" "0:2" "--threads 3: two gnuplot processes draw the SVGs"
is "$(sort "$FAKE_LOG" | tr '\n' ';')" \
    "buyers_by_day seen;emotions seen;funnel seen;personas seen;" "--threads 3: every plot, once"

fake_run 2 png --png
is "$RC:$(cat "$WORK/run.err")" "0:" "--threads 2 --png: the run succeeds and warns of nothing"
is "$(grep -c '' "$FAKE_LOG.starts")" 2 "--threads 2 --png: two gnuplot processes draw PNG and SVG"
is "$(sort "$FAKE_LOG" | tr '\n' ';')" \
    "buyers_by_day seen;emotions seen;funnel seen;personas seen;" \
    "--threads 2 --png: while daily.csv and results.xlsx are written, and before report.html"
is "$(json "$WORK/png/manifest.json" '" ".join(sorted(f for f in d["files"] if f.startswith("plots/") and f[-4:] in (".png", ".svg")))')" \
    "plots/buyers_by_day.png plots/buyers_by_day.svg plots/emotions.png plots/emotions.svg plots/funnel.png plots/funnel.svg plots/personas.png plots/personas.svg" \
    "--png: the manifest lists every PNG and SVG"
is "$(grep -o "data:image/svg+xml;base64,$SVG64" "$WORK/png/report.html" | wc -l)" 4 \
    "--png: the report embeds the SVGs all the same"

fake_run 1 one
is "$RC:$(cat "$WORK/run.err")" "0:" "--threads 1: the run succeeds and warns of nothing"
is "$(cat "$WORK/fake/log.starts" | tr '\n' ';')" "written;" \
    "--threads 1: one gnuplot, started once daily.csv and results.xlsx are written"
is "$(sort "$FAKE_LOG" | tr '\n' ';')" \
    "buyers_by_day seen;emotions seen;funnel seen;personas seen;" \
    "--threads 1: it draws every plot, before report.html"
is "$(grep -o "data:image/svg+xml;base64,$SVG64" "$WORK/one/report.html" | wc -l)" 4 \
    "--threads 1: the report embeds the pictures"
for f in summary.json funnel.csv transitions.csv daily.csv results.xlsx; do
    cmp -s "$WORK/out/$f" "$WORK/one/$f" || echo "$f"
done >"$WORK/differ"
is "$(cat "$WORK/differ")" "" "the same files with 1 and 2 threads"

# --- Ctrl-C while gnuplot draws ------------------------------------------------------
export FAKE_SLEEP=60
# interrupted THREADS NAME LANES: a run whose gnuplots sleep; waits for LANES of
# them, then for the workbook in the temporary directory, presses Ctrl-C and
# checks that everything stops. Sets WROTE (the workbook appeared while the
# gnuplots slept: yes or no) and STARTS (what each gnuplot saw at its start).
interrupted() {
    local threads=$1 name=$2 lanes=$3
    : >"$FAKE_LOG.pids"
    PATH="$WORK/fake:$PATH" "$CJMSIM" run "$SCENARIOS/shop.lua" --customers 500 --days 10 \
        --variants baseline --threads "$threads" --out "$WORK/$name" --quiet \
        >"$WORK/int.out" 2>"$WORK/int.err" &
    local pid=$! t0=${EPOCHREALTIME/./}
    while [ "$(grep -c '' "$FAKE_LOG.pids")" -lt "$lanes" ] &&
        [ $((${EPOCHREALTIME/./} - t0)) -lt 10000000 ]; do
        sleep 0.01
    done
    sleep 0.2 # time for a gnuplot too many to start
    is "$(grep -c '' "$FAKE_LOG.pids")" "$lanes" "--threads $threads: gnuplot processes started: $lanes"
    WROTE=no
    t0=${EPOCHREALTIME/./}
    while [ $((${EPOCHREALTIME/./} - t0)) -lt 10000000 ]; do
        if [ -n "$(find "$WORK" -maxdepth 2 -path "$WORK/$name.tmp-*/results.xlsx" -size +0)" ]; then
            WROTE=yes
            break
        fi
        sleep 0.01
    done
    STARTS=$(cut -d' ' -f2- "$FAKE_LOG.pids" | sort -u | tr '\n' ';')
    kill -INT "$pid"
    t0=${EPOCHREALTIME/./}
    while alive "$pid" && [ $((${EPOCHREALTIME/./} - t0)) -lt 10000000 ]; do sleep 0.01; done
    local ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
    kill -KILL "$pid" 2>/dev/null
    wait "$pid"
    local rc=$?
    local left=0 p
    while read -r p _; do alive "$p" && left=$((left + 1)) && kill -KILL "$p"; done <"$FAKE_LOG.pids"
    is "$rc:$(cat "$WORK/int.err")" "130:cjmsim: interrupted: no results were written" \
        "--threads $threads: Ctrl-C while gnuplot draws exits 130 with one message"
    ok "$([ "$ms" -lt 2000 ]; echo $?)" "--threads $threads: at once (in ${ms} ms), not when gnuplot is done"
    is "$left" 0 "--threads $threads: no gnuplot is left running"
    ok "$([ ! -e "$WORK/$name" ] && [ -z "$(find "$WORK" -maxdepth 1 -name "$name.tmp-*")" ]; echo $?)" \
        "--threads $threads: no results directory, no temporary directory"
}
interrupted 3 int3 2
is "$WROTE" yes "--threads 3: the workbook is written while the gnuplots draw"
interrupted 1 int1 1
is "$STARTS" "written;" "--threads 1: gnuplot starts once the data files and the workbook are written"
# At most one gnuplot per plot: shop.lua's baseline has 4.
interrupted 8 int8 4
unset FAKE_SLEEP

# --- the real gnuplot: min(threads - 1, plots) processes, the same pictures --------------
if ! command -v gnuplot >/dev/null; then
    for i in $(seq 16); do echo "ok $((_tap_n + i)) # skip gnuplot is not installed"; done
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
# THREADS:OPTION and the gnuplot processes expected.
for run in 3:-:2 1:-:1 2:--png:2; do
    IFS=: read -r threads option procs <<<"$run"
    [ "$option" = - ] && option=
    : >"$WORK/wrap/log"
    PATH="$WORK/wrap:$PATH" "$CJMSIM" run "$EXAMPLE" --customers 2000 --threads $threads $option \
        --out "$WORK/real$threads" --quiet >/dev/null 2>"$WORK/real.err"
    is "$?:$(cat "$WORK/real.err")" "0:" "with gnuplot, --threads $threads $option: the run succeeds without a warning"
    N=$(ls "$WORK"/real$threads/plots/*.gp | grep -vc '/plots\.gp$')
    is "$(grep -c '' "$WORK/wrap/log")" "$procs" "--threads $threads $option: $N plots drawn by gnuplot processes: $procs"
    is "$(tr '|' '\n' <"$WORK/wrap/log" | grep -c '\.gp$')" "$N" "each plot's script given once"
done
# Each script drawn again by a gnuplot of its own: the same bytes.
mkdir -p "$WORK/alone"
cp "$WORK"/real2/plots/*.gp "$WORK"/real2/plots/*.dat "$WORK/alone/"
(cd "$WORK/alone" && for f in *.gp; do [ "$f" = plots.gp ] || "$REAL" --default-settings "$f" || exit 1; done)
is "$?" 0 "each script draws alone"
same=0
for f in "$WORK"/real2/plots/*.png "$WORK"/real2/plots/*.svg; do
    cmp -s "$f" "$WORK/alone/$(basename "$f")" && same=$((same + 1))
done
is "$same" "$((2 * N))" "--png: the PNGs and SVGs are the bytes of one gnuplot per plot"
same=0
for f in "$WORK"/real3/plots/*.svg; do
    cmp -s "$f" "$WORK/alone/$(basename "$f")" && cmp -s "$f" "$WORK/real1/plots/$(basename "$f")" &&
        same=$((same + 1))
done
is "$same:$(ls "$WORK"/real3/plots "$WORK"/real1/plots | grep -c '\.png$')" "$N:0" \
    "the SVGs are those bytes too, with 1 or 3 threads, and there is no PNG without --png"

# A failing plot (its template broken) costs no other plot, even those its
# gnuplot was to draw after it: funnel is the first plot of the first one.
mkdir -p "$WORK/data"
cp -r "$ROOT/plots" "$ROOT/report" "$WORK/data/"
sed -i '1i x = nonsense_of_the_test + 1' "$WORK/data/plots/funnel.gp"
: >"$WORK/wrap/log"
CJMSIM_DATADIR="$WORK/data" PATH="$WORK/wrap:$PATH" "$CJMSIM" run "$EXAMPLE" --customers 2000 \
    --threads 3 --out "$WORK/broken" --quiet >/dev/null 2>"$WORK/broken.err"
is "$?" 0 "a failing plot does not fail the run"
like "$(cat "$WORK/broken.err")" \
    '^cjmsim: gnuplot failed on funnel\.gp: "funnel\.gp" line [0-9]+: undefined variable: nonsense_of_the_test; not drawn: funnel; the data and scripts are in ' \
    "the warning names it alone, with gnuplot's complaint"
is "$(cd "$WORK/broken/plots" && ls -- *.svg | tr '\n' ' ')" \
    "buyers_by_day.svg emotions.svg personas.svg uplift.svg " "every other plot is drawn"
# The first of the 2 gnuplots stops at funnel.gp; one more starts with the
# plot after it in the same share (funnel, uplift, personas).
is "$(grep -c '' "$WORK/wrap/log")" 3 \
    "after the failure one more gnuplot draws the rest of the failed one's plots"
