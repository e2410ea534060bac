// errors_test.cc — every error path of the environment, point-to-point, communicator and group
// calls returns the right class under MPI_ERRORS_RETURN; user error handlers are called; and the
// default handler (and a deadlock) ends the job with one line naming the rank, the call and why.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "support/job.hpp"

using mosix::test::rank;
using mosix::test::run_ranks;
using mosix::test::run_returning;

namespace {

// Handles that are not communicators: garbage, the null handle, another kind, a freed one.
std::vector<MPI_Comm> bad_comms() {
    MPI_Comm freed;
    MPI_Comm_dup(MPI_COMM_WORLD, &freed);
    MPI_Comm stale = freed;
    MPI_Comm_free(&freed);
    return {12345, MPI_COMM_NULL, static_cast<MPI_Comm>(MPI_INT), stale, -1};
}

std::vector<MPI_Group> bad_groups() {
    MPI_Group freed;
    MPI_Comm_group(MPI_COMM_WORLD, &freed);
    MPI_Group stale = freed;
    MPI_Group_free(&freed);
    return {12345, MPI_GROUP_NULL, static_cast<MPI_Group>(MPI_COMM_WORLD), stale};
}

const MPI_Datatype kBadTypes[] = {12345, MPI_DATATYPE_NULL, static_cast<MPI_Datatype>(MPI_COMM_WORLD),
                                  MOSIX_DT_(0x3fffff0)};

}  // namespace

// ---- point-to-point -------------------------------------------------------------------------

TEST(Errors, RankOutOfRange) {
    auto body = [] {
        int x = 0;
        MPI_Request req = MPI_REQUEST_NULL;
        MPI_Status st;
        int flag;
        for (int bad : {2, 9, -5, MPI_ANY_SOURCE}) {
            EXPECT_EQ(MPI_ERR_RANK, MPI_Send(&x, 1, MPI_INT, bad, 0, MPI_COMM_WORLD)) << bad;
            EXPECT_EQ(MPI_ERR_RANK, MPI_Ssend(&x, 1, MPI_INT, bad, 0, MPI_COMM_WORLD)) << bad;
            EXPECT_EQ(MPI_ERR_RANK, MPI_Isend(&x, 1, MPI_INT, bad, 0, MPI_COMM_WORLD, &req)) << bad;
            EXPECT_EQ(MPI_ERR_RANK, MPI_Issend(&x, 1, MPI_INT, bad, 0, MPI_COMM_WORLD, &req)) << bad;
            EXPECT_EQ(MPI_REQUEST_NULL, req);
        }
        for (int bad : {2, 9, -5}) {
            EXPECT_EQ(MPI_ERR_RANK, MPI_Recv(&x, 1, MPI_INT, bad, 0, MPI_COMM_WORLD, &st)) << bad;
            EXPECT_EQ(MPI_ERR_RANK, MPI_Irecv(&x, 1, MPI_INT, bad, 0, MPI_COMM_WORLD, &req)) << bad;
            EXPECT_EQ(MPI_ERR_RANK, MPI_Probe(bad, 0, MPI_COMM_WORLD, &st)) << bad;
            EXPECT_EQ(MPI_ERR_RANK, MPI_Iprobe(bad, 0, MPI_COMM_WORLD, &flag, &st)) << bad;
            EXPECT_EQ(MPI_ERR_RANK,
                      MPI_Sendrecv(&x, 1, MPI_INT, 0, 0, &x, 1, MPI_INT, bad, 0, MPI_COMM_WORLD, &st));
            EXPECT_EQ(MPI_ERR_RANK, MPI_Sendrecv(&x, 1, MPI_INT, bad, 0, &x, 1, MPI_INT, MPI_PROC_NULL, 0,
                                                 MPI_COMM_WORLD, &st));
            EXPECT_EQ(MPI_ERR_RANK,
                      MPI_Sendrecv_replace(&x, 1, MPI_INT, bad, 0, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &st));
        }
        // Rank 1 of a one-rank communicator is out of range too.
        EXPECT_EQ(MPI_ERR_RANK, MPI_Send(&x, 1, MPI_INT, 1, 0, MPI_COMM_SELF));
    };
    EXPECT_EQ(0, run_returning(2, body));
}

TEST(Errors, NegativeCount) {
    auto body = [] {
        int x = 0;
        MPI_Request req;
        EXPECT_EQ(MPI_ERR_COUNT, MPI_Send(&x, -1, MPI_INT, 0, 0, MPI_COMM_WORLD));
        EXPECT_EQ(MPI_ERR_COUNT, MPI_Isend(&x, -1, MPI_INT, 0, 0, MPI_COMM_WORLD, &req));
        EXPECT_EQ(MPI_ERR_COUNT, MPI_Recv(&x, -3, MPI_INT, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        EXPECT_EQ(MPI_ERR_COUNT, MPI_Irecv(&x, -3, MPI_INT, 0, 0, MPI_COMM_WORLD, &req));
        EXPECT_EQ(MPI_ERR_COUNT,
                  MPI_Sendrecv_replace(&x, -1, MPI_INT, 0, 0, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        EXPECT_EQ(MPI_ERR_COUNT, MPI_Waitall(-1, &req, MPI_STATUSES_IGNORE));
    };
    EXPECT_EQ(0, run_returning(2, body));
}

TEST(Errors, InvalidTag) {
    auto body = [] {
        int x = 0;
        MPI_Request req;
        int flag;
        for (int bad : {-1, -7, MPI_ANY_TAG}) {
            EXPECT_EQ(MPI_ERR_TAG, MPI_Send(&x, 1, MPI_INT, 0, bad, MPI_COMM_WORLD)) << bad;
            EXPECT_EQ(MPI_ERR_TAG, MPI_Isend(&x, 1, MPI_INT, 0, bad, MPI_COMM_WORLD, &req)) << bad;
        }
        // MPI_ANY_TAG is fine for receives; other negative tags are not.
        for (int bad : {-2, -7, -100}) {
            EXPECT_EQ(MPI_ERR_TAG, MPI_Recv(&x, 1, MPI_INT, 0, bad, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
            EXPECT_EQ(MPI_ERR_TAG, MPI_Irecv(&x, 1, MPI_INT, 0, bad, MPI_COMM_WORLD, &req));
            EXPECT_EQ(MPI_ERR_TAG, MPI_Probe(0, bad, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
            EXPECT_EQ(MPI_ERR_TAG, MPI_Iprobe(0, bad, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE));
        }
    };
    EXPECT_EQ(0, run_returning(2, body));
}

TEST(Errors, InvalidCommunicator) {
    auto body = [] {
        int x = 0, flag = 0;
        MPI_Request req;
        MPI_Comm out;
        for (MPI_Comm bad : bad_comms()) {
            SCOPED_TRACE(bad);
            EXPECT_EQ(MPI_ERR_COMM, MPI_Send(&x, 1, MPI_INT, 0, 0, bad));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Isend(&x, 1, MPI_INT, 0, 0, bad, &req));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Recv(&x, 1, MPI_INT, 0, 0, bad, MPI_STATUS_IGNORE));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Irecv(&x, 1, MPI_INT, 0, 0, bad, &req));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Probe(0, 0, bad, MPI_STATUS_IGNORE));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Iprobe(0, 0, bad, &flag, MPI_STATUS_IGNORE));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_rank(bad, &x));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_size(bad, &x));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_test_inter(bad, &flag));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_dup(bad, &out));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_split(bad, 0, 0, &out));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_create(bad, MPI_GROUP_EMPTY, &out));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_compare(bad, MPI_COMM_WORLD, &x));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_compare(MPI_COMM_WORLD, bad, &x));
            MPI_Group g;
            EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_group(bad, &g));
            MPI_Comm copy = bad;
            EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_free(&copy));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_set_errhandler(bad, MPI_ERRORS_RETURN));
            MPI_Errhandler eh;
            EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_get_errhandler(bad, &eh));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_call_errhandler(bad, MPI_ERR_OTHER));
            EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_set_name(bad, "x"));
        }
    };
    EXPECT_EQ(0, run_returning(2, body));
}

TEST(Errors, InvalidDatatype) {
    auto body = [] {
        int x = 0;
        MPI_Request req;
        MPI_Status st{};
        MPI_Aint lb, extent;
        for (MPI_Datatype bad : kBadTypes) {
            SCOPED_TRACE(bad);
            EXPECT_EQ(MPI_ERR_TYPE, MPI_Send(&x, 1, bad, 0, 0, MPI_COMM_WORLD));
            EXPECT_EQ(MPI_ERR_TYPE, MPI_Isend(&x, 1, bad, 0, 0, MPI_COMM_WORLD, &req));
            EXPECT_EQ(MPI_ERR_TYPE, MPI_Recv(&x, 1, bad, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
            EXPECT_EQ(MPI_ERR_TYPE, MPI_Irecv(&x, 1, bad, 0, 0, MPI_COMM_WORLD, &req));
            EXPECT_EQ(MPI_ERR_TYPE, MPI_Get_count(&st, bad, &x));
            EXPECT_EQ(MPI_ERR_TYPE, MPI_Type_size(bad, &x));
            EXPECT_EQ(MPI_ERR_TYPE, MPI_Type_get_extent(bad, &lb, &extent));
        }
    };
    EXPECT_EQ(0, run_returning(2, body));
}

TEST(Errors, NullBufferWithPositiveCount) {
    auto body = [] {
        MPI_Request req;
        EXPECT_EQ(MPI_ERR_BUFFER, MPI_Send(nullptr, 1, MPI_INT, 0, 0, MPI_COMM_WORLD));
        EXPECT_EQ(MPI_ERR_BUFFER, MPI_Isend(nullptr, 4, MPI_INT, 0, 0, MPI_COMM_WORLD, &req));
        EXPECT_EQ(MPI_ERR_BUFFER, MPI_Recv(nullptr, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        EXPECT_EQ(MPI_ERR_BUFFER, MPI_Irecv(nullptr, 2, MPI_INT, 0, 0, MPI_COMM_WORLD, &req));
        // A NULL buffer is fine when there is nothing to send.
        EXPECT_EQ(MPI_SUCCESS, MPI_Send(nullptr, 0, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD));
    };
    EXPECT_EQ(0, run_returning(2, body));
}

TEST(Errors, NullOutputArguments) {
    auto body = [] {
        int x = 0;
        MPI_Status st{};
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Isend(&x, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, nullptr));
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Irecv(&x, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Iprobe(0, 0, MPI_COMM_WORLD, nullptr, MPI_STATUS_IGNORE));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Get_count(nullptr, MPI_INT, &x));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Get_count(&st, MPI_INT, nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Test_cancelled(nullptr, &x));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Test_cancelled(&st, nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Type_size(MPI_INT, nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_rank(MPI_COMM_WORLD, nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_size(MPI_COMM_WORLD, nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_test_inter(MPI_COMM_WORLD, nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_set_name(MPI_COMM_WORLD, nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_get_name(MPI_COMM_WORLD, nullptr, &x));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, nullptr, &x));
        void* attr = nullptr;
        EXPECT_EQ(MPI_ERR_KEYVAL, MPI_Comm_get_attr(MPI_COMM_WORLD, 777, &attr, &x));
    };
    EXPECT_EQ(0, run_returning(2, body));
}

TEST(Errors, TruncatedReceiveKeepsWhatFits) {
    auto body = [] {
        int data[4] = {1, 2, 3, 4};
        if (rank() == 0) {
            MPI_Send(data, 4, MPI_INT, 1, 0, MPI_COMM_WORLD);
            MPI_Send(data, 4, MPI_INT, 1, 1, MPI_COMM_WORLD);
            MPI_Send(data, 4, MPI_INT, 1, 2, MPI_COMM_WORLD);
            MPI_Send(data, 1, MPI_INT, 1, 3, MPI_COMM_WORLD);
        } else {
            int buf[4] = {-1, -1, -1, -1};
            MPI_Status st;
            EXPECT_EQ(MPI_ERR_TRUNCATE, MPI_Recv(buf, 2, MPI_INT, 0, 0, MPI_COMM_WORLD, &st));
            EXPECT_EQ(MPI_ERR_TRUNCATE, st.MPI_ERROR);
            EXPECT_EQ(1, buf[0]);
            EXPECT_EQ(2, buf[1]);
            EXPECT_EQ(-1, buf[2]);  // nothing beyond the buffer is written

            // MPI_Wait reports it as the receive's class.
            MPI_Request req;
            int one = -1;
            MPI_Irecv(&one, 1, MPI_INT, 0, 1, MPI_COMM_WORLD, &req);
            EXPECT_EQ(MPI_ERR_TRUNCATE, MPI_Wait(&req, &st));
            EXPECT_EQ(1, one);
            EXPECT_EQ(MPI_REQUEST_NULL, req);

            // MPI_Waitall: MPI_ERR_IN_STATUS, and each status says which request failed.
            MPI_Request reqs[2];
            MPI_Status sts[2];
            int small = -1, fine = -1;
            MPI_Irecv(&small, 1, MPI_INT, 0, 2, MPI_COMM_WORLD, &reqs[0]);
            MPI_Irecv(&fine, 1, MPI_INT, 0, 3, MPI_COMM_WORLD, &reqs[1]);
            EXPECT_EQ(MPI_ERR_IN_STATUS, MPI_Waitall(2, reqs, sts));
            EXPECT_EQ(MPI_ERR_TRUNCATE, sts[0].MPI_ERROR);
            EXPECT_EQ(MPI_SUCCESS, sts[1].MPI_ERROR);
            EXPECT_EQ(1, small);
            EXPECT_EQ(1, fine);
        }
    };
    EXPECT_EQ(0, run_returning(2, body));
}

TEST(Errors, InvalidRequests) {
    auto body = [] {
        int x = 5, y = 0, flag = 0, index = 0;
        MPI_Request req, stale;
        // An eager send to oneself completes at once; freeing it releases the request.
        MPI_Isend(&x, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, &req);
        stale = req;
        EXPECT_EQ(MPI_SUCCESS, MPI_Request_free(&req));
        EXPECT_EQ(MPI_REQUEST_NULL, req);
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Wait(&stale, MPI_STATUS_IGNORE));
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Test(&stale, &flag, MPI_STATUS_IGNORE));
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Request_free(&stale));
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Cancel(&stale));
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Waitall(1, &stale, MPI_STATUSES_IGNORE));
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Waitany(1, &stale, &index, MPI_STATUS_IGNORE));
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Testall(1, &stale, &flag, MPI_STATUSES_IGNORE));
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Waitall(1, nullptr, MPI_STATUSES_IGNORE));
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Wait(nullptr, MPI_STATUS_IGNORE));
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Request_free(nullptr));

        // A request that MPI_Wait already retired is stale too.
        MPI_Irecv(&y, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, &req);
        stale = req;
        EXPECT_EQ(MPI_SUCCESS, MPI_Wait(&req, MPI_STATUS_IGNORE));
        EXPECT_EQ(5, y);
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Wait(&stale, MPI_STATUS_IGNORE));

        MPI_Request none = MPI_REQUEST_NULL;
        EXPECT_EQ(MPI_ERR_ARG, MPI_Test(&none, nullptr, MPI_STATUS_IGNORE));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Waitany(1, &none, nullptr, MPI_STATUS_IGNORE));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Testany(1, &none, nullptr, &flag, MPI_STATUS_IGNORE));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Testall(1, &none, nullptr, MPI_STATUSES_IGNORE));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Waitsome(1, &none, nullptr, &index, MPI_STATUSES_IGNORE));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Testsome(1, &none, nullptr, &index, MPI_STATUSES_IGNORE));
    };
    EXPECT_EQ(0, run_returning(1, body));
}

// ---- send modes, persistent requests, memory --------------------------------------------------

TEST(Errors, BufferedAndReadySends) {
    auto body = [] {
        int x = 0, size = 0;
        char buf[256];
        void* back = nullptr;
        MPI_Request req = MPI_REQUEST_NULL;
        EXPECT_EQ(MPI_ERR_BUFFER, MPI_Bsend(&x, 1, MPI_INT, 0, 0, MPI_COMM_WORLD));  // nothing attached
        EXPECT_EQ(MPI_ERR_BUFFER, MPI_Buffer_detach(&back, &size));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Buffer_attach(buf, -1));
        EXPECT_EQ(MPI_ERR_BUFFER, MPI_Buffer_attach(nullptr, 16));
        ASSERT_EQ(MPI_SUCCESS, MPI_Buffer_attach(buf, sizeof buf));
        EXPECT_EQ(MPI_ERR_BUFFER, MPI_Buffer_attach(buf, sizeof buf));  // one buffer at a time
        double big[64] = {};
        EXPECT_EQ(MPI_ERR_BUFFER, MPI_Bsend(big, 64, MPI_DOUBLE, 0, 0, MPI_COMM_WORLD));  // does not fit
        EXPECT_EQ(MPI_ERR_RANK, MPI_Bsend(&x, 1, MPI_INT, 7, 0, MPI_COMM_WORLD));
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Ibsend(&x, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Buffer_detach(nullptr, &size));
        ASSERT_EQ(MPI_SUCCESS, MPI_Buffer_detach(&back, &size));
        EXPECT_EQ(static_cast<void*>(buf), back);
        EXPECT_EQ(static_cast<int>(sizeof buf), size);
        EXPECT_EQ(MPI_ERR_RANK, MPI_Rsend(&x, 1, MPI_INT, 7, 0, MPI_COMM_WORLD));
        EXPECT_EQ(MPI_ERR_TAG, MPI_Irsend(&x, 1, MPI_INT, 0, -2, MPI_COMM_WORLD, &req));
        EXPECT_EQ(MPI_REQUEST_NULL, req);
    };
    EXPECT_EQ(0, run_returning(2, body));
}

TEST(Errors, PersistentRequests) {
    auto body = [] {
        int x = 0;
        MPI_Request req = MPI_REQUEST_NULL;
        EXPECT_EQ(MPI_ERR_RANK, MPI_Send_init(&x, 1, MPI_INT, 7, 0, MPI_COMM_WORLD, &req));
        EXPECT_EQ(MPI_ERR_TAG, MPI_Recv_init(&x, 1, MPI_INT, 0, -2, MPI_COMM_WORLD, &req));
        EXPECT_EQ(MPI_ERR_COUNT, MPI_Ssend_init(&x, -1, MPI_INT, 0, 0, MPI_COMM_WORLD, &req));
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Bsend_init(&x, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, nullptr));
        EXPECT_EQ(MPI_REQUEST_NULL, req);
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Start(nullptr));
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Start(&req));  // the null request
        MPI_Request plain;
        ASSERT_EQ(MPI_SUCCESS, MPI_Irecv(&x, 1, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &plain));
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Start(&plain));  // not a persistent one
        ASSERT_EQ(MPI_SUCCESS, MPI_Wait(&plain, MPI_STATUS_IGNORE));
        ASSERT_EQ(MPI_SUCCESS, MPI_Recv_init(&x, 1, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &req));
        ASSERT_EQ(MPI_SUCCESS, MPI_Start(&req));
        ASSERT_EQ(MPI_SUCCESS, MPI_Wait(&req, MPI_STATUS_IGNORE));
        ASSERT_EQ(MPI_SUCCESS, MPI_Recv_init(&x, 1, MPI_INT, 1 - rank(), 5, MPI_COMM_WORLD, &plain));
        ASSERT_EQ(MPI_SUCCESS, MPI_Start(&plain));
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Start(&plain));  // already started
        EXPECT_EQ(MPI_ERR_COUNT, MPI_Startall(-1, &req));
        EXPECT_EQ(MPI_ERR_REQUEST, MPI_Startall(1, nullptr));
        ASSERT_EQ(MPI_SUCCESS, MPI_Send(&x, 1, MPI_INT, 1 - rank(), 5, MPI_COMM_WORLD));
        ASSERT_EQ(MPI_SUCCESS, MPI_Wait(&plain, MPI_STATUS_IGNORE));
        EXPECT_EQ(MPI_SUCCESS, MPI_Request_free(&req));
        EXPECT_EQ(MPI_SUCCESS, MPI_Request_free(&plain));
    };
    EXPECT_EQ(0, run_returning(2, body));
}

TEST(Errors, MemoryAddressesAndSplitType) {
    auto body = [] {
        void* p = nullptr;
        int x = 0;
        MPI_Comm c = MPI_COMM_WORLD;
        EXPECT_EQ(MPI_ERR_ARG, MPI_Alloc_mem(-1, MPI_INFO_NULL, &p));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Alloc_mem(8, MPI_INFO_NULL, nullptr));
        EXPECT_EQ(MPI_ERR_INFO, MPI_Alloc_mem(8, static_cast<MPI_Info>(5), &p));  // no Info objects yet
        EXPECT_EQ(nullptr, p);
        EXPECT_EQ(MPI_ERR_ARG, MPI_Get_address(&x, nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_split_type(MPI_COMM_WORLD, 7, 0, MPI_INFO_NULL, &c));
        EXPECT_EQ(MPI_ERR_INFO,
                  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, static_cast<MPI_Info>(5), &c));
        EXPECT_EQ(MPI_ERR_ARG,
                  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, nullptr));
        EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_split_type(12345, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &c));
        EXPECT_EQ(MPI_COMM_WORLD, c);
        EXPECT_EQ(MPI_ERR_INFO, MPIX_Migrate(static_cast<MPI_Info>(5)));
        MPI_Comm d = MPI_COMM_NULL;
        EXPECT_EQ(MPI_ERR_INFO, MPI_Comm_dup_with_info(MPI_COMM_WORLD, static_cast<MPI_Info>(5), &d));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_dup_with_info(MPI_COMM_WORLD, MPI_INFO_NULL, nullptr));
        EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_dup_with_info(12345, MPI_INFO_NULL, &d));
        EXPECT_EQ(MPI_COMM_NULL, d);
        ASSERT_EQ(MPI_SUCCESS, MPI_Comm_dup_with_info(MPI_COMM_WORLD, MPI_INFO_NULL, &d));
        MPI_Info none = MPI_INFO_NULL;
        int nkeys = -1;
        ASSERT_EQ(MPI_SUCCESS, MPI_Comm_get_info(d, &none));
        MPI_Info_get_nkeys(none, &nkeys);
        EXPECT_EQ(0, nkeys);  // MPI_INFO_NULL: no hints
        MPI_Info_free(&none);
        MPI_Comm_free(&d);
    };
    EXPECT_EQ(0, run_returning(2, body));
}

// ---- environment and error handling -----------------------------------------------------------

TEST(Errors, EnvironmentCalls) {
    auto body = [] {
        int argc = 0, x = 0;
        char** argv = nullptr;
        EXPECT_EQ(MPI_ERR_OTHER, MPI_Init(&argc, &argv));
        EXPECT_EQ(MPI_ERR_OTHER, MPI_Init_thread(&argc, &argv, MPI_THREAD_SINGLE, &x));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Initialized(nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Finalized(nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Query_thread(nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Is_thread_main(nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Get_processor_name(nullptr, &x));
        char name[MPI_MAX_PROCESSOR_NAME];
        EXPECT_EQ(MPI_ERR_ARG, MPI_Get_processor_name(name, nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Get_version(nullptr, &x));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Get_version(&x, nullptr));
        char version[MPI_MAX_LIBRARY_VERSION_STRING];
        EXPECT_EQ(MPI_ERR_ARG, MPI_Get_library_version(nullptr, &x));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Get_library_version(version, nullptr));
    };
    EXPECT_EQ(0, run_returning(2, body));
}

TEST(Errors, CallsAfterFinalize) {
    auto body = [] {
        int x = 0;
        ASSERT_EQ(MPI_SUCCESS, MPI_Finalize());
        int flag = 0;
        MPI_Finalized(&flag);
        EXPECT_EQ(1, flag);
        EXPECT_EQ(MPI_ERR_OTHER, MPI_Send(&x, 1, MPI_INT, 0, 0, MPI_COMM_WORLD));
        EXPECT_EQ(MPI_ERR_OTHER, MPI_Comm_dup(MPI_COMM_WORLD, nullptr));
        EXPECT_EQ(MPI_ERR_OTHER, MPI_Finalize());
    };
    EXPECT_EQ(0, run_returning(2, body));
}

TEST(Errors, ErrorStringNamesEveryClass) {
    const char* const names[] = {
        "MPI_SUCCESS",
        "MPI_ERR_BUFFER",
        "MPI_ERR_COUNT",
        "MPI_ERR_TYPE",
        "MPI_ERR_TAG",
        "MPI_ERR_COMM",
        "MPI_ERR_RANK",
        "MPI_ERR_ROOT",
        "MPI_ERR_GROUP",
        "MPI_ERR_OP",
        "MPI_ERR_TOPOLOGY",
        "MPI_ERR_DIMS",
        "MPI_ERR_ARG",
        "MPI_ERR_UNKNOWN",
        "MPI_ERR_TRUNCATE",
        "MPI_ERR_OTHER",
        "MPI_ERR_INTERN",
        "MPI_ERR_IN_STATUS",
        "MPI_ERR_PENDING",
        "MPI_ERR_REQUEST",
        "MPI_ERR_ACCESS",
        "MPI_ERR_AMODE",
        "MPI_ERR_BAD_FILE",
        "MPI_ERR_CONVERSION",
        "MPI_ERR_DUP_DATAREP",
        "MPI_ERR_FILE_EXISTS",
        "MPI_ERR_FILE_IN_USE",
        "MPI_ERR_FILE",
        "MPI_ERR_INFO",
        "MPI_ERR_INFO_KEY",
        "MPI_ERR_INFO_VALUE",
        "MPI_ERR_INFO_NOKEY",
        "MPI_ERR_IO",
        "MPI_ERR_NAME",
        "MPI_ERR_NO_MEM",
        "MPI_ERR_NOT_SAME",
        "MPI_ERR_NO_SPACE",
        "MPI_ERR_NO_SUCH_FILE",
        "MPI_ERR_PORT",
        "MPI_ERR_QUOTA",
        "MPI_ERR_READ_ONLY",
        "MPI_ERR_SERVICE",
        "MPI_ERR_SPAWN",
        "MPI_ERR_UNSUPPORTED_DATAREP",
        "MPI_ERR_UNSUPPORTED_OPERATION",
        "MPI_ERR_WIN",
        "MPI_ERR_BASE",
        "MPI_ERR_LOCKTYPE",
        "MPI_ERR_KEYVAL",
        "MPI_ERR_RMA_CONFLICT",
        "MPI_ERR_RMA_SYNC",
        "MPI_ERR_SIZE",
        "MPI_ERR_DISP",
        "MPI_ERR_ASSERT",
        "MPI_ERR_RMA_RANGE",
        "MPI_ERR_RMA_ATTACH",
        "MPI_ERR_RMA_SHARED",
        "MPI_ERR_RMA_FLAVOR",
        "MPI_T_ERR_INVALID",
    };
    static_assert(sizeof names / sizeof names[0] == MPI_T_ERR_INVALID + 1);
    auto body = [&] {
        char text[MPI_MAX_ERROR_STRING];
        int len = -1, cls = -1;
        for (int code = 0; code <= MPI_T_ERR_INVALID; ++code) {
            ASSERT_EQ(MPI_SUCCESS, MPI_Error_string(code, text, &len));
            EXPECT_EQ(static_cast<int>(std::strlen(text)), len);
            // The text starts with the class's name followed by an explanation.
            std::string expect = std::string(names[code]) + ": ";
            EXPECT_EQ(0, std::strncmp(text, expect.c_str(), expect.size())) << text;
            EXPECT_GT(len, static_cast<int>(expect.size()));
            ASSERT_EQ(MPI_SUCCESS, MPI_Error_class(code, &cls));
            EXPECT_EQ(code, cls);
        }
        ASSERT_EQ(MPI_SUCCESS, MPI_Error_string(4711, text, &len));
        EXPECT_NE(nullptr, std::strstr(text, "4711")) << text;
        EXPECT_EQ(MPI_ERR_ARG, MPI_Error_class(4711, &cls));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Error_class(-3, &cls));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Error_class(0, nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Error_string(0, nullptr, &len));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Error_string(0, text, nullptr));
    };
    EXPECT_EQ(0, run_returning(1, body));
}

TEST(Errors, ErrhandlerCalls) {
    auto body = [] {
        MPI_Errhandler eh = MPI_ERRHANDLER_NULL;
        EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_set_errhandler(MPI_COMM_WORLD, 12345));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRHANDLER_NULL));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_get_errhandler(MPI_COMM_WORLD, nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_create_errhandler(nullptr, &eh));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Errhandler_free(nullptr));
        eh = 12345;
        EXPECT_EQ(MPI_ERR_ARG, MPI_Errhandler_free(&eh));
        // Under MPI_ERRORS_RETURN, calling the handler returns without ending the job.
        EXPECT_EQ(MPI_SUCCESS, MPI_Comm_call_errhandler(MPI_COMM_WORLD, MPI_ERR_OTHER));
    };
    EXPECT_EQ(0, run_returning(1, body));
}

namespace {
std::vector<std::pair<MPI_Comm, int>> handler_calls;

void record_error(MPI_Comm* comm, int* code, ...) { handler_calls.emplace_back(*comm, *code); }
}  // namespace

TEST(Errors, UserErrhandlerIsCalledWithTheCode) {
    handler_calls.clear();
    auto body = [] {
        MPI_Errhandler eh;
        ASSERT_EQ(MPI_SUCCESS, MPI_Comm_create_errhandler(record_error, &eh));
        ASSERT_EQ(MPI_SUCCESS, MPI_Comm_set_errhandler(MPI_COMM_WORLD, eh));
        int x = 0;
        EXPECT_EQ(MPI_ERR_RANK, MPI_Send(&x, 1, MPI_INT, 3, 0, MPI_COMM_WORLD));
        // A derived communicator inherits the handler and passes itself to it.
        MPI_Comm dup;
        MPI_Comm_dup(MPI_COMM_WORLD, &dup);
        EXPECT_EQ(MPI_ERR_TAG, MPI_Send(&x, 1, MPI_INT, 0, -4, dup));
        EXPECT_EQ(MPI_SUCCESS, MPI_Comm_call_errhandler(dup, MPI_ERR_OTHER));
        // An invalid communicator goes to MPI_COMM_WORLD's handler.
        EXPECT_EQ(MPI_ERR_COMM, MPI_Send(&x, 1, MPI_INT, 0, 0, 4711));
        MPI_Errhandler got;
        MPI_Comm_get_errhandler(dup, &got);
        EXPECT_EQ(eh, got);
        EXPECT_EQ(MPI_SUCCESS, MPI_Errhandler_free(&eh));
        EXPECT_EQ(MPI_ERRHANDLER_NULL, eh);
        // Communicators still using a freed handler keep calling it.
        EXPECT_EQ(MPI_ERR_COUNT, MPI_Send(&x, -1, MPI_INT, 0, 0, dup));
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
        MPI_Comm_free(&dup);
    };
    EXPECT_EQ(0, run_ranks(1, body));
    ASSERT_EQ(5u, handler_calls.size());
    EXPECT_EQ(MPI_COMM_WORLD, handler_calls[0].first);
    EXPECT_EQ(MPI_ERR_RANK, handler_calls[0].second);
    EXPECT_NE(MPI_COMM_WORLD, handler_calls[1].first);
    EXPECT_EQ(MPI_ERR_TAG, handler_calls[1].second);
    EXPECT_EQ(handler_calls[1].first, handler_calls[2].first);
    EXPECT_EQ(MPI_ERR_OTHER, handler_calls[2].second);
    EXPECT_EQ(MPI_COMM_WORLD, handler_calls[3].first);
    EXPECT_EQ(MPI_ERR_COMM, handler_calls[3].second);
    EXPECT_EQ(MPI_ERR_COUNT, handler_calls[4].second);
}

// ---- communicators and groups ---------------------------------------------------------------

TEST(Errors, CommunicatorCalls) {
    auto body = [] {
        int r = rank(), x = 0;
        MPI_Comm out = MPI_COMM_WORLD;
        EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_dup(MPI_COMM_WORLD, nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_split(MPI_COMM_WORLD, -5, 0, &out));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_split(MPI_COMM_WORLD, 0, 0, nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_create(MPI_COMM_WORLD, MPI_GROUP_EMPTY, nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_compare(MPI_COMM_WORLD, MPI_COMM_SELF, nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_group(MPI_COMM_WORLD, nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Comm_free(nullptr));
        for (MPI_Group bad : bad_groups())
            EXPECT_EQ(MPI_ERR_GROUP, MPI_Comm_create(MPI_COMM_WORLD, bad, &out)) << bad;

        // Predefined communicators cannot be freed; the handle stays as it was.
        MPI_Comm world = MPI_COMM_WORLD, self = MPI_COMM_SELF;
        EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_free(&world));
        EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_free(&self));
        EXPECT_EQ(MPI_COMM_WORLD, world);
        EXPECT_EQ(MPI_COMM_SELF, self);

        // A freed communicator is invalid, and freeing it twice is an error.
        MPI_Comm dup, copy;
        MPI_Comm_dup(MPI_COMM_WORLD, &dup);
        copy = dup;
        EXPECT_EQ(MPI_SUCCESS, MPI_Comm_free(&dup));
        EXPECT_EQ(MPI_ERR_COMM, MPI_Comm_free(&copy));
        EXPECT_EQ(MPI_ERR_COMM, MPI_Send(&x, 1, MPI_INT, 0, 0, copy));

        // The group must be a subset of the communicator's group (all ranks see the same error).
        MPI_Comm half;
        MPI_Comm_split(MPI_COMM_WORLD, r % 2, r, &half);
        MPI_Group world_group;
        MPI_Comm_group(MPI_COMM_WORLD, &world_group);
        EXPECT_EQ(MPI_ERR_GROUP, MPI_Comm_create(half, world_group, &out));
        // Errors on a derived communicator use its handler, inherited from MPI_COMM_WORLD.
        EXPECT_EQ(MPI_ERR_RANK, MPI_Send(&x, 1, MPI_INT, 2, 0, half));
        MPI_Group_free(&world_group);
        MPI_Comm_free(&half);
    };
    EXPECT_EQ(0, run_returning(4, body));
}

TEST(Errors, GroupCalls) {
    auto body = [] {
        MPI_Group world, out = MPI_GROUP_NULL;
        MPI_Comm_group(MPI_COMM_WORLD, &world);
        int x = 0, in[3] = {0, 1, 2}, res[3];
        for (MPI_Group bad : bad_groups()) {
            SCOPED_TRACE(bad);
            EXPECT_EQ(MPI_ERR_GROUP, MPI_Group_size(bad, &x));
            EXPECT_EQ(MPI_ERR_GROUP, MPI_Group_rank(bad, &x));
            EXPECT_EQ(MPI_ERR_GROUP, MPI_Group_translate_ranks(bad, 1, in, world, res));
            EXPECT_EQ(MPI_ERR_GROUP, MPI_Group_translate_ranks(world, 1, in, bad, res));
            EXPECT_EQ(MPI_ERR_GROUP, MPI_Group_compare(bad, world, &x));
            EXPECT_EQ(MPI_ERR_GROUP, MPI_Group_compare(world, bad, &x));
            EXPECT_EQ(MPI_ERR_GROUP, MPI_Group_incl(bad, 1, in, &out));
            EXPECT_EQ(MPI_ERR_GROUP, MPI_Group_excl(bad, 1, in, &out));
            EXPECT_EQ(MPI_ERR_GROUP, MPI_Group_union(bad, world, &out));
            EXPECT_EQ(MPI_ERR_GROUP, MPI_Group_union(world, bad, &out));
            EXPECT_EQ(MPI_ERR_GROUP, MPI_Group_intersection(bad, world, &out));
            EXPECT_EQ(MPI_ERR_GROUP, MPI_Group_difference(world, bad, &out));
            MPI_Group copy = bad;
            EXPECT_EQ(MPI_ERR_GROUP, MPI_Group_free(&copy));
        }
        EXPECT_EQ(MPI_GROUP_NULL, out);

        EXPECT_EQ(MPI_ERR_ARG, MPI_Group_size(world, nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Group_rank(world, nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Group_compare(world, world, nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Group_free(nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Group_union(world, world, nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Group_intersection(world, world, nullptr));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Group_difference(world, world, nullptr));

        EXPECT_EQ(MPI_ERR_ARG, MPI_Group_translate_ranks(world, -1, in, world, res));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Group_translate_ranks(world, 1, nullptr, world, res));
        EXPECT_EQ(MPI_ERR_ARG, MPI_Group_translate_ranks(world, 1, in, world, nullptr));
        for (int bad : {4, -5, MPI_UNDEFINED, MPI_ANY_SOURCE}) {
            int ranks[2] = {0, bad};
            EXPECT_EQ(MPI_ERR_RANK, MPI_Group_translate_ranks(world, 2, ranks, world, res)) << bad;
            EXPECT_EQ(MPI_ERR_RANK, MPI_Group_incl(world, 2, ranks, &out)) << bad;
            EXPECT_EQ(MPI_ERR_RANK, MPI_Group_excl(world, 2, ranks, &out)) << bad;
        }
        // MPI_PROC_NULL translates, but is not a rank to include.
        int proc_null = MPI_PROC_NULL;
        EXPECT_EQ(MPI_ERR_RANK, MPI_Group_incl(world, 1, &proc_null, &out));

        for (auto* op : {MPI_Group_incl, MPI_Group_excl}) {
            int dup[3] = {1, 2, 1};
            EXPECT_EQ(MPI_ERR_RANK, op(world, 3, dup, &out));
            int five[5] = {0, 1, 2, 3, 0};
            EXPECT_EQ(MPI_ERR_RANK, op(world, 5, five, &out));
            EXPECT_EQ(MPI_ERR_ARG, op(world, -1, in, &out));
            EXPECT_EQ(MPI_ERR_ARG, op(world, 2, nullptr, &out));
            EXPECT_EQ(MPI_ERR_ARG, op(world, 2, in, nullptr));
        }
        EXPECT_EQ(MPI_GROUP_NULL, out);
        // Freeing MPI_GROUP_EMPTY is allowed (group operations return it for empty results).
        MPI_Group empty = MPI_GROUP_EMPTY;
        EXPECT_EQ(MPI_SUCCESS, MPI_Group_free(&empty));
        EXPECT_EQ(MPI_GROUP_NULL, empty);
        EXPECT_EQ(MPI_SUCCESS, MPI_Group_free(&world));
        EXPECT_EQ(MPI_ERR_GROUP, MPI_Group_free(&world));
    };
    EXPECT_EQ(0, run_returning(4, body));
}

// ---- the default handler and deadlocks end the job --------------------------------------------

TEST(ErrorsDeathTest, FatalErrorNamesRankCallAndReason) {
    auto body = [] {
        int x = 0;
        if (rank() == 1) MPI_Send(&x, 1, MPI_INT, 9, 0, MPI_COMM_WORLD);
    };
    EXPECT_EXIT(run_ranks(2, body), ::testing::ExitedWithCode(1),
                "mosix: rank 1: MPI_Send: destination rank 9 is not in 0\\.\\.1 \\(MPI_ERR_RANK");
}

TEST(ErrorsDeathTest, FatalTruncation) {
    auto body = [] {
        int data[4] = {};
        if (rank() == 0) MPI_Send(data, 4, MPI_INT, 1, 7, MPI_COMM_WORLD);
        if (rank() == 1) MPI_Recv(data, 1, MPI_INT, 0, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    };
    EXPECT_EXIT(run_ranks(2, body), ::testing::ExitedWithCode(1),
                "rank 1: MPI_Recv: message truncated: 16 bytes arrived from rank 0 \\(tag 7\\) for a "
                "4-byte receive buffer \\(MPI_ERR_TRUNCATE");
}

TEST(ErrorsDeathTest, FatalInvalidCommunicator) {
    auto body = [] {
        int r;
        if (rank() == 2) MPI_Comm_rank(MPI_COMM_NULL, &r);
    };
    EXPECT_EXIT(run_ranks(3, body), ::testing::ExitedWithCode(1),
                "rank 2: MPI_Comm_rank: communicator 0x4000000 is not a valid communicator "
                "\\(MPI_ERR_COMM");
}

TEST(ErrorsDeathTest, FreeingWorldIsFatal) {
    auto body = [] {
        MPI_Comm world = MPI_COMM_WORLD;
        if (rank() == 0) MPI_Comm_free(&world);
    };
    EXPECT_EXIT(run_ranks(2, body), ::testing::ExitedWithCode(1),
                "rank 0: MPI_Comm_free: MPI_COMM_WORLD cannot be freed \\(MPI_ERR_COMM");
}

TEST(ErrorsDeathTest, NegativeColorIsFatal) {
    auto body = [] {
        MPI_Comm c;
        MPI_Comm_split(MPI_COMM_WORLD, -rank(), 0, &c);
    };
    EXPECT_EXIT(run_ranks(2, body), ::testing::ExitedWithCode(1),
                "rank 1: MPI_Comm_split: color -1 is negative and not MPI_UNDEFINED \\(MPI_ERR_ARG");
}

TEST(ErrorsDeathTest, GroupRankOutOfRangeIsFatal) {
    auto body = [] {
        MPI_Group world, out;
        MPI_Comm_group(MPI_COMM_WORLD, &world);
        int ranks[2] = {0, 3};
        MPI_Group_incl(world, 2, ranks, &out);
    };
    EXPECT_EXIT(run_ranks(3, body), ::testing::ExitedWithCode(1),
                "rank 0: MPI_Group_incl: ranks\\[1\\] = 3 is not in 0\\.\\.2 \\(MPI_ERR_RANK");
}

TEST(ErrorsDeathTest, ErrorOnDerivedCommunicatorIsFatalByDefault) {
    auto body = [] {
        MPI_Comm half;
        MPI_Comm_split(MPI_COMM_WORLD, rank() % 2, 0, &half);
        int x = 0;
        if (rank() == 3) MPI_Send(&x, 1, MPI_INT, 2, 0, half);
    };
    EXPECT_EXIT(run_ranks(4, body), ::testing::ExitedWithCode(1),
                "rank 3: MPI_Send: destination rank 2 is not in 0\\.\\.1 \\(MPI_ERR_RANK");
}

TEST(ErrorsDeathTest, DeadlockEndsTheJob) {
    auto body = [] {
        int x = 0;
        MPI_Recv(&x, 1, MPI_INT, 1 - rank(), 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    };
    EXPECT_EXIT(run_ranks(2, body), ::testing::ExitedWithCode(1), "deadlock.*\n.*rank 0 in MPI_Recv");
}

TEST(ErrorsDeathTest, DeadlockInACollectiveOnASplitCommunicator) {
    // Only half of the communicator reaches the barrier.
    auto body = [] {
        MPI_Comm half;
        MPI_Comm_split(MPI_COMM_WORLD, rank() % 2, 0, &half);
        if (rank() != 3) MPI_Barrier(half);
        int x = 0;
        if (rank() == 3) MPI_Recv(&x, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    };
    EXPECT_EXIT(run_ranks(4, body), ::testing::ExitedWithCode(1), "deadlock");
}

TEST(ErrorsDeathTest, AbortEndsTheJobWithTheCode) {
    auto body = [] {
        if (rank() == 1) MPI_Abort(MPI_COMM_WORLD, 3);
        int x = 0;
        MPI_Recv(&x, 1, MPI_INT, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    };
    EXPECT_EXIT(run_ranks(3, body), ::testing::ExitedWithCode(3),
                "rank 1: called MPI_Abort with error code 3");
}
