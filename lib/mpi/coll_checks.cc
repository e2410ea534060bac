// coll_checks.cc — the collective bindings' argument checks (see coll_checks.hpp).
#include "coll_checks.hpp"

#include <climits>

#include "checks.hpp"
#include "op_check.hpp"

namespace mosix::lib {

int check_root(const Comm& c, MPI_Comm comm, int root, const char* call) {
    MOSIX_CHECK(root >= 0 && root < c.size(), comm, MPI_ERR_ROOT, call, "root %d is not in 0..%d", root,
                c.size() - 1);
    return MPI_SUCCESS;
}

int check_not_in_place(MPI_Comm comm, const void* buf, const char* which, const char* call) {
    MOSIX_CHECK(buf != MPI_IN_PLACE, comm, MPI_ERR_BUFFER, call, "%s cannot be MPI_IN_PLACE here", which);
    return MPI_SUCCESS;
}

// What a rank sends itself must be what it receives from itself.
int check_same_size(MPI_Comm comm, std::size_t sent, std::size_t received, const char* call) {
    MOSIX_CHECK(sent <= received, comm, MPI_ERR_TRUNCATE, call,
                "message truncated: the send side gives %zu bytes per rank but the receive side takes %zu",
                sent, received);
    MOSIX_CHECK(sent == received, comm, MPI_ERR_ARG, call,
                "type signatures differ: the send side gives %zu bytes per rank, the receive side "
                "expects %zu",
                sent, received);
    return MPI_SUCCESS;
}

// Buffers, datatype and op of a reduction. `receives`: recvbuf is significant on this rank (and
// sendbuf may then be MPI_IN_PLACE). `sendcount` is the number of elements sendbuf holds.
int check_reduction(const Comm& c, MPI_Comm comm, const void* sendbuf, void* recvbuf, bool receives,
                    int sendcount, int recvcount, MPI_Datatype type, MPI_Op op, const char* call,
                    const Datatype** dt, OpRef* ref) {
    if (receives) {
        if (int e = check_buffer(c, comm, recvbuf, recvcount, type, call, dt)) return e;
        if (int e = check_not_in_place(comm, recvbuf, "recvbuf", call)) return e;
    }
    if (sendbuf == MPI_IN_PLACE) {
        MOSIX_CHECK(receives, comm, MPI_ERR_BUFFER, call, "MPI_IN_PLACE is only allowed at the root");
        if (int e = check_buffer(c, comm, recvbuf, sendcount, type, call, dt)) return e;
    } else {
        if (int e = check_buffer(c, comm, sendbuf, sendcount, type, call, dt)) return e;
        MOSIX_CHECK(!receives || sendbuf != recvbuf || sendcount == 0, comm, MPI_ERR_BUFFER, call,
                    "sendbuf and recvbuf are the same buffer (use MPI_IN_PLACE)");
    }
    return check_op(comm, op, **dt, call, ref);
}

// Counts and displacements of a v-collective, converted to bytes (displacements use the extent).
int check_layout(MPI_Comm comm, int p, const void* buf, const int* counts, const int* displs,
                 const Datatype& dt, const char* counts_name, const char* displs_name, const char* call,
                 RankVector<std::size_t>* bytes, RankVector<std::size_t>* offsets) {
    MOSIX_CHECK(counts, comm, MPI_ERR_ARG, call, "%s is NULL", counts_name);
    MOSIX_CHECK(displs, comm, MPI_ERR_ARG, call, "%s is NULL", displs_name);
    bytes->resize(static_cast<std::size_t>(p));
    offsets->resize(static_cast<std::size_t>(p));
    bool any = false;
    for (int i = 0; i < p; ++i) {
        MOSIX_CHECK(counts[i] >= 0, comm, MPI_ERR_COUNT, call, "%s[%d] is %d (negative)", counts_name, i,
                    counts[i]);
        MOSIX_CHECK(displs[i] >= 0, comm, MPI_ERR_ARG, call, "%s[%d] is %d (negative)", displs_name, i,
                    displs[i]);
        any = any || (counts[i] > 0 && dt.size > 0);
        (*bytes)[static_cast<std::size_t>(i)] = bytes_of(counts[i], dt);
        (*offsets)[static_cast<std::size_t>(i)] =
            static_cast<std::size_t>(displs[i]) * static_cast<std::size_t>(dt.extent);
    }
    MOSIX_CHECK(buf || !any, comm, MPI_ERR_BUFFER, call, "buffer is NULL but %s are not all 0", counts_name);
    return MPI_SUCCESS;
}

int check_type(MPI_Comm comm, MPI_Datatype type, const char* call, const Datatype** out) {
    return check_datatype(comm, type, call, out);
}

namespace {

// Every rank's own block of a rooted collective (MPI_IN_PLACE allowed at the root only).
int check_own_side(const Comm& c, MPI_Comm comm, int root, RootedSide own, const char* call,
                   std::size_t* own_bytes) {
    if (int e = check_root(c, comm, root, call)) return e;
    const bool inplace = own.buf == MPI_IN_PLACE;
    MOSIX_CHECK(!inplace || c.rank == root, comm, MPI_ERR_BUFFER, call,
                "MPI_IN_PLACE is only allowed at the root");
    if (inplace) return MPI_SUCCESS;
    const Datatype* dt = nullptr;
    if (int e = check_buffer(c, comm, own.buf, own.count, own.type, call, &dt)) return e;
    *own_bytes = bytes_of(own.count, *dt);
    return MPI_SUCCESS;
}

// The root's own block against its block of `all` (an in-place root takes the latter's size).
int check_root_block(MPI_Comm comm, bool inplace, bool own_is_sent, std::size_t* own_bytes,
                     std::size_t root_block, const char* call) {
    if (inplace) *own_bytes = root_block;
    return own_is_sent ? check_same_size(comm, *own_bytes, root_block, call)
                       : check_same_size(comm, root_block, *own_bytes, call);
}

}  // namespace

int check_send_block(const Comm& c, MPI_Comm comm, const void* sendbuf, int sendcount, MPI_Datatype sendtype,
                     std::size_t recv_block, const char* call, std::size_t* sbytes) {
    *sbytes = recv_block;
    if (sendbuf == MPI_IN_PLACE) return MPI_SUCCESS;
    const Datatype* dt = nullptr;
    if (int e = check_buffer(c, comm, sendbuf, sendcount, sendtype, call, &dt)) return e;
    *sbytes = bytes_of(sendcount, *dt);
    return check_same_size(comm, *sbytes, recv_block, call);
}

int check_rooted(const Comm& c, MPI_Comm comm, int root, RootedSide own, RootedSide all, bool own_is_sent,
                 const char* all_name, const char* call, std::size_t* own_bytes, std::size_t* all_bytes) {
    if (int e = check_own_side(c, comm, root, own, call, own_bytes)) return e;
    if (c.rank != root) return MPI_SUCCESS;
    const Datatype* dt = nullptr;
    if (int e = check_buffer(c, comm, all.buf, all.count, all.type, call, &dt)) return e;
    if (int e = check_not_in_place(comm, all.buf, all_name, call)) return e;
    *all_bytes = bytes_of(all.count, *dt);
    return check_root_block(comm, own.buf == MPI_IN_PLACE, own_is_sent, own_bytes, *all_bytes, call);
}

int check_rooted_v(const Comm& c, MPI_Comm comm, int root, RootedSide own, RootedLayout all, bool own_is_sent,
                   const char* all_name, const char* counts_name, const char* call, std::size_t* own_bytes,
                   RankVector<std::size_t>* all_bytes, RankVector<std::size_t>* all_displs) {
    if (int e = check_own_side(c, comm, root, own, call, own_bytes)) return e;
    if (c.rank != root) return MPI_SUCCESS;
    const Datatype* dt = nullptr;
    if (int e = check_type(comm, all.type, call, &dt)) return e;
    if (int e = check_not_in_place(comm, all.buf, all_name, call)) return e;
    if (int e = check_layout(comm, c.size(), all.buf, all.counts, all.displs, *dt, counts_name, "displs",
                             call, all_bytes, all_displs))
        return e;
    return check_root_block(comm, own.buf == MPI_IN_PLACE, own_is_sent, own_bytes,
                            (*all_bytes)[static_cast<std::size_t>(root)], call);
}

// Allgather and alltoall: one block size for every rank, on both sides.
int check_uniform_blocks(const Comm& c, MPI_Comm comm, const void* sendbuf, int sendcount,
                         MPI_Datatype sendtype, void* recvbuf, int recvcount, MPI_Datatype recvtype,
                         const char* call, std::size_t* sbytes, std::size_t* rbytes) {
    const Datatype* dt = nullptr;
    if (int e = check_buffer(c, comm, recvbuf, recvcount, recvtype, call, &dt)) return e;
    if (int e = check_not_in_place(comm, recvbuf, "recvbuf", call)) return e;
    *rbytes = bytes_of(recvcount, *dt);
    return check_send_block(c, comm, sendbuf, sendcount, sendtype, *rbytes, call, sbytes);
}

int check_recvcounts(const Comm& c, MPI_Comm comm, const int* recvcounts, const char* call, int* total) {
    MOSIX_CHECK(recvcounts, comm, MPI_ERR_ARG, call, "recvcounts is NULL");
    long long sum = 0;
    for (int i = 0; i < c.size(); ++i) {
        MOSIX_CHECK(recvcounts[i] >= 0, comm, MPI_ERR_COUNT, call, "recvcounts[%d] is %d (negative)", i,
                    recvcounts[i]);
        sum += recvcounts[i];
    }
    MOSIX_CHECK(sum <= INT_MAX, comm, MPI_ERR_COUNT, call,
                "recvcounts add up to %lld elements, more than one call can reduce", sum);
    *total = static_cast<int>(sum);
    return MPI_SUCCESS;
}

int check_block_count(const Comm& c, MPI_Comm comm, int recvcount, const char* call, int* total) {
    MOSIX_CHECK(recvcount >= 0, comm, MPI_ERR_COUNT, call, "recvcount %d is negative", recvcount);
    long long sum = static_cast<long long>(recvcount) * c.size();
    MOSIX_CHECK(sum <= INT_MAX, comm, MPI_ERR_COUNT, call,
                "recvcount %d times %d ranks is more than one call can reduce", recvcount, c.size());
    *total = static_cast<int>(sum);
    return MPI_SUCCESS;
}

int check_allgatherv(const Comm& c, MPI_Comm comm, const void* sendbuf, int sendcount, MPI_Datatype sendtype,
                     void* recvbuf, const int* recvcounts, const int* displs, MPI_Datatype recvtype,
                     const char* call, std::size_t* sbytes, RankVector<std::size_t>* rbytes,
                     RankVector<std::size_t>* rdispls) {
    const Datatype* rdt = nullptr;
    if (int e = check_type(comm, recvtype, call, &rdt)) return e;
    if (int e = check_not_in_place(comm, recvbuf, "recvbuf", call)) return e;
    if (int e = check_layout(comm, c.size(), recvbuf, recvcounts, displs, *rdt, "recvcounts", "displs", call,
                             rbytes, rdispls))
        return e;
    return check_send_block(c, comm, sendbuf, sendcount, sendtype,
                            (*rbytes)[static_cast<std::size_t>(c.rank)], call, sbytes);
}

int check_alltoallv(const Comm& c, MPI_Comm comm, const void* sendbuf, const int* sendcounts,
                    const int* sdispls, MPI_Datatype sendtype, void* recvbuf, const int* recvcounts,
                    const int* rdispls, MPI_Datatype recvtype, const char* call,
                    RankVector<std::size_t>* sbytes, RankVector<std::size_t>* soffs,
                    RankVector<std::size_t>* rbytes, RankVector<std::size_t>* roffs) {
    const int p = c.size();
    const auto me = static_cast<std::size_t>(c.rank);
    const Datatype *sdt = nullptr, *rdt = nullptr;
    if (int e = check_type(comm, recvtype, call, &rdt)) return e;
    if (int e = check_not_in_place(comm, recvbuf, "recvbuf", call)) return e;
    if (int e = check_layout(comm, p, recvbuf, recvcounts, rdispls, *rdt, "recvcounts", "rdispls", call,
                             rbytes, roffs))
        return e;
    if (sendbuf == MPI_IN_PLACE) return MPI_SUCCESS;
    if (int e = check_type(comm, sendtype, call, &sdt)) return e;
    if (int e = check_layout(comm, p, sendbuf, sendcounts, sdispls, *sdt, "sendcounts", "sdispls", call,
                             sbytes, soffs))
        return e;
    return check_same_size(comm, (*sbytes)[me], (*rbytes)[me], call);
}

}  // namespace mosix::lib
