#!/usr/bin/python3
"""bench — how fast cjmsim is, and how it compares with what a user would
otherwise write: a vectorised numpy simulation (bench/peer_numpy.py) and the
same simulation in plain Lua 5.4 (bench/peer_lua.lua), on the same models.

Run by `make bench` (and `make bench-memory` for the 100-million-customer
memory run alone). For each benchmark scenario it measures cjmsim's wall
time, the time of its simulation phase, nanoseconds per customer-day-variant,
peak memory, and the speed-up from 1 to 2 threads; then the peers, at sizes
that keep them reasonable (scaled linearly to the same number of customers),
with their results beside cjmsim's so that a reader sees they simulate the
same model. It prints a table, and rewrites the block of README.md between
<!-- bench:start --> and <!-- bench:end --> with it.

Needs Debian's python3-numpy, lua5.4 and time (/usr/bin/time).
"""
import argparse
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
README = os.path.join(ROOT, "README.md")
START, END = "<!-- bench:start -->", "<!-- bench:end -->"

# The scenarios: the example shop, and one where nearly every probability is
# a function of days in stage and customers stay in stages for months.
SCENARIOS = [
    ("sport_nutrition", os.path.join(ROOT, "scripts", "sport_nutrition.lua")),
    ("meal_kit", os.path.join(HERE, "meal_kit.lua")),
]
CUSTOMERS, DAYS = 1_000_000, 365
MEMORY_CUSTOMERS = 100_000_000

# The targets this machine class is held to.
TARGET_WALL_2T = 1.0        # seconds, sport_nutrition 1e6 x 365 x 4, 2 threads
TARGET_VS_NUMPY = 20.0      # times faster than numpy, 1 thread
TARGET_SCALING = 1.7        # 1 -> 2 threads, the simulation
TARGET_SCALING_WALL = 1.6   # 1 -> 2 threads, the whole command (results, plots, report too)
TARGET_MEMORY_MB = 200.0    # peak RSS with 1e8 customers
TARGET_LOAD_MS = 50.0       # loading and compiling an example scenario
# run --exact at 365 days: the exact computation (the simulation phase)
TARGET_EXACT_MS = {"sport_nutrition": 50.0, "meal_kit": 200.0}
TARGET_FIT_S = 2.0          # cjmsim fit of 1,000,000 events
TARGET_PSA_WALL = 5.0       # seconds, psa sport_nutrition 1000 draws x 1e4 x 365, 2 threads
PSA_DRAWS, PSA_CUSTOMERS = 1000, 10_000
TARGET_CALIBRATE_S = 10.0   # calibrate 3 parameters to 5 targets (calibration_shop), 2 threads


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpu": model, "nproc": os.cpu_count(), "system": platform.platform()}


TIMINGS = re.compile(r"load and compile ([\d.]+) ms, simulate ([\d.]+) ms, results ([\d.]+) ms")


def run_cjmsim(cjmsim, scenario, out, customers, days, threads, plots=True, extra=()):
    """One run under /usr/bin/time: wall seconds, peak RSS in MB (of cjmsim
    and gnuplot, which it runs), phases. Without plots, gnuplot is kept out
    of reach (cjmsim then only warns), to measure cjmsim's memory alone."""
    # A calendar scenario takes its customers a day (--arrivals N: customers = ("a", N)).
    count = (["--arrivals", str(customers[1])] if isinstance(customers, tuple)
             else ["--customers", str(customers)])
    cmd = ["/usr/bin/time", "-f", "@@time %e %M %U %S", cjmsim, "run", scenario, *count,
           "--days", str(days), "--threads", str(threads), "--out", out, "--quiet", *extra]
    env = dict(os.environ, CJMSIM_TIMINGS="1")
    if not plots:
        env["PATH"] = os.path.dirname(out)  # an empty directory: no gnuplot
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit("bench: %s failed:\n%s" % (" ".join(cmd[3:]), proc.stderr))
    used = re.search(r"@@time [\d.]+ (\d+) ([\d.]+) ([\d.]+)", proc.stderr)
    rss = float(used.group(1)) / 1024
    phases = TIMINGS.search(proc.stderr)
    # CPU time (user + system) of cjmsim and the gnuplot it ran: what the
    # command costs whatever else the machine does.
    return {"wall": wall, "rss_mb": rss, "cpu_s": float(used.group(2)) + float(used.group(3)),
            "load_ms": float(phases.group(1)),
            "sim_s": float(phases.group(2)) / 1e3, "results_s": float(phases.group(3)) / 1e3}


def cjmsim_results(out):
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    return [{"name": v["name"], "buyers": v["buyers"], "repeat_buyers": v["repeat_buyers"]}
            for v in summary["variants"]]


def run_peer(cmd):
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit("bench: %s failed:\n%s" % (" ".join(cmd), proc.stderr))
    result = json.loads(proc.stdout)
    result["wall"] = wall
    return result


def agreement(a, na, b, nb):
    """z of the difference of two shares (independent samples)."""
    pa, pb = a / na, b / nb
    p = (a + b) / (na + nb)
    se = math.sqrt(p * (1 - p) * (1 / na + 1 / nb)) or 1.0
    return (pa - pb) / se


def fmt_s(x):
    return "%.2f s" % x if x >= 0.1 else "%.0f ms" % (x * 1e3)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cjmsim", default=os.path.join(ROOT, "build", "cjmsim"))
    parser.add_argument("--repeat", type=int, default=7, help="cjmsim runs per measure (best)")
    parser.add_argument("--numpy-customers", type=int, default=CUSTOMERS)
    parser.add_argument("--lua-customers", type=int, default=100_000)
    parser.add_argument("--memory-only", action="store_true",
                        help="only the 1e8-customer memory run (make bench-memory)")
    parser.add_argument("--no-memory", action="store_true", help="skip the 1e8-customer run")
    parser.add_argument("--numpy-psa-draws", type=int, default=20,
                        help="draws of the numpy peer's psa loop (scaled to %d)" % PSA_DRAWS)
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite README.md")
    parser.add_argument("--scaling-only", action="store_true",
                        help="only the whole command's 1 -> 2 thread scaling of sport_nutrition "
                             "(no peers, README.md left as it is)")
    args = parser.parse_args()
    if args.memory_only or args.scaling_only:
        args.no_readme = True  # the README block holds the whole benchmark
    cjmsim = os.path.abspath(args.cjmsim)
    work = tempfile.mkdtemp(prefix="cjmsim-bench-")
    lines = []

    def say(text=""):
        print(text, flush=True)
        lines.append(text)

    try:
        m = machine()
        say("Machine: %s, %d cores (nproc), %s; load average %.1f at the start"
            % (m["cpu"], m["nproc"], m["system"], os.getloadavg()[0]))
        say("Command: make bench (bench/bench.py); cjmsim: the best of %d runs, peers: one run"
            % args.repeat)
        say()
        report = {"machine": m, "scenarios": []}
        if args.scaling_only:
            report["scaling"] = bench_scaling(SCENARIOS[0][0], SCENARIOS[0][1], cjmsim, work,
                                              args, say)
        elif not args.memory_only:
            report["load"] = bench_load(cjmsim, work, say)
            report["fit"] = bench_fit(cjmsim, work, say)
            for name, path in SCENARIOS:
                report["scenarios"].append(bench_scenario(name, path, cjmsim, work, args, say))
            report["exact"] = bench_exact(cjmsim, work, args, say)
            report["psa"] = bench_psa(cjmsim, work, args, say)
            report["calendar"] = bench_calendar(cjmsim, work, args, say)
            report["calibrate"] = bench_calibrate(cjmsim, work, args, say)
        if not args.no_memory and not args.scaling_only:
            report["memory"] = bench_memory(cjmsim, work, say)
        say()
        check_targets(report, say)
        if not args.no_readme:
            write_readme(lines)
            print("\nREADME.md: the block between %s and %s is updated." % (START, END))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench_load(cjmsim, work, say):
    """Loading and compiling every example scenario (one customer, min of 5)."""
    say("Loading and compiling the example scenarios (--customers 1, --days 365, best of 5):")
    scripts = sorted(os.path.join(ROOT, "scripts", f)
                     for f in os.listdir(os.path.join(ROOT, "scripts")) if f.endswith(".lua"))
    worst = 0.0
    for path in scripts + [os.path.join(HERE, "meal_kit.lua")]:
        out = os.path.join(work, "load")
        with open(path) as f:
            one = ("a", 1) if "arrivals =" in f.read() else 1
        ms = min(run_cjmsim(cjmsim, path, out, one, DAYS, 1)["load_ms"] for _ in range(5))
        worst = max(worst, ms)
        say("  %-40s %6.1f ms" % (os.path.relpath(path, ROOT), ms))
    say()
    return {"worst_ms": worst}


def bench_fit(cjmsim, work, say):
    """cjmsim fit of an event log of 1,000,000 rows (250,000 customers with
    personas and amounts, four stages each, by day), best of 3."""
    import random
    rng = random.Random(1)
    rows = []
    for c in range(250_000):
        day, persona = rng.randrange(30), "beginner" if rng.random() < 0.6 else "athlete"
        for stage, rate in (("ads", None), ("site", 0.1), ("cart", 0.2), ("order", 0.3)):
            if rate:
                day += 1 + int(rng.expovariate(rate))
            rows.append((day, c, stage, persona, "%.2f" % rng.uniform(20, 60)
                         if stage == "order" else ""))
    rows.sort()
    log = os.path.join(work, "events.csv")
    with open(log, "w") as f:
        f.write("customer,day,stage,persona,amount\n")
        f.writelines("c%d,%d,%s,%s,%s\n" % (c, d, s, p, a) for d, c, s, p, a in rows)
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([cjmsim, "fit", log, "--purchase", "order", "--force", "--quiet",
                        "--out", os.path.join(work, "fitted.lua")], check=True)
        best = min(best, time.perf_counter() - start)
    say("cjmsim fit of 1,000,000 events (%.0f MB of CSV): %.2f s (best of 3)"
        % (os.path.getsize(log) / 1e6, best))
    say()
    return {"seconds": best}


def thread_runs(path, cjmsim, out, args):
    """The scenario at 1 and 2 threads, and at 2 threads with --png, in
    turn, args.repeat times each, so that a burst of other work on the
    machine slows all alike; the fastest of each counts."""
    tries = {1: [], 2: [], "png": []}
    for _ in range(args.repeat):
        for threads in (1, 2):
            tries[threads].append(run_cjmsim(cjmsim, path, out, CUSTOMERS, DAYS, threads))
        tries["png"].append(run_cjmsim(cjmsim, path, out, CUSTOMERS, DAYS, 2, extra=["--png"]))
    return {t: {"wall": min(x["wall"] for x in r), "sim_s": min(x["sim_s"] for x in r),
                "load_ms": min(x["load_ms"] for x in r),
                "results_s": min(x["results_s"] for x in r),
                "cpu_s": min(x["cpu_s"] for x in r),
                "rss_mb": max(x["rss_mb"] for x in r)} for t, r in tries.items()}


def say_scaling(r1, r2, say):
    """The whole command from 1 to 2 threads, against its target, and the
    output (results, plots, report) against the simulation."""
    say("  whole command, 1 -> 2 threads: %s -> %s wall, %.2fx (target >= %.1fx); simulation "
        "%.2fx" % (fmt_s(r1["wall"]), fmt_s(r2["wall"]), r1["wall"] / r2["wall"],
                   TARGET_SCALING_WALL, r1["sim_s"] / r2["sim_s"]))
    say("  results, plots and report with 2 threads: %s, the simulation %s (%.2fx of it)"
        % (fmt_s(r2["results_s"]), fmt_s(r2["sim_s"]), r2["results_s"] / r2["sim_s"]))


def say_png(png, say):
    """What --png (every plot as PNG besides SVG) costs the output."""
    say("  with --png (PNG besides SVG), 2 threads: results, plots and report %s, the simulation "
        "%s (%.2fx of it)" % (fmt_s(png["results_s"]), fmt_s(png["sim_s"]),
                              png["results_s"] / png["sim_s"]))


def bench_scaling(name, path, cjmsim, work, args, say):
    """make bench's 1 -> 2 thread runs of one scenario alone (--scaling-only)."""
    runs = thread_runs(path, cjmsim, os.path.join(work, name), args)
    say("%s: %s customers x %d days, whole command (best of %d; load average %.1f at the end)"
        % (name, "{:,}".format(CUSTOMERS), DAYS, args.repeat, os.getloadavg()[0]))
    say("  %-20s %10s %12s %22s" % ("", "wall", "simulation", "results, plots, report"))
    for t in (1, 2):
        say("  %-20s %10s %12s %22s" % ("%d thread%s" % (t, "s" if t > 1 else ""),
                                        fmt_s(runs[t]["wall"]), fmt_s(runs[t]["sim_s"]),
                                        fmt_s(runs[t]["results_s"])))
    say_scaling(runs[1], runs[2], say)
    say_png(runs["png"], say)
    say("  CPU time (user + system, gnuplot included): %s with 1 thread, %s with 2"
        % (fmt_s(runs[1]["cpu_s"]), fmt_s(runs[2]["cpu_s"])))
    say()
    return {"name": name, "runs": runs, "scaling_wall": runs[1]["wall"] / runs[2]["wall"]}


def bench_scenario(name, path, cjmsim, work, args, say):
    out = os.path.join(work, name)
    runs = thread_runs(path, cjmsim, out, args)
    ours = cjmsim_results(out)
    n_variants = len(ours)
    cdv = CUSTOMERS * DAYS * n_variants
    numpy = run_peer(["/usr/bin/python3", os.path.join(HERE, "peer_numpy.py"), name,
                      "--customers", str(args.numpy_customers), "--days", str(DAYS)])
    lua = run_peer(["lua5.4", os.path.join(HERE, "peer_lua.lua"), name,
                    str(args.lua_customers), str(DAYS), "1"])
    np_scale = CUSTOMERS / args.numpy_customers
    lua_scale = CUSTOMERS / args.lua_customers
    np_sim, lua_sim = numpy["seconds"] * np_scale, lua["seconds"] * lua_scale
    np_wall, lua_wall = numpy["wall"] * np_scale, lua["wall"] * lua_scale

    say("%s: %s customers x %d days x %d variants (%s customer-days-variants)"
        % (name, "{:,}".format(CUSTOMERS), DAYS, n_variants, "{:,}".format(cdv)))
    say("  %-26s %10s %12s %10s %12s %10s" % ("", "wall", "simulation", "ns/cdv", "peak RSS",
                                             "cjmsim is"))
    r1, r2 = runs[1], runs[2]
    for label, r in (("cjmsim, 1 thread", r1), ("cjmsim, 2 threads", r2)):
        say("  %-26s %10s %12s %10.2f %9.1f MB %10s" % (
            label, fmt_s(r["wall"]), fmt_s(r["sim_s"]), r["sim_s"] * 1e9 / cdv, r["rss_mb"], ""))
    np_note = "" if np_scale == 1 else " (x%g)" % np_scale
    say("  %-26s %10s %12s %10.1f %12s %9.0fx" % (
        "numpy float32" + np_note, fmt_s(np_wall), fmt_s(np_sim), np_sim * 1e9 / cdv, "",
        np_sim / r1["sim_s"]))
    say("  %-26s %10s %12s %10.1f %12s %9.0fx" % (
        "Lua 5.4 (x%g)" % lua_scale, fmt_s(lua_wall), fmt_s(lua_sim), lua_sim * 1e9 / cdv, "",
        lua_sim / r1["sim_s"]))
    scaling_sim = r1["sim_s"] / r2["sim_s"]
    scaling_wall = r1["wall"] / r2["wall"]
    say("  1 -> 2 threads: simulation %.2fx, wall %.2fx; numpy / cjmsim at 1 thread: simulation "
        "%.0fx, wall %.0fx" % (scaling_sim, scaling_wall, np_sim / r1["sim_s"],
                                np_wall / r1["wall"]))
    say("  cjmsim's wall with 2 threads = loading and compiling %s + simulation %s + results, "
        "plots (gnuplot) and report %s + start and exit"
        % (fmt_s(r2["load_ms"] / 1e3), fmt_s(r2["sim_s"]), fmt_s(r2["results_s"])))
    say_scaling(r1, r2, say)
    say_png(runs["png"], say)
    say("  ns/cdv: simulation time per customer-day-variant; peak RSS: cjmsim and the gnuplot it "
        "runs. The peers' times are scaled linearly from %s (numpy) and %s (Lua) customers."
        % ("{:,}".format(args.numpy_customers), "{:,}".format(args.lua_customers)))
    say("  The same model in all three (share of customers, %; z: difference from cjmsim in "
        "standard errors):")
    say("    %-42s %17s %17s %17s" % ("variant: buyers / repeat buyers", "cjmsim", "numpy", "Lua"))
    for i, v in enumerate(ours):
        cells = []
        for peer, n in ((None, CUSTOMERS), (numpy, args.numpy_customers),
                        (lua, args.lua_customers)):
            row = v if peer is None else peer["variants"][i]
            assert row["name"] == v["name"], (row["name"], v["name"])
            b, r = row["buyers"], row["repeat_buyers"]
            text = "%5.2f / %5.2f" % (100 * b / n, 100 * r / n)
            if peer is not None:
                zb = agreement(b, n, v["buyers"], CUSTOMERS)
                zr = agreement(r, n, v["repeat_buyers"], CUSTOMERS)
                text += " z%+.1f/%+.1f" % (zb, zr)
            cells.append(text)
        say("    %-42s %17s %s %s" % (v["name"], cells[0], cells[1], cells[2]))
    say()
    return {"name": name, "runs": runs, "numpy_sim": np_sim, "numpy_wall": np_wall,
            "lua_sim": lua_sim, "scaling_sim": scaling_sim, "scaling_wall": scaling_wall}


def bench_exact(cjmsim, work, args, say):
    """run --exact: the expected results computed without sampling."""
    say("Exact mode (run --exact, %d days, 2 threads, plots left out, best of %d): computing "
        "the expected results" % (DAYS, args.repeat))
    out = {}
    for name, path in SCENARIOS:
        runs = [run_cjmsim(cjmsim, path, os.path.join(work, name + "-exact"), CUSTOMERS, DAYS, 2,
                           plots=False, extra=("--exact",)) for _ in range(args.repeat)]
        ms = min(r["sim_s"] for r in runs) * 1e3
        load = min(r["load_ms"] for r in runs)
        out[name] = ms
        say("  %-20s exact %7.1f ms  (loading and compiling %.1f ms; peak RSS %.1f MB)"
            % (name, ms, load, max(r["rss_mb"] for r in runs)))
    say()
    return out
def bench_calibrate(cjmsim, work, args, say):
    """cjmsim calibrate of the example's 3 parameters to its 5 targets (exact
    mode, 2 threads), best of args.repeat."""
    path = os.path.join(ROOT, "scripts", "calibration_shop.lua")
    out = os.path.join(work, "calibrate")
    cmd = ["/usr/bin/time", "-f", "@@time %e %U %M", cjmsim, "calibrate", path, "--threads", "2",
           "--out", out, "--quiet"]
    walls, users = [], []
    for _ in range(args.repeat):
        shutil.rmtree(out, ignore_errors=True)
        p = subprocess.run(cmd, capture_output=True, text=True, check=True)
        t = [l for l in p.stderr.splitlines() if l.startswith("@@time")][-1].split()
        walls.append(float(t[1]))
        users.append(float(t[2]))
    with open(os.path.join(out, "calibration.json")) as f:
        evaluations = json.load(f)["evaluations"]
    say("calibrate: calibration_shop, 3 parameters, 5 targets, exact, 2 threads: wall %s, "
        "user CPU %s, %d evaluations (best of %d)" % (fmt_s(min(walls)), fmt_s(min(users)),
                                                     evaluations, args.repeat))
    say()
    return {"wall": min(walls), "user": min(users), "evaluations": evaluations}


def bench_psa(cjmsim, work, args, say):
    """cjmsim psa on the example shop (1000 draws x 10,000 customers x 365
    days x 4 variants) against the same analysis written as a loop over
    draws of the numpy peer."""
    path = SCENARIOS[0][1]
    out = os.path.join(work, "psa")
    cmd = ["/usr/bin/time", "-f", "@@time %e %U %M", cjmsim, "psa", path, "--draws",
           str(PSA_DRAWS), "--customers", str(PSA_CUSTOMERS), "--days", str(DAYS),
           "--threads", "2", "--out", out, "--quiet"]
    best = None
    for _ in range(3):
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit("bench: %s failed:\n%s" % (" ".join(cmd), proc.stderr))
        line = [l for l in proc.stderr.splitlines() if l.startswith("@@time ")][-1]
        wall, user, rss = (float(x) for x in line.split()[1:])
        if best is None or wall < best[0]:
            best = (wall, user, rss / 1024)
    numpy = run_peer(["/usr/bin/python3", os.path.join(HERE, "peer_numpy.py"), "sport_nutrition",
                      "--customers", str(PSA_CUSTOMERS), "--days", str(DAYS),
                      "--psa", str(args.numpy_psa_draws)])
    np_scale = PSA_DRAWS / args.numpy_psa_draws
    say("psa: sport_nutrition, %d draws x %s customers x %d days x 4 variants, 2 threads"
        % (PSA_DRAWS, "{:,}".format(PSA_CUSTOMERS), DAYS))
    say("  cjmsim psa                 wall %s, user CPU %s, peak RSS %.1f MB (best of 3)"
        % (fmt_s(best[0]), fmt_s(best[1]), best[2]))
    say("  numpy loop over draws      %s (%d draws, x%g)  cjmsim is %.0fx faster"
        % (fmt_s(numpy["seconds"] * np_scale), args.numpy_psa_draws, np_scale,
           numpy["seconds"] * np_scale / best[0]))
    say()
    return {"wall": best[0], "user": best[1], "numpy": numpy["seconds"] * np_scale}


def bench_calendar(cjmsim, work, args, say):
    """Calendar time: 1e6 customers arriving over 365 days against a cohort."""
    say("Calendar time (2 threads, plots left out, best of %d): sport_nutrition_calendar with "
        "2,740 arrivals a day (1,000,100 customers over %d days) against a cohort of %s"
        % (args.repeat, DAYS, "{:,}".format(CUSTOMERS)))
    path = os.path.join(ROOT, "scripts", "sport_nutrition_calendar.lua")
    cohort = os.path.join(work, "calendar_cohort.lua")
    with open(path) as f:
        text = f.read()
    start = text.index("  arrivals = function(day)")
    end = text.index("  end,\n", start) + len("  end,\n")
    with open(cohort, "w") as f:  # the same journey, everybody on day 0
        f.write(text[:start] + "  customers = %d,\n" % CUSTOMERS + text[end:])
    for name in ("beginner", "athlete", "coach"):
        shutil.copy(os.path.join(ROOT, "personas", name + ".lua"), work)
    res = {}
    for label, scenario, count in (("cohort", cohort, CUSTOMERS), ("arrivals", path, ("a", 2740))):
        runs = [run_cjmsim(cjmsim, scenario, os.path.join(work, "calendar-" + label), count, DAYS,
                           2, plots=False) for _ in range(args.repeat)]
        res[label] = min(r["sim_s"] for r in runs)
        say("  %-10s simulation %s, peak RSS %.1f MB" % (label, fmt_s(res[label]),
                                                        max(r["rss_mb"] for r in runs)))
    say()
    return res


def bench_memory(cjmsim, work, say):
    path = SCENARIOS[0][1]
    out = os.path.join(work, "memory", "out")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    say("Memory: sport_nutrition with %s customers x %d days x 4 variants, 2 threads, cjmsim "
        "alone (plots left out):" % ("{:,}".format(MEMORY_CUSTOMERS), DAYS))
    r = run_cjmsim(cjmsim, path, out, MEMORY_CUSTOMERS, DAYS, 2, plots=False)
    r1m = run_cjmsim(cjmsim, path, out, CUSTOMERS, DAYS, 2, plots=False)
    say("  peak RSS %.1f MB (%.1f MB with %s customers); wall %s, simulation %s"
        % (r["rss_mb"], r1m["rss_mb"], "{:,}".format(CUSTOMERS), fmt_s(r["wall"]),
           fmt_s(r["sim_s"])))
    return {"rss_mb": r["rss_mb"], "rss_1m_mb": r1m["rss_mb"], "wall": r["wall"]}


def scaling_wall_line(s, line):
    r2 = s["runs"][2]
    line(s["scaling_wall"] >= TARGET_SCALING_WALL,
         "%s: the whole command (wall) >= %.1fx from 1 to 2 threads: %.2fx"
         % (s["name"], TARGET_SCALING_WALL, s["scaling_wall"]))
    line(r2["results_s"] <= r2["sim_s"],
         "%s: results, plots and report within the simulation's time with 2 threads: %s "
         "against %s" % (s["name"], fmt_s(r2["results_s"]), fmt_s(r2["sim_s"])))


def check_targets(report, say):
    say("Targets:")

    def line(ok, text):
        say("  [%s] %s" % ("met" if ok else "MISSED", text))

    for s in report["scenarios"]:
        r1, r2 = s["runs"][1], s["runs"][2]
        if s["name"] == "sport_nutrition":
            line(r2["wall"] <= TARGET_WALL_2T, "sport_nutrition 1e6 x 365 x 4 in <= %.1f s wall "
                 "with 2 threads: %.2f s" % (TARGET_WALL_2T, r2["wall"]))
        line(s["numpy_sim"] / r1["sim_s"] >= TARGET_VS_NUMPY,
             "%s: >= %.0fx faster than numpy at 1 thread: %.0fx (simulation), %.0fx (wall)"
             % (s["name"], TARGET_VS_NUMPY, s["numpy_sim"] / r1["sim_s"],
                s["numpy_wall"] / r1["wall"]))
        line(s["scaling_sim"] >= TARGET_SCALING,
             "%s: >= %.1fx from 1 to 2 threads: %.2fx (simulation), %.2fx (wall)"
             % (s["name"], TARGET_SCALING, s["scaling_sim"], s["scaling_wall"]))
        if s["name"] == "sport_nutrition":
            scaling_wall_line(s, line)
    if "scaling" in report:
        scaling_wall_line(report["scaling"], line)
    if "memory" in report:
        line(report["memory"]["rss_mb"] < TARGET_MEMORY_MB, "1e8 customers in < %.0f MB: %.1f MB"
             % (TARGET_MEMORY_MB, report["memory"]["rss_mb"]))
    for name, ms in report.get("exact", {}).items():
        line(ms <= TARGET_EXACT_MS[name], "%s --exact at %d days in <= %.0f ms: %.1f ms"
             % (name, DAYS, TARGET_EXACT_MS[name], ms))
    if "fit" in report:
        line(report["fit"]["seconds"] <= TARGET_FIT_S, "cjmsim fit of 1,000,000 events in <= "
             "%.0f s: %.2f s" % (TARGET_FIT_S, report["fit"]["seconds"]))
    if "psa" in report:
        line(report["psa"]["wall"] <= TARGET_PSA_WALL,
             "psa sport_nutrition %d draws x 1e4 x 365 in <= %.0f s wall with 2 threads: %.2f s "
             "(user CPU %.2f s)" % (PSA_DRAWS, TARGET_PSA_WALL, report["psa"]["wall"],
                                    report["psa"]["user"]))
    if "calendar" in report:
        c = report["calendar"]
        line(c["arrivals"] <= 1.1 * c["cohort"], "1e6 customers arriving over %d days cost no "
             "more than a cohort (10%% slack): %s against %s" % (DAYS, fmt_s(c["arrivals"]),
                                                                 fmt_s(c["cohort"])))
    if "calibrate" in report:
        line(report["calibrate"]["wall"] <= TARGET_CALIBRATE_S,
             "calibrate of 3 parameters to 5 targets in <= %.0f s wall with 2 threads: %.2f s"
             % (TARGET_CALIBRATE_S, report["calibrate"]["wall"]))
    if "load" in report:
        line(report["load"]["worst_ms"] < TARGET_LOAD_MS,
             "loading and compiling each example scenario in < %.0f ms: at most %.1f ms"
             % (TARGET_LOAD_MS, report["load"]["worst_ms"]))


def write_readme(lines):
    with open(README) as f:
        text = f.read()
    if START not in text or END not in text:
        print("README.md: no %s ... %s block; not updated" % (START, END), file=sys.stderr)
        return
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    block = "%s\n```\n%s\n```\n%s" % (START, "\n".join(lines).rstrip(), END)
    with open(README + ".tmp", "w") as f:
        f.write(head + block + tail)
    os.replace(README + ".tmp", README)


if __name__ == "__main__":
    main()
