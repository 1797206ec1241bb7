#include "walk.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Narrows, for persona p, the nodes and edge slots of the first variant's
 * plan `a` to those that plan `b` leaves and enters alike. */
static void same_as_first_plan(walk_run *run, size_t p, const cmp_plan *a, const cmp_plan *b)
{
    size_t n_states = run->model->scn->n_stages * SCN_MOODS * CMP_PURCHASE_BUCKETS;
    bool *node_ok = run->same_node[p], *next_ok = run->same_next[p];
    if (b->entry_node != a->entry_node)
        run->same_entry[p] = false;
    for (size_t n = 0; n < n_states; n++) {
        if (!node_ok[n])
            continue;
        const cmp_node *x = &a->nodes[n], *y = &b->nodes[n];
        /* Left alike (compile's verdict) and entered alike: the same
         * interventions are used there. */
        if (!b->same_as_first[n] || x->touch_mask != y->touch_mask) {
            node_ok[n] = false;
            continue;
        }
        for (uint32_t j = 0; j < x->k; j++)
            if (a->next[x->next_offset + j] != b->next[y->next_offset + j])
                next_ok[x->next_offset + j] = false;
    }
}

void walk_run_init(walk_run *run, const cmp_model *model, const sim_layout *layout)
{
    const scn_scenario *scn = model->scn;
    size_t n_states = scn->n_stages * SCN_MOODS * CMP_PURCHASE_BUCKETS;
    run->model = model;
    run->layout = layout;
    run->same_node = xcalloc(scn->n_personas, sizeof *run->same_node);
    run->same_next = xcalloc(scn->n_personas, sizeof *run->same_next);
    run->same_entry = xcalloc(scn->n_personas, sizeof *run->same_entry);
    const cmp_variant *first = &model->variants[0];
    run->discount = NULL;
    if (scn->has_discount) {
        run->discount = xcalloc((size_t)model->days + 1, sizeof *run->discount);
        for (int t = 0; t <= model->days; t++)
            run->discount[t] = pow(1.0 + scn->discount_rate, -(double)t / 365.0);
    }
    for (size_t p = 0; p < scn->n_personas; p++) {
        const cmp_plan *a = &first->plans[p];
        bool *node_ok = run->same_node[p] = xcalloc(n_states, sizeof *node_ok);
        bool *next_ok = run->same_next[p] = xcalloc(a->n_next + 1, sizeof *next_ok);
        run->same_entry[p] = true;
        for (size_t n = 0; n < n_states; n++)
            node_ok[n] = a->same_as_first[n];
        for (size_t i = 0; i < a->n_next; i++)
            next_ok[i] = true;
        /* Every plan a variant walks: its own, or with launch dates each
         * period's. A node left and entered alike in all of them is left
         * alike on every day. */
        for (size_t v = 1; v < model->n_variants; v++) {
            const cmp_variant *variant = &model->variants[v];
            for (uint32_t q = 0; q < (variant->n_periods ? variant->n_periods : 1); q++) {
                const cmp_plan *b = variant->n_periods
                                        ? &model->parts[variant->period_part[q]].plans[p]
                                        : &variant->plans[p];
                same_as_first_plan(run, p, a, b);
            }
        }
    }
}

void walk_run_free(walk_run *run)
{
    if (!run->model)
        return;
    for (size_t p = 0; p < run->model->scn->n_personas; p++) {
        free(run->same_node[p]);
        free(run->same_next[p]);
    }
    free(run->same_node);
    free(run->same_next);
    free(run->same_entry);
    free(run->discount);
    memset(run, 0, sizeof *run);
}

void walker_init(walker *w, const cmp_model *model, const sim_layout *layout)
{
    memset(w, 0, sizeof *w);
    w->stage_mark = xcalloc(model->scn->n_stages, sizeof *w->stage_mark);
    w->edge_mark = xcalloc(model->scn->n_edges, sizeof *w->edge_mark);
    w->k = xcalloc(layout->n_k, sizeof *w->k);
    w->k_first = xcalloc(layout->n_k, sizeof *w->k_first);
    w->trail = xcalloc((size_t)model->days + 1, sizeof *w->trail);
}

void walker_free(walker *w)
{
    free(w->stage_mark);
    free(w->edge_mark);
    free(w->k);
    free(w->k_first);
    free(w->trail);
    memset(w, 0, sizeof *w);
}

/* Where one journey counts. */
typedef struct {
    walker *w;
    const sim_layout *layout;
    const cmp_variant *variant;
    const cmp_plan *plan;
    sim_cell *cell;
    uint32_t days;
    uint32_t arrival;      /* the day the customer arrived */
    uint32_t window;       /* the scenario's repeat window, or 0 */
    size_t n_purchase_stages, n_interventions;
    const double *discount; /* walk_run.discount, or NULL */
    size_t persona;
    const scn_scenario *scn;
} journey;

/* An amount paid on `day`, discounted to the customer's arrival. */
static inline double discounted(const journey *j, double amount, uint32_t day)
{
    return amount * j->discount[day - j->arrival];
}

/* The journey's discounted revenue and cost into its counters, in
 * hundredths: the sums of one customer's payments, added in the order of its
 * journey, are rounded once, so that every total is an integer sum. */
static void journey_finish(const journey *j)
{
    walker *w = j->w;
    if (!j->discount)
        return;
    int64_t revenue = llround(100.0 * w->clv_revenue), cost = llround(100.0 * w->clv_cost);
    w->k[j->layout->clv] = revenue;
    w->k[j->layout->clv + 1] = cost;
    w->k_dirty |= revenue != 0 || cost != 0;
}

/* A new journey: fresh marks and counters. */
static void journey_begin(const journey *j)
{
    walker *w = j->w;
    if (w->k_dirty)
        memset(w->k, 0, j->layout->n_k * sizeof *w->k);
    w->k_dirty = false;
    w->generation++;
    w->clv_revenue = w->clv_cost = 0;
    j->cell->customers++;
    j->cell->arrivals_day[j->arrival]++;
}

/* Entering a node on `day`: the funnel, mood, purchases and interventions. */
static inline void enter_node(const journey *j, const cmp_node *node, uint32_t day)
{
    walker *w = j->w;
    sim_cell *cell = j->cell;
    int stage = node->stage;
    if (w->stage_mark[stage] != w->generation) {
        w->stage_mark[stage] = w->generation;
        cell->reached[stage]++;
        if (day < j->layout->reach_days) /* a target counts first entries by day */
            cell->reached_day[(size_t)stage * j->layout->reach_days + day]++;
    }
    cell->entries[stage]++;
    cell->mood_sum[stage] += node->mood;
    if (node->purchase_slot >= 0) {
        w->k_dirty = true;
        w->k[j->layout->purchases + (size_t)node->purchase_slot]++;
        cell->purchases_day[(size_t)day * j->n_purchase_stages + (size_t)node->purchase_slot]++;
        /* The node's purchase count is exact below the cap. */
        if (node->purchases == 1) {
            w->k[SIM_K_BUYER] = 1;
            cell->first_purchase_day[day]++;
            w->first_purchase_day = day;
        } else if (node->purchases == 2) {
            w->k[SIM_K_REPEAT] = 1;
            cell->second_purchase_day[day]++;
            if (j->window && day - w->first_purchase_day <= j->window) {
                w->k[j->layout->window] = 1;
                if (day < j->layout->reach_days)
                    cell->window_day[day]++;
            }
        }
        if (j->discount)
            w->clv_revenue += discounted(j, j->scn->stages[stage].value[j->persona], day);
    }
    if (node->touch_mask) {
        w->k_dirty = true;
        for (uint32_t mask = node->touch_mask; mask; mask &= mask - 1) {
            size_t i = (size_t)__builtin_ctz(mask);
            size_t at = (size_t)day * j->n_interventions + i;
            if (j->discount) {
                const scn_intervention *in = &j->scn->interventions[i];
                double cost = in->cost_per_use +
                              (w->k[j->layout->exposed + i] == 0 ? in->cost_per_customer : 0);
                w->clv_cost += discounted(j, cost, day);
            }
            cell->exposed_day[at] += w->k[j->layout->exposed + i] == 0;
            cell->uses_day[at]++;
            w->k[j->layout->exposed + i] = 1;
            w->k[j->layout->uses + i]++;
        }
    }
}

static inline void take_edge(const journey *j, int e)
{
    walker *w = j->w;
    j->cell->edge_moves[e]++;
    if (w->edge_mark[e] != w->generation) {
        w->edge_mark[e] = w->generation;
        j->cell->edge_customers[e]++;
    }
}

/*
 * The draws of one visit to `node`, entered on `day`: the day the customer
 * leaves and the edge it takes, or 0 if it stays to the end of the run.
 * Every visit draws three numbers, even with a single way out, so that
 * variants which differ only in how many edges a stage has still read
 * their numbers in step.
 */
static inline uint32_t draw_exit(const cmp_plan *plan, const cmp_node *node, uint32_t day,
                                 uint32_t days, rng_t *rng, uint32_t *edge)
{
    if (day >= days || node->k == 0)
        return 0;
    double u = rng_uniform(rng);
    uint32_t v = rng_next(rng);
    uint32_t t = cmp_exit_day(plan, node, u, days - day);
    if (t)
        *edge = cmp_exit_edge(plan, node, t, v);
    return t;
}

/* The first variant's journey, drawn and kept in the trail, not counted. */
static void draw_trail(walker *w, const cmp_variant *variant, const cmp_plan *plan, rng_t rng,
                       uint32_t days, uint32_t arrival)
{
    uint32_t at = plan->entry_node, day = arrival, n = 0;
    for (;;) {
        const cmp_node *node = &plan->nodes[at];
        walk_visit *here = &w->trail[n++];
        *here = (walk_visit){rng.state, at, day, -1, 0};
        uint32_t j;
        uint32_t t = draw_exit(plan, node, day, days, &rng, &j);
        if (t == 0)
            break;
        day += t;
        here->edge = variant->out_edge[node->first_edge + j];
        here->j = j;
        at = plan->next[node->next_offset + j];
    }
    w->n_trail = n;
}

/* Counts the trail's journey. */
static void count_trail(const journey *jr)
{
    const walk_visit *trail = jr->w->trail;
    for (uint32_t i = 0; i < jr->w->n_trail; i++) {
        enter_node(jr, &jr->plan->nodes[trail[i].node], trail[i].day);
        if (trail[i].edge >= 0)
            take_edge(jr, trail[i].edge);
    }
}

/* Draws and counts a journey from `node`, just entered on `day`. */
static void walk_from(const journey *jr, const cmp_node *node, uint32_t day, rng_t rng)
{
    const cmp_plan *plan = jr->plan;
    for (;;) {
        uint32_t j;
        uint32_t t = draw_exit(plan, node, day, jr->days, &rng, &j);
        if (t == 0)
            return;
        day += t;
        take_edge(jr, jr->variant->out_edge[node->first_edge + j]);
        node = &plan->nodes[plan->next[node->next_offset + j]];
        enter_node(jr, node, day);
    }
}

/*
 * Another variant's journey of the same customer. While it is in the node
 * the first variant's journey was in, and that node is left the same way in
 * both, it draws the same numbers to the same effect: the visit is counted
 * from the trail, and the edge taken leads to this variant's own next node.
 * From the first visit that differs, the journey is drawn anew, from the
 * generator state the trail recorded there.
 */
static void walk_other(const journey *jr, uint64_t rng_inc)
{
    const cmp_plan *plan = jr->plan;
    const walk_visit *trail = jr->w->trail;
    uint32_t at = plan->entry_node;
    for (uint32_t i = 0; i < jr->w->n_trail; i++) {
        const cmp_node *node = &plan->nodes[at];
        enter_node(jr, node, trail[i].day);
        if (trail[i].node != at || !plan->same_as_first[at]) {
            walk_from(jr, node, trail[i].day, (rng_t){trail[i].rng_state, rng_inc});
            return;
        }
        if (trail[i].edge < 0)
            return;
        take_edge(jr, trail[i].edge);
        at = plan->next[node->next_offset + trail[i].j];
    }
}

/* ------------------------------------------------------------------------
 * Launch dates: a variant whose plan changes on given days (cmp_variant's
 * periods) follows the first variant's trail while each visit is left as
 * the trail's within one period (follow_trail), and from the first visit
 * that differs is drawn period by period (walk_calendar). A customer whose
 * trail meets nothing but nodes that every period of every variant leaves
 * and enters as the first variant does is counted once for all
 * (shared_by_all): on those nodes the daily chances are the same on every
 * day, so its journey is every variant's.
 */

/* The exit hazard h(t) of day t in the node, from its daily probabilities. */
static double hazard_at(const cmp_plan *plan, const cmp_node *x, uint32_t t)
{
    uint32_t row = t <= x->n_prefix ? t - 1 : x->n_prefix;
    const double *p = plan->prob + x->prob_offset + (size_t)row * x->k;
    double h = 0;
    for (uint32_t j = 0; j < x->k; j++)
        h += p[j];
    return fmin(h, 1.0);
}

/* S(a): the chance of staying the first a days in the node under one plan. */
static double survival_at(const cmp_plan *plan, const cmp_node *x, uint32_t a)
{
    if (a == 0 || x->k == 0)
        return 1.0;
    if (a <= x->n_table)
        return plan->surv[x->surv_offset + a - 1];
    double base = x->n_table ? plan->surv[x->surv_offset + x->n_table - 1] : 1.0;
    if (x->tail_scale == -INFINITY)
        return base;
    if (x->tail_scale == 0)
        return 0.0;
    return base * exp((double)(a - x->n_table) / x->tail_scale);
}

/*
 * For a customer who has already spent a days in the node: the day in the
 * node (a + 1 … a + horizon) on which it leaves under this plan, given r
 * uniform in (0, 1]: the first day whose survival counted from day a + 1
 * is below r, which is the daily rule conditioned on being there after day
 * a. Or 0, with *stay the survival over the horizon.
 */
static uint32_t exit_after(const cmp_plan *plan, const cmp_node *x, uint32_t a, double r,
                           uint32_t horizon, double *stay)
{
    double s = 1.0;
    uint32_t t = a, end = a + horizon;
    while (t < end && t < x->n_prefix) { /* days with a hazard of their own */
        t++;
        s *= 1.0 - hazard_at(plan, x, t);
        if (s < r)
            return t;
    }
    *stay = s;
    if (t == end)
        return 0;
    double h = hazard_at(plan, x, x->n_prefix + 1);
    if (h <= 0)
        return 0;
    if (h >= 1)
        return t + 1;
    /* The first m with s (1 - h)^m < r. */
    double log_stay = log1p(-h), m = floor(log(r / s) / log_stay) + 1;
    if (m < 1)
        m = 1;
    if (m <= (double)(end - t))
        return t + (uint32_t)m;
    *stay = s * exp((double)(end - t) * log_stay);
    return 0;
}

/* Can a customer in node `at` after `day` still leave it in some period? */
static bool leaves_later(const cmp_model *model, const cmp_variant *variant, size_t persona,
                         uint32_t at, uint32_t day)
{
    for (uint32_t d = day + 1; d <= (uint32_t)model->days;
         d = cmp_period_end(model, variant, d) + 1)
        if (cmp_variant_on(model, variant, d)->plans[persona].nodes[at].k)
            return true;
    return false;
}

/*
 * The start of a journey with launch dates along the first variant's
 * trail. While the customer is where the trail was on the same day, the
 * plan of the day leaves that node as the first variant's does and the
 * trail's exit falls within the plan's period, walk_calendar's draw would
 * give the trail's exit day and edge from the same numbers (cmp_exit_day
 * only cuts at its horizon): the visit is taken from the trail, the edge
 * leads to this plan's own next node, and the generator moves on to the
 * state the trail recorded for the next visit. Leaves *at, *day and *rng
 * where walk_calendar's own draws take over.
 */
static void follow_trail(const journey *jr, const cmp_model *model, uint32_t *at, uint32_t *day,
                         rng_t *rng)
{
    const walk_visit *trail = jr->w->trail;
    for (uint32_t i = 0; i + 1 < jr->w->n_trail; i++) {
        const walk_visit *here = &trail[i];
        if (here->node != *at || here->day != *day || here->edge < 0)
            return;
        const cmp_variant *part = cmp_variant_on(model, jr->variant, *day + 1);
        const cmp_plan *plan = &part->plans[jr->persona];
        uint32_t t = trail[i + 1].day - *day;
        if (!plan->same_as_first[*at] || t > cmp_period_end(model, jr->variant, *day + 1) - *day)
            return;
        const cmp_node *x = &plan->nodes[*at];
        *day += t;
        take_edge(jr, part->out_edge[x->first_edge + here->j]);
        *at = plan->next[x->next_offset + here->j];
        enter_node(jr, &plan->nodes[*at], *day);
        rng->state = trail[i + 1].rng_state;
    }
}

/*
 * Draws and counts a whole journey of a variant that may have launch dates.
 * Each day's chances are those of the plan in force that day: a visit draws
 * its exit day under the plan of its first day; if the period ends first,
 * the customer is still there after a days, and the exit is drawn on under
 * the next period's plan from day a + 1 in the stage, with the uniform
 * rescaled to the survival it has passed (still uniform, given survival, and
 * no extra draw, so that a visit within one period draws as walk_from
 * does). The edge and the node entered are the plan's of the exit day.
 */
static void walk_calendar(const journey *jr, const cmp_model *model, rng_t rng)
{
    const cmp_variant *variant = jr->variant;
    size_t persona = jr->persona;
    uint32_t day = jr->arrival, days = jr->days;
    const cmp_plan *plan = &cmp_variant_on(model, variant, day)->plans[persona];
    uint32_t at = plan->entry_node;
    enter_node(jr, &plan->nodes[at], day);
    follow_trail(jr, model, &at, &day, &rng);
    while (day < days && leaves_later(model, variant, persona, at, day)) {
        double r = rng_uniform(&rng);
        uint32_t v = rng_next(&rng);
        uint32_t a = 0, t = 0;
        const cmp_variant *part = variant;
        const cmp_node *x = NULL;
        while (day + a < days) {
            part = cmp_variant_on(model, variant, day + a + 1);
            plan = &part->plans[persona];
            x = &plan->nodes[at];
            uint32_t horizon = cmp_period_end(model, variant, day + a + 1) - day - a;
            double stay = 1.0;
            if (x->k == 0) {
                t = 0;
            } else if (a == 0) {
                t = cmp_exit_day(plan, x, r, horizon);
                if (!t)
                    stay = survival_at(plan, x, horizon);
            } else {
                t = exit_after(plan, x, a, r, horizon, &stay);
            }
            if (t)
                break;
            a += horizon;
            if (stay > 0)
                r = fmin(r / stay, 1.0);
        }
        if (!t)
            return;
        uint32_t j = cmp_exit_edge(plan, x, t, v);
        day += t;
        take_edge(jr, part->out_edge[x->first_edge + j]);
        at = plan->next[x->next_offset + j];
        enter_node(jr, &plan->nodes[at], day);
    }
}

/* Is the trail's journey every variant's? */
static bool shared_by_all(const walk_run *run, size_t persona, const walker *w)
{
    if (!run->same_entry[persona])
        return false;
    const bool *node_ok = run->same_node[persona], *next_ok = run->same_next[persona];
    const cmp_node *nodes = run->model->variants[0].plans[persona].nodes;
    for (uint32_t i = 0; i < w->n_trail; i++) {
        const walk_visit *here = &w->trail[i];
        if (!node_ok[here->node] ||
            (here->edge >= 0 && !next_ok[nodes[here->node].next_offset + here->j]))
            return false;
    }
    return true;
}

static void add_k(sim_cell *cell, const walker *w, size_t n_k)
{
    if (!w->k_dirty)
        return;
    for (size_t i = 0; i < n_k; i++)
        cell->k_sum[i] += w->k[i];
}

/* Adds this customer's paired difference from its first-variant journey. */
static void add_difference(sim_cell *cell, const walker *w, const sim_layout *layout)
{
    size_t n_k = layout->n_k;
    if (!w->k_dirty && !w->k_first_dirty)
        return;
    /* Only the counters that differ, usually a few of them. */
    int64_t d[64];
    size_t nz[64], n_nz = 0;
    for (size_t i = 0; i < n_k; i++) {
        d[i] = w->k[i] - w->k_first[i];
        nz[n_nz] = i;
        n_nz += d[i] != 0;
    }
    for (size_t i = layout->purchases; i < layout->exposed; i++)
        if (d[i] != 0) {
            cell->changed[0]++;
            break;
        }
    for (size_t a = 0; a < n_nz; a++) {
        size_t i = nz[a];
        cell->d_sum[i] += d[i];
        int64_t *row = cell->dd_sum + i * n_k;
        for (size_t b = 0; b < n_nz; b++)
            row[nz[b]] += d[i] * d[nz[b]];
    }
}

void walk_customer(walker *w, const walk_run *run, size_t persona, rng_t rng, sim_cell *cells,
                   size_t stride, sim_cell *shared)
{
    walk_customer_from(w, run, persona, rng, cells, stride, shared, 0);
}

void walk_customer_from(walker *w, const walk_run *run, size_t persona, rng_t rng,
                        sim_cell *cells, size_t stride, sim_cell *shared, uint32_t arrival)
{
    const cmp_model *model = run->model;
    size_t n_k = run->layout->n_k;
    uint32_t days = (uint32_t)model->days;
    /* The first variant is the baseline (variant.h), which has no launch
     * dates: its journey is the trail the others follow. */
    const cmp_variant *first = &model->variants[0];
    draw_trail(w, first, &first->plans[persona], rng, days, arrival);

    journey jr = {w,
                  run->layout,
                  first,
                  &first->plans[persona],
                  &cells[0],
                  days,
                  arrival,
                  (uint32_t)model->scn->repeat_window,
                  model->n_purchase_stages,
                  model->scn->n_interventions,
                  run->discount,
                  persona,
                  model->scn};
    if (shared_by_all(run, persona, w)) {
        /* Every variant's journey, with no difference from the first. */
        jr.cell = shared;
        journey_begin(&jr);
        count_trail(&jr);
        journey_finish(&jr);
        add_k(shared, w, n_k);
        return;
    }
    journey_begin(&jr);
    count_trail(&jr);
    journey_finish(&jr);
    add_k(jr.cell, w, n_k);
    memcpy(w->k_first, w->k, n_k * sizeof *w->k);
    w->k_first_dirty = w->k_dirty;
    for (size_t v = 1; v < model->n_variants; v++) {
        jr.variant = &model->variants[v];
        jr.plan = &jr.variant->plans[persona];
        jr.cell = &cells[v * stride];
        journey_begin(&jr);
        if (jr.variant->n_periods)
            walk_calendar(&jr, model, rng);
        else
            walk_other(&jr, rng.inc);
        journey_finish(&jr);
        add_k(jr.cell, w, n_k);
        add_difference(jr.cell, w, run->layout);
    }
}
