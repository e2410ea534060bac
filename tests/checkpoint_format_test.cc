// checkpoint_format_test.cc — the checkpoint's files on disk (runtime/checkpoint_format.hpp): round
// trips, and every kind of damage refused with a message that says what is wrong.
#include "runtime/checkpoint_format.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace ck = mosix::rt::ckpt;
namespace fs = std::filesystem;

namespace {

// A fresh directory under /tmp, removed with everything in it at the end of the test.
class CheckpointFormat : public ::testing::Test {
protected:
    void SetUp() override {
        root = fs::path("/tmp") / ("mosix-ckpt-test-" + std::to_string(::getpid()) + "-" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(root);
        fs::create_directories(root);
    }
    void TearDown() override { fs::remove_all(root); }

    std::string ckpt(std::uint64_t seq) const { return (root / ck::checkpoint_dir_name(seq)).string(); }

    // Commits checkpoint `seq` with parts rank-0..rank-(n-1), each filled with its index.
    void write_simple(std::uint64_t seq, int n, std::size_t size = 1000, const std::string& build = "b1") {
        ck::CheckpointWriter w(root.string(), seq, build, n);
        ASSERT_EQ(w.error(), "");
        for (int i = 0; i < n; ++i) {
            std::vector<char> data(size, static_cast<char>(i));
            ASSERT_EQ(w.add_part("rank-" + std::to_string(i), data.data(), data.size()), "");
        }
        ASSERT_EQ(w.commit(), "");
    }

    static std::string slurp(const fs::path& p) {
        std::ifstream in(p, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
    static void spit(const fs::path& p, const std::string& s) {
        std::ofstream out(p, std::ios::binary | std::ios::trunc);
        out << s;
    }

    fs::path root;
};

bool contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

}  // namespace

TEST(CheckpointCrc, KnownValues) {
    // The standard check value of CRC-32C, and chunked computation equals whole.
    EXPECT_EQ(ck::crc32c(0, "123456789", 9), 0xE3069283u);
    EXPECT_EQ(ck::crc32c(0, "", 0), 0u);
    std::string s(1000, 'x');
    for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<char>(i * 7 + 3);
    std::uint32_t whole = ck::crc32c(0, s.data(), s.size());
    for (std::size_t cut : {1u, 7u, 8u, 13u, 999u}) {
        EXPECT_EQ(ck::crc32c(ck::crc32c(0, s.data(), cut), s.data() + cut, s.size() - cut), whole) << cut;
    }
}

TEST(CheckpointCrc, PartNames) {
    EXPECT_EQ(ck::check_part_name("rank-5"), "");
    EXPECT_EQ(ck::check_part_name("pe-0.msgs"), "");
    EXPECT_NE(ck::check_part_name(""), "");
    EXPECT_NE(ck::check_part_name("manifest"), "");
    EXPECT_NE(ck::check_part_name(".hidden"), "");
    EXPECT_NE(ck::check_part_name("a/b"), "");
    EXPECT_NE(ck::check_part_name(std::string(56, 'a')), "");
    EXPECT_EQ(ck::check_part_name(std::string(55, 'a')), "");
}

TEST_F(CheckpointFormat, RoundTripWithStreamedLargePart) {
    constexpr std::size_t kBig = 64u << 20;
    {
        ck::CheckpointWriter w(root.string(), 3, "build-abc", 3);
        ASSERT_EQ(w.error(), "");
        std::string a = "rank zero's image", b(4096, 'q');
        ASSERT_EQ(w.add_part("rank-0", a.data(), a.size()), "");
        ASSERT_EQ(w.add_part("rank-1", b.data(), b.size()), "");
        ASSERT_EQ(w.add_part("pe-0", nullptr, 0), "");  // empty part is fine
        // 64 MiB through a 1 MiB buffer: never whole in memory on the writing side.
        ASSERT_EQ(w.open_part("rank-2"), "");
        std::vector<std::uint32_t> chunk(1u << 18);
        for (std::size_t off = 0; off < kBig; off += chunk.size() * 4) {
            for (std::size_t i = 0; i < chunk.size(); ++i) chunk[i] = static_cast<std::uint32_t>(off / 4 + i);
            ASSERT_EQ(w.append(chunk.data(), chunk.size() * 4), "");
        }
        ASSERT_EQ(w.close_part(), "");
        EXPECT_EQ(w.parts().size(), 4u);
        ASSERT_EQ(w.commit(), "");
        EXPECT_EQ(w.path(), ckpt(3));
        EXPECT_NE(w.commit(), "");  // only once
    }
    EXPECT_TRUE(fs::exists(ckpt(3) + "/manifest"));
    EXPECT_FALSE(fs::exists(ckpt(3) + ".tmp"));

    ck::CheckpointReader r(root.string());  // the root: finds the newest
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(r.path(), ckpt(3));
    EXPECT_EQ(r.sequence(), 3u);
    EXPECT_EQ(r.build_id(), "build-abc");
    EXPECT_EQ(r.nranks(), 3);
    EXPECT_FALSE(r.created().empty());
    ASSERT_EQ(r.parts().size(), 4u);
    EXPECT_EQ(r.check_build("build-abc"), "");

    std::string a(17, '\0');
    ASSERT_EQ(r.read_part("rank-0", a.data(), a.size()), "");
    EXPECT_EQ(a, "rank zero's image");
    std::string b(4096, '\0');
    ASSERT_EQ(r.read_part("rank-1", b.data(), b.size()), "");
    EXPECT_EQ(b, std::string(4096, 'q'));
    ASSERT_EQ(r.read_part("pe-0", nullptr, 0), "");
    EXPECT_NE(r.read_part("rank-1", b.data(), 100), "");  // wrong buffer size
    EXPECT_TRUE(contains(r.read_part("rank-9", b.data(), 1), "has no part rank-9"));

    ASSERT_EQ(r.find("rank-2")->size, kBig);
    ASSERT_EQ(r.open_part("rank-2"), "");
    std::vector<std::uint32_t> chunk(3000);  // not a divisor of the size: a short last chunk
    std::uint64_t total = 0;
    bool same = true;
    for (;;) {
        std::size_t got = 0;
        ASSERT_EQ(r.read_chunk(chunk.data(), chunk.size() * 4, &got), "");
        if (got == 0) break;
        for (std::size_t i = 0; i < got / 4; ++i)
            same &= chunk[i] == static_cast<std::uint32_t>(total / 4 + i);
        total += got;
    }
    r.close_part();
    EXPECT_EQ(total, kBig);
    EXPECT_TRUE(same);

    // The checkpoint itself can be named too.
    ck::CheckpointReader direct(ckpt(3));
    EXPECT_TRUE(direct.ok()) << direct.error();
}

TEST_F(CheckpointFormat, FlippedByteInPartIsRefused) {
    write_simple(1, 2, 4096);
    fs::path part = ckpt(1) + "/rank-1";
    std::string s = slurp(part);
    s[1234] ^= 0x10;
    spit(part, s);
    ck::CheckpointReader r(root.string());
    ASSERT_TRUE(r.ok()) << r.error();
    std::vector<char> buf(4096);
    EXPECT_EQ(r.read_part("rank-0", buf.data(), buf.size()), "");
    std::string e = r.read_part("rank-1", buf.data(), buf.size());
    EXPECT_TRUE(contains(e, "checkpoint " + ckpt(1) + ": part rank-1 checksum mismatch")) << e;
}

TEST_F(CheckpointFormat, TruncatedPartIsRefused) {
    write_simple(1, 6, 4096);
    fs::resize_file(ckpt(1) + "/rank-5", 1000);
    ck::CheckpointReader r(root.string());
    ASSERT_TRUE(r.ok()) << r.error();
    std::vector<char> buf(4096);
    std::string e = r.read_part("rank-5", buf.data(), buf.size());
    EXPECT_EQ(e, "checkpoint " + ckpt(1) + ": part rank-5 is truncated (1000 of 4096 bytes)");
    EXPECT_TRUE(contains(r.open_part("rank-5"), "truncated"));
}

TEST_F(CheckpointFormat, FlippedByteInManifestIsRefused) {
    write_simple(2, 1, 100, "build-xyz");
    fs::path m = ckpt(2) + "/manifest";
    std::string s = slurp(m);
    std::size_t at = s.find("build-xyz");
    ASSERT_NE(at, std::string::npos);
    s[at + 7] ^= 0x01;
    spit(m, s);
    ck::CheckpointReader r(root.string());
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(contains(r.error(), "checkpoint " + ckpt(2) + ": manifest checksum mismatch")) << r.error();
    std::vector<char> buf(100);
    EXPECT_EQ(r.read_part("rank-0", buf.data(), buf.size()), r.error());  // nothing read from it

    // A manifest cut short has lost its checksum line.
    spit(m, s.substr(0, s.size() / 2));
    ck::CheckpointReader r2(ckpt(2));
    EXPECT_TRUE(contains(r2.error(), "incomplete")) << r2.error();
}

TEST_F(CheckpointFormat, OtherFormatVersionIsRefused) {
    write_simple(1, 1);
    fs::path m = ckpt(1) + "/manifest";
    std::string s = slurp(m);
    std::size_t at = s.find("format = mosix-checkpoint 1\n");
    ASSERT_NE(at, std::string::npos);
    s[at + std::strlen("format = mosix-checkpoint ")] = '2';
    // Re-seal it as a genuine version-2 manifest would be: the version is the only problem.
    std::size_t last = s.rfind("manifest-crc32c = ");
    s.resize(last);
    char line[40];
    std::snprintf(line, sizeof line, "manifest-crc32c = %08x\n", ck::crc32c(0, s.data(), s.size()));
    s += line;
    spit(m, s);
    ck::CheckpointReader r(root.string());
    EXPECT_EQ(r.error(), "checkpoint " + ckpt(1) + ": format version 2, this mosix reads version 1");

    // Also when the format line is the very first one, and when the other version has not even
    // got a checksum line of this kind.
    s = s.substr(s.find("format = "));
    spit(m, s);
    ck::CheckpointReader r2(root.string());
    EXPECT_TRUE(contains(r2.error(), "format version 2, this mosix reads version 1")) << r2.error();
    spit(m, "format = mosix-checkpoint 2\nsomething = else\n");
    ck::CheckpointReader r3(root.string());
    EXPECT_TRUE(contains(r3.error(), "format version 2, this mosix reads version 1")) << r3.error();
}

TEST_F(CheckpointFormat, OtherBuildIsRefusedByTheCheck) {
    write_simple(1, 1, 10, "abc123");
    ck::CheckpointReader r(root.string());
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(r.check_build("abc123"), "");
    EXPECT_EQ(r.check_build("def456"),
              "checkpoint " + ckpt(1) + ": made by another build (id abc123, this program is def456)");
}

TEST_F(CheckpointFormat, UncommittedCheckpointIsIgnoredAndPruned) {
    write_simple(4, 2);
    {
        // A crash before commit: parts on disk, no manifest, the directory still .tmp; plus a
        // part caught half-written (open, never closed).
        ck::CheckpointWriter w(root.string(), 5, "b1", 2);
        std::string d = "data";
        ASSERT_EQ(w.add_part("rank-0", d.data(), d.size()), "");
        ASSERT_EQ(w.open_part("rank-1"), "");
        ASSERT_EQ(w.append(d.data(), d.size()), "");
        EXPECT_TRUE(fs::exists(ckpt(5) + ".tmp/.rank-1.tmp"));
    }
    EXPECT_FALSE(fs::exists(ckpt(5) + ".tmp/.rank-1.tmp"));  // the writer cleaned its open part
    EXPECT_TRUE(fs::exists(ckpt(5) + ".tmp/rank-0"));
    ck::CheckpointReader r(root.string());
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(r.sequence(), 4u);
    EXPECT_EQ(r.path(), ckpt(4));

    ASSERT_EQ(ck::prune(root.string(), 5), "");
    EXPECT_FALSE(fs::exists(ckpt(5) + ".tmp"));
    EXPECT_TRUE(fs::exists(ckpt(4)));

    // An empty root has nothing to read, and says so.
    fs::remove_all(ckpt(4));
    ck::CheckpointReader none(root.string());
    EXPECT_TRUE(contains(none.error(), "holds no complete checkpoint")) << none.error();
    ck::CheckpointReader missing((root / "nope").string());
    EXPECT_FALSE(missing.ok());
}

TEST_F(CheckpointFormat, PruneKeepsTheNewest) {
    for (std::uint64_t seq : {1, 2, 3, 9, 10, 11}) write_simple(seq, 1);
    fs::create_directories(ckpt(12) + ".tmp");
    fs::create_directories(root / "unrelated");
    ASSERT_EQ(ck::prune(root.string(), 2), "");
    std::vector<std::string> left;
    for (const auto& e : fs::directory_iterator(root)) left.push_back(e.path().filename().string());
    std::sort(left.begin(), left.end());
    EXPECT_EQ(left, (std::vector<std::string>{ck::checkpoint_dir_name(10), ck::checkpoint_dir_name(11),
                                              "unrelated"}));
    ck::CheckpointReader r(root.string());
    EXPECT_EQ(r.sequence(), 11u);  // numeric, not text order
    ASSERT_EQ(ck::prune(root.string(), 0), "");
    EXPECT_FALSE(fs::exists(ckpt(11)));
}

TEST_F(CheckpointFormat, SeveralPesWritePartsOneWritesTheManifest) {
    // PEs 1 and 2 write their ranks' parts through their own writers (as separate processes
    // would), hand their records over as plain bytes, and PE 0 commits.
    std::vector<char> wire;
    for (int pe = 1; pe <= 2; ++pe) {
        ck::CheckpointWriter w(root.string(), 7, "b7", 4);
        ASSERT_EQ(w.error(), "");
        for (int rank = 2 * (pe - 1); rank < 2 * pe; ++rank) {
            std::string img(1000 + rank, static_cast<char>('a' + rank));
            ASSERT_EQ(w.add_part("rank-" + std::to_string(rank), img.data(), img.size()), "");
        }
        std::string msgs = "in flight on pe " + std::to_string(pe);
        ASSERT_EQ(w.add_part("pe-" + std::to_string(pe), msgs.data(), msgs.size()), "");
        for (const auto& rec : w.parts()) {
            auto* p = reinterpret_cast<const char*>(&rec);
            wire.insert(wire.end(), p, p + sizeof rec);
        }
    }
    EXPECT_FALSE(fs::exists(ckpt(7)));  // nothing visible until PE 0 commits
    {
        ck::CheckpointWriter w0(root.string(), 7, "b7", 4);
        ASSERT_EQ(w0.error(), "");
        ASSERT_EQ(wire.size() % sizeof(ck::PartRecord), 0u);
        for (std::size_t off = 0; off < wire.size(); off += sizeof(ck::PartRecord)) {
            ck::PartRecord rec;
            std::memcpy(&rec, wire.data() + off, sizeof rec);
            ASSERT_EQ(w0.add_record(rec), "");
        }
        EXPECT_NE(w0.add_record(ck::PartRecord{}), "");  // no name
        std::string msgs = "in flight on pe 0";
        ASSERT_EQ(w0.add_part("pe-0", msgs.data(), msgs.size()), "");
        ASSERT_EQ(w0.commit(), "");
    }
    ck::CheckpointReader r(root.string());
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(r.nranks(), 4);
    EXPECT_EQ(r.parts().size(), 7u);
    for (int rank = 0; rank < 4; ++rank) {
        std::string img(1000 + rank, '\0');
        ASSERT_EQ(r.read_part("rank-" + std::to_string(rank), img.data(), img.size()), "");
        EXPECT_EQ(img, std::string(1000 + rank, static_cast<char>('a' + rank)));
    }
    std::string m(17, '\0');
    ASSERT_EQ(r.read_part("pe-2", m.data(), m.size()), "");
    EXPECT_EQ(m, "in flight on pe 2");
}

TEST_F(CheckpointFormat, CommitRefusesAMissingOrWrongPart) {
    ck::CheckpointWriter w(root.string(), 1, "b", 1);
    ck::PartRecord rec;
    std::strcpy(rec.name, "rank-0");
    rec.size = 10;
    ASSERT_EQ(w.add_record(rec), "");
    std::string e = w.commit();
    EXPECT_TRUE(contains(e, "part rank-0 is missing")) << e;
    EXPECT_FALSE(fs::exists(ckpt(1)));

    // Bad arguments are refused, not crashed on.
    EXPECT_NE(w.add_part("../escape", "x", 1), "");
    EXPECT_NE(w.append("x", 1), "");
    EXPECT_NE(w.close_part(), "");
    ck::CheckpointWriter bad(root.string(), 2, "two\nlines", 1);
    EXPECT_NE(bad.error(), "");
    EXPECT_EQ(bad.add_part("rank-0", "x", 1), bad.error());
}
