#include "exact.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "arrivals.h"
#include "util.h"
#include "i18n.h"

#define EX_NONE UINT32_MAX

/* A reachable node of a plan, as the propagation reads it. */
typedef struct {
    const cmp_node *node;
    uint32_t k;          /* edges; 0: nobody leaves */
    uint32_t n_prefix;   /* P: days in the node with probabilities of their own */
    uint32_t window;     /* P + 1 entry days kept, twice over (see ex_state) */
    uint32_t first_move; /* into the chain's moves: this node's edges */
    double *g;           /* per edge, P values: g[j P + P - t] = S(t - 1) p_j(t) */
    double *tail_p;      /* per edge: its probability on a day t > P */
    double stay;         /* 1 - the hazard of a day t > P */
    double surv_prefix;  /* S(P): who is still there after the first P days */
    uint32_t *next;      /* per edge: the node entered, EX_NONE if never taken */
    int *edge;           /* per edge: the scenario's edge */
    double *curve;       /* purchases by day this node's entries count in, or NULL */
    int32_t first_index; /* a first purchase: its row in ex_chain.first_entries, or -1 */
} ex_node;

/* One persona's plan in one variant, as a chain of reachable nodes. */
typedef struct {
    const cmp_plan *plan;
    uint32_t n;
    ex_node *nodes;
    uint32_t entry;
    uint32_t n_moves;
    int days;
    /* Calendar time: the share of the persona's customers arriving on each
     * day 0 … days − 1 (NULL: all on day 0). */
    const double *inflow;
    /* What the main pass records by day, or NULL: purchases per purchase
     * stage and uses per intervention ([day * n + i]), and per first-purchase
     * node the mass entering it ([row * (days + 1) + day]). */
    double *purchases_day, *uses_day, *first_entries;
    size_t n_slots, n_interventions;
    uint32_t n_first;
} ex_chain;

/*
 * Where the mass of one pass is. Node y keeps the mass that entered it on
 * the last P + 1 days in a ring of `window` slots stored twice in a row, so
 * that the P days before today are always one contiguous run of memory.
 */
typedef struct {
    double **ring;   /* per node: 2 × window */
    double *tail;    /* per node: mass with more than P days in the node */
    uint32_t *first; /* per node: the first day mass entered it, or EX_NONE */
    double *total;   /* per node: all the mass that ever entered it */
    double *moves;   /* per node and edge: all the mass that left by it */
} ex_state;

/* What a first-passage pass stops at: nodes (absorb) or one edge. */
typedef struct {
    const bool *absorb; /* per node, or NULL */
    int edge;           /* or -1 */
    bool *useful;       /* per node: can still get there */
    double *hit_day;    /* per day: the mass that got there that day, or NULL */
} ex_target;

/*
 * The chain of persona p in variant v: its reachable nodes with, per edge,
 * the chance S(t - 1) p_j(t) of leaving by it on day t in the node, from
 * the plan's daily probabilities. A customer's first and second purchases
 * are added, by day, to `first` and `second`.
 */
static void chain_build_of(ex_chain *c, const cmp_model *model, const cmp_variant *variant,
                           size_t p, double *first, double *second)
{
    const scn_scenario *scn = model->scn;
    const cmp_plan *plan = &variant->plans[p];
    size_t n_states = scn->n_stages * SCN_MOODS * CMP_PURCHASE_BUCKETS;
    uint32_t *dense = xcalloc(n_states, sizeof *dense);
    memset(c, 0, sizeof *c);
    c->plan = plan;
    c->days = model->days;
    for (size_t i = 0; i < n_states; i++)
        dense[i] = plan->states[i].thr_offset == CMP_UNREACHABLE ? EX_NONE : c->n++;
    c->nodes = xcalloc(c->n, sizeof *c->nodes);
    c->entry = dense[plan->entry_node];
    for (size_t i = 0; i < n_states; i++) {
        if (dense[i] == EX_NONE)
            continue;
        ex_node *y = &c->nodes[dense[i]];
        const cmp_node *x = &plan->nodes[i];
        y->node = x;
        y->k = x->k;
        y->n_prefix = x->k ? x->n_prefix : 0;
        y->window = y->n_prefix + 1;
        y->first_move = c->n_moves;
        y->stay = 1.0;
        y->surv_prefix = 1.0;
        y->first_index = -1;
        if (x->purchase_slot >= 0)
            y->curve = x->purchases == 1 ? first : x->purchases == 2 ? second : NULL;
        if (x->purchase_slot >= 0 && x->purchases == 1)
            y->first_index = (int32_t)c->n_first++;
        c->n_moves += x->k;
        if (!x->k)
            continue;
        uint32_t k = x->k, P = y->n_prefix;
        y->g = xcalloc((size_t)k * P + 1, sizeof *y->g);
        y->tail_p = xcalloc(k, sizeof *y->tail_p);
        y->next = xcalloc(k, sizeof *y->next);
        y->edge = xcalloc(k, sizeof *y->edge);
        const double *prob = plan->prob + x->prob_offset;
        bool *possible = xcalloc(k, sizeof *possible);
        double survival = 1.0;
        for (uint32_t t = 1; t <= P + 1; t++) {
            const double *row = prob + (size_t)(t - 1) * k;
            double sum = 0;
            for (uint32_t j = 0; j < k; j++) {
                sum += row[j];
                possible[j] |= row[j] > 0;
            }
            /* Within the tolerance of compile.c a sum may pass 1 by
             * rounding: the edges then share exactly everybody. */
            double scale = sum > 1.0 ? 1.0 / sum : 1.0, hazard = fmin(sum, 1.0);
            for (uint32_t j = 0; j < k; j++) {
                if (t <= P)
                    y->g[(size_t)j * P + P - t] = survival * row[j] * scale;
                else
                    y->tail_p[j] = row[j] * scale;
            }
            if (t <= P)
                survival *= 1.0 - hazard;
            else
                y->stay = 1.0 - hazard;
        }
        y->surv_prefix = survival;
        for (uint32_t j = 0; j < k; j++) {
            y->next[j] = possible[j] ? dense[plan->next[x->next_offset + j]] : EX_NONE;
            y->edge[j] = variant->out_edge[x->first_edge + j];
        }
        free(possible);
    }
    free(dense);
}

static void chain_build(ex_chain *c, const cmp_model *model, size_t v, size_t p, double *first,
                        double *second)
{
    chain_build_of(c, model, &model->variants[v], p, first, second);
}

static void chain_free(ex_chain *c)
{
    for (uint32_t i = 0; i < c->n; i++) {
        free(c->nodes[i].g);
        free(c->nodes[i].tail_p);
        free(c->nodes[i].next);
        free(c->nodes[i].edge);
    }
    free(c->nodes);
    memset(c, 0, sizeof *c);
}

static void state_init(ex_state *s, const ex_chain *c)
{
    s->ring = xcalloc(c->n, sizeof *s->ring);
    for (uint32_t i = 0; i < c->n; i++)
        s->ring[i] = xcalloc(2 * (size_t)c->nodes[i].window, sizeof **s->ring);
    s->tail = xcalloc(c->n, sizeof *s->tail);
    s->first = xcalloc(c->n, sizeof *s->first);
    s->total = xcalloc(c->n, sizeof *s->total);
    s->moves = xcalloc(c->n_moves + 1, sizeof *s->moves);
}

static void state_reset(ex_state *s, const ex_chain *c)
{
    for (uint32_t i = 0; i < c->n; i++) {
        memset(s->ring[i], 0, 2 * (size_t)c->nodes[i].window * sizeof **s->ring);
        s->tail[i] = 0;
        s->first[i] = EX_NONE;
        s->total[i] = 0;
    }
    memset(s->moves, 0, c->n_moves * sizeof *s->moves);
}

static void state_free(ex_state *s, const ex_chain *c)
{
    for (uint32_t i = 0; s->ring && i < c->n; i++)
        free(s->ring[i]);
    free(s->ring);
    free(s->tail);
    free(s->first);
    free(s->total);
    free(s->moves);
    memset(s, 0, sizeof *s);
}

/* Four sums in turn, so that the additions do not wait on each other. */
static double dot(const double *a, const double *b, uint32_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    uint32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i] * b[i];
        s1 += a[i + 1] * b[i + 1];
        s2 += a[i + 2] * b[i + 2];
        s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; i++)
        s0 += a[i] * b[i];
    return (s0 + s1) + (s2 + s3);
}

/* Mass entering node z on day d. */
static inline void enter(ex_state *s, const ex_chain *c, uint32_t z, uint32_t d, double mass)
{
    const ex_node *y = &c->nodes[z];
    uint32_t slot = d % y->window;
    s->ring[z][slot] += mass;
    s->ring[z][slot + y->window] += mass;
    s->total[z] += mass;
    if (s->first[z] == EX_NONE)
        s->first[z] = d;
}

/* The end of day d: who entered d - P days ago now has the tail's hazard. */
static void end_of_day(ex_state *s, const ex_chain *c, uint32_t d)
{
    for (uint32_t z = 0; z < c->n; z++) {
        const ex_node *y = &c->nodes[z];
        if (s->first[z] == EX_NONE || !y->k)
            continue;
        double joining = 0;
        if (d >= y->n_prefix && d - y->n_prefix >= s->first[z])
            joining = s->ring[z][(d - y->n_prefix) % y->window] * y->surv_prefix;
        s->tail[z] = s->tail[z] * y->stay + joining;
    }
    /* Tomorrow's slots start empty: what they held has joined the tail. */
    for (uint32_t z = 0; z < c->n; z++) {
        const ex_node *y = &c->nodes[z];
        uint32_t slot = (d + 1) % y->window;
        s->ring[z][slot] = s->ring[z][slot + y->window] = 0;
    }
}

/*
 * Carries one customer's mass through days 1 … days. Without a target,
 * everything that moves is recorded (the main pass); with one, mass that
 * reaches the target is added up and returned, and stops there, and mass
 * that can no longer reach it is dropped.
 */
/* Mass entering node z on day d in the main pass: what is counted by day. */
static void record(const ex_chain *c, uint32_t z, uint32_t d, double mass)
{
    const ex_node *y = &c->nodes[z];
    if (y->curve)
        y->curve[d] += mass;
    if (!c->purchases_day)
        return;
    if (y->node->purchase_slot >= 0)
        c->purchases_day[(size_t)d * c->n_slots + (size_t)y->node->purchase_slot] += mass;
    for (uint32_t mask = y->node->touch_mask; mask; mask &= mask - 1)
        c->uses_day[(size_t)d * c->n_interventions + (size_t)__builtin_ctz(mask)] += mass;
    if (y->first_index >= 0 && c->first_entries)
        c->first_entries[(size_t)y->first_index * (size_t)(c->days + 1) + d] += mass;
}

/* The mass that arrives on day d and enters the entry node: everybody on
 * day 0 for a cohort, the day's share of the persona in calendar time.
 * Returns what reached the target by arriving. */
static double arrive(const ex_chain *c, ex_state *s, const ex_target *target, uint32_t d)
{
    double mass = c->inflow ? (d < (uint32_t)c->days ? c->inflow[d] : 0.0) : d == 0 ? 1.0 : 0.0;
    if (mass == 0)
        return 0;
    if (target) {
        if (target->absorb && target->absorb[c->entry]) {
            if (target->hit_day)
                target->hit_day[d] += mass;
            return mass;
        }
        if (target->useful[c->entry])
            enter(s, c, c->entry, d, mass);
        return 0;
    }
    enter(s, c, c->entry, d, mass);
    record(c, c->entry, d, mass);
    return 0;
}

static double propagate(const ex_chain *c, ex_state *s, const ex_target *target)
{
    uint32_t days = (uint32_t)c->days;
    state_reset(s, c);
    double hit = arrive(c, s, target, 0);
    end_of_day(s, c, 0);
    for (uint32_t d = 1; d <= days; d++) {
        for (uint32_t z = 0; z < c->n; z++) {
            const ex_node *y = &c->nodes[z];
            uint32_t first = s->first[z];
            if (first == EX_NONE || first >= d || !y->k)
                continue;
            uint32_t P = y->n_prefix;
            /* Cohorts lo … d - 1 are in their first P days. */
            uint32_t lo = d > P ? d - P : 0;
            if (lo < first)
                lo = first;
            uint32_t base = d > P ? d - P : 0; /* the oldest cohort kept */
            const double *cohorts = s->ring[z] + base % y->window + (lo - base);
            uint32_t n = d - lo, offset = P - d + lo;
            for (uint32_t j = 0; j < y->k; j++) {
                uint32_t to = y->next[j];
                if (to == EX_NONE)
                    continue;
                double flow = s->tail[z] * y->tail_p[j];
                if (n)
                    flow += dot(cohorts, y->g + (size_t)j * P + offset, n);
                if (flow == 0)
                    continue;
                if (!target) {
                    s->moves[y->first_move + j] += flow;
                    enter(s, c, to, d, flow);
                    record(c, to, d, flow);
                } else if (y->edge[j] == target->edge || (target->absorb && target->absorb[to])) {
                    hit += flow;
                    if (target->hit_day)
                        target->hit_day[d] += flow;
                } else if (target->useful[to]) {
                    enter(s, c, to, d, flow);
                }
            }
        }
        hit += arrive(c, s, target, d);
        end_of_day(s, c, d);
    }
    return hit;
}

/* ------------------------------------------------------------------------
 * First passages: where a pass is needed, and the passes.
 */

/* Marks every node reachable from the successors of the nodes in `from`
 * (and from those nodes themselves when `inclusive`). */
static void reach_from(const ex_chain *c, const bool *from, bool inclusive, bool *seen,
                       uint32_t *queue)
{
    uint32_t head = 0, tail = 0;
    memset(seen, 0, c->n * sizeof *seen);
    for (uint32_t z = 0; z < c->n; z++) {
        if (!from[z])
            continue;
        if (inclusive && !seen[z]) {
            seen[z] = true;
            queue[tail++] = z;
        }
        const ex_node *y = &c->nodes[z];
        for (uint32_t j = 0; j < y->k; j++) {
            uint32_t to = y->next[j];
            if (to != EX_NONE && !seen[to]) {
                seen[to] = true;
                queue[tail++] = to;
            }
        }
    }
    while (head < tail) {
        const ex_node *y = &c->nodes[queue[head++]];
        for (uint32_t j = 0; j < y->k; j++) {
            uint32_t to = y->next[j];
            if (to != EX_NONE && !seen[to]) {
                seen[to] = true;
                queue[tail++] = to;
            }
        }
    }
}

/* Can a path that left a node of the set come back into it? */
static bool set_revisited(const ex_chain *c, const bool *set, bool *seen, uint32_t *queue)
{
    reach_from(c, set, false, seen, queue);
    for (uint32_t z = 0; z < c->n; z++)
        if (set[z] && seen[z])
            return true;
    return false;
}

/* Can edge e be taken twice? From where it leads, can it be taken again? */
static bool edge_retaken(const ex_chain *c, int e, bool *from, bool *seen, uint32_t *queue)
{
    memset(from, 0, c->n * sizeof *from);
    for (uint32_t z = 0; z < c->n; z++) {
        const ex_node *y = &c->nodes[z];
        for (uint32_t j = 0; j < y->k; j++)
            if (y->edge[j] == e && y->next[j] != EX_NONE)
                from[y->next[j]] = true;
    }
    reach_from(c, from, true, seen, queue);
    for (uint32_t z = 0; z < c->n; z++) {
        const ex_node *y = &c->nodes[z];
        for (uint32_t j = 0; seen[z] && j < y->k; j++)
            if (y->edge[j] == e && y->next[j] != EX_NONE)
                return true;
    }
    return false;
}

/* Is e the only edge that can bring a customer into its stage? */
static bool only_way_in(const ex_chain *c, int e, int stage)
{
    if (c->nodes[c->entry].node->stage == stage)
        return false;
    for (uint32_t z = 0; z < c->n; z++) {
        const ex_node *y = &c->nodes[z];
        for (uint32_t j = 0; j < y->k; j++)
            if (y->next[j] != EX_NONE && y->edge[j] != e &&
                c->nodes[y->next[j]].node->stage == stage)
                return false;
    }
    return true;
}

/* The nodes from which the target can still be reached. */
static void mark_useful(const ex_chain *c, ex_target *t)
{
    memset(t->useful, 0, c->n * sizeof *t->useful);
    for (bool changed = true; changed;) {
        changed = false;
        for (uint32_t z = c->n; z-- > 0;) {
            const ex_node *y = &c->nodes[z];
            if (t->useful[z] || (t->absorb && t->absorb[z]))
                continue;
            for (uint32_t j = 0; j < y->k; j++) {
                uint32_t to = y->next[j];
                if (to != EX_NONE &&
                    (y->edge[j] == t->edge || (t->absorb && t->absorb[to]) || t->useful[to])) {
                    t->useful[z] = changed = true;
                    break;
                }
            }
        }
    }
}

/* The chance of ever entering one of the nodes in `set`. */
static double pass_nodes(const ex_chain *c, ex_state *s, const bool *set, bool *useful)
{
    ex_target t = {set, -1, useful, NULL};
    mark_useful(c, &t);
    return propagate(c, s, &t);
}

/* The chance of ever taking edge e. */
static double pass_edge(const ex_chain *c, ex_state *s, int e, bool *useful)
{
    ex_target t = {NULL, e, useful, NULL};
    mark_useful(c, &t);
    return propagate(c, s, &t);
}

/* ------------------------------------------------------------------------
 * One variant and persona: the chances of one customer.
 */

/*
 * The chance that a customer's second purchase comes at most `window` days
 * after its first. Without launch dates the journey after a first purchase
 * does not depend on the calendar day, so from each first-purchase node z
 * one pass gives H_z(t), the chance of a second purchase within t days;
 * the customers who enter z on day f count with H_z(min(window, days − f)).
 * With `reach` > 0 (targets by day) the same passes also give, per day
 * D < reach, the chance of such a second purchase on day D, into by_day:
 * by day D the customers who entered z on day f <= D and bought again
 * within min(window, D − f) days.
 */
static double repeat_in_window(const ex_chain *c, ex_state *s, uint32_t window, size_t reach,
                               double *by_day, bool *set, bool *useful)
{
    uint32_t days = (uint32_t)c->days, span = window < days ? window : days;
    double *hit = xcalloc((size_t)span + 1, sizeof *hit);
    double *by = reach ? xcalloc(reach + 1, sizeof *by) : NULL;
    double total = 0;
    for (uint32_t z = 0; z < c->n; z++) {
        const cmp_node *node = c->nodes[z].node;
        set[z] = node->purchase_slot >= 0 && node->purchases == 2;
    }
    for (uint32_t z = 0; z < c->n; z++) {
        int32_t row = c->nodes[z].first_index;
        if (row < 0)
            continue;
        ex_chain from = *c;
        from.entry = z;
        from.inflow = NULL;
        from.days = (int)span;
        from.purchases_day = NULL;
        memset(hit, 0, ((size_t)span + 1) * sizeof *hit);
        ex_target t = {set, -1, useful, hit};
        mark_useful(&from, &t);
        propagate(&from, s, &t);
        for (uint32_t d = 1; d <= span; d++)
            hit[d] += hit[d - 1]; /* H_z(d) */
        const double *entries = c->first_entries + (size_t)row * (days + 1);
        for (uint32_t f = 0; f <= days; f++)
            if (entries[f] != 0)
                total += entries[f] * hit[days - f < span ? days - f : span];
        for (size_t d = 0; d < reach && d <= days; d++)
            for (uint32_t f = 0; f <= d; f++)
                if (entries[f] != 0)
                    by[d] += entries[f] * hit[d - f < span ? d - f : span];
    }
    for (size_t d = 0; d < reach; d++)
        by_day[d] = by[d] - (d ? by[d - 1] : 0); /* the day's own */
    free(by);
    free(hit);
    return total;
}

/*
 * Targets by day (target.h): for each stage a target counts by day, the
 * chance of first entering it on each day 0 … R − 1 (R = reach_days), from
 * one first-passage pass with the stage's nodes absorbing.
 */
static void reached_by_day(const ex_chain *c, ex_state *s, const scn_scenario *scn, size_t reach,
                           double *out, bool *set, bool *useful)
{
    double *hit = xcalloc((size_t)c->days + 1, sizeof *hit);
    for (size_t st = 0; st < scn->n_stages; st++) {
        if (!tgt_counts_stage_by_day(&scn->targets, (int)st))
            continue;
        bool any = false;
        for (uint32_t z = 0; z < c->n; z++)
            any |= set[z] = c->nodes[z].node->stage == (int)st;
        if (!any)
            continue;
        memset(hit, 0, ((size_t)c->days + 1) * sizeof *hit);
        ex_target t = {set, -1, useful, hit};
        mark_useful(c, &t);
        propagate(c, s, &t);
        for (size_t d = 0; d < reach && d <= (size_t)c->days; d++)
            out[st * reach + d] = hit[d];
    }
    free(hit);
}

/*
 * Lifetime value: the customer's revenue and costs, each discounted by
 * (1 + r)^(-s / 365) at its age s (days since arrival), into k_sum at the
 * layout's clv slots, in hundredths as a sampled run counts them. Without
 * launch dates a customer's journey does not depend on its arrival day, so
 * one cohort pass gives every payment by age, g(s); a customer arriving on
 * day a counts g(0) … g(days − a).
 */
static void lifetime_value(const cmp_model *model, const sim_layout *l, size_t v, size_t p,
                           const double *inflow, sim_expected *x)
{
    const scn_scenario *scn = model->scn;
    size_t days = (size_t)model->days, n_slots = model->n_purchase_stages;
    size_t n_int = scn->n_interventions;
    double *first = xcalloc(days + 1, sizeof *first), *second = xcalloc(days + 1, sizeof *second);
    ex_chain c;
    chain_build(&c, model, v, p, first, second);
    c.purchases_day = xcalloc((days + 1) * n_slots + 1, sizeof *c.purchases_day);
    c.uses_day = xcalloc((days + 1) * n_int + 1, sizeof *c.uses_day);
    c.n_slots = n_slots;
    c.n_interventions = n_int;
    ex_state s;
    state_init(&s, &c);
    propagate(&c, &s, NULL);
    /* g: revenue and cost paid at each age. */
    double *revenue = xcalloc(days + 1, sizeof *revenue), *cost = xcalloc(days + 1, sizeof *cost);
    for (size_t st = 0; st < scn->n_stages; st++) {
        int slot = model->purchase_slot[st];
        for (size_t d = 0; slot >= 0 && d <= days; d++)
            revenue[d] += c.purchases_day[d * n_slots + (size_t)slot] * scn->stages[st].value[p];
    }
    bool *set = xcalloc(c.n, sizeof *set), *useful = xcalloc(c.n, sizeof *useful);
    double *hit = xcalloc(days + 1, sizeof *hit);
    for (size_t i = 0; i < n_int; i++) {
        const scn_intervention *in = &scn->interventions[i];
        for (size_t d = 0; d <= days; d++)
            cost[d] += in->cost_per_use * c.uses_day[d * n_int + i];
        bool any = false;
        for (uint32_t z = 0; z < c.n; z++)
            any |= set[z] = (c.nodes[z].node->touch_mask >> i) & 1u;
        if (!any || in->cost_per_customer == 0)
            continue;
        memset(hit, 0, (days + 1) * sizeof *hit);
        ex_target t = {set, -1, useful, hit};
        mark_useful(&c, &t);
        propagate(&c, &s, &t); /* first exposures by age */
        for (size_t d = 0; d <= days; d++)
            cost[d] += in->cost_per_customer * hit[d];
    }
    /* G(s): discounted payments up to age s. */
    double rev_sum = 0, cost_sum = 0, clv_rev = 0, clv_cost = 0;
    for (size_t d = 0; d <= days; d++) {
        double f = pow(1.0 + scn->discount_rate, -(double)d / 365.0);
        revenue[d] = rev_sum += revenue[d] * f;
        cost[d] = cost_sum += cost[d] * f;
    }
    for (size_t a = 0; a < (inflow ? days : 1); a++) {
        double share = inflow ? inflow[a] : 1.0;
        clv_rev += share * revenue[days - a];
        clv_cost += share * cost[days - a];
    }
    x->k_sum[l->clv] = 100 * clv_rev;
    x->k_sum[l->clv + 1] = 100 * clv_cost;
    free(hit);
    free(set);
    free(useful);
    free(revenue);
    free(cost);
    free(first);
    free(second);
    free(c.purchases_day);
    free(c.uses_day);
    state_free(&s, &c);
    chain_free(&c);
}

/* ------------------------------------------------------------------------
 * Launch dates: a variant whose plan changes on given days (cmp_variant's
 * periods). Its parts have the same nodes, numbered alike, one chain per
 * period. The mass of a node is kept by days in the node (one by one up to
 * the longest prefix of its plans, then as one sum), so that each day's
 * hazard is the plan's of that day whatever the plans before it were.
 */

typedef struct {
    uint32_t n_periods;
    const int *from;  /* per period: its first day */
    ex_chain *chains; /* per period */
    uint32_t n;       /* nodes, alike in every chain */
    uint32_t *width;  /* per node: W, the days in the node kept one by one */
} ex_cal;

/* What a calendar pass counts by day (main pass), or NULL fields. */
typedef struct {
    double *first, *second; /* first and second purchases by day */
    double *purchases_day, *uses_day, *first_entries;
    double *total;      /* per node: all the mass that entered it */
    double *edge_moves; /* per scenario edge */
} ex_sink;

typedef struct {
    double **age;     /* per node: W + 1 values: days in the node 0 … W - 1, and W or more */
    double *incoming; /* per node: entering today */
    double *scratch;  /* the largest W + 1: a node's mass after the day */
    bool *alive;      /* per node: holds mass */
} ex_cstate;

static uint32_t cal_period(const ex_cal *cal, uint32_t day)
{
    uint32_t q = 0;
    while (q + 1 < cal->n_periods && (uint32_t)cal->from[q + 1] <= day)
        q++;
    return q;
}

static void cal_build(ex_cal *cal, const cmp_model *model, const cmp_variant *variant, size_t p)
{
    memset(cal, 0, sizeof *cal);
    cal->n_periods = variant->n_periods;
    cal->from = variant->period_from;
    cal->chains = xcalloc(cal->n_periods, sizeof *cal->chains);
    for (uint32_t q = 0; q < cal->n_periods; q++)
        chain_build_of(&cal->chains[q], model, &model->parts[variant->period_part[q]], p, NULL,
                       NULL);
    cal->n = cal->chains[0].n;
    cal->width = xcalloc(cal->n + 1, sizeof *cal->width);
    for (uint32_t z = 0; z < cal->n; z++) {
        uint32_t w = 1;
        for (uint32_t q = 0; q < cal->n_periods; q++)
            if (cal->chains[q].nodes[z].n_prefix + 1 > w)
                w = cal->chains[q].nodes[z].n_prefix + 1;
        cal->width[z] = w;
    }
}

static void cal_free(ex_cal *cal)
{
    for (uint32_t q = 0; q < cal->n_periods; q++)
        chain_free(&cal->chains[q]);
    free(cal->chains);
    free(cal->width);
    memset(cal, 0, sizeof *cal);
}

/* One period of a calendar, as a calendar of its own. */
static ex_cal cal_one(const ex_cal *cal, uint32_t q)
{
    static const int zero = 0;
    ex_cal one = *cal;
    one.n_periods = 1;
    one.from = &zero;
    one.chains = &cal->chains[q];
    return one;
}

static void cstate_init(ex_cstate *s, const ex_cal *cal)
{
    s->age = xcalloc(cal->n + 1, sizeof *s->age);
    for (uint32_t z = 0; z < cal->n; z++)
        s->age[z] = xcalloc((size_t)cal->width[z] + 1, sizeof **s->age);
    s->incoming = xcalloc(cal->n + 1, sizeof *s->incoming);
    s->alive = xcalloc(cal->n + 1, sizeof *s->alive);
    uint32_t w = 1;
    for (uint32_t z = 0; z < cal->n; z++)
        w = cal->width[z] > w ? cal->width[z] : w;
    s->scratch = xcalloc((size_t)w + 1, sizeof *s->scratch);
}

static void cstate_free(ex_cstate *s, const ex_cal *cal)
{
    for (uint32_t z = 0; z < cal->n; z++)
        free(s->age[z]);
    free(s->age);
    free(s->incoming);
    free(s->alive);
    free(s->scratch);
}

/* Mass entering node z on day d in the main pass: what is counted by day. */
static void cal_record(const ex_sink *k, const ex_chain *c, uint32_t z, uint32_t d, double mass,
                       size_t n_slots, size_t n_int, uint32_t days)
{
    const cmp_node *x = c->nodes[z].node;
    if (k->total)
        k->total[z] += mass;
    if (x->purchase_slot >= 0) {
        if (k->first && x->purchases == 1)
            k->first[d] += mass;
        if (k->second && x->purchases == 2)
            k->second[d] += mass;
        if (k->purchases_day)
            k->purchases_day[(size_t)d * n_slots + (size_t)x->purchase_slot] += mass;
    }
    for (uint32_t mask = x->touch_mask; k->uses_day && mask; mask &= mask - 1)
        k->uses_day[(size_t)d * n_int + (size_t)__builtin_ctz(mask)] += mass;
    if (k->first_entries && c->nodes[z].first_index >= 0)
        k->first_entries[(size_t)c->nodes[z].first_index * (days + 1) + d] += mass;
}

/* What a calendar pass stops at: nodes, per period (absorb[q * n + z]) or
 * alike in every period (stride 0), or one edge. */
typedef struct {
    const bool *absorb;
    size_t stride;
    int edge;
    const bool *useful;
    double *hit_day;
} ex_ctarget;

static bool cal_absorbs(const ex_ctarget *t, uint32_t q, uint32_t z)
{
    return t->absorb && t->absorb[(size_t)q * t->stride + z];
}

/* Nodes from which the target can still be reached, in some period. */
static void cal_mark_useful(const ex_cal *cal, const ex_ctarget *t, bool *useful)
{
    memset(useful, 0, cal->n * sizeof *useful);
    for (bool changed = true; changed;) {
        changed = false;
        for (uint32_t z = 0; z < cal->n; z++) {
            if (useful[z])
                continue;
            for (uint32_t q = 0; q < cal->n_periods && !useful[z]; q++) {
                const ex_node *y = &cal->chains[q].nodes[z];
                for (uint32_t j = 0; j < y->k; j++) {
                    uint32_t to = y->next[j];
                    if (to == EX_NONE)
                        continue;
                    bool hits = y->edge[j] == t->edge || useful[to];
                    for (uint32_t r = 0; !hits && r < cal->n_periods; r++)
                        hits = cal_absorbs(t, r, to);
                    if (hits) {
                        useful[z] = changed = true;
                        break;
                    }
                }
            }
        }
    }
}

/*
 * Carries mass through days start + 1 … end. It starts as one customer in
 * node `node` entered on day `start`, or (node EX_NONE) arrives as the
 * chain's inflow (a cohort on day 0). Without a target the main pass counts
 * into the sink; with one, returns the mass that reaches it.
 */
static double cal_propagate(const ex_cal *cal, const cmp_model *model, ex_cstate *s,
                            const ex_ctarget *target, const ex_sink *sink, uint32_t start,
                            uint32_t end, uint32_t node, const double *inflow)
{
    size_t n_slots = model->n_purchase_stages, n_int = model->scn->n_interventions;
    uint32_t days = (uint32_t)model->days;
    double hit = 0;
    for (uint32_t z = 0; z < cal->n; z++) {
        memset(s->age[z], 0, ((size_t)cal->width[z] + 1) * sizeof **s->age);
        s->incoming[z] = 0;
        s->alive[z] = false;
    }
    for (uint32_t d = start; d <= end; d++) {
        uint32_t q = cal_period(cal, d);
        const ex_chain *c = &cal->chains[q];
        if (d > start) {
            for (uint32_t z = 0; z < cal->n; z++) {
                if (!s->alive[z])
                    continue;
                const ex_node *y = &c->nodes[z];
                const double *prob = c->plan->prob + y->node->prob_offset;
                uint32_t W = cal->width[z], P = y->n_prefix, k = y->k;
                double *age = s->age[z], *moved = s->scratch;
                for (uint32_t t = 0; t <= W; t++) {
                    double m = age[t];
                    if (m == 0)
                        continue;
                    uint32_t up = t + 1 < W ? t + 1 : W;
                    if (k == 0) {
                        moved[up] += m;
                        continue;
                    }
                    uint32_t a = t + 1; /* the day in the node that today is */
                    const double *row = prob + (size_t)((a <= P ? a : P + 1) - 1) * k;
                    double sum = 0;
                    for (uint32_t j = 0; j < k; j++)
                        sum += row[j];
                    /* Within compile.c's tolerance a sum may pass 1 by
                     * rounding: the edges then share exactly everybody. */
                    double scale = sum > 1.0 ? 1.0 / sum : 1.0;
                    moved[up] += m * (1.0 - fmin(sum, 1.0));
                    for (uint32_t j = 0; j < k; j++) {
                        uint32_t to = y->next[j];
                        double flow = m * row[j] * scale;
                        if (to == EX_NONE || flow == 0)
                            continue;
                        if (!target) {
                            sink->edge_moves[y->edge[j]] += flow;
                            s->incoming[to] += flow;
                            cal_record(sink, c, to, d, flow, n_slots, n_int, days);
                        } else if (y->edge[j] == target->edge || cal_absorbs(target, q, to)) {
                            hit += flow;
                            if (target->hit_day)
                                target->hit_day[d] += flow;
                        } else if (target->useful[to]) {
                            s->incoming[to] += flow;
                        }
                    }
                }
                /* One more day in the node for everyone who stayed. */
                for (uint32_t t = 0; t <= W; t++) {
                    age[t] = moved[t];
                    moved[t] = 0;
                }
            }
        }
        for (uint32_t z = 0; z < cal->n; z++)
            if (s->incoming[z] != 0) {
                s->age[z][0] += s->incoming[z];
                s->incoming[z] = 0;
                s->alive[z] = true;
            }
        /* Arrivals of the day: the entry node of the day's plan. */
        double mass;
        uint32_t at = c->entry;
        if (node != EX_NONE) {
            mass = d == start ? 1.0 : 0.0;
            at = node;
        } else {
            mass = inflow ? (d < days ? inflow[d] : 0.0) : d == 0 ? 1.0 : 0.0;
        }
        if (mass == 0)
            continue;
        if (target && cal_absorbs(target, q, at)) {
            hit += mass;
            if (target->hit_day)
                target->hit_day[d] += mass;
            continue;
        }
        if (target && !target->useful[at])
            continue;
        s->age[at][0] += mass;
        s->alive[at] = true;
        if (!target)
            cal_record(sink, c, at, d, mass, n_slots, n_int, days);
    }
    return hit;
}

/* Per period, the nodes whose entry uses intervention i: absorb[q n + z]. */
static bool cal_uses(const ex_cal *cal, size_t i, bool *absorb)
{
    bool any = false;
    for (uint32_t q = 0; q < cal->n_periods; q++)
        for (uint32_t z = 0; z < cal->n; z++)
            any |= absorb[(size_t)q * cal->n + z] =
                (cal->chains[q].nodes[z].node->touch_mask >> i) & 1u;
    return any;
}

/*
 * Repeat buyers within the window: from each first-purchase node z entered
 * on day f, the chance of a second purchase by day min(f + window, days),
 * a pass of its own where the window spans a change of period, one per
 * period and node for the windows that lie in one period.
 */
static double cal_repeat_in_window(const ex_cal *cal, const cmp_model *model, ex_cstate *s,
                                   uint32_t window, const double *first_entries, bool *set,
                                   bool *useful)
{
    uint32_t days = (uint32_t)model->days, span = window < days ? window : days;
    for (uint32_t z = 0; z < cal->n; z++) {
        const cmp_node *node = cal->chains[0].nodes[z].node;
        set[z] = node->purchase_slot >= 0 && node->purchases == 2;
    }
    double *hit = xcalloc((size_t)days + 1, sizeof *hit);
    double **pure = xcalloc(cal->n_periods, sizeof *pure);
    ex_ctarget t = {set, 0, -1, useful, hit};
    cal_mark_useful(cal, &t, useful);
    double total = 0;
    for (uint32_t z = 0; z < cal->n; z++) {
        int32_t row = cal->chains[0].nodes[z].first_index;
        if (row < 0)
            continue;
        for (uint32_t q = 0; q < cal->n_periods; q++) {
            free(pure[q]);
            pure[q] = NULL;
        }
        const double *entries = first_entries + (size_t)row * (days + 1);
        for (uint32_t f = 0; f < days; f++) {
            if (entries[f] == 0)
                continue;
            uint32_t e = f + span < days ? f + span : days;
            uint32_t q = cal_period(cal, f + 1);
            if (q != cal_period(cal, e)) {
                total += entries[f] * cal_propagate(cal, model, s, &t, NULL, f, e, z, NULL);
                continue;
            }
            if (!pure[q]) {
                ex_cal one = cal_one(cal, q);
                memset(hit, 0, ((size_t)days + 1) * sizeof *hit);
                cal_propagate(&one, model, s, &t, NULL, 0, span, z, NULL);
                pure[q] = xcalloc((size_t)span + 1, sizeof **pure);
                for (uint32_t d = 1; d <= span; d++)
                    pure[q][d] = pure[q][d - 1] + hit[d];
            }
            total += entries[f] * pure[q][e - f];
        }
    }
    for (uint32_t q = 0; q < cal->n_periods; q++)
        free(pure[q]);
    free(pure);
    free(hit);
    return total;
}

/* The revenue and costs of one customer who arrives on day `a`, by age
 * (days since arrival), undiscounted, into rev and cost (days + 1 each). */
static void cal_payments(const ex_cal *cal, const cmp_model *model, ex_cstate *s, size_t p,
                         uint32_t a, double *rev, double *cost)
{
    const scn_scenario *scn = model->scn;
    size_t days = (size_t)model->days, n_slots = model->n_purchase_stages;
    size_t n_int = scn->n_interventions;
    double *purchases_day = xcalloc((days + 1) * n_slots + 1, sizeof *purchases_day);
    double *uses_day = xcalloc((days + 1) * n_int + 1, sizeof *uses_day);
    double *moves = xcalloc(scn->n_edges + 1, sizeof *moves);
    double *hit = xcalloc(days + 1, sizeof *hit);
    bool *absorb = xcalloc((size_t)cal->n * cal->n_periods + 1, sizeof *absorb);
    bool *useful = xcalloc(cal->n + 1, sizeof *useful);
    ex_sink sink = {NULL, NULL, purchases_day, uses_day, NULL, NULL, moves};
    uint32_t entry = cal->chains[cal_period(cal, a)].entry;
    cal_propagate(cal, model, s, NULL, &sink, a, (uint32_t)days, entry, NULL);
    for (size_t st = 0; st < scn->n_stages; st++) {
        int slot = model->purchase_slot[st];
        for (size_t d = a; slot >= 0 && d <= days; d++)
            rev[d - a] += purchases_day[d * n_slots + (size_t)slot] * scn->stages[st].value[p];
    }
    for (size_t i = 0; i < n_int; i++) {
        const scn_intervention *in = &scn->interventions[i];
        for (size_t d = a; d <= days; d++)
            cost[d - a] += in->cost_per_use * uses_day[d * n_int + i];
        if (in->cost_per_customer == 0 || !cal_uses(cal, i, absorb))
            continue;
        memset(hit, 0, (days + 1) * sizeof *hit);
        ex_ctarget t = {absorb, cal->n, -1, useful, hit};
        cal_mark_useful(cal, &t, useful);
        cal_propagate(cal, model, s, &t, NULL, a, (uint32_t)days, entry, NULL);
        for (size_t d = a; d <= days; d++)
            cost[d - a] += in->cost_per_customer * hit[d];
    }
    free(purchases_day);
    free(uses_day);
    free(moves);
    free(hit);
    free(absorb);
    free(useful);
}

/* Lifetime value with launch dates: a customer's payments depend on its
 * arrival day, but for the arrivals within the last period only on its age,
 * from one pass of that period's plans. */
static void cal_lifetime_value(const ex_cal *cal, const cmp_model *model, ex_cstate *s,
                               const sim_layout *l, size_t p, const double *inflow, sim_expected *x)
{
    const scn_scenario *scn = model->scn;
    size_t days = (size_t)model->days;
    double *rev = xcalloc(days + 1, sizeof *rev), *cost = xcalloc(days + 1, sizeof *cost);
    double *last_rev = NULL, *last_cost = NULL;
    double *f = xcalloc(days + 1, sizeof *f);
    for (size_t d = 0; d <= days; d++)
        f[d] = pow(1.0 + scn->discount_rate, -(double)d / 365.0);
    uint32_t q_last = cal_period(cal, (uint32_t)days);
    double clv_rev = 0, clv_cost = 0;
    for (size_t a = 0; a < (inflow ? days : 1); a++) {
        double share = inflow ? inflow[a] : 1.0;
        if (share == 0)
            continue;
        size_t span = days - a;
        if (cal_period(cal, (uint32_t)a) == q_last) {
            if (!last_rev) {
                ex_cal one = cal_one(cal, q_last);
                last_rev = xcalloc(days + 1, sizeof *last_rev);
                last_cost = xcalloc(days + 1, sizeof *last_cost);
                cal_payments(&one, model, s, p, 0, last_rev, last_cost);
                for (size_t d = 0; d <= days; d++) {
                    last_rev[d] = (d ? last_rev[d - 1] : 0) + last_rev[d] * f[d];
                    last_cost[d] = (d ? last_cost[d - 1] : 0) + last_cost[d] * f[d];
                }
            }
            clv_rev += share * last_rev[span];
            clv_cost += share * last_cost[span];
            continue;
        }
        memset(rev, 0, (days + 1) * sizeof *rev);
        memset(cost, 0, (days + 1) * sizeof *cost);
        cal_payments(cal, model, s, p, (uint32_t)a, rev, cost);
        double r = 0, c = 0;
        for (size_t d = 0; d <= span; d++) {
            r += rev[d] * f[d];
            c += cost[d] * f[d];
        }
        clv_rev += share * r;
        clv_cost += share * c;
    }
    x->k_sum[l->clv] = 100 * clv_rev;
    x->k_sum[l->clv + 1] = 100 * clv_cost;
    free(rev);
    free(cost);
    free(last_rev);
    free(last_cost);
    free(f);
}

/* job_compute for a variant with launch dates: every whole-path count is a
 * pass of its own (the shortcuts of job_compute read one chain's graph). */
static void job_compute_calendar(const cmp_model *model, const sim_layout *l, size_t v, size_t p,
                                 const double *inflow, sim_expected *x)
{
    const scn_scenario *scn = model->scn;
    uint32_t days = (uint32_t)model->days;
    size_t n_int = scn->n_interventions;
    ex_cal cal;
    cal_build(&cal, model, &model->variants[v], p);
    ex_cstate s;
    cstate_init(&s, &cal);
    double *total = xcalloc(cal.n + 1, sizeof *total);
    double *first_entries =
        xcalloc((size_t)cal.chains[0].n_first * (days + 1) + 1, sizeof *first_entries);
    ex_sink sink = {x->first_purchase_day, x->second_purchase_day, x->purchases_day,
                    x->uses_day,           first_entries,          total,
                    x->edge_moves};
    for (uint32_t d = 0; d <= days; d++)
        x->arrivals_day[d] = inflow ? (d < days ? inflow[d] : 0.0) : d == 0;
    cal_propagate(&cal, model, &s, NULL, &sink, 0, days, EX_NONE, inflow);

    for (uint32_t z = 0; z < cal.n; z++) {
        const cmp_node *node = cal.chains[0].nodes[z].node;
        x->entries[node->stage] += total[z];
        x->mood_sum[node->stage] += total[z] * node->mood;
        if (node->purchase_slot >= 0)
            x->k_sum[l->purchases + (size_t)node->purchase_slot] += total[z];
    }
    for (uint32_t d = 0; d <= days; d++) {
        for (size_t i = 0; i < n_int; i++)
            x->k_sum[l->uses + i] += x->uses_day[(size_t)d * n_int + i];
        x->k_sum[SIM_K_BUYER] += x->first_purchase_day[d];
        x->k_sum[SIM_K_REPEAT] += x->second_purchase_day[d];
    }
    bool *absorb = xcalloc((size_t)cal.n * cal.n_periods + 1, sizeof *absorb);
    bool *useful = xcalloc(cal.n + 1, sizeof *useful);
    int entry_stage = scn->entry;
    for (size_t st = 0; st < scn->n_stages; st++) {
        if (x->entries[st] == 0) {
            x->reached[st] = 0;
            continue;
        }
        if ((int)st == entry_stage) {
            x->reached[st] = 1;
            continue;
        }
        for (uint32_t z = 0; z < cal.n; z++)
            absorb[z] = cal.chains[0].nodes[z].node->stage == (int)st;
        ex_ctarget t = {absorb, 0, -1, useful, NULL};
        cal_mark_useful(&cal, &t, useful);
        x->reached[st] = cal_propagate(&cal, model, &s, &t, NULL, 0, days, EX_NONE, inflow);
    }
    for (size_t e = 0; e < scn->n_edges; e++) {
        if (x->edge_moves[e] == 0) {
            x->edge_customers[e] = 0;
            continue;
        }
        ex_ctarget t = {NULL, 0, (int)e, useful, NULL};
        cal_mark_useful(&cal, &t, useful);
        x->edge_customers[e] = cal_propagate(&cal, model, &s, &t, NULL, 0, days, EX_NONE, inflow);
    }
    double *hit = xcalloc((size_t)days + 1, sizeof *hit);
    for (size_t i = 0; i < n_int; i++) {
        double *exposed = &x->k_sum[l->exposed + i];
        if (x->k_sum[l->uses + i] == 0 || !cal_uses(&cal, i, absorb)) {
            *exposed = 0;
            continue;
        }
        memset(hit, 0, ((size_t)days + 1) * sizeof *hit);
        ex_ctarget t = {absorb, cal.n, -1, useful, hit};
        cal_mark_useful(&cal, &t, useful);
        *exposed = cal_propagate(&cal, model, &s, &t, NULL, 0, days, EX_NONE, inflow);
        for (uint32_t d = 0; d <= days; d++)
            x->exposed_day[(size_t)d * n_int + i] = hit[d];
    }
    free(hit);
    if (scn->repeat_window > 0)
        x->k_sum[l->window] = cal_repeat_in_window(&cal, model, &s, (uint32_t)scn->repeat_window,
                                                   first_entries, absorb, useful);
    if (scn->has_discount)
        cal_lifetime_value(&cal, model, &s, l, p, inflow, x);
    free(absorb);
    free(useful);
    free(total);
    free(first_entries);
    cstate_free(&s, &cal);
    cal_free(&cal);
}

static void job_compute(const cmp_model *model, const sim_layout *l, size_t v, size_t p,
                        const double *inflow, sim_expected *x)
{
    if (model->variants[v].n_periods) {
        job_compute_calendar(model, l, v, p, inflow, x);
        return;
    }
    const scn_scenario *scn = model->scn;
    ex_chain c;
    chain_build(&c, model, v, p, x->first_purchase_day, x->second_purchase_day);
    c.inflow = inflow;
    c.purchases_day = x->purchases_day;
    c.uses_day = x->uses_day;
    c.n_slots = model->n_purchase_stages;
    c.n_interventions = scn->n_interventions;
    c.first_entries = xcalloc((size_t)c.n_first * (size_t)(model->days + 1) + 1,
                              sizeof *c.first_entries);
    for (int d = 0; d <= model->days; d++)
        x->arrivals_day[d] = inflow ? (d < model->days ? inflow[d] : 0.0) : d == 0;
    ex_state s;
    state_init(&s, &c);
    propagate(&c, &s, NULL);

    for (uint32_t z = 0; z < c.n; z++) {
        const cmp_node *node = c.nodes[z].node;
        double in = s.total[z];
        x->entries[node->stage] += in;
        x->mood_sum[node->stage] += in * node->mood;
        if (node->purchase_slot >= 0)
            x->k_sum[l->purchases + (size_t)node->purchase_slot] += in;
        for (uint32_t mask = node->touch_mask; mask; mask &= mask - 1)
            x->k_sum[l->uses + (size_t)__builtin_ctz(mask)] += in;
        for (uint32_t j = 0; j < c.nodes[z].k; j++)
            x->edge_moves[c.nodes[z].edge[j]] += s.moves[c.nodes[z].first_move + j];
    }
    for (int d = 0; d <= model->days; d++) {
        x->k_sum[SIM_K_BUYER] += x->first_purchase_day[d];
        x->k_sum[SIM_K_REPEAT] += x->second_purchase_day[d];
    }

    bool *set = xcalloc(c.n, sizeof *set), *seen = xcalloc(c.n, sizeof *seen);
    bool *useful = xcalloc(c.n, sizeof *useful);
    uint32_t *queue = xcalloc(c.n + 1, sizeof *queue);
    int entry_stage = c.nodes[c.entry].node->stage;
    bool one_purchase_stage = model->n_purchase_stages == 1;
    for (size_t st = 0; st < scn->n_stages; st++) {
        bool any = false;
        for (uint32_t z = 0; z < c.n; z++) {
            set[z] = c.nodes[z].node->stage == (int)st;
            any |= set[z];
        }
        if (!any)
            x->reached[st] = 0;
        else if ((int)st == entry_stage)
            x->reached[st] = 1;
        else if (!set_revisited(&c, set, seen, queue))
            x->reached[st] = x->entries[st];
        else if (one_purchase_stage && model->purchase_slot[st] == 0)
            x->reached[st] = x->k_sum[SIM_K_BUYER]; /* a first purchase is a first visit */
        else
            x->reached[st] = pass_nodes(&c, &s, set, useful);
    }
    for (size_t e = 0; e < scn->n_edges; e++) {
        int to = scn->edges[e].to;
        if (x->edge_moves[e] == 0)
            x->edge_customers[e] = 0;
        else if (!edge_retaken(&c, (int)e, set, seen, queue))
            x->edge_customers[e] = x->edge_moves[e];
        else if (only_way_in(&c, (int)e, to))
            x->edge_customers[e] = x->reached[to];
        else
            x->edge_customers[e] = pass_edge(&c, &s, (int)e, useful);
    }
    for (size_t i = 0; i < scn->n_interventions; i++) {
        int stage = -1;
        bool any = false, one_stage = true;
        for (uint32_t z = 0; z < c.n; z++) {
            const cmp_node *node = c.nodes[z].node;
            set[z] = (node->touch_mask >> i) & 1u;
            if (!set[z])
                continue;
            one_stage &= !any || stage == node->stage;
            stage = node->stage;
            any = true;
        }
        double *exposed = &x->k_sum[l->exposed + i];
        size_t n_int = scn->n_interventions;
        if (!any) {
            *exposed = 0;
        } else if (!set_revisited(&c, set, seen, queue)) {
            *exposed = x->k_sum[l->uses + i];
            for (int d = 0; d <= model->days; d++)
                x->exposed_day[(size_t)d * n_int + i] = x->uses_day[(size_t)d * n_int + i];
        } else if (one_stage && scn->interventions[i].cost_per_customer == 0) {
            *exposed = x->reached[stage]; /* by day it costs nothing */
        } else {
            /* First exposures by day: what a cost per customer is charged on. */
            double *hit = xcalloc((size_t)model->days + 1, sizeof *hit);
            ex_target t = {set, -1, useful, hit};
            mark_useful(&c, &t);
            *exposed = propagate(&c, &s, &t);
            for (int d = 0; d <= model->days; d++)
                x->exposed_day[(size_t)d * n_int + i] = hit[d];
            free(hit);
        }
    }
    if (scn->repeat_window > 0)
        x->k_sum[l->window] = repeat_in_window(&c, &s, (uint32_t)scn->repeat_window, l->reach_days,
                                               x->window_day, set, useful);
    if (l->reach_days)
        reached_by_day(&c, &s, scn, l->reach_days, x->reached_day, set, useful);
    if (scn->has_discount)
        lifetime_value(model, l, v, p, inflow, x);
    free(c.first_entries);
    free(set);
    free(seen);
    free(useful);
    free(queue);
    state_free(&s, &c);
    chain_free(&c);
}

/* Does persona p meet the same chances in variants a and b? Then its
 * results are the same, and computed once. */
static bool same_plan(const cmp_model *model, size_t a, size_t b, size_t p)
{
    const cmp_variant *va = &model->variants[a], *vb = &model->variants[b];
    const cmp_plan *x = &va->plans[p], *y = &vb->plans[p];
    if (va->n_periods || vb->n_periods) /* launch dates: computed each */
        return false;
    size_t n_states = model->scn->n_stages * SCN_MOODS * CMP_PURCHASE_BUCKETS;
    if (x->entry_node != y->entry_node)
        return false;
    for (size_t i = 0; i < n_states; i++) {
        bool rx = x->states[i].thr_offset != CMP_UNREACHABLE;
        bool ry = y->states[i].thr_offset != CMP_UNREACHABLE;
        if (rx != ry)
            return false;
        if (!rx)
            continue;
        const cmp_node *nx = &x->nodes[i], *ny = &y->nodes[i];
        if (nx->k != ny->k || nx->n_prefix != ny->n_prefix || nx->touch_mask != ny->touch_mask)
            return false;
        for (uint32_t j = 0; j < nx->k; j++)
            if (va->out_edge[nx->first_edge + j] != vb->out_edge[ny->first_edge + j] ||
                x->next[nx->next_offset + j] != y->next[ny->next_offset + j])
                return false;
        size_t n_prob = (size_t)(nx->n_prefix + 1) * nx->k;
        if (n_prob && memcmp(x->prob + nx->prob_offset, y->prob + ny->prob_offset,
                             n_prob * sizeof *x->prob) != 0)
            return false;
    }
    return true;
}

/* ------------------------------------------------------------------------
 * The run: pairs of variant and persona spread over threads.
 */

typedef struct {
    const cmp_model *model;
    const sim_layout *layout;
    sim_expected **chances; /* per pair: one customer's */
    size_t *todo;           /* the pairs to compute */
    size_t n_todo;
    atomic_size_t next;
    double **inflow; /* per persona: arrivals by day as shares, or NULL (a cohort) */
} ex_run_shared;

static void *ex_worker(void *arg)
{
    ex_run_shared *sh = arg;
    size_t n_personas = sh->model->scn->n_personas;
    for (;;) {
        if (sim_interrupted)
            break;
        size_t i = atomic_fetch_add(&sh->next, 1);
        if (i >= sh->n_todo)
            break;
        size_t pair = sh->todo[i];
        job_compute(sh->model, sh->layout, pair / n_personas, pair % n_personas,
                    sh->inflow[pair % n_personas], sh->chances[pair]);
    }
    return NULL;
}

/* The rounded counts beside the expected values; purchases by day are
 * rounded as running totals, so that the curves end where the totals do. */
static void fill_counts(sim_cell *cell, const cmp_model *model, const sim_layout *l)
{
    const sim_expected *x = cell->expected;
    size_t stages = model->scn->n_stages, edges = model->scn->n_edges;
    for (size_t s = 0; s < stages; s++) {
        cell->reached[s] = llround(x->reached[s]);
        cell->entries[s] = llround(x->entries[s]);
        cell->mood_sum[s] = llround(x->mood_sum[s]);
    }
    for (size_t e = 0; e < edges; e++) {
        cell->edge_customers[e] = llround(x->edge_customers[e]);
        cell->edge_moves[e] = llround(x->edge_moves[e]);
    }
    for (size_t i = 0; i < l->n_k; i++)
        cell->k_sum[i] = llround(x->k_sum[i]);
    double first = 0, second = 0;
    int64_t first_before = 0, second_before = 0;
    for (int d = 0; d <= model->days; d++) {
        first += x->first_purchase_day[d];
        second += x->second_purchase_day[d];
        cell->first_purchase_day[d] = llround(first) - first_before;
        cell->second_purchase_day[d] = llround(second) - second_before;
        first_before = llround(first);
        second_before = llround(second);
        cell->arrivals_day[d] = llround(x->arrivals_day[d]);
    }
    size_t days = (size_t)model->days + 1, n_int = model->scn->n_interventions;
    for (size_t i = 0; i < days * model->n_purchase_stages; i++)
        cell->purchases_day[i] = llround(x->purchases_day[i]);
    for (size_t i = 0; i < days * n_int; i++) {
        cell->exposed_day[i] = llround(x->exposed_day[i]);
        cell->uses_day[i] = llround(x->uses_day[i]);
    }
    for (size_t i = 0; i < model->scn->n_stages * l->reach_days; i++)
        cell->reached_day[i] = llround(x->reached_day[i]);
    for (size_t i = 0; i < l->reach_days; i++)
        cell->window_day[i] = llround(x->window_day[i]);
}

static void scale_expected(sim_expected *to, const sim_expected *from, double n,
                           const cmp_model *model, const sim_layout *l)
{
    size_t stages = model->scn->n_stages, edges = model->scn->n_edges;
    for (size_t s = 0; s < stages; s++) {
        to->reached[s] = n * from->reached[s];
        to->entries[s] = n * from->entries[s];
        to->mood_sum[s] = n * from->mood_sum[s];
    }
    for (size_t e = 0; e < edges; e++) {
        to->edge_customers[e] = n * from->edge_customers[e];
        to->edge_moves[e] = n * from->edge_moves[e];
    }
    for (size_t i = 0; i < l->n_k; i++)
        to->k_sum[i] = n * from->k_sum[i];
    for (int d = 0; d <= model->days; d++) {
        to->first_purchase_day[d] = n * from->first_purchase_day[d];
        to->second_purchase_day[d] = n * from->second_purchase_day[d];
        to->arrivals_day[d] = n * from->arrivals_day[d];
    }
    size_t days = (size_t)model->days + 1, n_int = model->scn->n_interventions;
    for (size_t i = 0; i < days * model->n_purchase_stages; i++)
        to->purchases_day[i] = n * from->purchases_day[i];
    for (size_t i = 0; i < days * n_int; i++) {
        to->exposed_day[i] = n * from->exposed_day[i];
        to->uses_day[i] = n * from->uses_day[i];
    }
    for (size_t i = 0; i < model->scn->n_stages * l->reach_days; i++)
        to->reached_day[i] = n * from->reached_day[i];
    for (size_t i = 0; i < l->reach_days; i++)
        to->window_day[i] = n * from->window_day[i];
}

cj_status ex_run(const cmp_model *model, int64_t customers, int threads, sim_totals *totals,
                 cj_err *err)
{
    return ex_run_calendar(model, customers, NULL, threads, totals, err);
}

cj_status ex_run_calendar(const cmp_model *model, int64_t customers, const arr_plan *plan,
                          int threads, sim_totals *totals, cj_err *err)
{
    size_t n_personas = model->scn->n_personas, n_pairs = model->n_variants * n_personas;
    sim_totals_init(totals, model, plan ? plan->total : customers);
    totals->exact = true;
    const sim_layout *l = &totals->layout;

    ex_run_shared sh = {.model = model, .layout = l};
    sh.inflow = xcalloc(n_personas, sizeof *sh.inflow);
    for (size_t p = 0; plan && p < n_personas; p++) {
        int64_t n = 0;
        for (int d = 0; d < plan->days; d++)
            n += plan->count[(size_t)d * n_personas + p];
        totals->persona_customers[p] = n;
        sh.inflow[p] = xcalloc((size_t)model->days + 1, sizeof **sh.inflow);
        for (int d = 0; d < plan->days && n > 0; d++)
            sh.inflow[p][d] = (double)plan->count[(size_t)d * n_personas + p] / (double)n;
    }
    sh.chances = xcalloc(n_pairs, sizeof *sh.chances);
    sh.todo = xcalloc(n_pairs, sizeof *sh.todo);
    size_t *same_as = xcalloc(n_pairs, sizeof *same_as);
    for (size_t pair = 0; pair < n_pairs; pair++) {
        size_t v = pair / n_personas, p = pair % n_personas;
        same_as[pair] = pair;
        for (size_t u = 0; u < v && same_as[pair] == pair; u++)
            if (same_as[u * n_personas + p] == u * n_personas + p && same_plan(model, u, v, p))
                same_as[pair] = u * n_personas + p;
        if (same_as[pair] == pair) {
            sh.chances[pair] = sim_expected_new(model, l);
            sh.todo[sh.n_todo++] = pair;
        }
    }
    atomic_init(&sh.next, 0);
    if (threads < 1)
        threads = 1;
    if ((size_t)threads > sh.n_todo)
        threads = (int)sh.n_todo;
    pthread_t *ids = xcalloc((size_t)threads + 1, sizeof *ids);
    int started = 1;
    for (int i = 1; i < threads; i++) {
        if (pthread_create(&ids[i], NULL, ex_worker, &sh) != 0)
            break; /* fewer threads; every pair still gets done */
        started++;
    }
    ex_worker(&sh);
    for (int i = 1; i < started; i++)
        pthread_join(ids[i], NULL);
    free(ids);

    for (size_t pair = 0; sim_interrupted == 0 && pair < n_pairs; pair++) {
        sim_cell *cell = &totals->cells[pair];
        int64_t n = totals->persona_customers[pair % n_personas];
        cell->customers = n;
        cell->expected = sim_expected_new(model, l);
        scale_expected(cell->expected, sh.chances[same_as[pair]], (double)n, model, l);
        fill_counts(cell, model, l);
    }
    for (size_t pair = 0; pair < n_pairs; pair++)
        if (sh.chances[pair]) {
            sim_cell tmp = {.expected = sh.chances[pair]};
            sim_cell_free(&tmp);
        }
    for (size_t p = 0; p < n_personas; p++)
        free(sh.inflow[p]);
    free(sh.inflow);
    free(sh.chances);
    free(sh.todo);
    free(same_as);
    if (sim_interrupted)
        return cj_fail(err, CJ_ERR_INTERRUPTED, _("interrupted: no results were written"));
    return CJ_OK;
}
