#include "fingerprint.h"

#include <string.h>

#include "sha256.h"

/* Numbers go in as little-endian bytes and strings with their length, so
 * that the digest depends on the values alone (not on padding or on where
 * one name ends and the next begins). */
static void put_u64(sha256_ctx *c, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    sha256_update(c, b, sizeof b);
}

static void put_i64(sha256_ctx *c, int64_t v)
{
    put_u64(c, (uint64_t)v);
}

static void put_double(sha256_ctx *c, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    put_u64(c, bits);
}

static void put_str(sha256_ctx *c, const char *s)
{
    size_t len = s ? strlen(s) : 0;
    put_u64(c, s ? len : UINT64_MAX);
    sha256_update(c, s ? s : "", len);
}

/* A table: its length, then every element through `put`. */
#define PUT_ARRAY(c, arr, n, put)                                                                \
    do {                                                                                         \
        put_u64((c), (uint64_t)(n));                                                             \
        for (size_t i_ = 0; (arr) && i_ < (size_t)(n); i_++)                                     \
            put((c), (arr)[i_]);                                                                 \
    } while (0)

static void put_node(sha256_ctx *c, const cmp_node *x)
{
    put_i64(c, x->stage);
    put_i64(c, x->mood);
    put_u64(c, x->purchases);
    put_i64(c, x->purchase_slot);
    put_u64(c, x->touch_mask);
    put_u64(c, x->k);
    put_u64(c, x->first_edge);
    put_u64(c, x->n_prefix);
    put_u64(c, x->n_table);
    put_u64(c, x->surv_offset);
    put_u64(c, x->cond_offset);
    put_u64(c, x->next_offset);
    put_double(c, x->log_surv);
    put_double(c, x->tail_scale);
    put_double(c, x->guide_scale);
}

static void put_state(sha256_ctx *c, cmp_state s)
{
    put_u64(c, s.thr_offset);
    put_u64(c, s.n_rows);
}

static void put_u64_value(sha256_ctx *c, uint64_t v)
{
    put_u64(c, v);
}
static void put_i64_value(sha256_ctx *c, int64_t v)
{
    put_i64(c, v);
}
static void put_bool(sha256_ctx *c, bool v)
{
    put_u64(c, v);
}

static void put_plan(sha256_ctx *c, const cmp_plan *p, size_t n_stages, size_t n_edges)
{
    size_t n_states = n_stages * SCN_MOODS * CMP_PURCHASE_BUCKETS;
    PUT_ARRAY(c, p->mood_delta, n_stages, put_i64_value);
    PUT_ARRAY(c, p->touch_mask, n_stages, put_u64_value);
    PUT_ARRAY(c, p->states, n_states, put_state);
    PUT_ARRAY(c, p->thr, p->n_thr, put_u64_value);
    put_u64(c, n_states);
    for (size_t i = 0; p->nodes && i < n_states; i++)
        put_node(c, &p->nodes[i]);
    put_u64(c, p->entry_node);
    PUT_ARRAY(c, p->surv, p->n_surv, put_double);
    PUT_ARRAY(c, p->guide, p->n_surv, put_u64_value);
    PUT_ARRAY(c, p->cond, p->n_cond, put_u64_value);
    PUT_ARRAY(c, p->next, p->n_next, put_u64_value);
    PUT_ARRAY(c, p->same_as_first, n_states, put_bool);
    PUT_ARRAY(c, p->stage_reached, n_stages, put_bool);
    PUT_ARRAY(c, p->p_min, n_edges, put_double);
    PUT_ARRAY(c, p->p_max, n_edges, put_double);
}

/* What the totals and the results are made of: names, shares, flags and
 * values of the declarations (not their descriptive texts or lines). */
static void put_scenario(sha256_ctx *c, const scn_scenario *scn)
{
    put_str(c, scn->name);
    put_i64(c, scn->days);
    put_i64(c, scn->customers);
    put_u64(c, scn->seed);
    put_double(c, scn->margin);
    put_u64(c, scn->n_personas);
    for (size_t i = 0; i < scn->n_personas; i++) {
        const scn_persona *p = &scn->personas[i];
        put_str(c, p->name);
        put_double(c, p->share);
        put_i64(c, p->mood);
    }
    put_u64(c, scn->n_stages);
    for (size_t i = 0; i < scn->n_stages; i++) {
        const scn_stage *s = &scn->stages[i];
        put_str(c, s->name);
        put_u64(c, (uint64_t)s->entry | (uint64_t)s->terminal << 1 | (uint64_t)s->purchase << 2);
        put_i64(c, s->emotion);
        PUT_ARRAY(c, s->value, s->value ? scn->n_personas : 0, put_double);
    }
    put_i64(c, scn->entry);
    put_u64(c, scn->n_edges);
    put_u64(c, scn->n_base_edges);
    for (size_t i = 0; i < scn->n_edges; i++) {
        put_i64(c, scn->edges[i].from);
        put_i64(c, scn->edges[i].to);
    }
    put_u64(c, scn->n_interventions);
    for (size_t i = 0; i < scn->n_interventions; i++) {
        const scn_intervention *v = &scn->interventions[i];
        put_str(c, v->name);
        put_u64(c, v->personas);
        put_i64(c, v->at);
        put_i64(c, v->mood);
        put_double(c, v->cost_per_customer);
        put_double(c, v->cost_per_use);
        put_i64(c, v->from_day);
        put_i64(c, v->until_day);
    }
}

void fp_model(const cmp_model *model, int64_t customers, uint64_t seed, uint8_t digest[FP_SIZE])
{
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, "cjmsim model 1", 14);
    put_i64(&c, customers);
    put_u64(&c, seed);
    put_i64(&c, model->days);
    const scn_scenario *scn = model->scn;
    put_scenario(&c, scn);
    PUT_ARRAY(&c, model->purchase_slot, scn->n_stages, put_i64_value);
    put_u64(&c, model->n_purchase_stages);
    put_u64(&c, model->n_variants);
    for (size_t v = 0; v < model->n_variants; v++) {
        const cmp_variant *var = &model->variants[v];
        put_u64(&c, var->mask);
        put_str(&c, var->name);
        PUT_ARRAY(&c, var->out_start, var->out_start ? scn->n_stages + 1 : 0, put_u64_value);
        PUT_ARRAY(&c, var->out_edge, var->out_edge ? scn->n_edges : 0, put_i64_value);
        for (size_t p = 0; p < scn->n_personas; p++)
            put_plan(&c, &var->plans[p], scn->n_stages, scn->n_edges);
    }
    sha256_final(&c, digest);
}
