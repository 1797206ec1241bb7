#!/usr/bin/env bash
# Launch dates: an intervention live from from_day to until_day. Bad values
# are scenario errors naming file:line; runs are the same bytes for any
# thread count; a launch on day 0 is no launch date; a window after the
# run's last day gives the variant the baseline's results; in between the
# launch moves the results between the baseline's and the always-live ones.
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
# $1: the intervention's extra keys.
scenario() {
    cat <<LUA
scenario { name = "Launch", customers = 4000, days = 60, seed = 3 }
stage "ad"    { entry = true }
stage "buy"   { purchase = true, value = 10 }
stage "use"   { }
stage "gone"  { terminal = true }
transition("ad", "buy", function(c) return c.days_in_stage >= 3 and 0.08 or 0.02 end)
transition("ad", "gone", 0.03)
transition("buy", "use", 0.5)
transition("use", "buy", function(c) return 0.02 + 0.01 * c.mood end)
transition("use", "gone", 0.02)
intervention "notify" { at = "buy", mood = 2, cost_per_use = 1$1 }
intervention "offer" { scale = { ["ad->buy"] = 1.5 }, cost_per_customer = 2 }
LUA
}

# --- bad values: exit 3, file:line ----------------------------------------------------------
bad() { # bad NAME KEYS MESSAGE
    scenario "$2" >"$1.lua"
    run_cjmsim check "$1.lua"
    is "$RC:$ERR" "3:cjmsim: $1.lua:11: intervention 'notify': $3" "$1: a scenario error naming file:line"
}
bad neg ", from_day = -1" "from_day = -1 is out of range: it must be from 0 to 60"
bad late ", from_day = 61" "from_day = 61 is out of range: it must be from 0 to 60"
bad frac ", from_day = 2.5" "from_day = 2.5 must be a whole number"
bad text ", until_day = 'soon'" "until_day must be a number, not a string"
bad until_late ", until_day = 100" "until_day = 100 is out of range: it must be from 0 to 60"
bad order ", from_day = 30, until_day = 20" \
    "until_day = 20 is before from_day = 30: the change would never be live"
run_cjmsim check order.lua --lang ru
like "$ERR" "order.lua:11: .*until_day = 20 раньше, чем from_day = 30" "the message is translated"

# --- check shows the window --------------------------------------------------------------------
scenario ", from_day = 30" >launch.lua
scenario ", from_day = 10, until_day = 40" >window.lua
scenario "" >always.lua
scenario ", from_day = 0" >day0.lua
run_cjmsim check launch.lua
like "$OUT" "live from day 30 to the end of the run" "check shows a launch date"
run_cjmsim check window.lua
like "$OUT" "live on days 10 to 40 only" "check shows a window"
constant() { # $1: the intervention's extra keys; a stage whose probabilities are constant
    cat <<LUA
scenario { name = "Constant", customers = 100, days = 40 }
stage "visit" { entry = true }
stage "cart"  { }
stage "gone"  { terminal = true }
transition("visit", "cart", 0.05)
transition("visit", "gone", 0.05)
intervention "push" { scale = { ["visit->cart"] = 2 }$1 }
LUA
}
constant ", from_day = 10" >constant-launch.lua
constant "" >constant-always.lua
run_cjmsim check constant-launch.lua
like "$OUT" "constant, while every change of the variant is live:" \
    "check's eventual shares say they hold while the change is live"
run_cjmsim check constant-always.lua
like "$OUT" "probabilities are constant:\$" "without a launch date the eventual shares have no such condition"

# --- the report says when each change is live -------------------------------------------------
run_cjmsim run window.lua --customers 200 --out "$WORK/window-report" --quiet
like "$(cat "$WORK/window-report/report.html")" "<dt>Live</dt><dd>on days 10 to 40 only" \
    "the report shows the window beside the change"
run_cjmsim run launch.lua --customers 200 --out "$WORK/launch-report" --quiet --lang ru
like "$(cat "$WORK/launch-report/report.html")" "<dt>Действует</dt><dd>с дня 30 до конца прогона" \
    "the Russian report shows the launch date"
run_cjmsim run always.lua --customers 200 --out "$WORK/always-report" --quiet
ok "$(! grep -q '<dt>Live</dt>' "$WORK/always-report/report.html"; echo $?)" \
    "a change live every day has no launch line"

# --- the same bytes for any thread count -------------------------------------------------------
for f in launch window; do
    run_cjmsim run $f.lua --out "$WORK/$f-t1" --threads 1 --quiet
    is "$RC" 0 "$f: runs"
    run_cjmsim run $f.lua --out "$WORK/$f-t2" --threads 2 --quiet
    for file in summary.json funnel.csv daily.csv; do
        ok "$(cmp -s "$WORK/$f-t1/$file" "$WORK/$f-t2/$file"; echo $?)" "$f: $file is the same with 1 and 2 threads"
    done
done

# --- and for any number of MPI ranks (where Open MPI is installed) ---------------------------
MPI_BIN=${CJMSIM_MPI:-}
if [ -n "$MPI_BIN" ] && [ -x "$MPI_BIN" ] && command -v mpirun >/dev/null; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
    mpirun --oversubscribe -n 2 "$MPI_BIN" run window.lua --out "$WORK/window-mpi" --threads 1 --quiet \
        >"$WORK/mpi.out" 2>"$WORK/mpi.err"
    is "$?" 0 "window: 2 ranks run"
    for file in summary.json daily.csv; do
        ok "$(cmp -s "$WORK/window-t1/$file" "$WORK/window-mpi/$file"; echo $?)" "window: $file is the same with 2 ranks"
    done
else
    skip 3 "Open MPI or cjmsim-mpi is not available"
fi

# --- from_day = 0 is no launch date -------------------------------------------------------------
for mode in "" "--exact"; do
    run_cjmsim run always.lua --out "$WORK/always$mode" --quiet $mode
    run_cjmsim run day0.lua --out "$WORK/day0$mode" --quiet $mode
    is "$(json "$WORK/day0$mode/summary.json" 'd["variants"]')" \
        "$(json "$WORK/always$mode/summary.json" 'd["variants"]')" \
        "from_day = 0 gives the results of no launch key ${mode:-sampled}"
done

# --- a window after the last day: the baseline's results ----------------------------------------
# notify starts on day 60; a run of 59 days never meets it.
scenario ", from_day = 60" >after.lua
FIELDS='[(v["reached"], v["buyers"], v["repeat_buyers"], v["purchases"], v["revenue"], v["cost"], v.get("mood_on_entry")) for v in d["variants"] if v["name"] in ("baseline", "notify")]'
for mode in "" "--exact"; do
    run_cjmsim run after.lua --days 59 --out "$WORK/after$mode" --quiet $mode
    is "$RC" 0 "a launch after the last day runs ${mode:-sampled}"
    is "$(json "$WORK/after$mode/summary.json" "$FIELDS[0] == $FIELDS[1]")" "True" \
        "a launch after the last day: the variant's results are the baseline's ${mode:-sampled}"
    # the intervention that is live every day still changes its variant
    is "$(json "$WORK/after$mode/summary.json" '[v["buyers"] for v in d["variants"] if v["name"] == "offer"][0] > d["variants"][0]["buyers"]')" \
        "True" "and offer, live every day, still changes its own ${mode:-sampled}"
done

# --- a launch mid-run lies between the baseline and the always-live change (exact) --------------
run_cjmsim run launch.lua --exact --out "$WORK/launch-x" --quiet
PURCH='{v["name"]: v["purchases"] for v in d["variants"]}'
base=$(json "$WORK/launch-x/summary.json" "$PURCH[\"baseline\"]")
mid=$(json "$WORK/launch-x/summary.json" "$PURCH[\"notify\"]")
full=$(json "$WORK/always--exact/summary.json" "$PURCH[\"notify\"]")
is "$(python3 -c "print($base < $mid < $full)")" "True" \
    "notify from day 30: more purchases than the baseline, fewer than notify from day 0 ($base < $mid < $full)"
cost_mid=$(json "$WORK/launch-x/summary.json" '[v["cost"] for v in d["variants"] if v["name"] == "notify"][0]')
is "$(python3 -c "print(0 < $cost_mid < $(json "$WORK/always--exact/summary.json" '[v["cost"] for v in d["variants"] if v["name"] == "notify"][0]'))")" \
    "True" "uses are paid on live days only"

# --- the sampled run agrees with exact mode ----------------------------------------------------
run_cjmsim run window.lua --exact --out "$WORK/window-x" --quiet
is "$(python3 - "$WORK/window-t1/summary.json" "$WORK/window-x/summary.json" <<'PY'
import json, math, sys
mc, ex = (json.load(open(f)) for f in sys.argv[1:3])
bad = []
for vm, vx in zip(mc["variants"], ex["variants"]):
    n = vx["customers"]
    for key in ("buyers", "repeat_buyers"):
        p = vx[key] / n
        z = (vm[key] - vx[key]) / math.sqrt(n * p * (1 - p))
        if abs(z) >= 5:
            bad.append("%s %s z=%.2f" % (vm["name"], key, z))
print(" ".join(bad) or "ok")
PY
)" "ok" "a window from day 10 to 40: sampled buyers and repeat buyers within 5 standard errors of exact"

done_testing
