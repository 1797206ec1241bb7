#include "cluster.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fingerprint.h"
#include "util.h"
#include "i18n.h"

#ifdef CJMSIM_MPI
#include <mpi.h>

/* MPI counts are ints: large buffers go in slices of this many values. */
enum { REDUCE_SLICE = 1 << 26 };

void cluster_init(int *argc, char ***argv)
{
    MPI_Init(argc, argv);
}

void cluster_finalize(void)
{
    MPI_Finalize();
}

void cluster_abandon(int code)
{
    fflush(NULL);
    MPI_Barrier(MPI_COMM_WORLD);
    _exit(code);
}

int cluster_rank(void)
{
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

int cluster_size(void)
{
    int size;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    return size;
}

cj_status cluster_agree(cj_err *err)
{
    int size = cluster_size();
    int mine = err->status != CJ_OK ? cluster_rank() : size;
    int first;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (first == size)
        return CJ_OK;
    int status = err->status;
    MPI_Bcast(&status, 1, MPI_INT, first, MPI_COMM_WORLD);
    MPI_Bcast(err->msg, sizeof err->msg, MPI_CHAR, first, MPI_COMM_WORLD);
    err->status = (cj_status)status;
    return err->status;
}

cj_status cluster_same_model(const cmp_model *model, int64_t customers, uint64_t seed,
                             cj_err *err)
{
    if (err->status != CJ_OK || cluster_size() == 1)
        return cluster_agree(err);
    uint8_t mine[FP_SIZE], root[FP_SIZE];
    fp_model(model, customers, seed, mine);
    memcpy(root, mine, sizeof root);
    MPI_Bcast(root, FP_SIZE, MPI_BYTE, 0, MPI_COMM_WORLD);
    if (memcmp(root, mine, sizeof root) != 0)
        cj_fail(err, CJ_ERR_SCENARIO,
                _("the ranks of the MPI job built different models (rank %d's differs from rank "
                  "0's): every rank must run the same scenario with the same options, and the "
                  "scenario must declare the same things in every process (nothing that depends "
                  "on os.clock() or on the machine); nothing was simulated"),
                cluster_rank());
    return cluster_agree(err);
}

cj_status cluster_reduce(sim_totals *totals, cj_err *err)
{
    size_t n = sim_totals_count(totals);
    int64_t *buf = xcalloc(n, sizeof *buf);
    sim_totals_pack(totals, buf);
    bool root = cluster_is_root();
    for (size_t done = 0; done < n; done += REDUCE_SLICE) {
        int count = (int)(n - done < REDUCE_SLICE ? n - done : REDUCE_SLICE);
        int rc = MPI_Reduce(root ? MPI_IN_PLACE : buf + done, buf + done, count, MPI_INT64_T,
                            MPI_SUM, 0, MPI_COMM_WORLD);
        if (rc != MPI_SUCCESS) {
            free(buf);
            return cj_fail(err, CJ_ERR_RESOURCE, _("MPI could not gather the totals (error %d)"),
                           rc);
        }
    }
    if (root)
        sim_totals_unpack(totals, buf);
    free(buf);
    return CJ_OK;
}

/* Waits for a nonblocking collective without spinning: a rank that waits
 * here (done early, or while rank 0 writes) would otherwise keep a core
 * busy that the working ranks need. */
static int wait_asleep(MPI_Request *req)
{
    const struct timespec nap = {0, 1000000}; /* 1 ms */
    for (;;) {
        int done = 0;
        int rc = MPI_Test(req, &done, MPI_STATUS_IGNORE);
        if (rc != MPI_SUCCESS || done)
            return rc;
        nanosleep(&nap, NULL);
    }
}

cj_status cluster_agree_index(size_t index, cj_err *err)
{
    uint64_t mine = index == SIZE_MAX ? UINT64_MAX : (uint64_t)index, first = UINT64_MAX;
    MPI_Request req;
    MPI_Iallreduce(&mine, &first, 1, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD, &req);
    wait_asleep(&req);
    if (first == UINT64_MAX)
        return cluster_agree(err);
    int owner = (int)(first % (uint64_t)cluster_size());
    cj_err sent = *err;
    MPI_Bcast(&sent, (int)sizeof sent, MPI_BYTE, owner, MPI_COMM_WORLD);
    *err = sent;
    return err->status;
}

cj_status cluster_merge(void *buf, size_t bytes, bool to_all, cj_err *err)
{
    unsigned char *p = buf;
    bool root = cluster_is_root();
    for (size_t done = 0; done < bytes && err->status == CJ_OK; done += REDUCE_SLICE) {
        int count = (int)(bytes - done < REDUCE_SLICE ? bytes - done : REDUCE_SLICE);
        int rc =
            to_all ? MPI_Allreduce(MPI_IN_PLACE, p + done, count, MPI_BYTE, MPI_BOR, MPI_COMM_WORLD)
                   : MPI_Reduce(root ? MPI_IN_PLACE : p + done, p + done, count, MPI_BYTE, MPI_BOR,
                                0, MPI_COMM_WORLD);
        if (rc != MPI_SUCCESS)
            cj_fail(err, CJ_ERR_RESOURCE, _("MPI could not gather the results (error %d)"), rc);
    }
    return err->status;
}

cj_status cluster_from_root(cj_err *err)
{
    cj_err sent = *err;
    MPI_Request req;
    MPI_Ibcast(&sent, (int)sizeof sent, MPI_BYTE, 0, MPI_COMM_WORLD, &req);
    wait_asleep(&req);
    *err = sent;
    return err->status;
}

#else /* a job of one process */

void cluster_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
}

void cluster_finalize(void)
{
}

void cluster_abandon(int code)
{
    exit(code);
}

int cluster_rank(void)
{
    return 0;
}

int cluster_size(void)
{
    return 1;
}

cj_status cluster_agree(cj_err *err)
{
    return err->status;
}

cj_status cluster_same_model(const cmp_model *model, int64_t customers, uint64_t seed,
                             cj_err *err)
{
    (void)model;
    (void)customers;
    (void)seed;
    return err->status;
}

cj_status cluster_reduce(sim_totals *totals, cj_err *err)
{
    (void)totals;
    return err->status;
}

cj_status cluster_agree_index(size_t index, cj_err *err)
{
    (void)index;
    return err->status;
}

cj_status cluster_merge(void *buf, size_t bytes, bool to_all, cj_err *err)
{
    (void)buf;
    (void)bytes;
    (void)to_all;
    return err->status;
}

cj_status cluster_from_root(cj_err *err)
{
    return err->status;
}

#endif
