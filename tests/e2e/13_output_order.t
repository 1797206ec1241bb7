#!/usr/bin/env bash
# The order of a run's output: gnuplot draws while cjmsim writes the data
# files and the workbook, so that the pictures cost little more than the
# slowest of the two; report.html, which embeds the pictures, and the
# manifest, which lists them, come after gnuplot is done. A Ctrl-C while
# gnuplot draws stops it: exit 130, one message, no results directory, no
# temporary directory and no gnuplot left running.
source "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1

plan 12

# alive PID: the process exists and is not a zombie.
alive() {
    [ -r "/proc/$1/stat" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ]
}

# A stand-in for gnuplot (found first on PATH): it waits until the data
# files and the workbook of the run appear beside the plots folder (at most
# 10 s), says on one line whether they did, and draws a picture of a few
# bytes. With FAKE_SLEEP set it first records its pid and sleeps that long.
mkdir -p "$WORK/fake"
cat >"$WORK/fake/gnuplot" <<'EOF'
#!/bin/bash
name=${2%.gp}
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
echo "$name $seen" >>"$FAKE_LOG"
printf '\x89PNG fake' >"$name.png"
echo '<svg/>' >"$name.svg"
EOF
chmod +x "$WORK/fake/gnuplot"
export FAKE_LOG="$WORK/fake/log"
PLOTS="buyers_by_day emotions funnel personas"

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
: >"$FAKE_LOG.pids"
PATH="$WORK/fake:$PATH" "$CJMSIM" run "$SCENARIOS/shop.lua" --customers 500 --days 10 \
    --variants baseline --out "$WORK/int" --quiet >"$WORK/int.out" 2>"$WORK/int.err" &
PID=$!
t0=${EPOCHREALTIME/./}
while [ "$(grep -c '' "$FAKE_LOG.pids")" -lt 4 ] && [ $((${EPOCHREALTIME/./} - t0)) -lt 10000000 ]; do
    sleep 0.01
done
is "$(grep -c '' "$FAKE_LOG.pids")" 4 "every gnuplot is started"
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
