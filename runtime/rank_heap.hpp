// rank_heap.hpp — each rank's heap, in its slot (see slot_heap.hpp), and the rule that decides
// whose memory an allocation is: a rank's own code on the PE's thread allocates from the rank's
// heap; the library (inside MOSIX_LIBRARY_ENTRY), the scheduler, network callbacks and every other
// thread allocate from the PE's heap. Frees go by address, so either kind can be freed anywhere.
#pragma once

#include <cstddef>

#include "slot_heap.hpp"

namespace mosix::rt {

class SlotRegion;

// Called by the runtime when a job's slots are reserved / given back, on the PE's thread.
void rank_heaps_attach(SlotRegion* slots, int nranks) noexcept;
void rank_heaps_detach() noexcept;

// The heap of `rank`, created on first use; an invalid handle if it cannot be (no slots yet).
SlotHeap rank_heap(int rank) noexcept;

// Migration: a departed rank's heap is released here (its pages dropped; rank_heap() would start
// a new, empty one); an arrived rank's heap, copied in at the same addresses, is taken over.
// rank_heap_adopt returns false if the bytes there are not a heap made for this slot.
void rank_heap_release(int rank) noexcept;
// Drops this PE's handle of `rank`'s heap without touching its pages (a new image is coming).
void rank_heap_forget(int rank) noexcept;
bool rank_heap_adopt(int rank) noexcept;

// Bytes of `rank`'s heap in use and touched (the part migration and checkpoints copy).
std::size_t rank_heap_in_use(int rank) noexcept;
std::size_t rank_heap_extent(int rank) noexcept;

// The heap that the malloc family serves right now: the running rank's if its own code runs on
// the PE's thread, else nullptr (the PE heap).
SlotHeap* current_user_heap() noexcept;

// The heap an address belongs to, or nullptr if it is not in any rank's heap.
SlotHeap* heap_of(const void* p) noexcept;

// free() by address, whichever heap the block came from — also where a sanitizer owns malloc and
// free() would not know rank heaps.
void free_by_address(void* p) noexcept;

// True on the thread that runs the PE's scheduler and ranks.
bool on_pe_thread() noexcept;
void mark_pe_thread() noexcept;

}  // namespace mosix::rt
