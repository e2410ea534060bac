#include "fixed_layout.hpp"

#include <elf.h>
#include <link.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "runtime.hpp"
#include "slots.hpp"

namespace mosix::rt {

namespace {

constexpr const char* kReexecMark = "MOSIX_FIXED_LAYOUT";

// The GNU build id of one loaded object, as hex, or "" if it has none.
std::string note_build_id(const dl_phdr_info* info) {
    std::string id;
    for (int i = 0; i < info->dlpi_phnum; ++i) {
        const ElfW(Phdr)& ph = info->dlpi_phdr[i];
        if (ph.p_type != PT_NOTE) continue;
        auto* p = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
        const char* end = p + ph.p_memsz;
        while (p + sizeof(ElfW(Nhdr)) <= end) {
            auto* n = reinterpret_cast<const ElfW(Nhdr)*>(p);
            const char* name = p + sizeof *n;
            const char* desc = name + ((n->n_namesz + 3) & ~3U);
            if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0) {
                char hex[3];
                for (unsigned k = 0; k < n->n_descsz; ++k) {
                    std::snprintf(hex, sizeof hex, "%02x", static_cast<unsigned char>(desc[k]));
                    id += hex;
                }
                return id;
            }
            p = desc + ((n->n_descsz + 3) & ~3U);
        }
    }
    return id;
}

bool holds(const dl_phdr_info* info, const void* addr) {
    auto a = reinterpret_cast<ElfW(Addr)>(addr);
    for (int i = 0; i < info->dlpi_phnum; ++i) {
        const ElfW(Phdr)& ph = info->dlpi_phdr[i];
        ElfW(Addr) start = info->dlpi_addr + ph.p_vaddr;
        if (ph.p_type == PT_LOAD && a >= start && a - start < ph.p_memsz) return true;
    }
    return false;
}

// The build id of the object that holds `inside`, or of the main program if it is null.
std::string build_id_of(const void* inside) {
    struct Query {
        const void* inside;
        std::string id;
    } q{inside, {}};
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* out) -> int {
            auto* q = static_cast<Query*>(out);
            if (q->inside && !holds(info, q->inside)) return 0;  // the first object is the program
            q->id = note_build_id(info);
            return 1;
        },
        &q);
    return q.id;
}

}  // namespace

void ensure_fixed_layout(char** argv) {
    // UCX reads these when it loads; a re-executed process loads it anew with them set.
    setenv("UCX_MEM_EVENTS", "n", 0);
    setenv("UCX_MEM_MALLOC_HOOKS", "n", 0);
    setenv("UCX_MEM_MALLOC_RELOC", "n", 0);
    int current = personality(0xffffffff);
    if (current != -1 && (current & ADDR_NO_RANDOMIZE)) return;
    if (std::getenv(kReexecMark))
        fail_job(1,
                 "address randomization is still on after re-executing with it disabled; mosix "
                 "needs the same addresses in every PE (is personality() blocked here?)");
    if (current == -1 || personality(static_cast<unsigned long>(current) | ADDR_NO_RANDOMIZE) == -1)
        fail_job(1,
                 "cannot disable address randomization (personality: %s); mosix needs the same "
                 "addresses in every PE",
                 std::strerror(errno));
    setenv(kReexecMark, "1", 1);
    execv("/proc/self/exe", argv);
    fail_job(1, "cannot re-execute the program with address randomization disabled: %s",
             std::strerror(errno));
}

std::string layout_identity(std::size_t slot_region_bytes) {
    std::string id = build_id_of(nullptr);
    if (id.empty()) {
        struct stat st {};
        if (stat("/proc/self/exe", &st) == 0)
            id = "size " + std::to_string(st.st_size) + " mtime " + std::to_string(st.st_mtime);
    }
    char region[96];
    std::snprintf(region, sizeof region, " slots %#llx+%#zx",
                  static_cast<unsigned long long>(SlotRegion::kRegionBase), slot_region_bytes);
    // The library too: rank stacks hold its return addresses, so a rebuilt one cannot take over
    // another's ranks (a migration or a restart), even under an unchanged program.
    std::string library = build_id_of(reinterpret_cast<const void*>(&layout_identity));
    std::string result = "binary " + id;
    if (!library.empty() && library != id) {
        result += " library ";
        result += library;
    }
    return result + region;
}

}  // namespace mosix::rt
