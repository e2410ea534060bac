#include "gossip.hpp"

#include <time.h>

#include <cstring>

namespace mosix::rt {

namespace {

// Entries travel with their age (milliseconds) rather than a timestamp: hosts' clocks differ, ages
// do not need them. The time in transit is not added (microseconds against a period of tenths
// of a second).
struct WireEntry {
    std::int32_t pe;
    std::uint32_t age_ms;
    PeFigures figures;
};

struct Known {
    bool known = false;
    PeFigures figures;
    double age_at = 0;       // its age when we got it
    double received_at = 0;  // our clock then
};

std::vector<Known> table;
int own = 0;
std::uint64_t sent = 0, received = 0;

double now_s() {
    timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double age_of(const Known& k, double now) { return k.age_at + (now - k.received_at); }

}  // namespace

void gossip_start(int npes, int this_pe) {
    table.assign(static_cast<std::size_t>(npes), Known{});
    own = this_pe;
    sent = received = 0;
}

void gossip_set_own(const PeFigures& figures) {
    Known& k = table[static_cast<std::size_t>(own)];
    k.known = true;
    k.figures = figures;
    k.age_at = 0;
    k.received_at = now_s();
}

std::vector<PeEntry> gossip_table() {
    std::vector<PeEntry> out(table.size());
    double now = now_s();
    for (std::size_t i = 0; i < table.size(); ++i) {
        out[i].known = table[i].known;
        out[i].figures = table[i].figures;
        out[i].age_s = table[i].known ? age_of(table[i], now) : 0;
    }
    return out;
}

std::vector<unsigned char> gossip_message() {
    std::vector<unsigned char> out;
    double now = now_s();
    for (std::size_t i = 0; i < table.size(); ++i) {
        if (!table[i].known) continue;
        WireEntry e{static_cast<std::int32_t>(i), static_cast<std::uint32_t>(age_of(table[i], now) * 1000),
                    table[i].figures};
        auto p = reinterpret_cast<const unsigned char*>(&e);
        out.insert(out.end(), p, p + sizeof e);
    }
    return out;
}

void gossip_received(const void* data, std::size_t len) {
    ++received;
    double now = now_s();
    auto p = static_cast<const unsigned char*>(data);
    for (std::size_t off = 0; off + sizeof(WireEntry) <= len; off += sizeof(WireEntry)) {
        WireEntry e;
        std::memcpy(&e, p + off, sizeof e);
        if (e.pe < 0 || static_cast<std::size_t>(e.pe) >= table.size() || e.pe == own) continue;
        Known& k = table[static_cast<std::size_t>(e.pe)];
        double age = e.age_ms / 1000.0;
        if (k.known && age_of(k, now) <= age) continue;  // ours is fresher
        k.known = true;
        k.figures = e.figures;
        k.age_at = age;
        k.received_at = now;
    }
}

std::uint64_t gossip_messages_sent() { return sent; }
std::uint64_t gossip_messages_received() { return received; }
void gossip_count_sent() { ++sent; }

}  // namespace mosix::rt
