#!/usr/bin/env bash
# The course pack (course/NN_topic/) teaches with numbers, so its numbers are
# tested: every lesson has its six files and answers.json; both scenarios
# (scenario.lua and the Russian scenario.ru.lua) check and run; every answer
# in answers.json holds (the command it names, run in exact mode, gives the
# expected value of its summary.json path within the tolerance), for both
# scenarios; the teacher notes in both languages quote every expected value;
# the student sheets hold one task per task of answers.json (3 to 5) and give
# every command the answers use.
#
# A lesson that starts from data (06_from_data) also has answers read from
# the scenario `cjmsim fit` writes (a parameter's estimate or interval), from
# psa.json and from breakeven.json; its commands run, in order, in a copy of
# the lesson's folder, as a student runs them. Its event logs are what the
# generator command in answers.json writes, and its scenarios are what the
# fit command on their second line writes, with the documented edits and a
# hand-written part after it.
source "$(dirname "$0")/lib.sh"

COURSE=$(cd "$TESTS_DIR/../course" && pwd)
cd "$WORK" || exit 1

lessons=("$COURSE"/[0-9][0-9]_*/)
is "${#lessons[@]}" 6 "the course has six lessons"

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
import json, math, os, re, shlex, shutil, subprocess, sys
cjmsim, course, work = sys.argv[1:4]
root = os.path.dirname(course)

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

# The file each command writes its answers to.
RESULT = {"run": "summary.json", "psa": "psa.json", "breakeven": "breakeven.json"}

def fitted_params(path):
    """{name: {"value", "low", "high"}} of the param lines cjmsim fit writes."""
    found = {}
    for m in re.finditer(r'param "(\w+)" \{ ([-\d.e]+), low = ([-\d.e]+), high = ([-\d.e]+),',
                         open(path, encoding="utf-8").read()):
        found[m.group(1)] = {"value": float(m.group(2)), "low": float(m.group(3)), "high": float(m.group(4))}
    return found

runs = {}
def run(lesson, lang, words):
    """Runs words (a student's command) in the language's copy of the
    lesson's folder, once: (exit status, the parsed result, stderr)."""
    key = (lesson, lang, tuple(words))
    if key in runs:
        return runs[key]
    here = os.path.join(work, "lesson-%s-%s" % (lesson, lang))
    if not os.path.isdir(here):
        shutil.copytree(os.path.join(course, lesson), here)
    argv = [cjmsim] + words[1:]
    out = os.path.join(work, "ans-%d" % len(runs))
    if words[1] in RESULT:
        argv += ["--out", out, "--quiet"]
    p = subprocess.run(argv, capture_output=True, text=True, cwd=here,
                       env=dict(os.environ, PATH=os.path.join(work, "nobin")))
    result = None
    if p.returncode == 0 and words[1] in RESULT:
        result = json.load(open(os.path.join(out, RESULT[words[1]])))
    elif p.returncode == 0 and words[1] == "fit":
        result = fitted_params(os.path.join(here, words[words.index("--out") + 1]))
    runs[key] = (p.returncode, result, p.stderr)
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
    fits = set()  # the files the lesson's fit commands write
    for a in answers:
        words = shlex.split(a["run"])
        if words[:2] == ["cjmsim", "fit"] and "--out" in words:
            fits.add(words[words.index("--out") + 1])
    for a in answers:
        words = shlex.split(a["run"])
        what = "%s, task %d, %s" % (lesson, a["task"], a["what"])
        if words[1:2] == ["fit"]:
            good = "--out" in words
        else:
            good = (words[:2] in (["cjmsim", c] for c in RESULT) and "--exact" in words
                    and len(words) > 2 and (words[2] == "scenario.lua" or words[2] in fits))
        report(good, "%s: the command is an exact run of the lesson's scenario or a fit (%s)" % (what, a["run"]))
        report(a["run"] in texts["student.en.md"], "%s: student.en.md gives the command %s" % (what, a["run"]))
        ru_cmd = a.get("run_ru", a["run"].replace("scenario.lua", "scenario.ru.lua"))
        report(ru_cmd in texts["student.ru.md"], "%s: student.ru.md gives the command %s" % (what, ru_cmd))
        for t in ("teacher.en.md", "teacher.ru.md"):
            report(quoted(texts[t], a["expected"], t.endswith(".ru.md")),
                   "%s: %s quotes the expected %s" % (what, t, json.dumps(a["expected"])))
        for lang, cmd, path in (("en", a["run"], a["path"]), ("ru", ru_cmd, a.get("path_ru", a["path"]))):
            rc, d, err = run(lesson, lang, shlex.split(cmd))
            if rc != 0:
                report(False, "%s: %s (%s) exits 0 (got %d: %s)" % (what, cmd, lang, rc, err.strip()))
                continue
            try:
                v = lookup(d, path)
                fine = isinstance(v, (int, float)) and abs(v - a["expected"]) <= a["tolerance"]
            except Exception as e:
                v, fine = "%s: %s" % (type(e).__name__, e), False
            exact = words[1] == "fit" or d.get("method", "exact") == "exact"
            report(fine and exact, "%s: %s (%s) gives %s = %s, expected %s +- %s"
                   % (what, cmd, lang, path, v, a["expected"], a["tolerance"]))
    data = json.load(open(os.path.join(base, "answers.json"))).get("data")
    if not data:
        continue
    # The logs are what the documented generator command writes.
    for name, cmd in data["generated_by"].items():
        words = shlex.split(cmd)
        target = os.path.join(work, "gen-%s-%s" % (lesson, name))
        words[words.index("--out") + 1] = target
        p = subprocess.run(words, cwd=root, capture_output=True, text=True)
        same = p.returncode == 0 and open(target, "rb").read() == open(os.path.join(base, name), "rb").read()
        report(same, "%s/%s is what its generator command writes (%s)" % (lesson, name, cmd))
    # The scenarios are the fit's output (its command on their second line),
    # with the documented edits, and a hand-written part after it.
    for scen, edits in data["fitted"].items():
        text = open(os.path.join(base, scen), encoding="utf-8").read()
        m = re.search(r"^-- Made with: (cjmsim fit .*)$", text, re.M)
        if not m:
            report(False, "%s/%s names the fit command that made it" % (lesson, scen))
            continue
        words = shlex.split(m.group(1))
        here = os.path.join(work, "refit-%s-%s" % (lesson, scen))
        os.makedirs(here)
        for w in words:
            if w.endswith(".csv"):
                shutil.copy(os.path.join(base, w), here)
        p = subprocess.run([cjmsim] + words[1:], cwd=here, capture_output=True, text=True)
        fitted = open(os.path.join(here, scen), encoding="utf-8").read() if p.returncode == 0 else ""
        for old, new in edits:
            report(fitted.count(old) == 1, "%s/%s: the edit of %r applies once" % (lesson, scen, old))
            fitted = fitted.replace(old, new)
        report(fitted and text.startswith(fitted) and len(text) > len(fitted),
               "%s/%s is the output of `%s` with its edits, then a part written by hand"
               % (lesson, scen, m.group(1)))
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
