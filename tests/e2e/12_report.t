#!/usr/bin/env bash
# report.html, the journey map a person opens: one self-contained file (no
# script, nothing fetched), its content checked against summary.json, every
# text of the scenario escaped; then opened in headless Chromium with no
# network: rendered to PNG without a console error, its DOM read back, and
# printed to PDF.
source "$(dirname "$0")/lib.sh"

CHECK="$TESTS_DIR/e2e/check_image.py"
EXAMPLE="$TESTS_DIR/../scripts/sport_nutrition.lua"
cd "$WORK" || exit 1

run_cjmsim run "$EXAMPLE" --customers 6000 --days 120 --out "$WORK/sn" --quiet
is "$RC" 0 "the example runs"
R="$WORK/sn/report.html"
ok "$([ -s "$R" ]; echo $?)" "report.html is written"
is "$(json "$WORK/sn/manifest.json" '"report.html" in d["files"]')" "True" "manifest.json lists it"

# page PYTHON-CODE HTML-FILE SUMMARY-JSON: runs checks on the parsed page;
# `page` holds the tags (name, attributes, text inside) in document order,
# `text` all text, `d` the summary. Prints what the code prints.
page() {
    python3 -c '
import html.parser, json, sys
class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.stack, self.texts = [], [], []
    def handle_starttag(self, tag, attrs):
        node = [tag, dict(attrs), ""]
        self.tags.append(node)
        if tag not in ("br", "img", "meta", "circle", "line", "polyline", "col", "i"):
            self.stack.append(node)
    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break
    def handle_data(self, data):
        self.texts.append(data)
        for node in self.stack:
            node[2] += data
p = Page()
p.feed(open(sys.argv[2], encoding="utf-8").read())
page, text = p.tags, "".join(p.texts)
d = json.load(open(sys.argv[3])) if len(sys.argv) > 3 else None
def cls(node, name):
    return name in node[1].get("class", "").split()
try:
    exec(sys.argv[1])
except Exception as e:
    print("python error: %s: %s" % (type(e).__name__, e))' "$@"
}

# --- one self-contained file -------------------------------------------------------------
is "$(page 'print(sum(1 for t in page if t[0] in ("script", "iframe", "object", "embed", "link")))' "$R")" 0 \
    "no script, frame or linked file"
is "$(page '
refs = [v for t in page for k, v in t[1].items() if k in ("src", "href", "srcset", "action")]
print([r[:30] for r in refs if not r.startswith("data:image/svg+xml;base64,") and not r.startswith("#")])' "$R")" "[]" \
    "nothing to fetch: every picture is a data: URI"
is "$(grep -Eic 'https?://|url\(|@import' "$R")" 0 "no address and no CSS url() anywhere"
is "$(page '
import base64, os
imgs = [base64.b64decode(t[1]["src"].split(",", 1)[1]) for t in page if t[0] == "img"]
plots = os.path.join(os.path.dirname(sys.argv[2]), "plots")
files = [open(os.path.join(plots, n + ".svg"), "rb").read()
         for n in ("funnel", "buyers_by_day", "uplift", "emotions", "personas")]
print(len(imgs), imgs == files)' "$R")" \
    "5 True" "the five charts are embedded: each the bytes of its plots/NAME.svg, in order"
ok "$(grep -q '@media print' "$R"; echo $?)" "it has print styles"

# --- the journey map ---------------------------------------------------------------------
is "$(page 'print([t[2] for t in page if t[0] == "span" and cls(t, "name")] == d["stages"])' "$R" "$WORK/sn/summary.json")" \
    "True" "the stages run across, in the scenario's order"
is "$(page 'print([t[2] for t in page if t[0] == "th" and cls(t, "row") and t[2] in ("Touchpoints", "Actions", "Thoughts", "Pain points", "Opportunities")])' "$R")" \
    "['Touchpoints', 'Actions', 'Thoughts', 'Pain points', 'Opportunities']" \
    "rows for touchpoints, actions, thoughts, pain points and opportunities, in that order"
is "$(page 'print([t[2][:13] for t in page if t[0] == "th" and cls(t, "row") and t[2][:8] in ("Feelings", "Emotion ")])' "$R")" \
    "['Feelingsand t', 'Emotion curve']" "a feelings row and the simulated emotion curve"
is "$(page '
curve = [t for t in page if t[0] == "tr" and cls(t, "curve")][0]
i = page.index(curve)
lines = [t for t in page[i:] if t[0] == "polyline"]
print(len(lines) >= len(d["variants"]))' "$R" "$WORK/sn/summary.json")" "True" \
    "the curve has a line for the baseline and each variant"
for t in "Telegram channel" "Compares products, reads labels and reviews" "When will it arrive? Did I choose right?" \
    "No news about the order between payment and the courier&#39;s call" "A quiz that picks a product for your goal"; do
    ok "$(grep -qF "$t" "$R"; echo $?)" "the map shows: $t"
done
is "$(page '
got = {}
for r in [t for t in page if t[0] == "tr" and cls(t, "numbers")]:
    i = page.index(r)
    th, small = page[i + 1], page[i + 2]
    name = th[2][:len(th[2]) - len(small[2])]
    cells = []
    for j in range(i + 1, len(page)):
        t = page[j]
        if t[0] == "tr":
            break
        if t[0] == "div" and cls(t, "num"):
            cells.append(t[2][:len(t[2]) - len(page[j + 1][2])])
    got[name] = cells
base = d["variants"][0]
want = {p: base["personas"][p]["reached"] for p in d["personas"]}
want["all customers"] = base["reached"]
print([p for p in want if got.get(p) != [format(want[p][s], ",") for s in d["stages"]]])' "$R" "$WORK/sn/summary.json")" "[]" \
    "under the map: customers who reached each stage, per persona and for everyone, as in summary.json"
ok "$(grep -q '% of consideration</div>' "$R"; echo $?)" "and the conversion from the previous stage"

# --- personas, variants and the plain sentences -------------------------------------------
is "$(page 'print([t[2] for t in page if t[0] == "h3" and page[page.index(t) - 1][0] == "article"][:3] == d["personas"])' "$R" "$WORK/sn/summary.json")" \
    "True" "a card per persona"
is "$(page 'print(sorted(set(t[2] for t in page if t[0] == "dt")) )' "$R")" \
    "['Attributes', 'Changes', 'Channel', 'Cost', 'For', 'Goals', 'Needs', 'Pains', 'What', 'When', 'Where', 'Who', 'Why']" \
    "cards show needs, pains, goals and the 5W"
is "$(page '
names = [v["name"] for v in d["variants"]]
heads = [t for t in page if t[0] == "th" and t[2] in names]
print([t[2] for t in heads[:len(names)]] == names)' "$R" "$WORK/sn/summary.json")" "True" "the variants side by side"
is "$(page '
bad = []
effect = {"gain": "predicted gain", "loss": "predicted loss", "unclear": "unclear at this number of customers"}
pays = {True: "pays back", False: "does not pay back", None: "pays back or not: unclear at this number of customers"}
for v in d["variants"][1:]:
    m = v["verdict"]["metric"]
    u = v["uplift"][m]
    lo, hi = u["ci95"]
    n = 1 if abs(100 * u["diff"]) >= 1 and 100 * (hi - lo) >= 0.4 else 2
    words = v["name"].replace("_", " ").replace("+", " + ")
    s = "%s: the model predicts %+.*f points of %s, simulation precision [%.*f; %.*f]: %s; %s" % (
        words, n, 100 * u["diff"], m.replace("_", " "), n, 100 * lo, n, 100 * hi,
        effect[v["verdict"]["effect"]], pays[v["verdict"]["pays_back"]])
    if v["roi"] is not None:
        s += ": ROI %+.0f%% [%+.0f%%; %+.0f%%]" % (100 * v["roi"], 100 * v["roi_ci95"][0], 100 * v["roi_ci95"][1])
    if s not in text:
        bad.append(s)
print(bad)' "$R" "$WORK/sn/summary.json")" "[]" \
    "a plain sentence per variant, with summary.json's uplift, interval, verdict and ROI"

is "$(page '
table = next(i for i, t in enumerate(page) if t[0] == "table" and cls(t, "funnels"))
cells = [t[2] for t in page[table:] if t[0] == "td"]
bad = []
n = d["customers"]
base = d["variants"][0]
for s in d["stages"]:
    want = [s, "%.2f%%" % (100 * base["reached"][s] / n)]
    for v in d["variants"][1:]:
        c = "%.2f%%" % (100 * v["reached"][s] / n)
        if base["reached"][s]:
            c += " \u00d7%.2f" % (v["reached"][s] / base["reached"][s])
        want.append(c)
    i = cells.index(s)
    if cells[i:i + len(want)] != want:
        bad.append((cells[i:i + len(want)], want))
print(bad)' "$R" "$WORK/sn/summary.json")" "[]" "the funnel of every variant, with its ratio to the baseline's"

# --- hostile texts stay text -------------------------------------------------------------
run_cjmsim run "$SCENARIOS/hostile.lua" --out "$WORK/h" --quiet
H="$WORK/h/report.html"
is "$RC" 0 "the hostile scenario runs"
is "$(grep -ic '<script\|<img src=x\|<h1>broken\|<b>RUB\|<!-- comment' "$H")" 0 "none of its markup reaches the page"
is "$(page '
want = ["a\" ; system(\"touch x\") ; \"", "<buy> & '"'"'pay'"'"'", "</td></tr></table><h1>broken</h1>",
        "<script>alert(\"who\")</script>", "Does <img src=x onerror=alert(2)> work?", "&amp; stays literal",
        "<script>alert(1)</script> & '"'"'q'"'"' \"d\" `touch k` @m \\"]
print([w for w in want if w not in text])' "$H")" "[]" "its names and texts read as the scenario wrote them"
is "$(page 'print(len([t for t in page if t[0] == "table" and cls(t, "map")]), len([t for t in page if t[0] == "h1"]))' "$H")" \
    "1 1" "the page keeps its structure: one map, one title"

# --- in a browser -----------------------------------------------------------------------------
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
    skip 11 "chromium is not installed (Debian: chromium; CI installs it)"
    done_testing
    exit $?
fi
# browser NAME ARGS...: headless Chromium with no network (every host
# unresolvable, every connection sent to a closed port) and a fresh profile;
# its log goes to $WORK/NAME.log.
browser() {
    local name=$1
    shift
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync --disable-default-apps \
        --disable-extensions --proxy-server=127.0.0.1:9 --host-resolver-rules='MAP * ~NOTFOUND' \
        --user-data-dir="$WORK/profile-$name" --enable-logging=stderr --v=0 "$@" 2>"$WORK/$name.log"
}
console() { grep -E ':CONSOLE|Uncaught' "$WORK/$1.log"; }

# The console check itself: a page with an error must be caught.
printf '<!DOCTYPE html><p>x</p><script>console.error("boom"); missing();</script>\n' >"$WORK/bad.html"
browser bad --dump-dom "file://$WORK/bad.html" >/dev/null
like "$(console bad)" 'boom' "the console check catches a page's errors (control)"

browser shot --hide-scrollbars --window-size=1280,1800 --screenshot="$WORK/report.png" "file://$R" >/dev/null
is "$?" 0 "Chromium renders the report"
is "$(console shot)" "" "without a console message or error"
shot=$(python3 "$CHECK" --ink --colour 0072B2 "$WORK/report.png")
like "$shot" '^report\.png png 1280x1800 ink' "the screenshot is a valid 1280x1800 PNG"
is "$(echo "$shot" | awk '{ print ($5 > 5 && $7 > 0.3) }')" 1 \
    "it is not blank, and the stage headers are drawn in the page's blue ($shot)"

# The charts as a reader sees them: the report in a frame of a probe page,
# which writes each chart's drawn size; an SVG of gnuplot has no size of its
# own, only a viewBox, and would shrink to a thumbnail without the page's CSS.
cat >"$WORK/probe.html" <<EOF
<!DOCTYPE html><html><body><iframe id="f" src="file://$R" style="width:1280px;height:900px"></iframe>
<script>
document.getElementById("f").onload = function () {
  var out = [];
  this.contentDocument.querySelectorAll("figure img").forEach(function (img) {
    var r = img.getBoundingClientRect();
    out.push(r.width.toFixed(1) + " " + r.height.toFixed(1));
  });
  var p = document.createElement("pre");
  p.id = "sizes";
  p.textContent = out.join(",");
  document.body.appendChild(p);
};
</script></body></html>
EOF
browser probe --allow-file-access-from-files --virtual-time-budget=5000 --dump-dom "file://$WORK/probe.html" >"$WORK/probe.dom"
is "$(py '
import re, os
sizes = re.search(r"<pre id=\"sizes\">([^<]*)", open(sys.argv[1]).read()).group(1).split(",")
plots = os.path.join(os.path.dirname(sys.argv[2]), "plots")
bad = []
for name, size in zip(("funnel", "buyers_by_day", "uplift", "emotions", "personas"), sizes):
    w, h = map(float, size.split())
    box = re.search(r"viewBox=\"0 0 ([\d.]+) ([\d.]+)\"", open(os.path.join(plots, name + ".svg")).read())
    ratio = float(box.group(2)) / float(box.group(1))
    if w < 1000 or abs(h / w - ratio) > 0.02 * ratio:
        bad.append((name, w, h, ratio))
print(len(sizes), bad)' "$WORK/probe.dom" "$R")" "5 []" \
    "in a 1280-pixel window each chart is drawn over 1000 pixels wide, in its SVG's proportions"

browser dom --dump-dom "file://$H" >"$WORK/hostile.dom"
is "$(console dom)" "" "the hostile report opens without a console message"
is "$(page 'print(sum(1 for t in page if t[0] == "script"), "a\" ; system(\"touch x\") ; \"" in text, "<buy> & '"'"'pay'"'"'" in text)' "$WORK/hostile.dom")" \
    "0 True True" "in the browser's DOM: no script, the hostile names as text"

browser pdf --print-to-pdf="$WORK/report.pdf" --no-pdf-header-footer "file://$R" >/dev/null
is "$?:$(head -c 5 "$WORK/report.pdf")" "0:%PDF-" "the report prints to PDF"
is "$(grep -a -cE '/Type ?/Page([^s]|$)' "$WORK/report.pdf" | awk '{ print ($1 >= 2) }')" 1 "on several pages"
is "$(console pdf)" "" "printing logs no console message"

done_testing
