/*
 * fingerprint — a SHA-256 digest of a compiled model and of the run options
 * the totals depend on (customers, days, seed).
 *
 * The ranks of an MPI job each build the model from the scenario and then
 * add their totals together cell by cell: that is only right when every rank
 * built the same model. Two ranks agree on the fingerprint exactly when
 * their tables, names and options are the same, whatever their addresses.
 */
#ifndef CJ_FINGERPRINT_H
#define CJ_FINGERPRINT_H

#include <stdint.h>

#include "compile.h"

enum { FP_SIZE = 32 };

void fp_model(const cmp_model *model, int64_t customers, uint64_t seed, uint8_t digest[FP_SIZE]);

#endif
