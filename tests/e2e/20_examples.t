#!/usr/bin/env bash
# The example scenarios of scripts/ are course material: each must run and
# check as shipped, and the result it teaches must hold. Each headline number
# is compared with its exact probability (tests/e2e/exact_journey.py, from the
# model rules, no simulation) within 5 standard deviations of the binomial
# count; each claimed gain must have a 95% interval above 0. A change to the
# engine or to a script that breaks a lesson fails here.
source "$(dirname "$0")/lib.sh"

EX=$(cd "$TESTS_DIR/../scripts" && pwd)
cd "$WORK" || exit 1

# stat_checks SUMMARY PYTHON: runs PYTHON with the summary bound to d, the
# helpers below and Journey (exact_journey.py); every within() or claim() is
# one test.
stat_checks() {
    local lines pass what
    lines=$(python3 - "$1" "$2" "$TESTS_DIR/e2e" <<'PY'
import json, math, sys
sys.path.insert(0, sys.argv[3])
from exact_journey import Journey
d = json.load(open(sys.argv[1]))

def variant(name):
    return next(v for v in d["variants"] if v["name"] == name)

def within(count, n, p, what):
    """count of n customers against probability p: |z| < 5."""
    sd = math.sqrt(n * p * (1 - p))
    z = (count - n * p) / sd if sd > 0 else (0.0 if count == n * p else math.inf)
    print("%d\t%s: %d of %d, exact %.1f (z = %.2f)" % (abs(z) < 5, what, count, n, n * p, z))

def claim(cond, what):
    print("%d\t%s" % (bool(cond), what))

def gain(v, metric, what, persona=None):
    """the variant's uplift of metric has a 95% interval above 0."""
    u = (v["personas"][persona] if persona else v)["uplift"][metric]
    claim(u["ci95"][0] > 0, "%s: %+.4f [%+.4f; %+.4f]" % (what, u["diff"], *u["ci95"]))

try:
    exec(sys.argv[2])
except Exception as e:
    print("0\tpython error: %s: %s" % (type(e).__name__, e))
PY
)
    while IFS=$'\t' read -r pass what; do
        ok $((1 - pass)) "$what"
    done <<<"$lines"
}

# --- every example runs and checks as shipped --------------------------------
for f in "$EX"/*.lua; do
    name=$(basename "$f" .lua)
    run_cjmsim check "$f"
    is "$RC" 0 "$name: cjmsim check exits 0"
    like "$OUT" "a valid scenario" "$name: check calls it valid"
    run_cjmsim run "$f" --out "$WORK/shipped_$name" --quiet
    is "$RC" 0 "$name: cjmsim run exits 0 with the scenario's own settings"
    is "$ERR" "" "$name: runs without a message"
    head=$(head -n 12 "$f")
    like "$head" "The question this scenario answers" "$name: begins with the question it answers"
done

# --- lesson 1: 25% reach the cart, 50% of them order: 12.5% ------------------
run_cjmsim run "$EX/lesson1_funnel.lua" --customers 400000 --out "$WORK/l1" --quiet
is "$RC" 0 "lesson1: runs with 400,000 visitors"
stat_checks "$WORK/l1/summary.json" '
j = Journey("product_page", 30)
for s in ("product_page", "cart", "left"): j.stage(s)
j.stage("order", purchase=True)
j.edge("product_page", "cart", 0.10); j.edge("product_page", "left", 0.30)
j.edge("cart", "order", 0.20); j.edge("cart", "left", 0.20)
b = variant("baseline"); n = b["customers"]
within(b["reached"]["cart"], n, j.reached("cart"), "lesson1: visitors who reach the cart (25%)")
within(b["reached"]["order"], n, j.reached("order"), "lesson1: visitors who order (12.5%)")
claim(abs(j.reached("order") - 0.125) < 0.001, "lesson1: the lesson'"'"'s 12.5% is the exact share after 30 days")
'

# --- lesson 2: each persona orders with its own conversion --------------------
run_cjmsim run "$EX/lesson2_personas.lua" --customers 300000 --out "$WORK/l2" --quiet
is "$RC" 0 "lesson2: runs with 300,000 visitors"
stat_checks "$WORK/l2/summary.json" '
cart = {"beginner": 0.05, "athlete": 0.15, "coach": 0.10}
order = {"beginner": 0.10, "athlete": 0.30, "coach": 0.20}
b = variant("baseline")
shares = {}
for p in ("beginner", "athlete", "coach"):
    j = Journey("product_page", 30)
    for s in ("product_page", "cart", "left"): j.stage(s)
    j.stage("order", purchase=True)
    j.edge("product_page", "cart", cart[p]); j.edge("product_page", "left", 0.20)
    j.edge("cart", "order", order[p]); j.edge("cart", "left", 0.10)
    g = b["personas"][p]
    shares[p] = j.reached("order")
    within(g["reached"]["order"], g["customers"], shares[p], "lesson2: %s orders" % p)
total = 0.5 * shares["beginner"] + 0.35 * shares["athlete"] + 0.15 * shares["coach"]
within(b["buyers"], b["customers"], total, "lesson2: everyone orders (about 20%)")
claim(0.24 < 0.5 * shares["beginner"] / total < 0.27, "lesson2: beginners, half of the visitors, bring a quarter of the orders")
'

# --- lesson 3: calmer customers buy again more often ---------------------------
run_cjmsim run "$EX/lesson3_emotions.lua" --customers 200000 --out "$WORK/l3" --quiet
is "$RC" 0 "lesson3: runs with 200,000 visitors"
stat_checks "$WORK/l3/summary.json" '
def lesson3(order_emotion):
    j = Journey("product_page", 180, days_cap=3)
    j.stage("product_page"); j.stage("left"); j.stage("gone")
    j.stage("order", emotion=order_emotion, purchase=True); j.stage("usage", emotion=1)
    j.edge("product_page", "order", 0.05); j.edge("product_page", "left", 0.15)
    j.edge("order", "usage", lambda c: 1 if c.days_in_stage >= 3 else 0)
    j.edge("usage", "order", lambda c: 0.012 + 0.004 * c.mood)
    j.edge("usage", "gone", lambda c: 0.020 - 0.004 * c.mood)
    return j
for name, emotion in (("baseline", -2), ("order_status", -1)):
    v = variant(name); j = lesson3(emotion)
    within(v["buyers"], v["customers"], j.buyers(), "lesson3: %s: buyers" % name)
    within(v["repeat_buyers"], v["customers"], j.repeat(), "lesson3: %s: repeat buyers" % name)
v = variant("order_status")
gain(v, "repeat_buyers", "lesson3: the messages bring more repeat buyers")
claim(v["uplift"]["buyers"]["diff"] == 0, "lesson3: and not one more first purchase (they act after it)")
ratio = lesson3(-1).repeat() / lesson3(-2).repeat()
claim(1.35 < ratio < 1.55, "lesson3: about half as many repeat buyers again (exact ratio %.2f)" % ratio)
'

# --- the ad funnel: 5% -> 7.5% clicks, 1.5 times every later stage ------------
run_cjmsim run "$EX/ad_funnel.lua" --customers 1000000 --out "$WORK/ad" --quiet
is "$RC" 0 "ad_funnel: runs with 1,000,000 viewers"
stat_checks "$WORK/ad/summary.json" '
def funnel(click, ignore, request, leave):
    j = Journey("ad", 60)
    for s in ("ad", "site", "request", "scrolled_past", "left_site", "no_deal"): j.stage(s)
    j.stage("deal", purchase=True)
    j.edge("ad", "site", click); j.edge("ad", "scrolled_past", ignore)
    j.edge("site", "request", request); j.edge("site", "left_site", leave)
    j.edge("request", "deal", 0.15); j.edge("request", "no_deal", 0.35)
    return j
cases = {"baseline": funnel(0.01, 0.19, 0.10, 0.40),
         "better_offer": funnel(0.015, 0.185, 0.10, 0.40),
         "better_landing": funnel(0.01, 0.19, 0.125, 0.375),
         "better_offer+better_landing": funnel(0.015, 0.185, 0.125, 0.375)}
for name, j in cases.items():
    v = variant(name)
    for s in ("site", "request", "deal"):
        within(v["reached"][s], v["customers"], j.reached(s), "ad_funnel: %s: %s" % (name, s))
base, offer = cases["baseline"], cases["better_offer"]
claim(abs(base.reached("site") - 0.05) < 1e-4 and abs(offer.reached("site") - 0.075) < 1e-4,
      "ad_funnel: the clicks are 5%% and 7.5%% (exact %.4f, %.4f)" % (base.reached("site"), offer.reached("site")))
for s in ("request", "deal"):
    r = offer.reached(s) / base.reached(s)
    claim(abs(r - 1.5) < 0.01, "ad_funnel: the better offer gives 1.5 times the %ss (exact %.3f)" % (s, r))
gain(variant("better_offer"), "buyers", "ad_funnel: the better offer brings more deals")
gain(variant("better_offer"), "profit", "ad_funnel: and more profit than it costs")
'

# --- B2B: each channel reaches its customer group; three improvements ---------
run_cjmsim run "$EX/b2b_services.lua" --customers 200000 --out "$WORK/b2b" --quiet
is "$RC" 0 "b2b_services: runs with 200,000 companies"
stat_checks "$WORK/b2b/summary.json" '
channels = {"search_ads": {"smb_owner": 0.010, "it_manager": 0.004, "procurement": 0.002},
            "telegram":   {"smb_owner": 0.008, "it_manager": 0.004, "procurement": 0},
            "webinar":    {"smb_owner": 0.001, "it_manager": 0.008, "procurement": 0},
            "tender":     {"smb_owner": 0,     "it_manager": 0,     "procurement": 0.012}}
to_request = {"search_ads": (0.04, 0.16), "telegram": (0.05, 0.10),
              "webinar": (0.08, 0.12), "tender": (0.30, 0.20)}
contract = {"smb_owner": 0.04, "it_manager": 0.03, "procurement": 0.02}
b = variant("baseline")
for p in ("smb_owner", "it_manager", "procurement"):
    j = Journey("need", 365)
    for s in ("need", "request", "proposal", "lost", *channels): j.stage(s)
    j.stage("contract", purchase=True)
    for ch in channels:
        j.edge("need", ch, channels[ch][p])
    j.edge("need", "lost", 0.030)
    for ch, (yes, no) in to_request.items():
        j.edge(ch, "request", yes); j.edge(ch, "lost", no)
    j.edge("request", "proposal", 0.5); j.edge("request", "lost", 0.1)
    j.edge("proposal", "contract", contract[p]); j.edge("proposal", "lost", 0.04)
    g = b["personas"][p]
    for s in ("search_ads", "telegram", "webinar", "tender", "request", "contract"):
        if j.reached(s) > 0:
            within(g["reached"][s], g["customers"], j.reached(s), "b2b: %s reaches %s" % (p, s))
        else:
            claim(g["reached"][s] == 0, "b2b: no %s reaches %s" % (p, s))
gain(variant("case_studies"), "buyers", "b2b: case studies bring more contracts")
claim(variant("case_studies")["personas"]["procurement"]["uplift"]["buyers"]["diff"] == 0,
      "b2b: but none from procurement, who read no channel")
gain(variant("fast_answer"), "buyers", "b2b: a fast answer brings more contracts")
am = variant("account_manager")
claim(am["uplift"]["buyers"]["diff"] == 0, "b2b: the account manager brings no new client")
gain(am, "repeat_buyers", "b2b: but more renewals", "it_manager")
claim(am["personas"]["smb_owner"]["uplift"]["repeat_buyers"]["diff"] == 0,
      "b2b: and nothing for small-business owners, who do not get one")
'

# --- the sports-nutrition shop: both fixes bring repeat purchases --------------
run_cjmsim run "$EX/sport_nutrition.lua" --out "$WORK/sn" --quiet
is "$RC" 0 "sport_nutrition: runs with its 100,000 customers"
stat_checks "$WORK/sn/summary.json" '
consider = {"beginner": 0.030, "athlete": 0.040, "coach": 0.050}
buy = {"beginner": 0.05, "athlete": 0.08, "coach": 0.07}
b = variant("baseline")
for p in consider:
    j = Journey("awareness", 180)
    for s in ("awareness", "consideration", "lost"): j.stage(s)
    j.stage("purchase", purchase=True)
    j.edge("awareness", "consideration", consider[p]); j.edge("awareness", "lost", 0.05)
    j.edge("consideration", "purchase", buy[p]); j.edge("consideration", "lost", 0.06)
    g = b["personas"][p]
    within(g["buyers"], g["customers"], j.reached("purchase"), "sport_nutrition: %s buys once" % p)
names = ["order_notifications", "expert_consultation", "order_notifications+expert_consultation"]
for name in names:
    v = variant(name)
    claim(v["uplift"]["buyers"]["diff"] == 0, "sport_nutrition: %s changes no first purchase" % name)
    gain(v, "repeat_buyers", "sport_nutrition: %s brings repeat buyers" % name)
both = variant(names[2])["uplift"]["repeat_buyers"]["ci95"][0]
claim(all(both > variant(n)["uplift"]["repeat_buyers"]["ci95"][1] for n in names[:2]),
      "sport_nutrition: both fixes together bring more than either alone")
claim(variant("expert_consultation")["personas"]["athlete"]["uplift"]["repeat_buyers"]["diff"] == 0,
      "sport_nutrition: the consultation, offered to beginners and coaches, changes nothing for athletes")
gain(variant("expert_consultation"), "repeat_buyers", "sport_nutrition: it helps the beginners, for whom it is meant", "beginner")
'

# The summary's headline: repeat buyers where customers can buy again, buyers
# in a funnel where nobody buys twice (the advertising funnel). summary.json,
# the console, the report and the uplift plot say the same verdict on the
# same metric.
one_verdict() { # one_verdict DIR VARIANT METRIC SCENARIO
    local dir=$1 v=$2 metric=$3 name=$4 effect words_ uplift
    is "$(json "$dir/summary.json" 'd["method"] + " " + d["headline"] + " " + d["variants"][1]["verdict"]["metric"]')" \
        "monte_carlo $metric $metric" "$name: summary.json: monte_carlo, headline and verdict on $metric"
    effect=$(json "$dir/summary.json" '[v for v in d["variants"] if v["name"] == "'"$v"'"][0]["verdict"]["effect"]')
    case $effect in
    gain) words_="predicted gain" ;;
    loss) words_="predicted loss" ;;
    *) words_="unclear at this number of customers" ;;
    esac
    uplift=$(json "$dir/summary.json" '"%+.2f" % (100 * [v for v in d["variants"] if v["name"] == "'"$v"'"][0]["uplift"]["'"$metric"'"]["diff"])')
    like "$(grep "^  $v: " <<<"$OUT")" "^  $v: the model predicts \\$uplift points of ${metric/_/ } .*: $words_" \
        "$name: the console says $uplift points of ${metric/_/ }: $words_"
    ok "$(grep -q "the model predicts [^<]* points of ${metric/_/ }, simulation precision [^<]*: <span class=\"verdict $effect\">$words_</span>" "$dir/report.html"; echo $?)" \
        "$name: the report says the same"
    is "$(awk 'NR > 4 { print $6, $7, $8, $9, $10 }' "$dir/plots/uplift.dat" | sort -u | grep -c "\"$words_\"")" "1" \
        "$name: and so does the uplift plot's label"
    ok "$(grep -q "^metric = '${metric/_/ }'" "$dir/plots/uplift.gp"; echo $?)" "$name: whose axis names ${metric/_/ }"
}
run_cjmsim run "$EX/ad_funnel.lua" --customers 200000 --out "$WORK/ad-summary"
one_verdict "$WORK/ad-summary" better_offer buyers ad_funnel
run_cjmsim run "$EX/sport_nutrition.lua" --customers 20000 --days 120 --out "$WORK/sn-summary"
one_verdict "$WORK/sn-summary" order_notifications repeat_buyers sport_nutrition

done_testing
