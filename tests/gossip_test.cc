// gossip_test.cc — the gossip table (runtime/gossip.hpp): a PE keeps, for every other PE, the
// youngest figures it has heard of, never lets anyone overwrite its own, and ignores what does not
// parse. Several PEs are played in turn by one process (gossip_start begins each one's table).
#include "runtime/gossip.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

using mosix::rt::gossip_message;
using mosix::rt::gossip_received;
using mosix::rt::gossip_set_own;
using mosix::rt::gossip_start;
using mosix::rt::gossip_table;
using mosix::rt::PeFigures;

namespace {

PeFigures figures(float load, int ranks) {
    PeFigures f;
    f.speed = 5e8f;
    f.share = 1;
    f.load = load;
    f.ranks = ranks;
    f.free_memory = 1ULL << 30;
    return f;
}

// PE `pe` of `npes`, with these figures of its own: its gossip message.
std::vector<unsigned char> message_of(int npes, int pe, const PeFigures& own) {
    gossip_start(npes, pe);
    gossip_set_own(own);
    return gossip_message();
}

}  // namespace

TEST(Gossip, OwnEntryIsKnownAndFreshOthersUnknown) {
    gossip_start(3, 1);
    gossip_set_own(figures(0.5f, 7));
    auto table = gossip_table();
    ASSERT_EQ(3u, table.size());
    EXPECT_FALSE(table[0].known);
    EXPECT_TRUE(table[1].known);
    EXPECT_FALSE(table[2].known);
    EXPECT_EQ(7, table[1].figures.ranks);
    EXPECT_LT(table[1].age_s, 0.5);
}

TEST(Gossip, AReceivedTableFillsInThePesItKnows) {
    auto from_two = message_of(3, 2, figures(0.25f, 4));
    gossip_start(3, 0);
    gossip_received(from_two.data(), from_two.size());
    auto table = gossip_table();
    EXPECT_FALSE(table[1].known);
    ASSERT_TRUE(table[2].known);
    EXPECT_FLOAT_EQ(0.25f, table[2].figures.load);
    EXPECT_EQ(4, table[2].figures.ranks);
}

TEST(Gossip, TheYoungerEntryWinsWhicheverComesFirst) {
    // PE 1 relays what it heard from PE 2 some time ago; PE 2 then reports anew.
    auto old_report = message_of(3, 2, figures(0.9f, 9));
    gossip_start(3, 1);
    gossip_received(old_report.data(), old_report.size());
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    auto relayed = gossip_message();  // PE 2's entry, about 60 ms old
    auto new_report = message_of(3, 2, figures(0.1f, 1));

    for (int order = 0; order < 2; ++order) {
        gossip_start(3, 0);
        const auto& first = order == 0 ? relayed : new_report;
        const auto& second = order == 0 ? new_report : relayed;
        gossip_received(first.data(), first.size());
        gossip_received(second.data(), second.size());
        auto table = gossip_table();
        ASSERT_TRUE(table[2].known);
        EXPECT_EQ(1, table[2].figures.ranks) << "order " << order;
    }
}

TEST(Gossip, NobodyOverwritesThisPesOwnFigures) {
    auto claims_about_zero = message_of(2, 0, figures(0.9f, 99));  // "PE 0" as another process saw it
    gossip_start(2, 0);
    gossip_set_own(figures(0.1f, 3));
    gossip_received(claims_about_zero.data(), claims_about_zero.size());
    EXPECT_EQ(3, gossip_table()[0].figures.ranks);
}

TEST(Gossip, WhatDoesNotParseIsIgnored) {
    auto from_five = message_of(6, 5, figures(0.5f, 5));  // a PE this job does not have
    gossip_start(3, 0);
    gossip_received(from_five.data(), from_five.size());
    for (const auto& e : gossip_table()) EXPECT_FALSE(e.known);
    auto from_two = message_of(3, 2, figures(0.5f, 2));
    gossip_start(3, 0);
    gossip_received(from_two.data(), from_two.size() - 1);  // cut short: the entry is dropped
    gossip_received(nullptr, 0);
    for (const auto& e : gossip_table()) EXPECT_FALSE(e.known);
}
