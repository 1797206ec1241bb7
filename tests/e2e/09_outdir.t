#!/usr/bin/env bash
# The results directory: results appear whole or not at all; a previous
# cjmsim result is replaced; anything else at --out is left alone and the run
# stops with exit 4; nothing is left behind when the results cannot be
# written or the run is interrupted.
source "$(dirname "$0")/lib.sh"

S="$SCENARIOS/shop.lua"
cd "$WORK" || exit 1
run() { run_cjmsim run "$S" --customers 500 --days 10 --quiet "$@"; }

# --- a previous result is replaced ------------------------------------------------------------
run --seed 1 --out prev
is "$RC" 0 "a first run writes prev/"
echo "my notes" >prev/notes.txt
run --seed 2 --out prev
is "$RC" 0 "a second run into the same directory succeeds"
is "$(json prev/summary.json 'd["seed"]')" "2" "the directory holds the second run"
absent prev/notes.txt "nothing of the previous result directory remains"
is "$(ls -A prev | LC_ALL=C sort | tr '\n' ' ')" "daily.csv funnel.csv manifest.json plots report.html results.xlsx summary.json transitions.csv " \
    "the directory holds exactly the new results"
no_leftovers "$WORK" "no temporary or set-aside directories remain after a replacement"

run --seed 3 --out prev/
is "$RC:$(json prev/summary.json 'd["seed"]')" "0:3" "--out with a trailing slash replaces the same directory"

mkdir empty
run --out empty
is "$RC" 0 "an existing empty directory is used"
ok "$([ -f empty/summary.json ]; echo $?)" "the empty directory receives the results"

run --out new/deeper/still
is "$RC" 0 "missing parent directories are created"
ok "$([ -f new/deeper/still/summary.json ]; echo $?)" "the results are in new/deeper/still"

# --- a directory that is not a cjmsim result is refused ----------------------------------------
mkdir -p mine/sub && echo "thesis draft" >mine/thesis.txt && echo "data" >mine/sub/data.csv
before=$(snapshot mine)
run --out mine
is "$RC" 4 "a non-empty directory without manifest.json: exit 4"
is "$ERR" "cjmsim: 'mine' exists and is not a cjmsim results directory (it has no manifest.json); cjmsim replaces only its own results: choose another --out or remove it" \
    "a non-empty directory without manifest.json: message"
is "$(snapshot mine)" "$before" "the directory is left untouched"

# A manifest.json of another program (a web app's) does not make a directory
# cjmsim's: only a manifest cjmsim wrote ("program": "cjmsim") does.
mkdir webapp && echo '{ "name": "My app", "start_url": "/" }' >webapp/manifest.json && echo '<html>' >webapp/index.html
before=$(snapshot webapp)
run --out webapp
is "$RC" 4 "a directory with another program's manifest.json: exit 4"
like "$ERR" "^cjmsim: 'webapp' exists and is not a cjmsim results directory" \
    "a directory with another program's manifest.json: refused as not cjmsim's"
is "$(snapshot webapp)" "$before" "the web app is left untouched"

echo "precious" >afile
run --out afile
is "$RC" 4 "a file at --out: exit 4"
is "$ERR" "cjmsim: results path 'afile' exists and is not a directory; choose another --out" \
    "a file at --out: message"
is "$(cat afile)" "precious" "the file is left untouched"

# A symbolic link is not followed nor replaced, and the message says what it is.
run --out linked-target && ln -s linked-target link
before=$(snapshot linked-target)
run --out link
is "$RC" 4 "a symbolic link at --out: exit 4"
like "$ERR" "^cjmsim: .*'link'.* symbolic link" "a symbolic link at --out: the message says it is a symbolic link"
is "$(readlink link):$(snapshot linked-target)" "linked-target:$before" "the link and its target are left untouched"
no_leftovers "$WORK" "refusals leave no temporary directories"

# --- locations that cannot be written ----------------------------------------------------------
# The tests may run as root, which ignores permissions: /proc and a path
# through a regular file cannot be written by anyone.
run --out /proc/cjmsim-x
is "$RC" 4 "--out /proc/cjmsim-x: exit 4"
is "$ERR" "cjmsim: cannot write results next to '/proc/cjmsim-x': No such file or directory" \
    "--out /proc/cjmsim-x: message"
is "$(ls -d /proc/cjmsim-x* 2>/dev/null)" "" "nothing is left in /proc"

run --out afile/results
is "$RC" 4 "--out under a regular file: exit 4"
is "$ERR" "cjmsim: cannot use results directory 'afile/results': Not a directory" \
    "--out under a regular file: message"
is "$(cat afile)" "precious" "the file in the way is left untouched"

run --out afile/a/b
is "$RC" 4 "--out deeper under a regular file: exit 4"
is "$ERR" "cjmsim: cannot use results directory 'afile/a/b': Not a directory" \
    "--out deeper under a regular file: message"

run --out /proc/self/cjmsim/x
is "$RC" 4 "--out with parents that cannot be created: exit 4"
is "$ERR" "cjmsim: cannot create the directories of '/proc/self/cjmsim/x': No such file or directory" \
    "--out with parents that cannot be created: message"

# A failed run keeps the previous result as it was.
before=$(snapshot prev)
run --out prev --variants nosuch
is "$RC" 2 "a failed run into a previous result: exit 2"
is "$(snapshot prev)" "$before" "the previous result is kept unchanged"
run_cjmsim run "$SCENARIOS/bad/shares_sum.lua" --out prev
is "$RC" 3 "a scenario error into a previous result: exit 3"
is "$(snapshot prev)" "$before" "the previous result is kept unchanged after a scenario error"
no_leftovers "$WORK" "failed runs leave no temporary directories"

# --- an interrupted run leaves nothing, and keeps the previous result -------------------------------
# A run big enough to be interrupted while it simulates: wait until its
# temporary directory appears, then send SIGINT (timeout passes it on, and
# kills the run should it ignore the signal).
timeout -s KILL 20 "$CJMSIM" run "$S" --customers 100000000 --days 365 --threads 1 --out prev --quiet \
    >"$WORK/int.out" 2>"$WORK/int.err" &
pid=$!
for _ in $(seq 100); do
    compgen -G "$WORK/prev.tmp-*" >/dev/null && break
    sleep 0.05
done
sleep 0.3 # let it get well into the simulation
kill -INT "$pid"
wait "$pid"
is "$?" 130 "an interrupted run exits 130"
is "$(cat "$WORK/int.err")" "cjmsim: interrupted: no results were written" "an interrupted run: message"
is "$(snapshot prev)" "$before" "an interrupted run keeps the previous result"
no_leftovers "$WORK" "an interrupted run leaves no temporary directory"

done_testing
