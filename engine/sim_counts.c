#include "sim_counts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const double REMAINDER_TIE = 1e-9;

void sim_allocate(const scn_scenario *scn, int64_t customers, int64_t *counts)
{
    size_t n = scn->n_personas;
    double *remainder = xcalloc(n, sizeof *remainder);
    int64_t given = 0;
    for (size_t p = 0; p < n; p++) {
        double exact = (double)customers * scn->personas[p].share;
        counts[p] = (int64_t)exact;
        remainder[p] = exact - (double)counts[p];
        given += counts[p];
    }
    while (given < customers) {
        /* customers × share is rounded in binary (90 × 0.35 = 31.4999…), so
         * remainders this close are the same remainder: a tie. */
        size_t best = 0;
        for (size_t p = 1; p < n; p++)
            if (remainder[p] > remainder[best] + REMAINDER_TIE)
                best = p;
        counts[best]++;
        remainder[best] = -1.0;
        given++;
    }
    free(remainder);
}

/* Days 0 … D counted by day for targets, D the latest by_day of one that
 * needs it (within the run); 0 days when none does. */
static size_t reach_days_of(const cmp_model *model)
{
    int last = tgt_days_counted(&model->scn->targets);
    if (last <= 0)
        return 0;
    return (size_t)(last < model->days ? last : model->days) + 1;
}

static sim_layout layout_of(const cmp_model *model)
{
    sim_layout l;
    l.purchases = SIM_K_PURCHASES;
    l.exposed = l.purchases + model->n_purchase_stages;
    l.uses = l.exposed + model->scn->n_interventions;
    l.n_k = l.uses + model->scn->n_interventions;
    l.window = 0;
    if (model->scn->repeat_window > 0)
        l.window = l.n_k++;
    l.clv = 0;
    if (model->scn->has_discount) {
        l.clv = l.n_k;
        l.n_k += 2;
    }
    l.reach_days = reach_days_of(model);
    return l;
}

/* The integer arrays of a cell and their lengths, in one fixed order: what
 * is allocated, added up across threads, and sent between MPI ranks. */
enum { CELL_ARRAYS = 17 };

typedef struct {
    int64_t **data;
    size_t n;
} cell_array;

static void cell_arrays(sim_cell *c, const cmp_model *model, const sim_layout *l,
                        cell_array out[CELL_ARRAYS])
{
    size_t stages = model->scn->n_stages, edges = model->scn->n_edges;
    size_t days = (size_t)model->days + 1;
    cell_array arrays[CELL_ARRAYS] = {
        {&c->reached, stages},
        {&c->entries, stages},
        {&c->mood_sum, stages},
        {&c->edge_customers, edges},
        {&c->edge_moves, edges},
        {&c->k_sum, l->n_k},
        {&c->first_purchase_day, days},
        {&c->second_purchase_day, days},
        {&c->d_sum, l->n_k},
        {&c->dd_sum, l->n_k * l->n_k},
        {&c->changed, 1},
        {&c->arrivals_day, days},
        {&c->purchases_day, days * model->n_purchase_stages},
        {&c->exposed_day, days * model->scn->n_interventions},
        {&c->uses_day, days * model->scn->n_interventions},
        {&c->reached_day, stages * l->reach_days},
        {&c->window_day, l->reach_days},
    };
    memcpy(out, arrays, sizeof arrays);
}

void sim_cell_init(sim_cell *c, const cmp_model *model, const sim_layout *l)
{
    cell_array arrays[CELL_ARRAYS];
    c->customers = 0;
    c->expected = NULL;
    cell_arrays(c, model, l, arrays);
    for (size_t i = 0; i < CELL_ARRAYS; i++)
        *arrays[i].data = xcalloc(arrays[i].n, sizeof(int64_t));
}

/* The real arrays of expected values, in the order of cell_arrays. */
typedef struct {
    double **data;
    size_t n;
} expected_array;

enum { EXPECTED_ARRAYS = 14 };

static void expected_arrays(sim_expected *x, const cmp_model *model, const sim_layout *l,
                            expected_array out[EXPECTED_ARRAYS])
{
    size_t stages = model->scn->n_stages, edges = model->scn->n_edges;
    size_t days = (size_t)model->days + 1;
    expected_array arrays[EXPECTED_ARRAYS] = {
        {&x->reached, stages},       {&x->entries, stages},
        {&x->mood_sum, stages},      {&x->edge_customers, edges},
        {&x->edge_moves, edges},     {&x->k_sum, l->n_k},
        {&x->first_purchase_day, days}, {&x->second_purchase_day, days},
        {&x->arrivals_day, days},
        {&x->purchases_day, days * model->n_purchase_stages},
        {&x->exposed_day, days * model->scn->n_interventions},
        {&x->uses_day, days * model->scn->n_interventions},
        {&x->reached_day, stages * l->reach_days},
        {&x->window_day, l->reach_days},
    };
    memcpy(out, arrays, sizeof arrays);
}

sim_expected *sim_expected_new(const cmp_model *model, const sim_layout *l)
{
    sim_expected *x = xcalloc(1, sizeof *x);
    expected_array arrays[EXPECTED_ARRAYS];
    expected_arrays(x, model, l, arrays);
    for (size_t i = 0; i < EXPECTED_ARRAYS; i++)
        *arrays[i].data = xcalloc(arrays[i].n, sizeof(double));
    return x;
}

static void expected_free(sim_expected *x)
{
    if (!x)
        return;
    double **arrays[] = {&x->reached,        &x->entries,
                         &x->mood_sum,       &x->edge_customers,
                         &x->edge_moves,     &x->k_sum,
                         &x->first_purchase_day, &x->second_purchase_day,
                         &x->arrivals_day, &x->purchases_day, &x->exposed_day, &x->uses_day,
                         &x->reached_day, &x->window_day};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        free(*arrays[i]);
    free(x);
}

void sim_cell_free(sim_cell *c)
{
    expected_free(c->expected);
    c->expected = NULL;
    int64_t **arrays[] = {&c->reached,    &c->entries, &c->mood_sum,           &c->edge_customers,
                          &c->edge_moves, &c->k_sum,   &c->first_purchase_day, &c->second_purchase_day,
                          &c->d_sum,      &c->dd_sum,  &c->changed,            &c->arrivals_day,
                          &c->purchases_day, &c->exposed_day, &c->uses_day,
                          &c->reached_day, &c->window_day};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++) {
        free(*arrays[i]);
        *arrays[i] = NULL;
    }
}

void sim_cell_add(sim_cell *dst, const sim_cell *src, const cmp_model *model,
                  const sim_layout *l)
{
    cell_array to[CELL_ARRAYS], from[CELL_ARRAYS];
    cell_arrays(dst, model, l, to);
    cell_arrays((sim_cell *)(uintptr_t)src, model, l, from);
    dst->customers += src->customers;
    for (size_t i = 0; i < CELL_ARRAYS; i++)
        for (size_t j = 0; j < to[i].n; j++)
            (*to[i].data)[j] += (*from[i].data)[j];
    if (!src->expected)
        return;
    if (!dst->expected)
        dst->expected = sim_expected_new(model, l);
    expected_array xto[EXPECTED_ARRAYS], xfrom[EXPECTED_ARRAYS];
    expected_arrays(dst->expected, model, l, xto);
    expected_arrays(src->expected, model, l, xfrom);
    for (size_t i = 0; i < EXPECTED_ARRAYS; i++)
        for (size_t j = 0; j < xto[i].n; j++)
            (*xto[i].data)[j] += (*xfrom[i].data)[j];
}

size_t sim_totals_count(const sim_totals *t)
{
    cell_array arrays[CELL_ARRAYS];
    cell_arrays(&t->cells[0], t->model, &t->layout, arrays);
    size_t per_cell = 1;
    for (size_t i = 0; i < CELL_ARRAYS; i++)
        per_cell += arrays[i].n;
    return per_cell * t->n_variants * t->n_personas;
}

void sim_totals_pack(const sim_totals *t, int64_t *buf)
{
    for (size_t c = 0; c < t->n_variants * t->n_personas; c++) {
        cell_array arrays[CELL_ARRAYS];
        cell_arrays(&t->cells[c], t->model, &t->layout, arrays);
        *buf++ = t->cells[c].customers;
        for (size_t i = 0; i < CELL_ARRAYS; i++) {
            memcpy(buf, *arrays[i].data, arrays[i].n * sizeof *buf);
            buf += arrays[i].n;
        }
    }
}

void sim_totals_unpack(sim_totals *t, const int64_t *buf)
{
    for (size_t c = 0; c < t->n_variants * t->n_personas; c++) {
        cell_array arrays[CELL_ARRAYS];
        cell_arrays(&t->cells[c], t->model, &t->layout, arrays);
        t->cells[c].customers = *buf++;
        for (size_t i = 0; i < CELL_ARRAYS; i++) {
            memcpy(*arrays[i].data, buf, arrays[i].n * sizeof *buf);
            buf += arrays[i].n;
        }
    }
}

sim_cell *sim_cells_new(const cmp_model *model, const sim_layout *l)
{
    size_t n = model->n_variants * model->scn->n_personas;
    sim_cell *cells = xcalloc(n, sizeof *cells);
    for (size_t i = 0; i < n; i++)
        sim_cell_init(&cells[i], model, l);
    return cells;
}

void sim_cells_free(sim_cell *cells, size_t n)
{
    if (!cells)
        return;
    for (size_t i = 0; i < n; i++)
        sim_cell_free(&cells[i]);
    free(cells);
}

void sim_totals_init(sim_totals *totals, const cmp_model *model, int64_t customers)
{
    const scn_scenario *scn = model->scn;
    memset(totals, 0, sizeof *totals);
    totals->model = model;
    totals->layout = layout_of(model);
    totals->customers = customers;
    totals->n_variants = model->n_variants;
    totals->n_personas = scn->n_personas;
    totals->persona_customers = xcalloc(scn->n_personas, sizeof(int64_t));
    sim_allocate(scn, customers, totals->persona_customers);
    totals->cells = sim_cells_new(model, &totals->layout);
}

void sim_free(sim_totals *totals)
{
    sim_cells_free(totals->cells, totals->n_variants * totals->n_personas);
    free(totals->persona_customers);
    memset(totals, 0, sizeof *totals);
}
