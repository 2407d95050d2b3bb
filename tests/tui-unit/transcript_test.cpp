// Transcript::read_before: how the TUI pages a chat back from its newest
// records without the daemon reading the whole transcript.
#include "daemon/host/transcript.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace fab;

namespace {
struct TempFile {
    std::string path;
    TempFile() {
        char tmpl[] = "/tmp/fab-transcript-XXXXXX";
        int fd = ::mkstemp(tmpl);
        BOOST_TEST_REQUIRE(fd >= 0);
        ::close(fd);
        path = tmpl;
    }
    ~TempFile() { std::remove(path.c_str()); }
};

// Records 0..n-1 whose data spans several 64 KiB blocks and holds a quoted
// "o": of its own (which must not be taken for the record's offset).
void write_records(const std::string& path, int n, bool torn_tail) {
    auto t = Transcript::open(path);
    BOOST_TEST_REQUIRE(t.ok());
    for (int i = 0; i < n; ++i) {
        bool written = false;
        t->append("out",
                  "{\"o\":999999,\"n\":" + std::to_string(i) + ",\"pad\":\"" +
                      std::string(static_cast<size_t>(i % 700), 'x') + "\"}",
                  written);
        BOOST_TEST_REQUIRE(written);
    }
    if (torn_tail) std::ofstream(path, std::ios::app) << "{\"data\":\"half a rec";
}
} // namespace

BOOST_AUTO_TEST_SUITE(transcript_read_before)

BOOST_AUTO_TEST_CASE(returns_the_last_records_before_an_offset_oldest_first) {
    TempFile f;
    write_records(f.path, 3000, true);
    auto r = Transcript::read_before(f.path, 3000, 300);
    BOOST_TEST_REQUIRE(r.ok());
    BOOST_TEST_REQUIRE(r->size() == 300u);
    BOOST_TEST(r->front().offset == 2700);
    BOOST_TEST(r->back().offset == 2999);
    auto mid = Transcript::read_before(f.path, 1234, 10);
    BOOST_TEST_REQUIRE(mid->size() == 10u);
    BOOST_TEST(mid->front().offset == 1224);
    BOOST_TEST(mid->back().offset == 1233);
    BOOST_TEST(mid->back().data.find("\"n\":1233,") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(stops_at_the_start_of_the_file) {
    TempFile f;
    write_records(f.path, 50, false);
    auto r = Transcript::read_before(f.path, 20, 300);
    BOOST_TEST_REQUIRE(r.ok());
    BOOST_TEST(r->size() == 20u);
    BOOST_TEST(r->front().offset == 0);
    BOOST_TEST(Transcript::read_before(f.path, 0, 10)->empty());
}

BOOST_AUTO_TEST_CASE(agrees_with_reading_forwards) {
    TempFile f;
    write_records(f.path, 800, false);
    auto back = Transcript::read_before(f.path, 700, 250);
    auto fwd = Transcript::read(f.path, 450, 250);
    BOOST_TEST_REQUIRE(back->size() == fwd->size());
    for (size_t i = 0; i < back->size(); ++i) {
        BOOST_TEST((*back)[i].offset == (*fwd)[i].offset);
        BOOST_TEST((*back)[i].data == (*fwd)[i].data);
    }
}

BOOST_AUTO_TEST_CASE(a_missing_file_is_an_error) {
    BOOST_TEST(!Transcript::read_before("/nonexistent/transcript.jsonl", 10, 10).ok());
}

BOOST_AUTO_TEST_SUITE_END()
