/*
 * test_exact — the engine's Monte Carlo counts against exact probabilities.
 *
 * Each scenario tests/scenarios/exact_*.lua is restated here in C, and the
 * distribution of one customer's state (stage, mood, purchases as functions
 * see them, days in stage, the set of stages ever entered, with the first two
 * moments of purchases and revenue carried along) is propagated day by day
 * following the model semantics of DESIGN.md, independently of compile.c and
 * sim.c. Every figure the engine reports for a variant and a persona (the
 * funnel, buyers, repeat buyers, purchases, revenue, the day-by-day curves,
 * the paired uplifts) must lie within 5 standard errors of its exact value.
 *
 * The power tests check, on the exact values alone, that a broken engine
 * could not pass: leaving out an intervention, ignoring persona limits,
 * clamping mood wrongly, capping c.purchases elsewhere or miscounting
 * days in stage all move some expected count by 10 standard errors or more.
 */
#include "testutil.h"

#include "exact.h"

#include <limits.h>
#include <math.h>
#include <stdbool.h>

enum {
    X_MAX_PERSONAS = 4,
    X_MAX_STAGES = 8, /* the set of stages entered is 8 bits of a state key */
    X_MAX_EDGES = 12,
    X_MAX_IVS = 4,
    X_MAX_CHANGES = 4,
    X_MAX_DAYS = 64,
    X_MAX_VARIANTS = X_MAX_IVS + 2,
    X_MAX_GROUPS = X_MAX_PERSONAS + 1,
    X_NOWHERE = -1,
    /* Quantities per customer: reached per stage, buyers, repeat buyers,
     * purchases, revenue, then buyers and repeat buyers by the end of each day. */
    X_MAX_Q = X_MAX_STAGES + 4 + 2 * (X_MAX_DAYS + 1),
    ENGINE_THREADS = 2,
};

/* Bound on |z| for a count against its exact expectation. */
static const double Z_BOUND = 5.0;
/* A change to the model must move some count by this many standard errors
 * for the comparison above to catch it whatever the noise. */
static const double POWER_BOUND = 10.0;

/* ------------------------------------------------------------------------
 * The scenarios restated in C.
 */

typedef struct x_model x_model;

/* What a probability function sees: the customer c of the scenario file. */
typedef struct {
    const x_model *model;
    int persona;
    int mood;
    int purchases; /* capped as functions see them */
    int days_in_stage;
} x_view;

typedef double (*x_prob)(const x_view *c);

typedef struct {
    const char *name;
    double share;
    int mood;
    bool has_team_size;
    double team_size;
} x_persona;

typedef struct {
    const char *name;
    bool entry, purchase;
    int emotion;
    double value[X_MAX_PERSONAS];
} x_stage;

typedef struct {
    int from, to;
    x_prob prob; /* NULL for an edge that only an intervention's set adds */
} x_edge;

typedef struct {
    int edge;
    x_prob set;   /* replaces the probability, or NULL ... */
    double scale; /* ... to multiply it by this */
} x_change;

typedef struct {
    const char *name;
    unsigned personas; /* bit per persona it applies to */
    int at;            /* X_NOWHERE or the stage whose entry changes mood */
    int mood;
    int n_changes;
    x_change changes[X_MAX_CHANGES];
} x_intervention;

struct x_model {
    const char *file;
    int days;
    int64_t customers;
    uint64_t seed;
    int n_personas, n_stages, n_edges, n_ivs;
    x_persona personas[X_MAX_PERSONAS];
    x_stage stages[X_MAX_STAGES];
    x_edge edges[X_MAX_EDGES];
    x_intervention ivs[X_MAX_IVS];
};

/* c.team_size; the scenario errors if a persona without it asks. */
static double x_team_size(const x_view *c)
{
    const x_persona *p = &c->model->personas[c->persona];
    assert_true(p->has_team_size);
    return p->team_size;
}

/* `c.team_size or 0`: another persona's attribute is nil. */
static double x_team_size_or_zero(const x_view *c)
{
    const x_persona *p = &c->model->personas[c->persona];
    return p->has_team_size ? p->team_size : 0.0;
}

/* --- exact_mood.lua ----------------------------------------------------- */

enum { A_CALM, A_EDGY };
enum { A_VISIT, A_CART, A_PURCHASE, A_HAPPY, A_LOST };
enum {
    A_VISIT_CART,
    A_VISIT_LOST,
    A_CART_PURCHASE,
    A_CART_LOST,
    A_PURCHASE_HAPPY,
    A_HAPPY_PURCHASE,
    A_HAPPY_LOST
};

static double a_visit_cart(const x_view *c)
{
    return 0.10 + 0.01 * c->mood;
}
static double a_visit_lost(const x_view *c)
{
    (void)c;
    return 0.02;
}
static double a_cart_purchase(const x_view *c)
{
    return 0.15 + 0.02 * c->mood;
}
static double a_cart_lost(const x_view *c)
{
    (void)c;
    return 0.05;
}
static double a_purchase_happy(const x_view *c)
{
    (void)c;
    return 0.5;
}
static double a_happy_purchase(const x_view *c)
{
    return 0.10 + 0.02 * c->mood;
}
static double a_happy_lost(const x_view *c)
{
    return 0.03 - 0.004 * c->mood;
}

static const x_model MODEL_MOOD = {
    .file = "exact_mood.lua",
    .days = 30,
    .customers = 150000,
    .seed = 11,
    .n_personas = 2,
    .personas = {{"calm", 0.6, 0, false, 0}, {"edgy", 0.4, -2, false, 0}},
    .n_stages = 5,
    .stages = {{.name = "visit", .entry = true},
               {.name = "cart", .emotion = -2},
               {.name = "purchase", .purchase = true, .emotion = -1, .value = {25, 25}},
               {.name = "happy", .emotion = 2},
               {.name = "lost"}},
    .n_edges = 7,
    .edges = {{A_VISIT, A_CART, a_visit_cart},
              {A_VISIT, A_LOST, a_visit_lost},
              {A_CART, A_PURCHASE, a_cart_purchase},
              {A_CART, A_LOST, a_cart_lost},
              {A_PURCHASE, A_HAPPY, a_purchase_happy},
              {A_HAPPY, A_PURCHASE, a_happy_purchase},
              {A_HAPPY, A_LOST, a_happy_lost}},
    .n_ivs = 2,
    .ivs = {{.name = "reassure", .personas = 3u, .at = A_PURCHASE, .mood = 3},
            {.name = "nudge",
             .personas = 1u << A_EDGY,
             .at = X_NOWHERE,
             .n_changes = 1,
             .changes = {{A_CART_PURCHASE, NULL, 1.5}}}},
};

/* --- exact_purchases.lua ------------------------------------------------ */

enum { B_SOLO, B_COACH, B_CLUB };
enum { B_BROWSE, B_BUY, B_USE, B_DORMANT };
enum {
    B_BROWSE_BUY,
    B_BROWSE_DORMANT,
    B_BUY_USE,
    B_USE_BUY,
    B_USE_DORMANT,
    B_DORMANT_BROWSE /* added by winback's set */
};

static double b_browse_buy(const x_view *c)
{
    static const double p[] = {0.05, 0.08, 0.12};
    return p[c->persona];
}
static double b_browse_dormant(const x_view *c)
{
    (void)c;
    return 0.02;
}
static double b_buy_use(const x_view *c)
{
    (void)c;
    return 0.8;
}
static double b_use_buy(const x_view *c)
{
    return 0.02 + 0.05 * c->purchases + 0.002 * x_team_size(c);
}
static double b_use_dormant(const x_view *c)
{
    return 0.06 / c->purchases;
}
static double b_loyalty_use_buy(const x_view *c)
{
    return 0.08 + 0.004 * x_team_size(c) * c->purchases;
}
static double b_winback(const x_view *c)
{
    static const double p[] = {0.05, 0.10, 0.15};
    return p[c->persona];
}

static const x_model MODEL_PURCHASES = {
    .file = "exact_purchases.lua",
    .days = 40,
    .customers = 120001,
    .seed = 22,
    .n_personas = 3,
    .personas = {{"solo", 0.55, 0, true, 1},
                 {"coach", 0.30, 0, true, 8},
                 {"club", 0.15, 0, true, 20}},
    .n_stages = 4,
    .stages = {{.name = "browse", .entry = true},
               {.name = "buy", .purchase = true, .value = {10, 30, 80}},
               {.name = "use"},
               {.name = "dormant"}},
    .n_edges = 6,
    .edges = {{B_BROWSE, B_BUY, b_browse_buy},
              {B_BROWSE, B_DORMANT, b_browse_dormant},
              {B_BUY, B_USE, b_buy_use},
              {B_USE, B_BUY, b_use_buy},
              {B_USE, B_DORMANT, b_use_dormant},
              {B_DORMANT, B_BROWSE, NULL}},
    .n_ivs = 2,
    .ivs = {{.name = "loyalty",
             .personas = 1u << B_COACH | 1u << B_CLUB,
             .at = X_NOWHERE,
             .n_changes = 1,
             .changes = {{B_USE_BUY, b_loyalty_use_buy, 0}}},
            {.name = "winback",
             .personas = 7u,
             .at = X_NOWHERE,
             .n_changes = 1,
             .changes = {{B_DORMANT_BROWSE, b_winback, 0}}}},
};

/* --- exact_days.lua ----------------------------------------------------- */

enum { C_REGULAR, C_FAN };
enum { C_ORDER, C_SHIPPING, C_HOME, C_LOST };
enum { C_ORDER_SHIPPING, C_SHIPPING_LOST, C_SHIPPING_HOME, C_HOME_ORDER, C_HOME_LOST };

static double c_order_shipping(const x_view *c)
{
    (void)c;
    return 1.0;
}
static double c_shipping_lost(const x_view *c)
{
    return c->days_in_stage == 1 ? 0.05 : 0.0;
}
static double c_shipping_home(const x_view *c)
{
    return c->days_in_stage >= 3 ? 1.0 : 0.0;
}
static double c_home_order(const x_view *c)
{
    return 0.0001 * (double)(c->days_in_stage * c->days_in_stage) + 0.003 * c->mood;
}
static double c_home_lost(const x_view *c)
{
    if (c->days_in_stage <= 5)
        return 0.03;
    if (c->days_in_stage <= 25)
        return 0.01;
    return 0.03;
}
static double c_express_home(const x_view *c)
{
    return c->days_in_stage >= 2 ? 1.0 : 0.0;
}

static const x_model MODEL_DAYS = {
    .file = "exact_days.lua",
    .days = 50,
    .customers = 100001,
    .seed = 33,
    .n_personas = 2,
    .personas = {{"regular", 0.5, 0, false, 0}, {"fan", 0.5, 1, false, 0}},
    .n_stages = 4,
    .stages = {{.name = "order", .entry = true, .purchase = true, .value = {20, 20}},
               {.name = "shipping"},
               {.name = "home", .emotion = 1},
               {.name = "lost", .emotion = -2}},
    .n_edges = 5,
    .edges = {{C_ORDER, C_SHIPPING, c_order_shipping},
              {C_SHIPPING, C_LOST, c_shipping_lost},
              {C_SHIPPING, C_HOME, c_shipping_home},
              {C_HOME, C_ORDER, c_home_order},
              {C_HOME, C_LOST, c_home_lost}},
    .n_ivs = 2,
    .ivs = {{.name = "tracking",
             .personas = 3u,
             .at = C_SHIPPING,
             .mood = 1,
             .n_changes = 1,
             .changes = {{C_SHIPPING_LOST, NULL, 0.2}}},
            {.name = "express",
             .personas = 1u << C_FAN,
             .at = X_NOWHERE,
             .n_changes = 1,
             .changes = {{C_SHIPPING_HOME, c_express_home, 0}}}},
};

/* --- exact_combo.lua ---------------------------------------------------- */

enum { D_BEGINNER, D_ATHLETE, D_COACH };
enum { D_AWARENESS, D_CONSIDERATION, D_PURCHASE, D_USAGE, D_CHURNED };
enum {
    D_AWARENESS_CONSIDERATION,
    D_CONSIDERATION_PURCHASE,
    D_CONSIDERATION_CHURNED,
    D_PURCHASE_USAGE,
    D_USAGE_PURCHASE,
    D_USAGE_CHURNED
};

static double d_awareness_consideration(const x_view *c)
{
    static const double p[] = {0.20, 0.30, 0.40};
    return p[c->persona];
}
static double d_consideration_purchase(const x_view *c)
{
    return 0.08 + 0.01 * c->mood;
}
static double d_consideration_churned(const x_view *c)
{
    (void)c;
    return 0.02;
}
static double d_purchase_usage(const x_view *c)
{
    return c->days_in_stage >= 3 ? 1.0 : 0.0;
}
static double d_usage_purchase(const x_view *c)
{
    return 0.03 + 0.005 * c->mood + 0.001 * x_team_size_or_zero(c);
}
static double d_usage_churned(const x_view *c)
{
    return 0.020 - 0.003 * c->mood;
}
static double d_promo_awareness(const x_view *c)
{
    static const double p[] = {0.25, 0.30, 0.50};
    return p[c->persona];
}

static const x_model MODEL_COMBO = {
    .file = "exact_combo.lua",
    .days = 60,
    .customers = 150001,
    .seed = 44,
    .n_personas = 3,
    .personas = {{"beginner", 0.50, 0, false, 0},
                 {"athlete", 0.35, 1, false, 0},
                 {"coach", 0.15, 1, true, 12}},
    .n_stages = 5,
    .stages = {{.name = "awareness", .entry = true},
               {.name = "consideration"},
               {.name = "purchase", .purchase = true, .emotion = -1, .value = {40, 40, 40}},
               {.name = "usage", .emotion = 1},
               {.name = "churned"}},
    .n_edges = 6,
    .edges = {{D_AWARENESS, D_CONSIDERATION, d_awareness_consideration},
              {D_CONSIDERATION, D_PURCHASE, d_consideration_purchase},
              {D_CONSIDERATION, D_CHURNED, d_consideration_churned},
              {D_PURCHASE, D_USAGE, d_purchase_usage},
              {D_USAGE, D_PURCHASE, d_usage_purchase},
              {D_USAGE, D_CHURNED, d_usage_churned}},
    .n_ivs = 3,
    .ivs = {{.name = "notify",
             .personas = 1u << D_BEGINNER | 1u << D_ATHLETE,
             .at = D_PURCHASE,
             .mood = 1},
            {.name = "consult",
             .personas = 1u << D_BEGINNER,
             .at = X_NOWHERE,
             .n_changes = 1,
             .changes = {{D_USAGE_PURCHASE, NULL, 1.4}}},
            {.name = "promo",
             .personas = 7u,
             .at = X_NOWHERE,
             .n_changes = 3,
             .changes = {{D_AWARENESS_CONSIDERATION, d_promo_awareness, 0},
                         {D_CONSIDERATION_PURCHASE, NULL, 1.5},
                         {D_USAGE_PURCHASE, NULL, 1.25}}}},
};

/* ------------------------------------------------------------------------
 * Exact propagation.
 */

/* The rules of DESIGN.md, or a deliberately wrong version of them that the
 * power tests use to show a broken engine would be caught. */
typedef struct {
    int mood_lo, mood_hi; /* mood is clamped to this range */
    int purchases_cap;    /* c.purchases is at most this */
    int days_offset;      /* c.days_in_stage is the true value plus this ... */
    int days_cap;         /* ... and at most this */
    bool ignore_persona_limits;
} x_rules;

static const x_rules RULES = {-3, 3, SCN_PURCHASES_CAP, 0, INT_MAX, false};

/* Per customer, for one variant and persona: the mean and variance of each
 * quantity (indicators for all but purchases and revenue). */
typedef struct {
    double mean[X_MAX_Q], var[X_MAX_Q];
} x_exact;

static int q_buyers(const x_model *m)
{
    return m->n_stages;
}
static int q_repeat(const x_model *m)
{
    return m->n_stages + 1;
}
static int q_purchases(const x_model *m)
{
    return m->n_stages + 2;
}
static int q_revenue(const x_model *m)
{
    return m->n_stages + 3;
}
static int q_cum_buyers(const x_model *m, int day)
{
    return m->n_stages + 4 + day;
}
static int q_cum_repeat(const x_model *m, int day)
{
    return m->n_stages + 5 + m->days + day;
}
static int q_count(const x_model *m)
{
    return m->n_stages + 6 + 2 * m->days;
}

/* Indicators are bounded by 1; purchases and revenue are not. */
static bool q_is_indicator(const x_model *m, int q)
{
    return q != q_purchases(m) && q != q_revenue(m);
}

static void q_name(const x_model *m, int q, char *buf, size_t size)
{
    if (q < m->n_stages)
        snprintf(buf, size, "reached '%s'", m->stages[q].name);
    else if (q == q_buyers(m))
        snprintf(buf, size, "buyers");
    else if (q == q_repeat(m))
        snprintf(buf, size, "repeat buyers");
    else if (q == q_purchases(m))
        snprintf(buf, size, "purchases");
    else if (q == q_revenue(m))
        snprintf(buf, size, "revenue");
    else if (q < q_cum_repeat(m, 0))
        snprintf(buf, size, "buyers by day %d", q - q_cum_buyers(m, 0));
    else
        snprintf(buf, size, "repeat buyers by day %d", q - q_cum_repeat(m, 0));
}

/* One state with its probability and the moments of what it has bought. */
typedef struct {
    uint64_t key;  /* 0: empty slot */
    double m;      /* probability */
    double p1, p2; /* E[purchases; state], E[purchases^2; state] */
    double r1, r2; /* the same for revenue */
} x_cell;

/* States by key, open addressing; the reachable states are few. */
typedef struct {
    x_cell *cells;
    size_t cap, n;
} x_map;

static uint64_t x_key(int stage, int mood, int bucket, int days, unsigned flags)
{
    return UINT64_C(1) << 63 | (uint64_t)stage | (uint64_t)(mood + 16) << 4 |
           (uint64_t)bucket << 9 | (uint64_t)flags << 13 | (uint64_t)days << 21;
}

static void x_unkey(uint64_t key, int *stage, int *mood, int *bucket, int *days, unsigned *flags)
{
    *stage = (int)(key & 0xf);
    *mood = (int)(key >> 4 & 0x1f) - 16;
    *bucket = (int)(key >> 9 & 0xf);
    *flags = (unsigned)(key >> 13 & 0xff);
    *days = (int)(key >> 21 & 0xffff);
}

static size_t x_hash(uint64_t k)
{
    k ^= k >> 33;
    k *= UINT64_C(0xff51afd7ed558ccd);
    k ^= k >> 33;
    k *= UINT64_C(0xc4ceb9fe1a85ec53);
    k ^= k >> 33;
    return (size_t)k;
}

static x_cell *x_find(x_cell *cells, size_t cap, uint64_t key)
{
    for (size_t i = x_hash(key) & (cap - 1);; i = (i + 1) & (cap - 1))
        if (cells[i].key == key || cells[i].key == 0)
            return &cells[i];
}

static void x_map_init(x_map *map)
{
    map->cap = 1024;
    map->n = 0;
    map->cells = calloc(map->cap, sizeof *map->cells);
    assert_non_null(map->cells);
}

static void x_map_clear(x_map *map)
{
    memset(map->cells, 0, map->cap * sizeof *map->cells);
    map->n = 0;
}

static x_cell *x_slot(x_map *map, uint64_t key)
{
    if (2 * (map->n + 1) > map->cap) {
        size_t cap = map->cap * 2;
        x_cell *cells = calloc(cap, sizeof *cells);
        assert_non_null(cells);
        for (size_t i = 0; i < map->cap; i++)
            if (map->cells[i].key)
                *x_find(cells, cap, map->cells[i].key) = map->cells[i];
        free(map->cells);
        map->cells = cells;
        map->cap = cap;
    }
    x_cell *c = x_find(map->cells, map->cap, key);
    if (c->key == 0) {
        c->key = key;
        map->n++;
    }
    return c;
}

/* What a variant means for one persona: mood changes and edge probabilities. */
typedef struct {
    int delta[X_MAX_STAGES];
    int n_out[X_MAX_STAGES];
    int out[X_MAX_STAGES][X_MAX_EDGES];
    x_prob prob[X_MAX_EDGES];
    double factor[X_MAX_EDGES];
} x_plan;

static void x_make_plan(const x_model *m, unsigned mask, int persona, const x_rules *rules,
                        x_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    for (int s = 0; s < m->n_stages; s++)
        plan->delta[s] = m->stages[s].emotion;
    int n_set[X_MAX_EDGES] = {0}, n_scale[X_MAX_EDGES] = {0};
    for (int e = 0; e < m->n_edges; e++) {
        plan->prob[e] = m->edges[e].prob;
        plan->factor[e] = 1.0;
    }
    for (int i = 0; i < m->n_ivs; i++) {
        const x_intervention *iv = &m->ivs[i];
        if (!(mask & 1u << i))
            continue;
        if (!rules->ignore_persona_limits && !(iv->personas & 1u << persona))
            continue;
        if (iv->at != X_NOWHERE)
            plan->delta[iv->at] += iv->mood;
        for (int c = 0; c < iv->n_changes; c++) {
            const x_change *ch = &iv->changes[c];
            if (ch->set) {
                plan->prob[ch->edge] = ch->set;
                n_set[ch->edge]++;
            } else {
                plan->factor[ch->edge] *= ch->scale;
                n_scale[ch->edge]++;
            }
        }
    }
    for (int e = 0; e < m->n_edges; e++) {
        /* Set and scale of one edge together would depend on their order,
         * which these scenarios leave out. */
        assert_true(n_set[e] <= 1 && !(n_set[e] && n_scale[e]));
        if (plan->prob[e]) {
            int from = m->edges[e].from;
            plan->out[from][plan->n_out[from]++] = e;
        }
    }
}

static int x_clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Adds q times the state `src` entering the state `key`; entering a purchase
 * stage adds one purchase and `value` of revenue. */
static void x_add(x_map *map, uint64_t key, const x_cell *src, double q, bool purchase,
                  double value)
{
    double m = q * src->m, p1 = q * src->p1, p2 = q * src->p2, r1 = q * src->r1, r2 = q * src->r2;
    if (purchase) {
        p2 += 2 * p1 + m; /* (P + 1)^2 = P^2 + 2P + 1 */
        p1 += m;
        r2 += 2 * value * r1 + value * value * m;
        r1 += value * m;
    }
    x_cell *c = x_slot(map, key);
    c->m += m;
    c->p1 += p1;
    c->p2 += p2;
    c->r1 += r1;
    c->r2 += r2;
}

/* The state after entering stage `to` from (mood, purchases seen, flags). */
static uint64_t x_enter(const x_model *m, const x_plan *plan, const x_rules *rules, int to,
                        int mood, int bucket, unsigned flags)
{
    int next_mood = x_clamp(mood + plan->delta[to], rules->mood_lo, rules->mood_hi);
    int next_bucket = bucket + (m->stages[to].purchase ? 1 : 0);
    if (next_bucket > rules->purchases_cap)
        next_bucket = rules->purchases_cap;
    return x_key(to, next_mood, next_bucket, 0, flags | 1u << to);
}

static void x_totals(const x_model *m, const x_map *map, int day, x_exact *out)
{
    double buyers = 0, repeat = 0;
    for (size_t i = 0; i < map->cap; i++) {
        const x_cell *c = &map->cells[i];
        int stage, mood, bucket, days;
        unsigned flags;
        if (!c->key)
            continue;
        x_unkey(c->key, &stage, &mood, &bucket, &days, &flags);
        if (bucket >= 1)
            buyers += c->m;
        if (bucket >= 2)
            repeat += c->m;
    }
    out->mean[q_cum_buyers(m, day)] = buyers;
    out->mean[q_cum_repeat(m, day)] = repeat;
}

/* The exact distribution of one customer of `persona` in the variant `mask`. */
static void x_propagate(const x_model *m, unsigned mask, int persona, const x_rules *rules,
                        x_exact *out)
{
    assert_true(rules->purchases_cap >= 2 && rules->purchases_cap <= 15);
    assert_true(m->days <= X_MAX_DAYS && m->n_stages <= X_MAX_STAGES);
    x_plan plan;
    x_make_plan(m, mask, persona, rules, &plan);
    memset(out, 0, sizeof *out);
    x_map cur, next;
    x_map_init(&cur);
    x_map_init(&next);

    /* Day 0: everyone enters the entry stage. */
    int entry = 0;
    while (!m->stages[entry].entry)
        entry++;
    const x_cell born = {0, 1.0, 0, 0, 0, 0};
    x_add(&cur, x_enter(m, &plan, rules, entry, m->personas[persona].mood, 0, 0), &born, 1.0,
          m->stages[entry].purchase, m->stages[entry].value[persona]);
    x_totals(m, &cur, 0, out);

    for (int day = 1; day <= m->days; day++) {
        x_map_clear(&next);
        for (size_t i = 0; i < cur.cap; i++) {
            const x_cell *c = &cur.cells[i];
            int stage, mood, bucket, days;
            unsigned flags;
            if (!c->key)
                continue;
            x_unkey(c->key, &stage, &mood, &bucket, &days, &flags);
            if (plan.n_out[stage] == 0) {
                x_add(&next, c->key, c, 1.0, false, 0);
                continue;
            }
            int seen = days + 1 + rules->days_offset;
            x_view view = {m, persona, mood, bucket,
                           seen < rules->days_cap ? seen : rules->days_cap};
            double sum = 0;
            for (int j = 0; j < plan.n_out[stage]; j++) {
                int e = plan.out[stage][j];
                int to = m->edges[e].to;
                double p = plan.factor[e] * plan.prob[e](&view);
                if (!(p >= 0 && p <= 1))
                    fail_msg("%s: edge %s->%s has probability %g for persona %s, mood %d, "
                             "purchases %d, day %d in stage",
                             m->file, m->stages[stage].name, m->stages[to].name, p,
                             m->personas[persona].name, mood, bucket, view.days_in_stage);
                sum += p;
                if (p > 0)
                    x_add(&next, x_enter(m, &plan, rules, to, mood, bucket, flags), c, p,
                          m->stages[to].purchase, m->stages[to].value[persona]);
            }
            if (sum > 1 + 1e-12)
                fail_msg("%s: stage %s: probabilities sum to %g", m->file, m->stages[stage].name,
                         sum);
            if (sum < 1)
                x_add(&next, x_key(stage, mood, bucket, days + 1, flags), c, 1 - sum, false, 0);
        }
        x_map tmp = cur;
        cur = next;
        next = tmp;
        x_totals(m, &cur, day, out);
    }

    /* Read at the end of the last day. */
    double p1 = 0, p2 = 0, r1 = 0, r2 = 0;
    for (size_t i = 0; i < cur.cap; i++) {
        const x_cell *c = &cur.cells[i];
        int stage, mood, bucket, days;
        unsigned flags;
        if (!c->key)
            continue;
        x_unkey(c->key, &stage, &mood, &bucket, &days, &flags);
        for (int s = 0; s < m->n_stages; s++)
            if (flags & 1u << s)
                out->mean[s] += c->m;
        p1 += c->p1;
        p2 += c->p2;
        r1 += c->r1;
        r2 += c->r2;
    }
    out->mean[q_buyers(m)] = out->mean[q_cum_buyers(m, m->days)];
    out->mean[q_repeat(m)] = out->mean[q_cum_repeat(m, m->days)];
    for (int q = 0; q < q_count(m); q++) {
        if (q_is_indicator(m, q)) {
            double p = fmin(fmax(out->mean[q], 0.0), 1.0);
            out->mean[q] = p;
            out->var[q] = p * (1 - p);
        }
    }
    out->mean[q_purchases(m)] = p1;
    out->var[q_purchases(m)] = fmax(p2 - p1 * p1, 0.0);
    out->mean[q_revenue(m)] = r1;
    out->var[q_revenue(m)] = fmax(r2 - r1 * r1, 0.0);
    free(cur.cells);
    free(next.cells);
}

/* The default variants of DESIGN.md: baseline, each intervention alone, all. */
static int x_variants(const x_model *m, unsigned *masks)
{
    int n = 0;
    masks[n++] = 0;
    for (int i = 0; i < m->n_ivs; i++)
        masks[n++] = 1u << i;
    if (m->n_ivs >= 2)
        masks[n++] = (1u << m->n_ivs) - 1;
    return n;
}

static void x_variant_name(const x_model *m, unsigned mask, char *buf, size_t size)
{
    snprintf(buf, size, "%s", mask ? "" : "baseline");
    for (int i = 0; i < m->n_ivs; i++) {
        if (!(mask & 1u << i))
            continue;
        if (buf[0])
            strncat(buf, "+", size - strlen(buf) - 1);
        strncat(buf, m->ivs[i].name, size - strlen(buf) - 1);
    }
}

/* Largest-remainder allocation, ties to the persona declared first. */
static void x_allocate(const x_model *m, int64_t customers, int64_t *counts)
{
    double rest[X_MAX_PERSONAS];
    int64_t given = 0;
    for (int p = 0; p < m->n_personas; p++) {
        double share = (double)customers * m->personas[p].share;
        counts[p] = (int64_t)floor(share);
        rest[p] = share - (double)counts[p];
        given += counts[p];
    }
    for (; given < customers; given++) {
        int best = 0;
        for (int p = 1; p < m->n_personas; p++)
            if (rest[p] > rest[best])
                best = p;
        counts[best]++;
        rest[best] = -1;
    }
}

/* Exact values of every default variant and persona under `rules`. */
typedef struct {
    int n_variants;
    unsigned masks[X_MAX_VARIANTS];
    int64_t counts[X_MAX_PERSONAS];
    x_exact ex[X_MAX_VARIANTS][X_MAX_PERSONAS];
} x_book;

static x_book *x_book_new(const x_model *m, const x_rules *rules)
{
    x_book *b = calloc(1, sizeof *b);
    assert_non_null(b);
    b->n_variants = x_variants(m, b->masks);
    x_allocate(m, m->customers, b->counts);
    for (int v = 0; v < b->n_variants; v++)
        for (int p = 0; p < m->n_personas; p++)
            x_propagate(m, b->masks[v], p, rules, &b->ex[v][p]);
    return b;
}

/* Mean and variance of a group's total: group n_personas is everyone. */
static void x_group(const x_model *m, const x_book *b, int v, int g, int q, double *mean,
                    double *var)
{
    *mean = *var = 0;
    for (int p = 0; p < m->n_personas; p++) {
        if (g != m->n_personas && g != p)
            continue;
        *mean += (double)b->counts[p] * b->ex[v][p].mean[q];
        *var += (double)b->counts[p] * b->ex[v][p].var[q];
    }
}

static const char *x_group_name(const x_model *m, int g)
{
    return g == m->n_personas ? "everyone" : m->personas[g].name;
}

/*
 * How far an observed total is from its expectation, in standard errors.
 * For sums of indicators this is Bernstein's form t / sqrt(var + t/3): it is
 * the usual z when counts are large, and stays a valid tail bound (the same
 * exp(-z^2/2) level) for the small expected counts of the first days of a
 * curve, where the normal approximation is too optimistic.
 */
static double x_distance(double observed, double mean, double var, bool indicator)
{
    double t = fabs(observed - mean);
    return t / sqrt(var + (indicator ? t / 3 : 0));
}

/* ------------------------------------------------------------------------
 * The engine against the exact values.
 */

typedef struct {
    const x_model *model;
    int checks, certain, failures;
    double max_z, max_uplift_z;
    char max_where[256];
} x_report;

static void x_check(x_report *rep, const char *variant, const char *group, const char *what,
                    double observed, double mean, double var, bool indicator)
{
    rep->checks++;
    /* p is 0 or 1 for every customer: z is undefined, the count is certain. */
    if (var < 1e-9) {
        rep->certain++;
        if (fabs(observed - mean) > 1e-6 * fmax(1.0, fabs(mean))) {
            rep->failures++;
            print_message("# FAIL %s, variant %s, persona %s, %s: exact %.9g (certain), "
                          "observed %.9g\n",
                          rep->model->file, variant, group, what, mean, observed);
        }
        return;
    }
    double z = (observed - mean) / sqrt(var);
    double d = x_distance(observed, mean, var, indicator);
    if (fabs(z) > rep->max_z) {
        rep->max_z = fabs(z);
        snprintf(rep->max_where, sizeof rep->max_where, "%s / %s / %s", variant, group, what);
    }
    if (d >= Z_BOUND) {
        rep->failures++;
        print_message("# FAIL %s, variant %s, persona %s, %s: exact expectation %.2f "
                      "(sd %.2f), observed %.0f, z = %.2f\n",
                      rep->model->file, variant, group, what, mean, sqrt(var), observed, z);
    }
}

static void x_check_uplift(x_report *rep, const char *variant, const char *group, const char *what,
                           const st_uplift *u, double exact)
{
    rep->checks++;
    if (u->se == 0) {
        /* Every paired difference is the same: only an exact match will do. */
        if (fabs(u->diff - exact) > 1e-12) {
            rep->failures++;
            print_message("# FAIL %s, variant %s, persona %s, uplift of %s: exact %.6f, "
                          "observed %.6f with se 0\n",
                          rep->model->file, variant, group, what, exact, u->diff);
        }
        return;
    }
    double z = (u->diff - exact) / u->se;
    if (fabs(z) > rep->max_uplift_z)
        rep->max_uplift_z = fabs(z);
    if (fabs(z) >= Z_BOUND) {
        rep->failures++;
        print_message("# FAIL %s, variant %s, persona %s, uplift of %s: exact %.6f, "
                      "observed %.6f (se %.6f), z = %.2f\n",
                      rep->model->file, variant, group, what, exact, u->diff, u->se, z);
    }
}

/* The engine's totals of one group, in the order of the exact quantities. */
static void x_observed(const x_model *m, const tu_run *run, size_t v, size_t g, double *obs)
{
    const sim_cell *cell = st_cell(&run->results, v, g);
    const st_group *grp = st_group_at(&run->results, v, g);
    for (int s = 0; s < m->n_stages; s++)
        obs[s] = (double)cell->reached[s];
    obs[q_buyers(m)] = grp->total[ST_BUYERS];
    obs[q_repeat(m)] = grp->total[ST_REPEAT_BUYERS];
    obs[q_purchases(m)] = grp->total[ST_PURCHASES];
    obs[q_revenue(m)] = grp->total[ST_REVENUE];
    int64_t first = 0, second = 0;
    for (int d = 0; d <= m->days; d++) {
        first += cell->first_purchase_day[d];
        second += cell->second_purchase_day[d];
        obs[q_cum_buyers(m, d)] = (double)first;
        obs[q_cum_repeat(m, d)] = (double)second;
    }
}

static int x_find_attr(const scn_persona *p, const char *name)
{
    for (size_t a = 0; a < p->n_attrs; a++)
        if (strcmp(p->attrs[a].name, name) == 0)
            return (int)a;
    return -1;
}

/* Checks a number or per-persona probability against its C restatement. */
static void x_same_prob(const x_model *m, const scn_prob *prob, x_prob fn)
{
    if (prob->kind == SCN_PROB_FUNCTION)
        return; /* Lua source: restated by hand above */
    for (int p = 0; p < m->n_personas; p++) {
        x_view view = {m, p, 0, 0, 1};
        double v = prob->kind == SCN_PROB_NUMBER ? prob->number : prob->per_persona[p];
        assert_true(fn(&view) == v);
    }
}

/* The C restatement must describe the file the engine loaded. */
static void x_same_model(const x_model *m, const scn_scenario *scn)
{
    assert_int_equal(scn->n_personas, m->n_personas);
    for (int p = 0; p < m->n_personas; p++) {
        const scn_persona *sp = &scn->personas[p];
        assert_string_equal(sp->name, m->personas[p].name);
        assert_true(sp->share == m->personas[p].share);
        assert_int_equal(sp->mood, m->personas[p].mood);
        int a = x_find_attr(sp, "team_size");
        assert_int_equal(a >= 0, m->personas[p].has_team_size);
        if (a >= 0)
            assert_true(sp->attrs[a].number == m->personas[p].team_size);
    }
    assert_int_equal(scn->n_stages, m->n_stages);
    for (int s = 0; s < m->n_stages; s++) {
        const scn_stage *st = &scn->stages[s];
        assert_string_equal(st->name, m->stages[s].name);
        assert_int_equal(st->entry, m->stages[s].entry);
        assert_int_equal(st->purchase, m->stages[s].purchase);
        assert_int_equal(st->emotion, m->stages[s].emotion);
        for (int p = 0; p < m->n_personas; p++)
            assert_true(st->value[p] == m->stages[s].value[p]);
    }
    assert_int_equal(scn->n_edges, m->n_edges);
    size_t n_base = 0;
    for (int e = 0; e < m->n_edges; e++) {
        assert_int_equal(scn->edges[e].from, m->edges[e].from);
        assert_int_equal(scn->edges[e].to, m->edges[e].to);
        if (m->edges[e].prob) {
            n_base++;
            x_same_prob(m, &scn->edges[e].prob, m->edges[e].prob);
        }
    }
    assert_int_equal(scn->n_base_edges, n_base);
    assert_int_equal(scn->n_interventions, m->n_ivs);
    for (int i = 0; i < m->n_ivs; i++) {
        const scn_intervention *iv = &scn->interventions[i];
        const x_intervention *xi = &m->ivs[i];
        assert_string_equal(iv->name, xi->name);
        assert_int_equal(iv->personas, xi->personas);
        assert_int_equal(iv->at, xi->at);
        assert_int_equal(iv->mood, xi->mood);
        assert_int_equal(iv->n_changes, xi->n_changes);
        for (int c = 0; c < xi->n_changes; c++) {
            const x_change *xc = &xi->changes[c];
            size_t k = 0;
            while (k < iv->n_changes && iv->changes[k].edge != xc->edge)
                k++;
            assert_true(k < iv->n_changes);
            const scn_edge_change *ch = &iv->changes[k];
            assert_int_equal(ch->is_set, xc->set != NULL);
            if (ch->is_set)
                x_same_prob(m, &ch->prob, xc->set);
            else
                assert_true(ch->factor == xc->scale);
        }
    }
}

/* Runs the scenario through the engine and compares every figure. */
static void x_compare(const x_model *m)
{
    char path[256];
    tu_run run;
    tu_run_scenario(&run, tu_scenario_path(m->file, path, sizeof path), m->customers, m->days,
                    m->seed, ENGINE_THREADS);
    x_same_model(m, run.scn);
    assert_int_equal(run.scn->days, m->days);
    assert_int_equal(run.scn->customers, m->customers);

    x_book *b = x_book_new(m, &RULES);
    assert_int_equal(run.variants.n, b->n_variants);
    for (int v = 0; v < b->n_variants; v++) {
        char name[256];
        x_variant_name(m, b->masks[v], name, sizeof name);
        assert_int_equal(run.variants.items[v].mask, b->masks[v]);
        assert_string_equal(run.variants.items[v].name, name);
    }
    for (int p = 0; p < m->n_personas; p++)
        assert_int_equal(run.totals.persona_customers[p], b->counts[p]);

    x_report rep = {.model = m};
    static const struct {
        st_metric metric;
        const char *name;
    } uplifts[] = {
        {ST_REPEAT_BUYERS, "repeat buyers"}, {ST_BUYERS, "buyers"}, {ST_PURCHASES, "purchases"}};
    for (int v = 0; v < b->n_variants; v++) {
        const char *variant = run.variants.items[v].name;
        for (int g = 0; g <= m->n_personas; g++) {
            const char *group = x_group_name(m, g);
            const st_group *grp = st_group_at(&run.results, (size_t)v, (size_t)g);
            double n = g == m->n_personas ? (double)m->customers : (double)b->counts[g];
            assert_true((double)grp->customers == n);
            double obs[X_MAX_Q];
            x_observed(m, &run, (size_t)v, (size_t)g, obs);
            for (int q = 0; q < q_count(m); q++) {
                char what[64];
                double mean, var;
                q_name(m, q, what, sizeof what);
                x_group(m, b, v, g, q, &mean, &var);
                x_check(&rep, variant, group, what, obs[q], mean, var, q_is_indicator(m, q));
            }
            if (v == 0) {
                assert_false(grp->has_uplift);
                continue;
            }
            assert_true(grp->has_uplift);
            for (size_t u = 0; u < sizeof uplifts / sizeof *uplifts; u++) {
                int q = uplifts[u].metric == ST_REPEAT_BUYERS ? q_repeat(m)
                        : uplifts[u].metric == ST_BUYERS      ? q_buyers(m)
                                                              : q_purchases(m);
                double mv, mb, var;
                x_group(m, b, v, g, q, &mv, &var);
                x_group(m, b, 0, g, q, &mb, &var);
                x_check_uplift(&rep, variant, group, uplifts[u].name,
                               &grp->uplift[uplifts[u].metric], (mv - mb) / n);
            }
        }
    }
    print_message("# %s: %d checks (%d of certain counts), max |z| %.2f (%s), max |z| of "
                  "uplifts %.2f\n",
                  m->file, rep.checks, rep.certain, rep.max_z, rep.max_where, rep.max_uplift_z);
    free(b);
    tu_run_free(&run);
    if (rep.failures)
        fail_msg("%s: %d of %d figures are beyond %.0f standard errors of the exact values",
                 m->file, rep.failures, rep.checks, Z_BOUND);
}

static void test_exact_mood(void **state)
{
    (void)state;
    x_compare(&MODEL_MOOD);
}

static void test_exact_purchases(void **state)
{
    (void)state;
    x_compare(&MODEL_PURCHASES);
}

static void test_exact_days(void **state)
{
    (void)state;
    x_compare(&MODEL_DAYS);
}

static void test_exact_combo(void **state)
{
    (void)state;
    x_compare(&MODEL_COMBO);
}

/* ------------------------------------------------------------------------
 * Exact mode (exact.h): the engine's expected values, computed from the
 * compiled tables, against the propagation above, figure by figure.
 */

/* Relative agreement required; the absolute term (in customers) only
 * matters for expectations that are 0. */
static const double EXACT_RELATIVE = 1e-9, EXACT_ABSOLUTE = 1e-12;

/* got against want, relative to `size`: the size of want, or of the terms
 * of a difference. */
static void x_close_to(const x_model *m, const char *variant, const char *group,
                       const char *what, double got, double want, double size, int *checks,
                       int *failures, double *worst)
{
    (*checks)++;
    double err = fabs(got - want);
    double rel = size != 0 ? err / size : err;
    if (rel > *worst)
        *worst = rel;
    if (err <= EXACT_RELATIVE * size + EXACT_ABSOLUTE)
        return;
    (*failures)++;
    print_message("# FAIL %s, variant %s, persona %s, %s: exact %.17g, exact mode %.17g\n",
                  m->file, variant, group, what, want, got);
}

static void x_close(const x_model *m, const char *variant, const char *group, const char *what,
                    double got, double want, int *checks, int *failures, double *worst)
{
    x_close_to(m, variant, group, what, got, want, fabs(want), checks, failures, worst);
}

/* Loads and compiles a scenario and computes its exact results. */
static void x_exact_run(const x_model *m, int threads, scn_scenario **scn, var_list *variants,
                        cmp_model **model, sim_totals *totals)
{
    char path[256];
    cj_err err = {0};
    *scn = scn_load(tu_scenario_path(m->file, path, sizeof path), NULL, &err);
    if (!*scn)
        fail_msg("%s", err.msg);
    var_default(*scn, variants);
    *model = cmp_build(*scn, variants, m->days, &err);
    if (!*model)
        fail_msg("%s", err.msg);
    if (ex_run(*model, m->customers, threads, totals, &err) != CJ_OK)
        fail_msg("%s", err.msg);
}

static void x_compare_exact_mode(const x_model *m)
{
    scn_scenario *scn;
    var_list variants;
    cmp_model *model;
    sim_totals totals;
    x_exact_run(m, 2, &scn, &variants, &model, &totals);
    x_same_model(m, scn);
    st_results r;
    st_compute(&totals, &r);
    assert_true(totals.exact && r.exact);
    assert_string_equal(r.method, "exact");

    x_book *b = x_book_new(m, &RULES);
    assert_int_equal(variants.n, b->n_variants);
    int checks = 0, failures = 0;
    double worst = 0;
    for (int v = 0; v < b->n_variants; v++) {
        const char *variant = variants.items[v].name;
        assert_int_equal(variants.items[v].mask, b->masks[v]);
        for (int g = 0; g <= m->n_personas; g++) {
            const char *group = x_group_name(m, g);
            const sim_cell *cell = st_cell(&r, (size_t)v, (size_t)g);
            const st_group *grp = st_group_at(&r, (size_t)v, (size_t)g);
            double n = g == m->n_personas ? (double)m->customers : (double)b->counts[g];
            assert_true((double)grp->customers == n);
            double want, var;
            char what[64];
            for (int s = 0; s < m->n_stages; s++) {
                q_name(m, s, what, sizeof what);
                x_group(m, b, v, g, s, &want, &var);
                x_close(m, variant, group, what, st_reached(cell, (size_t)s), want, &checks,
                        &failures, &worst);
            }
            static const struct {
                st_metric metric;
                int (*q)(const x_model *);
            } totals_q[] = {{ST_BUYERS, q_buyers},
                            {ST_REPEAT_BUYERS, q_repeat},
                            {ST_PURCHASES, q_purchases},
                            {ST_REVENUE, q_revenue}};
            for (size_t i = 0; i < sizeof totals_q / sizeof *totals_q; i++) {
                int q = totals_q[i].q(m);
                q_name(m, q, what, sizeof what);
                x_group(m, b, v, g, q, &want, &var);
                x_close(m, variant, group, what, grp->total[totals_q[i].metric], want, &checks,
                        &failures, &worst);
                if (v == 0) {
                    assert_false(grp->has_uplift);
                    continue;
                }
                /* The uplift is the difference of the expectations, its
                 * interval a point. */
                double base;
                x_group(m, b, 0, g, q, &base, &var);
                const st_uplift *u = &grp->uplift[totals_q[i].metric];
                snprintf(what, sizeof what, "uplift of %s", st_metric_name(totals_q[i].metric));
                x_close_to(m, variant, group, what, u->diff * n, want - base,
                           fmax(fabs(want), fabs(base)), &checks, &failures, &worst);
                assert_true(u->se == 0 && u->lo == u->diff && u->hi == u->diff);
            }
            double first = 0, second = 0;
            for (int d = 0; d <= m->days; d++) {
                first += st_first_purchases(cell, (size_t)d);
                second += st_second_purchases(cell, (size_t)d);
                q_name(m, q_cum_buyers(m, d), what, sizeof what);
                x_group(m, b, v, g, q_cum_buyers(m, d), &want, &var);
                x_close(m, variant, group, what, first, want, &checks, &failures, &worst);
                q_name(m, q_cum_repeat(m, d), what, sizeof what);
                x_group(m, b, v, g, q_cum_repeat(m, d), &want, &var);
                x_close(m, variant, group, what, second, want, &checks, &failures, &worst);
            }
        }
    }
    print_message("# %s: exact mode, %d figures, largest relative difference %.3g\n", m->file,
                  checks, worst);
    free(b);
    st_free(&r);
    sim_free(&totals);
    cmp_free(model);
    var_free(&variants);
    scn_free(scn);
    if (failures)
        fail_msg("%s: %d of %d exact-mode figures differ from the exact values by more than "
                 "%g relative",
                 m->file, failures, checks, EXACT_RELATIVE);
}

static void test_exact_mode_mood(void **state)
{
    (void)state;
    x_compare_exact_mode(&MODEL_MOOD);
}

static void test_exact_mode_purchases(void **state)
{
    (void)state;
    x_compare_exact_mode(&MODEL_PURCHASES);
}

static void test_exact_mode_days(void **state)
{
    (void)state;
    x_compare_exact_mode(&MODEL_DAYS);
}

static void test_exact_mode_combo(void **state)
{
    (void)state;
    x_compare_exact_mode(&MODEL_COMBO);
}

/* Each pair of variant and persona is computed by one thread, whole: the
 * numbers are the same bits whatever the number of threads. */
static void test_exact_mode_threads(void **state)
{
    (void)state;
    scn_scenario *scn[2];
    var_list variants[2];
    cmp_model *model[2];
    sim_totals totals[2];
    x_exact_run(&MODEL_COMBO, 1, &scn[0], &variants[0], &model[0], &totals[0]);
    x_exact_run(&MODEL_COMBO, 3, &scn[1], &variants[1], &model[1], &totals[1]);
    size_t n_cells = totals[0].n_variants * totals[0].n_personas;
    size_t n_k = totals[0].layout.n_k, n_stages = scn[0]->n_stages, n_edges = scn[0]->n_edges;
    for (size_t c = 0; c < n_cells; c++) {
        const sim_expected *a = totals[0].cells[c].expected, *b = totals[1].cells[c].expected;
        assert_non_null(a);
        assert_non_null(b);
        assert_memory_equal(a->reached, b->reached, n_stages * sizeof *a->reached);
        assert_memory_equal(a->entries, b->entries, n_stages * sizeof *a->entries);
        assert_memory_equal(a->edge_customers, b->edge_customers,
                            n_edges * sizeof *a->edge_customers);
        assert_memory_equal(a->edge_moves, b->edge_moves, n_edges * sizeof *a->edge_moves);
        assert_memory_equal(a->k_sum, b->k_sum, n_k * sizeof *a->k_sum);
    }
    for (int i = 0; i < 2; i++) {
        sim_free(&totals[i]);
        cmp_free(model[i]);
        var_free(&variants[i]);
        scn_free(scn[i]);
    }
}

/* ------------------------------------------------------------------------
 * Power: the exact values must be far apart wherever a broken engine would
 * confuse them, or the comparisons above could not tell.
 */

/* The largest distance between variant va of book a and variant vb of book
 * b, in standard errors of a, over every group and quantity. */
static double x_separation(const x_model *m, const x_book *a, int va, const x_book *b, int vb,
                           char *where, size_t size)
{
    double best = 0;
    for (int g = 0; g <= m->n_personas; g++) {
        for (int q = 0; q < q_count(m); q++) {
            double ma, vara, mb, varb;
            x_group(m, a, va, g, q, &ma, &vara);
            x_group(m, b, vb, g, q, &mb, &varb);
            double d = x_distance(mb, ma, fmax(vara, 1.0), q_is_indicator(m, q));
            if (d > best) {
                best = d;
                char what[64];
                q_name(m, q, what, sizeof what);
                snprintf(where, size, "%s, %s", x_group_name(m, g), what);
            }
        }
    }
    return best;
}

static void x_expect_power(const x_model *m, const char *what, double sep, const char *where)
{
    print_message("# %s: %s moves the exact counts by %.1f standard errors (%s)\n", m->file, what,
                  sep, where);
    if (sep < POWER_BOUND)
        fail_msg("%s: %s moves the exact counts by only %.1f standard errors (%s)", m->file, what,
                 sep, where);
}

/* Every intervention changes its variant, and the variant with all of them
 * differs from each one alone. */
static void x_power_variants(const x_model *m)
{
    x_book *b = x_book_new(m, &RULES);
    char where[128], what[256], name[128];
    for (int v = 1; v < b->n_variants; v++) {
        x_variant_name(m, b->masks[v], name, sizeof name);
        snprintf(what, sizeof what, "variant %s against the baseline", name);
        x_expect_power(m, what, x_separation(m, b, v, b, 0, where, sizeof where), where);
    }
    int all = b->n_variants - 1;
    for (int v = 1; v < all; v++) {
        x_variant_name(m, b->masks[v], name, sizeof name);
        snprintf(what, sizeof what, "all interventions against %s alone", name);
        x_expect_power(m, what, x_separation(m, b, all, b, v, where, sizeof where), where);
    }
    free(b);
}

/* The same scenario under wrong rules: the best separation over variants. */
static void x_power_rules(const x_model *m, const x_rules *wrong, const char *what)
{
    x_book *right = x_book_new(m, &RULES);
    x_book *bad = x_book_new(m, wrong);
    double best = 0;
    char where[256] = "", here[128];
    for (int v = 0; v < right->n_variants; v++) {
        double sep = x_separation(m, right, v, bad, v, here, sizeof here);
        if (sep > best) {
            best = sep;
            x_variant_name(m, right->masks[v], where, sizeof where);
            strncat(where, ": ", sizeof where - strlen(where) - 1);
            strncat(where, here, sizeof where - strlen(where) - 1);
        }
    }
    x_expect_power(m, what, best, where);
    free(right);
    free(bad);
}

static void test_power_variants(void **state)
{
    (void)state;
    x_power_variants(&MODEL_MOOD);
    x_power_variants(&MODEL_PURCHASES);
    x_power_variants(&MODEL_DAYS);
    x_power_variants(&MODEL_COMBO);
}

static void test_power_rules(void **state)
{
    (void)state;
    x_rules r;

    /* Mood clamping binds at both ends. */
    r = RULES;
    r.mood_lo = -6;
    x_power_rules(&MODEL_MOOD, &r, "no lower mood clamp at -3");
    r = RULES;
    r.mood_hi = 6;
    x_power_rules(&MODEL_MOOD, &r, "no upper mood clamp at 3");

    /* c.purchases is seen capped at 5: neither more nor less. */
    r = RULES;
    r.purchases_cap = 10;
    x_power_rules(&MODEL_PURCHASES, &r, "c.purchases capped at 10 instead of 5");
    r = RULES;
    r.purchases_cap = 4;
    x_power_rules(&MODEL_PURCHASES, &r, "c.purchases capped at 4 instead of 5");

    /* days_in_stage starts at 1 and follows functions to the horizon. */
    r = RULES;
    r.days_offset = -1;
    x_power_rules(&MODEL_DAYS, &r, "days_in_stage starting at 0");
    r = RULES;
    r.days_offset = 1;
    x_power_rules(&MODEL_DAYS, &r, "days_in_stage starting at 2");
    r = RULES;
    r.days_cap = 6;
    x_power_rules(&MODEL_DAYS, &r, "days_in_stage frozen after 6 days");
    r = RULES;
    r.days_cap = 25;
    x_power_rules(&MODEL_DAYS, &r, "days_in_stage frozen after 25 days");
    r = RULES;
    r.days_cap = 30;
    x_power_rules(&MODEL_DAYS, &r, "days_in_stage frozen after 30 days");

    /* Interventions apply only to the personas they name. */
    r = RULES;
    r.ignore_persona_limits = true;
    x_power_rules(&MODEL_MOOD, &r, "nudge for every persona");
    x_power_rules(&MODEL_DAYS, &r, "express for every persona");
    x_power_rules(&MODEL_COMBO, &r, "notify and consult for every persona");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_mood),     cmocka_unit_test(test_exact_purchases),
        cmocka_unit_test(test_exact_days),     cmocka_unit_test(test_exact_combo),
        cmocka_unit_test(test_power_variants), cmocka_unit_test(test_power_rules),
        cmocka_unit_test(test_exact_mode_mood), cmocka_unit_test(test_exact_mode_purchases),
        cmocka_unit_test(test_exact_mode_days), cmocka_unit_test(test_exact_mode_combo),
        cmocka_unit_test(test_exact_mode_threads),
    };
    return cmocka_run_group_tests_name("exact", tests, NULL, NULL);
}
