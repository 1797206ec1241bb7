#!/usr/bin/env bash
# The results directory: results appear whole or not at all; a previous
# cjmsim result is replaced only when it holds nothing but the files its
# manifest lists; anything else at --out (a file a user added, another
# program's directory, the scenario itself, the current directory) is left
# alone and the run stops with exit 4; runs into one directory at once take
# turns; nothing is left behind when the results cannot be written or the
# run is interrupted.
source "$(dirname "$0")/lib.sh"

S="$SCENARIOS/shop.lua"
cd "$WORK" || exit 1
run() { run_cjmsim run "$S" --customers 500 --days 10 --quiet "$@"; }

# --- a previous result is replaced ------------------------------------------------------------
run --seed 1 --out prev
is "$RC" 0 "a first run writes prev/"
run --seed 2 --out prev
is "$RC" 0 "a second run into the same directory succeeds"
is "$(json prev/summary.json 'd["seed"]')" "2" "the directory holds the second run"
is "$(ls -A prev | LC_ALL=C sort | tr '\n' ' ')" "daily.csv funnel.csv manifest.json plots report.html results.xlsx summary.json transitions.csv " \
    "the directory holds exactly the new results"
no_leftovers "$WORK" "no temporary or set-aside directories remain after a replacement"

# --- files a user added to a previous result are never deleted --------------------------------
echo "my notes" >prev/notes.md
before=$(snapshot prev)
run --seed 9 --out prev
is "$RC" 4 "a previous result with a file added to it: exit 4"
is "$ERR" "cjmsim: 'prev' holds notes.md, which cjmsim did not write (its manifest.json does not list it); cjmsim replaces only its own results: move it away or choose another --out" \
    "the message names the file cjmsim did not write"
is "$(snapshot prev)" "$before" "the previous result and the added file are left untouched"
rm prev/notes.md

mkdir -p prev/plots/mine && echo "a drawing" >prev/plots/mine/sketch.txt
before=$(snapshot prev)
run --seed 9 --out prev
is "$RC:$ERR" "4:cjmsim: 'prev' holds plots/mine, which cjmsim did not write (its manifest.json does not list it); cjmsim replaces only its own results: move it away or choose another --out" \
    "a folder added inside plots/: exit 4, naming it"
is "$(snapshot prev)" "$before" "the added folder is left untouched"
rm -r prev/plots/mine

mkdir prev/archive && echo "old" >prev/archive/a.csv
before=$(snapshot prev)
run --seed 9 --out prev
is "$RC:$ERR" "4:cjmsim: 'prev' holds archive, which cjmsim did not write (its manifest.json does not list it); cjmsim replaces only its own results: move it away or choose another --out" \
    "a folder added beside the results: exit 4, naming it"
is "$(snapshot prev)" "$before" "the added folder is left untouched"
rm -r prev/archive

# A manifest that says "program": "cjmsim" is not enough: every entry must be
# a file it lists.
mkdir claimed && echo '{ "program": "cjmsim", "files": ["manifest.json"] }' >claimed/manifest.json
echo "thesis draft" >claimed/thesis.txt
before=$(snapshot claimed)
run --out claimed
is "$RC:$ERR" "4:cjmsim: 'claimed' holds thesis.txt, which cjmsim did not write (its manifest.json does not list it); cjmsim replaces only its own results: move it away or choose another --out" \
    "a cjmsim manifest that does not list a file: exit 4, naming the file"
is "$(snapshot claimed)" "$before" "that directory is left untouched"
mkdir unlisted && echo '{ "program": "cjmsim" }' >unlisted/manifest.json && echo "data" >unlisted/data.csv
before=$(snapshot unlisted)
run --out unlisted
is "$RC:$ERR" "4:cjmsim: 'unlisted' holds cjmsim results whose manifest.json does not list their files; cjmsim replaces only files it knows it wrote: choose another --out or remove it" \
    "a cjmsim manifest without a list of files: exit 4"
is "$(snapshot unlisted)" "$before" "that directory is left untouched"

# --- the scenario and the current directory are never inside what is replaced ----------------
run --seed 4 --out own
cp "$S" own/my.lua
before=$(snapshot own)
run_cjmsim run own/my.lua --customers 500 --days 10 --quiet --out own
is "$RC:$ERR" "4:cjmsim: 'own' holds own/my.lua, which this run reads; results never replace their own input: choose another --out" \
    "run own/my.lua --out own: exit 4, naming the scenario"
is "$(snapshot own)" "$before" "the scenario and the results are left untouched"
# Even under a name the manifest lists, the scenario is the run's input.
rm own/my.lua && cp "$S" own/summary.json
before=$(snapshot own)
run_cjmsim run own/summary.json --customers 500 --days 10 --quiet --out own/
is "$RC:$ERR" "4:cjmsim: 'own' holds own/summary.json, which this run reads; results never replace their own input: choose another --out" \
    "a scenario under the name of a result file: exit 4"
is "$(snapshot own)" "$before" "it is left untouched"
rm -r own

# Nor the persona library a scenario's include reads from.
mkdir -p lib/personas && echo 'persona "p" { share = 1 }' >lib/personas/p.lua
before=$(snapshot lib)
CJMSIM_DATADIR="$WORK/lib" run --out lib
is "$RC:$ERR" "4:cjmsim: 'lib' holds $WORK/lib/personas, which this run reads; results never replace their own input: choose another --out" \
    "--out holding the persona library: exit 4, naming it"
is "$(snapshot lib)" "$before" "the library is left untouched"

before=$(snapshot prev)
run_in prev run "$S" --customers 500 --days 10 --quiet --out .
is "$RC:$ERR" "4:cjmsim: '$(cd prev && pwd -P)' holds the current directory, which cjmsim does not replace: run from outside it or choose another --out" \
    "--out . inside a results directory: exit 4"
is "$(snapshot prev)" "$before" "the results directory is left untouched"
run_in prev/plots run "$S" --customers 500 --days 10 --quiet --out ..
is "$RC" 4 "--out .. from a results directory's plots/: exit 4"
is "$(snapshot prev)" "$before" "the results directory is left untouched"
no_leftovers "$WORK" "refusing the current directory leaves nothing (no ..tmp-* or ..old-*)"

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

# The lock file's name is cjmsim's; a file of that name with something in
# it is not cjmsim's lock and is left alone.
echo "mine" >locked.cjmsim-lock
run --out locked
is "$RC:$ERR" "4:cjmsim: 'locked.cjmsim-lock' is in the way: cjmsim uses this name for an empty lock file while it replaces 'locked'; remove it or choose another --out" \
    "a non-empty file where the lock goes: exit 4, naming it"
is "$(cat locked.cjmsim-lock)" "mine" "that file is left untouched"
absent locked "and no results are written"
rm locked.cjmsim-lock

# --- runs into one directory at once take turns --------------------------------------------------
# Four runs at once, five times over: each replaces the previous result in
# turn under the lock beside the directory, every one succeeds, and what is
# left is one whole result (every file of the same run, as a run of that
# seed alone writes it) and nothing else.
statuses="" expected=""
for round in 1 2 3 4 5; do
    pids=()
    for i in 1 2 3 4; do
        "$CJMSIM" run "$S" --customers 500 --days 10 --seed $((10 * round + i)) --quiet --out together \
            >"$WORK/c$i.out" 2>"$WORK/c$i.err" &
        pids+=($!)
    done
    for i in 1 2 3 4; do
        wait "${pids[$((i - 1))]}"
        statuses+="$?:$(cat "$WORK/c$i.err") "
        expected+="0: "
    done
done
is "$statuses" "$expected" "20 runs, 4 at a time into one --out: every one exits 0 without a message"
is "$(json together/manifest.json '" ".join(sorted(d["files"]))')" \
    "$(cd together && find . -type f | sed 's|^\./||' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')" \
    "the directory holds exactly the files its manifest lists"
seed=$(json together/manifest.json 'd["seed"]')
run --seed "$seed" --out alone
is "$(cd together && sha256sum summary.json funnel.csv daily.csv transitions.csv)" \
    "$(cd alone && sha256sum summary.json funnel.csv daily.csv transitions.csv)" \
    "the results are whole: the same bytes as a run of seed $seed alone"
no_leftovers "$WORK" "no *.tmp-*, *.old-* or lock file remains"

done_testing
