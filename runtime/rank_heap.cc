#include "rank_heap.hpp"

#include <cstdint>
#include <cstdlib>
#include <new>

#include "library_entry.hpp"
#include "slots.hpp"

namespace mosix::rt {

namespace {

// Plain globals, no constructors: malloc may be called before any static initializer runs.
SlotRegion* heap_slots = nullptr;
SlotHeap* heaps = nullptr;  // by rank; invalid until the rank first allocates
int heap_count = 0;
__attribute__((tls_model("initial-exec"))) thread_local bool is_pe_thread = false;

void* system_alloc(std::size_t n);

}  // namespace

bool on_pe_thread() noexcept { return is_pe_thread; }
void mark_pe_thread() noexcept { is_pe_thread = true; }

void rank_heaps_attach(SlotRegion* slots, int nranks) noexcept {
    rank_heaps_detach();
    heap_slots = slots;
    heaps = static_cast<SlotHeap*>(system_alloc(sizeof(SlotHeap) * static_cast<std::size_t>(nranks)));
    for (int i = 0; i < nranks; ++i) new (&heaps[i]) SlotHeap();
    heap_count = nranks;
}

void rank_heaps_detach() noexcept {
    for (int i = 0; i < heap_count; ++i)
        if (heaps[i].valid()) heaps[i].release_all();
    heap_count = 0;
    heap_slots = nullptr;
    // The small handle array is not freed: free() would ask this file whose memory it is.
}

SlotHeap rank_heap(int rank) noexcept {
    if (!heap_slots || rank < 0 || rank >= heap_count) return {};
    SlotHeap& h = heaps[rank];
    if (!h.valid()) {
        auto base = static_cast<char*>(heap_slots->slot_base(rank));
        h = SlotHeap::create(base, base + heap_slots->heap_bytes());
    }
    return h;
}

void rank_heap_release(int rank) noexcept {
    if (rank < 0 || rank >= heap_count || !heaps[rank].valid()) return;
    heaps[rank].release_all();
    heaps[rank] = SlotHeap();
}

void rank_heap_forget(int rank) noexcept {
    if (rank >= 0 && rank < heap_count) heaps[rank] = SlotHeap();
}

bool rank_heap_adopt(int rank) noexcept {
    if (!heap_slots || rank < 0 || rank >= heap_count) return false;
    auto base = static_cast<char*>(heap_slots->slot_base(rank));
    heaps[rank] = SlotHeap::adopt(base, base + heap_slots->heap_bytes());
    return heaps[rank].valid();
}

std::size_t rank_heap_in_use(int rank) noexcept {
    return rank >= 0 && rank < heap_count && heaps[rank].valid() ? heaps[rank].bytes_in_use() : 0;
}

std::size_t rank_heap_extent(int rank) noexcept {
    return rank >= 0 && rank < heap_count && heaps[rank].valid() ? heaps[rank].extent() : 0;
}

SlotHeap* current_user_heap() noexcept {
    if (!is_pe_thread || !in_rank_code()) return nullptr;
    int r = this_rank()->id;
    if (r >= heap_count) return nullptr;  // rank heaps are off for this job
    if (!heaps[r].valid()) rank_heap(r);
    return heaps[r].valid() ? &heaps[r] : nullptr;
}

void free_by_address(void* p) noexcept {
    if (SlotHeap* h = heap_of(p))
        h->deallocate(p);
    else
        std::free(p);
}

SlotHeap* heap_of(const void* p) noexcept {
    auto a = reinterpret_cast<std::uintptr_t>(p);
    if (!heap_slots || a < SlotRegion::kRegionBase) return nullptr;
    std::size_t r = (a - SlotRegion::kRegionBase) / heap_slots->slot_size();
    if (r >= static_cast<std::size_t>(heap_count) || !heaps[r].valid() || !heaps[r].owns(p)) return nullptr;
    return &heaps[r];
}

}  // namespace mosix::rt

extern "C" void* __libc_malloc(std::size_t);

namespace mosix::rt {
namespace {
void* system_alloc(std::size_t n) { return __libc_malloc(n); }
}  // namespace
}  // namespace mosix::rt
