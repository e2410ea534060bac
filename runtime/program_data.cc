// program_data.cc — finding the executable's writable data and copying it (program_data.hpp).
#include "program_data.hpp"

#include <elf.h>
#include <link.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "runtime_internal.hpp"

namespace mosix::rt {

namespace {

struct Range {
    std::uintptr_t begin, end;
};

// [begin, end) less every hole in `holes` (sorted, not overlapping).
std::vector<Range> subtract(Range whole, const std::vector<Range>& holes) {
    std::vector<Range> out;
    std::uintptr_t at = whole.begin;
    for (const Range& h : holes) {
        if (h.end <= at || h.begin >= whole.end) continue;
        if (h.begin > at) out.push_back({at, h.begin});
        at = std::max(at, h.end);
    }
    if (at < whole.end) out.push_back({at, whole.end});
    return out;
}

// The executable's holes in its writable segment: its PLT slots and copy-relocated variables.
// Read from its dynamic section; ld.so may have relocated the table addresses in place already.
void library_owned(const dl_phdr_info* info, const ElfW(Phdr) * dynamic, std::vector<Range>* holes) {
    std::uintptr_t base = info->dlpi_addr;
    auto at = [base](ElfW(Addr) a) { return a < base ? a + base : a; };
    const ElfW(Rela)* rela = nullptr;
    const ElfW(Rela)* jmprel = nullptr;
    std::size_t rela_bytes = 0, jmprel_bytes = 0;
    const ElfW(Sym)* symtab = nullptr;
    std::uintptr_t pltgot = 0;
    bool plt_is_rela = true;
    for (auto* d = reinterpret_cast<const ElfW(Dyn)*>(base + dynamic->p_vaddr); d->d_tag != DT_NULL; ++d) {
        switch (d->d_tag) {
            case DT_RELA:
                rela = reinterpret_cast<const ElfW(Rela)*>(at(d->d_un.d_ptr));
                break;
            case DT_RELASZ:
                rela_bytes = d->d_un.d_val;
                break;
            case DT_JMPREL:
                jmprel = reinterpret_cast<const ElfW(Rela)*>(at(d->d_un.d_ptr));
                break;
            case DT_PLTRELSZ:
                jmprel_bytes = d->d_un.d_val;
                break;
            case DT_PLTREL:
                plt_is_rela = d->d_un.d_val == DT_RELA;
                break;
            case DT_SYMTAB:
                symtab = reinterpret_cast<const ElfW(Sym)*>(at(d->d_un.d_ptr));
                break;
            case DT_PLTGOT:
                pltgot = at(d->d_un.d_ptr);
                break;
            default:
                break;
        }
    }
    // The GOT's three reserved words (ld.so's own) and every PLT slot after them.
    if (pltgot) {
        std::uintptr_t end = pltgot + 3 * sizeof(void*);
        if (jmprel && plt_is_rela)
            for (std::size_t i = 0; i < jmprel_bytes / sizeof(ElfW(Rela)); ++i)
                end = std::max<std::uintptr_t>(end, base + jmprel[i].r_offset + sizeof(void*));
        holes->push_back({pltgot, end});
    }
    if (rela && symtab)
        for (std::size_t i = 0; i < rela_bytes / sizeof(ElfW(Rela)); ++i)
            if (ELF64_R_TYPE(rela[i].r_info) == R_X86_64_COPY) {
                const ElfW(Sym)& s = symtab[ELF64_R_SYM(rela[i].r_info)];
                std::uintptr_t a = base + rela[i].r_offset;
                holes->push_back({a, a + std::max<std::size_t>(s.st_size, 1)});
            }
}

std::vector<Range> find_ranges() {
    std::vector<Range> ranges;
    // The first object dl_iterate_phdr reports is the executable.
    dl_iterate_phdr(
        [](dl_phdr_info* info, std::size_t, void* out) -> int {
            auto* result = static_cast<std::vector<Range>*>(out);
            std::vector<Range> writable, holes;
            for (int i = 0; i < info->dlpi_phnum; ++i) {
                const ElfW(Phdr)& ph = info->dlpi_phdr[i];
                std::uintptr_t a = info->dlpi_addr + ph.p_vaddr;
                if (ph.p_type == PT_LOAD && (ph.p_flags & PF_W)) writable.push_back({a, a + ph.p_memsz});
                if (ph.p_type == PT_GNU_RELRO) holes.push_back({a, a + ph.p_memsz});
                if (ph.p_type == PT_DYNAMIC) library_owned(info, &ph, &holes);
            }
            std::sort(holes.begin(), holes.end(), [](Range x, Range y) { return x.begin < y.begin; });
            std::vector<Range> merged;
            for (const Range& h : holes) {
                if (!merged.empty() && h.begin <= merged.back().end)
                    merged.back().end = std::max(merged.back().end, h.end);
                else
                    merged.push_back(h);
            }
            for (const Range& w : writable)
                for (const Range& r : subtract(w, merged)) result->push_back(r);
            return 1;  // the executable only
        },
        &ranges);
    return ranges;
}

// Between the globals of an AddressSanitizer build lie its red zones, which memcpy (intercepted)
// refuses to touch: there the bytes are copied one by one, unchecked.
#if defined(__SANITIZE_ADDRESS__)
__attribute__((no_sanitize_address)) void copy_bytes(void* to, const void* from, std::size_t n) {
    auto* d = static_cast<volatile unsigned char*>(to);
    auto* s = static_cast<const volatile unsigned char*>(from);
    for (std::size_t i = 0; i < n; ++i) d[i] = s[i];
}
#else
void copy_bytes(void* to, const void* from, std::size_t n) { std::memcpy(to, from, n); }
#endif

const std::vector<Range>& ranges() {
    static const std::vector<Range> found = find_ranges();
    return found;
}

}  // namespace

bool rank_per_pe() noexcept { return pe().config.rank_per_pe; }

int ranks_here() noexcept { return pe().live_ranks; }

std::size_t program_data_bytes() {
    std::size_t n = 0;
    for (const Range& r : ranges()) n += r.end - r.begin;
    return n;
}

bool in_program_data(const void* addr, std::size_t bytes) {
    auto a = reinterpret_cast<std::uintptr_t>(addr);
    for (const Range& r : ranges())
        if (a >= r.begin && a <= r.end && bytes <= r.end - a) return true;
    return false;
}

std::vector<unsigned char> program_data_snapshot() {
    std::vector<unsigned char> out(program_data_bytes());
    std::size_t at = 0;
    for (const Range& r : ranges()) {
        copy_bytes(out.data() + at, reinterpret_cast<const void*>(r.begin), r.end - r.begin);
        at += r.end - r.begin;
    }
    return out;
}

std::string program_data_restore(const unsigned char* data, std::size_t len) {
    if (len != program_data_bytes())
        return "the program's data is " + std::to_string(len) + " bytes there and " +
               std::to_string(program_data_bytes()) + " here (another build of the program?)";
    for (const Range& r : ranges()) {
        copy_bytes(reinterpret_cast<void*>(r.begin), data, r.end - r.begin);
        data += r.end - r.begin;
    }
    return {};
}

}  // namespace mosix::rt
