// info.cc — Info objects (ordered key/value strings in the rank's table, index 0 is MPI_INFO_ENV)
// and a communicator's Info hints.
#include <mpi.h>

#include <cstring>

#include "checks.hpp"
#include "lib/attributes.hpp"
#include "lib/handles.hpp"
#include "runtime/library_entry.hpp"

using namespace mosix::lib;

namespace {

int check_info(MPI_Info info, const char* call, Info** out) {
    if (int e = check_initialized(call)) return e;
    Info* i = info_get(info);
    MOSIX_CHECK(i, MPI_COMM_NULL, MPI_ERR_INFO, call, "info %#x is not a valid Info object", info);
    *out = i;
    return MPI_SUCCESS;
}

int check_key(const char* key, const char* call) {
    MOSIX_CHECK(key, MPI_COMM_NULL, MPI_ERR_INFO_KEY, call, "key is NULL");
    const std::size_t n = strnlen(key, MPI_MAX_INFO_KEY);
    MOSIX_CHECK(n > 0, MPI_COMM_NULL, MPI_ERR_INFO_KEY, call, "key is empty");
    MOSIX_CHECK(n < MPI_MAX_INFO_KEY, MPI_COMM_NULL, MPI_ERR_INFO_KEY, call,
                "key is longer than MPI_MAX_INFO_KEY - 1 (%d) characters", MPI_MAX_INFO_KEY - 1);
    return MPI_SUCCESS;
}

std::string* find(Info& info, const char* key) {
    for (auto& [k, v] : info.entries)
        if (k == key) return &v;
    return nullptr;
}

MPI_Info install(InfoEntries entries) {
    RankState& s = self_state();
    info_get(MPI_INFO_ENV);  // makes sure index 0 exists
    std::size_t i = 1;
    while (i < s.infos.size() && s.infos[i].live) ++i;
    if (i == s.infos.size()) s.infos.emplace_back();
    s.infos[i] = Info{true, std::move(entries)};
    return make_handle(HandleKind::info, static_cast<int>(i));
}

}  // namespace

extern "C" {

int MPI_Info_create(MPI_Info* info) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Info_create";
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(info, MPI_COMM_NULL, MPI_ERR_ARG, call, "info is NULL");
    *info = install({});
    return MPI_SUCCESS;
}

int MPI_Info_set(MPI_Info info, const char* key, const char* value) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Info_set";
    Info* i = nullptr;
    if (int e = check_info(info, call, &i)) return e;
    MOSIX_CHECK(info != MPI_INFO_ENV, MPI_COMM_NULL, MPI_ERR_INFO, call, "MPI_INFO_ENV cannot be changed");
    if (int e = check_key(key, call)) return e;
    MOSIX_CHECK(value, MPI_COMM_NULL, MPI_ERR_INFO_VALUE, call, "value is NULL");
    MOSIX_CHECK(strnlen(value, MPI_MAX_INFO_VAL) < MPI_MAX_INFO_VAL, MPI_COMM_NULL, MPI_ERR_INFO_VALUE, call,
                "value is longer than MPI_MAX_INFO_VAL - 1 (%d) characters", MPI_MAX_INFO_VAL - 1);
    if (std::string* v = find(*i, key))
        *v = value;
    else
        i->entries.emplace_back(key, value);
    return MPI_SUCCESS;
}

int MPI_Info_get(MPI_Info info, const char* key, int valuelen, char* value, int* flag) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Info_get";
    Info* i = nullptr;
    if (int e = check_info(info, call, &i)) return e;
    if (int e = check_key(key, call)) return e;
    MOSIX_CHECK(valuelen >= 0, MPI_COMM_NULL, MPI_ERR_ARG, call, "valuelen %d is negative", valuelen);
    MOSIX_CHECK(value && flag, MPI_COMM_NULL, MPI_ERR_ARG, call, "value or flag is NULL");
    const std::string* v = find(*i, key);
    *flag = v != nullptr;
    if (v) {  // truncated to valuelen characters; value has room for valuelen + 1
        const std::size_t n = std::min(v->size(), static_cast<std::size_t>(valuelen));
        std::memcpy(value, v->data(), n);
        value[n] = '\0';
    }
    return MPI_SUCCESS;
}

int MPI_Info_get_valuelen(MPI_Info info, const char* key, int* valuelen, int* flag) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Info_get_valuelen";
    Info* i = nullptr;
    if (int e = check_info(info, call, &i)) return e;
    if (int e = check_key(key, call)) return e;
    MOSIX_CHECK(valuelen && flag, MPI_COMM_NULL, MPI_ERR_ARG, call, "valuelen or flag is NULL");
    const std::string* v = find(*i, key);
    *flag = v != nullptr;
    if (v) *valuelen = static_cast<int>(v->size());
    return MPI_SUCCESS;
}

int MPI_Info_get_nkeys(MPI_Info info, int* nkeys) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Info_get_nkeys";
    Info* i = nullptr;
    if (int e = check_info(info, call, &i)) return e;
    MOSIX_CHECK(nkeys, MPI_COMM_NULL, MPI_ERR_ARG, call, "nkeys is NULL");
    *nkeys = static_cast<int>(i->entries.size());
    return MPI_SUCCESS;
}

int MPI_Info_get_nthkey(MPI_Info info, int n, char* key) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Info_get_nthkey";
    Info* i = nullptr;
    if (int e = check_info(info, call, &i)) return e;
    const int nkeys = static_cast<int>(i->entries.size());
    MOSIX_CHECK(n >= 0 && n < nkeys, MPI_COMM_NULL, MPI_ERR_ARG, call, "n %d is not in 0..%d", n, nkeys - 1);
    MOSIX_CHECK(key, MPI_COMM_NULL, MPI_ERR_ARG, call, "key is NULL");
    const std::string& k = i->entries[static_cast<std::size_t>(n)].first;
    std::memcpy(key, k.c_str(), k.size() + 1);
    return MPI_SUCCESS;
}

int MPI_Info_delete(MPI_Info info, const char* key) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Info_delete";
    Info* i = nullptr;
    if (int e = check_info(info, call, &i)) return e;
    MOSIX_CHECK(info != MPI_INFO_ENV, MPI_COMM_NULL, MPI_ERR_INFO, call, "MPI_INFO_ENV cannot be changed");
    if (int e = check_key(key, call)) return e;
    for (auto it = i->entries.begin(); it != i->entries.end(); ++it)
        if (it->first == key) {
            i->entries.erase(it);
            return MPI_SUCCESS;
        }
    return raise_error(MPI_COMM_NULL, MPI_ERR_INFO_NOKEY, call, "key '%s' is not set", key);
}

int MPI_Info_dup(MPI_Info info, MPI_Info* newinfo) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Info_dup";
    Info* i = nullptr;
    if (int e = check_info(info, call, &i)) return e;
    MOSIX_CHECK(newinfo, MPI_COMM_NULL, MPI_ERR_ARG, call, "newinfo is NULL");
    *newinfo = install(i->entries);  // a copy: install may move the table
    return MPI_SUCCESS;
}

int MPI_Info_free(MPI_Info* info) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Info_free";
    if (int e = check_initialized(call)) return e;
    MOSIX_CHECK(info, MPI_COMM_NULL, MPI_ERR_ARG, call, "info is NULL");
    Info* i = nullptr;
    if (int e = check_info(*info, call, &i)) return e;
    MOSIX_CHECK(*info != MPI_INFO_ENV, MPI_COMM_NULL, MPI_ERR_INFO, call, "MPI_INFO_ENV cannot be freed");
    *i = Info{};
    *info = MPI_INFO_NULL;
    return MPI_SUCCESS;
}

int MPI_Comm_set_info(MPI_Comm comm, MPI_Info info) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Comm_set_info";
    Comm* c = nullptr;
    if (int e = check_comm(comm, call, &c)) return e;
    Info* i = info_get(info);
    MOSIX_CHECK(i, comm, MPI_ERR_INFO, call, "info %#x is not a valid Info object", info);
    for (const auto& [key, value] : i->entries) {  // new values for the keys given, others kept
        bool replaced = false;
        for (auto& [k, v] : c->hints)
            if (k == key) {
                v = value;
                replaced = true;
            }
        if (!replaced) c->hints.emplace_back(key, value);
    }
    return MPI_SUCCESS;
}

int MPI_Comm_dup_with_info(MPI_Comm comm, MPI_Info info, MPI_Comm* newcomm) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Comm_dup_with_info";
    Comm* c = nullptr;
    if (int e = check_comm(comm, call, &c)) return e;
    MOSIX_CHECK(info_valid_or_null(info), comm, MPI_ERR_INFO, call, "info %#x is not a valid Info object",
                info);
    MOSIX_CHECK(newcomm, comm, MPI_ERR_ARG, call, "newcomm is NULL");
    // Everything MPI_Comm_dup does (attribute copies, topology), through the profiling name so a
    // tool sees this one call, not two.
    if (int e = PMPI_Comm_dup(comm, newcomm)) return e;
    Info* i = info == MPI_INFO_NULL ? nullptr : info_get(info);
    comm_get(*newcomm)->hints = i ? i->entries : InfoEntries{};
    return MPI_SUCCESS;
}

int MPI_Comm_get_info(MPI_Comm comm, MPI_Info* info_used) {
    MOSIX_LIBRARY_ENTRY();
    const char* call = "MPI_Comm_get_info";
    Comm* c = nullptr;
    if (int e = check_comm(comm, call, &c)) return e;
    MOSIX_CHECK(info_used, comm, MPI_ERR_ARG, call, "info_used is NULL");
    InfoEntries hints = c->hints;
    *info_used = install(std::move(hints));
    return MPI_SUCCESS;
}

}  // extern "C"
