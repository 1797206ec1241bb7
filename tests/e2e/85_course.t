#!/usr/bin/env bash
# The course pack (course/NN_topic/) teaches with numbers, so its numbers are
# tested: every lesson has its six files and answers.json; both scenarios
# (scenario.lua and the Russian scenario.ru.lua) check and run; every answer
# in answers.json holds (the command it names, run in exact mode, gives the
# expected value of its summary.json path within the tolerance), for both
# scenarios; the teacher notes in both languages quote every expected value;
# the student sheets hold one task per task of answers.json (3 to 5) and give
# every command the answers use.
source "$(dirname "$0")/lib.sh"

COURSE=$(cd "$TESTS_DIR/../course" && pwd)
cd "$WORK" || exit 1

lessons=("$COURSE"/[0-9][0-9]_*/)
is "${#lessons[@]}" 5 "the course has five lessons"

for dir in "${lessons[@]}"; do
    dir=${dir%/}
    lesson=$(basename "$dir")
    for f in scenario.lua scenario.ru.lua student.en.md student.ru.md teacher.en.md teacher.ru.md answers.json; do
        ok $([ -s "$dir/$f" ]; echo $?) "$lesson: has $f"
    done
    # Each scenario checks, and runs in exact mode with plots and report.
    for s in scenario.lua scenario.ru.lua; do
        run_cjmsim check "$dir/$s"
        is "$RC" 0 "$lesson/$s: cjmsim check exits 0"
        like "$OUT" "a valid scenario" "$lesson/$s: check calls it valid"
        run_cjmsim run "$dir/$s" --exact --out "$WORK/$lesson-$s" --quiet
        is "$RC:$ERR" "0:" "$lesson/$s: cjmsim run --exact exits 0 without a message"
    done
done

# The answers, the teacher notes and the student sheets. Python runs every
# command of answers.json against both scenarios and prints one line per
# test: PASS<TAB>description. The answer runs draw no plots (gnuplot is kept
# off the PATH: its warning is expected), which keeps them to milliseconds.
mkdir -p "$WORK/nobin"
lines=$(python3 - "$CJMSIM" "$COURSE" "$WORK" <<'PY'
import json, math, os, re, shlex, subprocess, sys
cjmsim, course, work = sys.argv[1:4]

def report(cond, what):
    print("%d\t%s" % (bool(cond), what.replace("\n", " ")))

def lookup(d, path):
    cur = d
    for tok in path.split("."):
        m = re.fullmatch(r"(stage|persona):(\d+)", tok)
        if m:
            tok = d[m.group(1) + "s"][int(m.group(2))]
        if isinstance(cur, list):
            cur = cur[int(tok)]
        else:
            cur = cur[tok]
    return cur

def quoted(text, value, russian):
    """the value written in text as a number of its own (not part of a longer one)."""
    s = json.dumps(value)
    forms = {s}
    if russian:
        forms.add(s.replace(".", ","))
    if s.startswith("-"):
        forms |= {"\u2212" + f[1:] for f in forms}
    return any(re.search(r"(?<![\d.,])" + re.escape(f) + r"(?![\d])", text) for f in forms)

runs = {}
def run(lesson, scen, args):
    key = (lesson, scen, tuple(args))
    if key not in runs:
        out = os.path.join(work, "ans-%d" % len(runs))
        p = subprocess.run([cjmsim, "run", os.path.join(course, lesson, scen), "--out", out, "--quiet"] + args,
                           capture_output=True, text=True,
                           env=dict(os.environ, PATH=os.path.join(work, "nobin")))
        runs[key] = (p.returncode, json.load(open(os.path.join(out, "summary.json"))) if p.returncode == 0 else None, p.stderr)
    return runs[key]

for lesson in sorted(os.listdir(course)):
    if not re.fullmatch(r"\d\d_\w+", lesson):
        continue
    base = os.path.join(course, lesson)
    try:
        answers = json.load(open(os.path.join(base, "answers.json")))["answers"]
        texts = {n: open(os.path.join(base, n), encoding="utf-8").read()
                 for n in ("student.en.md", "student.ru.md", "teacher.en.md", "teacher.ru.md")}
    except Exception as e:
        report(False, "%s: answers.json and the sheets are readable (%s)" % (lesson, e))
        continue
    tasks = sorted({a["task"] for a in answers})
    report(3 <= len(tasks) <= 5 and tasks == list(range(1, len(tasks) + 1)),
           "%s: answers.json covers tasks 1 to %d (3 to 5 tasks)" % (lesson, len(tasks)))
    for sheet, word in (("student.en.md", "Task"), ("student.ru.md", "Задание")):
        found = sorted(int(n) for n in re.findall(r"^#+ *%s (\d+)" % word, texts[sheet], re.M))
        report(found == tasks, "%s/%s: its tasks (%s N headings) are %s, as in answers.json (%s)"
               % (lesson, sheet, word, found, tasks))
    for a in answers:
        words = shlex.split(a["run"])
        what = "%s, task %d, %s" % (lesson, a["task"], a["what"])
        good = words[:3] == ["cjmsim", "run", "scenario.lua"] and "--exact" in words
        report(good, "%s: the command is an exact run of the lesson's scenario (%s)" % (what, a["run"]))
        report(a["run"] in texts["student.en.md"], "%s: student.en.md gives the command %s" % (what, a["run"]))
        ru_cmd = a["run"].replace("scenario.lua", "scenario.ru.lua")
        report(ru_cmd in texts["student.ru.md"], "%s: student.ru.md gives the command %s" % (what, ru_cmd))
        for t in ("teacher.en.md", "teacher.ru.md"):
            report(quoted(texts[t], a["expected"], t.endswith(".ru.md")),
                   "%s: %s quotes the expected %s" % (what, t, json.dumps(a["expected"])))
        for scen in ("scenario.lua", "scenario.ru.lua"):
            rc, d, err = run(lesson, scen, words[3:])
            if rc != 0:
                report(False, "%s: %s %s exits 0 (got %d: %s)" % (what, scen, " ".join(words[3:]), rc, err.strip()))
                continue
            try:
                v = lookup(d, a["path"])
                fine = isinstance(v, (int, float)) and abs(v - a["expected"]) <= a["tolerance"]
            except Exception as e:
                v, fine = "%s: %s" % (type(e).__name__, e), False
            report(fine and d["method"] == "exact",
                   "%s: %s %s gives %s = %s, expected %s +- %s"
                   % (what, scen, " ".join(words[3:]), a["path"], v, a["expected"], a["tolerance"]))
PY
)
[ -n "$lines" ]
ok $? "the answers' checks ran"
while IFS=$'\t' read -r pass what; do
    ok $((1 - pass)) "$what"
done <<<"$lines"

# A wrong expected value must fail: the check above compares with the run.
bad=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["answers"][0]["expected"] * 2 + 1)' "$COURSE/01_funnel/answers.json")
run_cjmsim run "$COURSE/01_funnel/scenario.lua" --exact --out "$WORK/neg" --quiet
got=$(json "$WORK/neg/summary.json" 'd["variants"][0]["reached"][d["stages"][1]]')
ok $(python3 -c "import sys; sys.exit(0 if abs($got - $bad) > 1 else 1)"; echo $?) "a wrong answer ($bad carts) is far from the run's $got"

done_testing
