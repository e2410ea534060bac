#include "attributes.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <climits>

#include "handles.hpp"
#include "rank_state.hpp"
#include "runtime/runtime.hpp"

namespace mosix::lib {

Keyval* keyval_get(int h) noexcept {
    int i = handle_index(HandleKind::keyval, h);
    if (i < 0) return nullptr;
    RankState& s = self_state();
    if (static_cast<std::size_t>(i) >= s.keyvals.size() || !s.keyvals[static_cast<std::size_t>(i)].live)
        return nullptr;
    return &s.keyvals[static_cast<std::size_t>(i)];
}

namespace {

// The keyval record of an attribute: valid while the attribute exists, freed handle or not.
Keyval& keyval_record(int h) {
    return self_state().keyvals[static_cast<std::size_t>(handle_index(HandleKind::keyval, h))];
}

}  // namespace

int attribute_delete(MPI_Comm comm, const Attribute& a) {
    // Copy what the callback needs: it may create keyvals and move the table.
    Keyval k = keyval_record(a.keyval);
    int rc = k.del ? k.del(comm, a.keyval, a.value, k.extra_state) : MPI_SUCCESS;
    if (rc == MPI_SUCCESS) --keyval_record(a.keyval).uses;
    return rc;
}

int attributes_delete_all(MPI_Comm comm) {
    // The callbacks may set or delete attributes of this communicator: look it up each time.
    while (Comm* c = comm_get(comm)) {
        if (c->attributes.empty()) return MPI_SUCCESS;
        Attribute a = c->attributes.back();
        if (int rc = attribute_delete(comm, a)) return rc;
        c = comm_get(comm);
        auto& attrs = c->attributes;
        for (auto it = attrs.end(); it != attrs.begin();)
            if ((--it)->keyval == a.keyval) {
                attrs.erase(it);
                break;
            }
    }
    return MPI_SUCCESS;
}

int attributes_copy(MPI_Comm from, MPI_Comm to) {
    std::vector<Attribute> attrs = comm_get(from)->attributes;  // the callbacks may change the table
    comm_get(to)->hints = comm_get(from)->hints;
    for (const Attribute& a : attrs) {
        Keyval k = keyval_record(a.keyval);
        if (!k.copy) continue;
        void* out = nullptr;
        int flag = 0;
        int rc = k.copy(from, a.keyval, k.extra_state, a.value, &out, &flag);
        if (rc != MPI_SUCCESS) {
            attributes_delete_all(to);
            return rc;
        }
        if (flag) {
            ++keyval_record(a.keyval).uses;
            comm_get(to)->attributes.push_back({a.keyval, out});
        }
    }
    return MPI_SUCCESS;
}

Info* info_get(MPI_Info h) noexcept {
    int i = handle_index(HandleKind::info, h);
    if (i < 0) return nullptr;
    RankState& s = self_state();
    if (s.infos.empty()) s.infos.emplace_back();  // MPI_INFO_ENV before MPI_Init: empty
    if (static_cast<std::size_t>(i) >= s.infos.size()) return nullptr;
    Info& info = s.infos[static_cast<std::size_t>(i)];
    if (i == 0) info.live = true;
    return info.live ? &info : nullptr;
}

void info_env_init(const int* argc, char* const* const* argv, const char* thread_level) {
    RankState& s = self_state();
    if (s.infos.empty()) s.infos.emplace_back();
    Info& env = s.infos[0];
    env.live = true;
    env.entries.clear();
    if (argc && argv && *argv && *argc > 0) {
        env.entries.emplace_back("command", (*argv)[0]);
        std::string args;
        for (int i = 1; i < *argc; ++i) {
            if (i > 1) args += ' ';
            args += (*argv)[i];
        }
        env.entries.emplace_back("argv", std::move(args));
    }
    env.entries.emplace_back("maxprocs", std::to_string(rt::world_size()));
    env.entries.emplace_back("soft", std::to_string(rt::world_size()));
    env.entries.emplace_back("host", rt::host_name(rt::host_of_pe(rt::this_pe())));
    utsname u;
    if (uname(&u) == 0) env.entries.emplace_back("arch", u.machine);
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd)) env.entries.emplace_back("wdir", cwd);
    env.entries.emplace_back("thread_level", thread_level);
}

const UserError* user_error(int code) noexcept {
    if (code <= MPI_ERR_LASTCODE || !rt::this_rank()) return nullptr;
    RankState& s = self_state();
    auto i = static_cast<std::size_t>(code - MPI_ERR_LASTCODE - 1);
    return i < s.user_errors.size() ? &s.user_errors[i] : nullptr;
}

}  // namespace mosix::lib
