#include "rank_local.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "rank_heap.hpp"

namespace mosix::rt {

namespace {

// Open addressing on the id's address; the table doubles at half load. Programs use a handful
// of ids, so the table stays a few cache lines.
struct Table {
    std::size_t capacity;  // power of two
    std::size_t used;
    struct Entry {
        const void* id;
        void* value;
    } entries[1];
};

std::size_t table_bytes(std::size_t capacity) {
    return sizeof(Table) + (capacity - 1) * sizeof(Table::Entry);
}

void* table_alloc(int rank, std::size_t bytes) {
    SlotHeap heap = rank_heap(rank);
    void* p = heap.valid() ? heap.allocate_zeroed(bytes) : std::calloc(1, bytes);
    return p;
}

std::size_t slot_index(const Table* t, const void* id) {
    auto h = reinterpret_cast<std::uintptr_t>(id);
    h ^= h >> 17;
    h *= 0x9e3779b97f4a7c15ULL;
    return static_cast<std::size_t>(h >> 7) & (t->capacity - 1);
}

Table::Entry* find_or_insert(Table* t, const void* id) {
    for (std::size_t i = slot_index(t, id);; i = (i + 1) & (t->capacity - 1)) {
        Table::Entry& e = t->entries[i];
        if (e.id == id) return &e;
        if (!e.id) {
            e.id = id;
            ++t->used;
            return &e;
        }
    }
}

}  // namespace

void** rank_local_slot(Rank* rank, const void* id) noexcept {
    auto* t = static_cast<Table*>(rank->locals);
    if (!t || 2 * (t->used + 1) > t->capacity) {
        std::size_t capacity = t ? 2 * t->capacity : 16;
        auto* bigger = static_cast<Table*>(table_alloc(rank->id, table_bytes(capacity)));
        if (!bigger) return nullptr;
        bigger->capacity = capacity;
        if (t) {
            for (std::size_t i = 0; i < t->capacity; ++i)
                if (t->entries[i].id) find_or_insert(bigger, t->entries[i].id)->value = t->entries[i].value;
            free_by_address(t);
        }
        rank->locals = t = bigger;
    }
    return &find_or_insert(t, id)->value;
}

}  // namespace mosix::rt
