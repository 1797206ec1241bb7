#!/usr/bin/env bash
# cjmsim serve: the command line here; the page itself in a real browser
# (tests/browser/serve.test.js: Chromium through puppeteer-core: sliders,
# saves, the uplift and daily charts, the page in Russian with --lang ru),
# which runs where node and Chromium are installed and prints its own TAP
# lines.
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
BROWSER_DIR="$TESTS_DIR/browser"

run_cjmsim serve
is "$RC" 2 "serve without a scenario: exit 2"
is "$ERR" "cjmsim: serve needs a scenario file: cjmsim serve scenario.lua" "the message says what serve needs"
run_cjmsim serve "$SCENARIOS/shop.lua" --out x
is "$RC" 2 "serve takes no --out"
is "$ERR" "cjmsim: serve takes no --out: it writes no results (see cjmsim serve --help)" \
    "the message says why"
run_cjmsim serve "$SCENARIOS/shop.lua" --png
is "$RC:$ERR" "2:cjmsim: serve takes no --png: it writes no results (see cjmsim serve --help)" \
    "serve takes no --png, and says why"
run_cjmsim serve "$SCENARIOS/shop.lua" --port 70000
is "$RC" 2 "a port beyond 65535: exit 2"
run_cjmsim run "$SCENARIOS/shop.lua" --port 8080
is "$RC" 2 "run takes no --port"
run_cjmsim serve "$SCENARIOS/bad/duplicate_stage.lua" --port 0
is "$RC" 3 "a scenario with an error at start: exit 3"
like "$ERR" "duplicate_stage.lua:[0-9]+:" "the error names file:line"

# A port that is taken: exit 5.
python3 -c 'import socket,time,sys
s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(30)' >"$WORK/port" &
holder=$!
for _ in $(seq 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
run_cjmsim serve "$SCENARIOS/shop.lua" --port "$(cat "$WORK/port")"
is "$RC" 5 "a taken port: exit 5"
is "$ERR" "cjmsim: cannot listen on 127.0.0.1:$(cat "$WORK/port") (is the port taken?)" "the message names the address"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# Only 127.0.0.1: the printed address, and no other address answers.
"$CJMSIM" serve "$SCENARIOS/shop.lua" >"$WORK/serve.out" 2>"$WORK/serve.err" &
pid=$!
for _ in $(seq 100); do grep -q token= "$WORK/serve.out" && break; sleep 0.1; done
like "$(cat "$WORK/serve.out")" "^  http://127\.0\.0\.1:[0-9]+/\?token=[0-9a-f]{32}$" "it prints its address with a token"
port=$(sed -n 's#.*127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$WORK/serve.out")
# Every listening socket on that port, from the kernel's table: only 127.0.0.1.
bound=$(python3 -c 'import sys
port = int(sys.argv[1])
found = set()
for table in ("/proc/net/tcp", "/proc/net/tcp6"):
    try:
        lines = open(table).read().splitlines()[1:]
    except OSError:
        continue
    for line in lines:
        f = line.split()
        addr, p = f[1].split(":")
        if int(p, 16) == port and f[3] == "0A":
            found.add(addr)
print(" ".join(sorted(found)))' "$port")
is "$bound" "0100007F" "it listens on 127.0.0.1 alone"
kill -TERM "$pid"
wait "$pid"
is "$?" 0 "SIGTERM stops it with exit 0"

# The daily curves of a long run: every k-th day (at most 200 points) and the
# last, each the value daily.csv has for all customers on that day.
"$CJMSIM" serve "$SCENARIOS/shop.lua" --days 450 >"$WORK/long.out" 2>"$WORK/long.err" &
pid=$!
for _ in $(seq 100); do grep -q token= "$WORK/long.out" && break; sleep 0.1; done
"$CJMSIM" run "$SCENARIOS/shop.lua" --days 450 --out "$WORK/long" --quiet
python3 -c 'import csv, json, sys, urllib.request
url = sys.argv[1].strip().replace("/?token=", "/api/state?token=")
r = json.load(urllib.request.urlopen(url))["results"]
d = r["daily"]
rows = {(x["variant"], int(x["day"])): x for x in csv.DictReader(open(sys.argv[2])) if x["persona"] == "all"}
days = d["days"]
print("days", len(days), days[:3], days[-2:])
for v, s in zip(r["variants"], d["variants"]):
    assert s["name"] == v["name"]
    for i, day in enumerate(days):
        assert s["buyers"][i] == int(rows[(v["name"], day)]["buyers"]), (v["name"], day)
        assert s["repeat_buyers"][i] == int(rows[(v["name"], day)]["repeat_buyers"]), (v["name"], day)
    assert s["buyers"][-1] == v["buyers"] and s["repeat_buyers"][-1] == v["repeat_buyers"]
print("same as daily.csv", len(r["variants"]))' "$(grep -o 'http://[^ ]*' "$WORK/long.out")" "$WORK/long/daily.csv" >"$WORK/long.check" 2>&1
rc=$?
ok $rc "the page's daily curves are daily.csv's, for every variant"
[ $rc -ne 0 ] && sed 's/^/# /' "$WORK/long.check"
is "$(head -n 1 "$WORK/long.check")" "days 151 [0, 3, 6] [447, 450]" "450 days: every 3rd day, 151 points"
kill -TERM "$pid"
wait "$pid"

# The page in Chromium.
NODE=$(command -v node || true)
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$NODE" ] || [ -z "$CHROMIUM" ]; then
    skip 1 "the browser test needs node and Chromium"
elif [ ! -d "$BROWSER_DIR/node_modules/puppeteer-core" ] &&
    ! npm ci --prefix "$BROWSER_DIR" --no-audit --no-fund >"$WORK/npm.log" 2>&1; then
    skip 1 "puppeteer-core could not be installed (npm ci --prefix tests/browser)"
else
    mkdir -p "$WORK/browser"
    TMPDIR="$WORK" "$NODE" "$BROWSER_DIR/serve.test.js" "$CJMSIM" "$WORK/browser" "$CHROMIUM" >"$WORK/browser.tap" 2>&1
    rc=$?
    grep -E '^#' "$WORK/browser.tap"
    grep -E '^not ok' "$WORK/browser.tap" | sed 's/^/# /'
    like "$(tail -n 1 "$WORK/browser.tap")" "^1\.\.[3-9][0-9]$" "the browser test ran all its steps"
    is "$rc" 0 "the browser test passes ($(grep -c '^ok' "$WORK/browser.tap") checks: slider, saved file, error, charts, Russian page, token, bad requests, tabs, Ctrl-C)"
fi

done_testing
