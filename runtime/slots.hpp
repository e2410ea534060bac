// slots.hpp — rank slots: one reservation at a fixed address, cut into one slot per rank.
//
// Memory map of a slot (grows with rank id from kRegionBase):
//
//   slot_base                                                    slot_base + slot_size
//   | heap (reserved, PROT_NONE until used)   | guard page | stack (grows down)  |
//
// Every PE of a job reserves the same region at the same address, so a rank's pointers stay valid
// when its slot's pages are copied to another PE (migration, checkpoint). All memory a rank owns
// is handed out through this interface.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace mosix::rt {

class SlotRegion {
public:
    // Fixed address of the region in every PE: clear of the executable and its heap (low), of
    // shared libraries and thread stacks (near 128 TiB), and of AddressSanitizer's shadow memory
    // (which ends just above 16 TiB), so sanitizer builds use the same layout.
    static constexpr std::uintptr_t kRegionBase = 0x200000000000ULL;  // 32 TiB
    // The region must end below ~85 TiB, where PIE executables and their heap are mapped.
    static constexpr std::size_t kRegionBudget = 48ULL << 40;  // at most 48 TiB reserved

    // Reserves `nranks` slots large enough for `stack_size` bytes of stack and the largest heap
    // reserve that fits the budget. Returns an empty string on success, else why it failed.
    std::string reserve(int nranks, std::size_t stack_size);

    // Makes rank's stack readable and writable; returns its lowest byte. REQUIRES reserve().
    void* map_stack(int rank);
    // Releases a finished rank's stack pages back to the system; the range stays reserved.
    void release_stack(int rank);

    // True if `addr` lies in the guard page below some rank's stack; sets *rank to that rank.
    bool in_guard_page(const void* addr, int* rank) const;

    std::size_t slot_size() const { return slot_size_; }
    // Bytes at the start of each slot for the rank's heap (everything below the guard page).
    std::size_t heap_bytes() const { return slot_size_ - stack_size_ - page_; }
    std::size_t stack_size() const { return stack_size_; }
    void* slot_base(int rank) const {
        return reinterpret_cast<void*>(kRegionBase + static_cast<std::uintptr_t>(rank) * slot_size_);
    }

private:
    int nranks_ = 0;
    std::size_t slot_size_ = 0;
    std::size_t stack_size_ = 0;
    std::size_t page_ = 4096;
};

}  // namespace mosix::rt
