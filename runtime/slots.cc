#include "slots.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace mosix::rt {

namespace {
std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }
}  // namespace

std::string SlotRegion::reserve(int nranks, std::size_t stack_size) {
    page_ = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    stack_size_ = round_up(stack_size, page_);
    // Slots are a power-of-two-friendly multiple of 2 MiB so huge pages can back heaps later.
    constexpr std::size_t kAlign = 2ULL << 20;
    std::size_t min_slot = round_up(stack_size_ + page_ + kAlign, kAlign);
    std::size_t per_rank = kRegionBudget / static_cast<std::size_t>(nranks);
    constexpr std::size_t kMaxSlot = 4ULL << 30;
    std::size_t slot = std::min(kMaxSlot, per_rank / kAlign * kAlign);
    if (slot < min_slot)
        return "cannot fit " + std::to_string(nranks) + " ranks with " + std::to_string(stack_size_ >> 10) +
               " KiB stacks in the " + std::to_string(kRegionBudget >> 40) +
               " TiB slot region (use a smaller --stack-size)";
    slot_size_ = slot;
    nranks_ = nranks;
    std::size_t bytes = slot_size_ * static_cast<std::size_t>(nranks);
    void* want = reinterpret_cast<void*>(kRegionBase);
    void* got = mmap(want, bytes, PROT_NONE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (got == MAP_FAILED)
        return "cannot reserve the rank slot region at " + std::to_string(kRegionBase) + " (" +
               std::to_string(bytes >> 20) + " MiB): " + std::strerror(errno);
    if (got != want) {  // kernels before 4.17 ignore MAP_FIXED_NOREPLACE and treat it as a hint
        munmap(got, bytes);
        return "the rank slot region's fixed address is taken in this process";
    }
    return {};
}

void* SlotRegion::map_stack(int rank) {
    auto top = reinterpret_cast<std::uintptr_t>(slot_base(rank)) + slot_size_;
    void* low = reinterpret_cast<void*>(top - stack_size_);
    if (mprotect(low, stack_size_, PROT_READ | PROT_WRITE) != 0) return nullptr;
    return low;
}

void SlotRegion::release_stack(int rank) {
    auto top = reinterpret_cast<std::uintptr_t>(slot_base(rank)) + slot_size_;
    void* low = reinterpret_cast<void*>(top - stack_size_);
    // PROT_NONE again merges the range with its neighbours, keeping the mapping count low.
    mmap(low, stack_size_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
}

bool SlotRegion::in_guard_page(const void* addr, int* rank) const {
    if (slot_size_ == 0) return false;
    auto a = reinterpret_cast<std::uintptr_t>(addr);
    if (a < kRegionBase) return false;
    std::uintptr_t off = a - kRegionBase;
    std::size_t r = off / slot_size_;
    if (r >= static_cast<std::size_t>(nranks_)) return false;
    std::uintptr_t in_slot = off % slot_size_;
    std::uintptr_t guard_low = slot_size_ - stack_size_ - page_;
    // A frame larger than a page can jump past the guard: count a few pages below it as overflow too.
    if (in_slot + 16 * page_ >= guard_low && in_slot < guard_low + page_) {
        *rank = static_cast<int>(r);
        return true;
    }
    return false;
}

}  // namespace mosix::rt
