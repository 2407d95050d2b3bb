// The transcript file: damaged lines are skipped and reported without losing
// what follows, a failed append never leaves a torn record, and offsets never
// repeat (a full disk is simulated with RLIMIT_FSIZE: the same short write
// and error as ENOSPC, without root).
#include "daemon/host/transcript.hpp"
#include "protocol/envelope.hpp"

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/resource.h>

using namespace fab;
namespace fs = std::filesystem;

namespace {

struct TempTranscript {
    std::string dir;
    std::string path;
    TempTranscript() {
        char tmpl[] = "/tmp/fab-transcript-XXXXXX";
        dir = ::mkdtemp(tmpl);
        path = dir + "/transcript.jsonl";
    }
    ~TempTranscript() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    std::string text() const {
        std::ifstream f(path, std::ios::binary);
        std::stringstream ss;
        ss << f.rdbuf();
        return ss.str();
    }
    void write(const std::string& t) const { std::ofstream(path, std::ios::binary) << t; }
    // Appends n records "line <i>" through a Transcript.
    void fill(int n) const {
        auto t = Transcript::open(path);
        BOOST_TEST_REQUIRE(t.ok());
        for (int i = 0; i < n; ++i) {
            bool written = false;
            t->append("out", "line " + std::to_string(i), written);
            BOOST_TEST_REQUIRE(written);
        }
    }
};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::string line;
    std::istringstream in(text);
    while (std::getline(in, line)) out.push_back(line);
    return out;
}

std::vector<int64_t> offsets(const std::vector<TranscriptRecord>& recs) {
    std::vector<int64_t> out;
    for (const auto& r : recs) out.push_back(r.offset);
    return out;
}

std::string event_of(const TranscriptRecord& r) {
    if (r.src != "host") return "";
    Json j = Json::parse(r.data, nullptr, false);
    return j.is_object() ? j.value("event", "") : "";
}

// Cuts line `n` (0-based) in half; with `keep_newline` false the rest of the
// file continues right behind the torn half (as a write resumed after it).
void tear_line(TempTranscript& t, size_t n, bool keep_newline) {
    auto lines = lines_of(t.text());
    std::string out;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (i == n)
            out += lines[i].substr(0, lines[i].size() / 2) + (keep_newline ? "\n" : "");
        else
            out += lines[i] + "\n";
    }
    t.write(out);
}

// A soft RLIMIT_FSIZE for this process while it lives (writes past it fail
// with EFBIG after a short write, as on a full disk); SIGXFSZ ignored.
struct FileSizeLimit {
    rlimit old{};
    explicit FileSizeLimit(rlim_t bytes) {
        ::signal(SIGXFSZ, SIG_IGN);
        ::getrlimit(RLIMIT_FSIZE, &old);
        rlimit r = old;
        r.rlim_cur = bytes;
        ::setrlimit(RLIMIT_FSIZE, &r);
    }
    ~FileSizeLimit() { ::setrlimit(RLIMIT_FSIZE, &old); }
};

} // namespace

BOOST_AUTO_TEST_SUITE(transcript_faults)

BOOST_AUTO_TEST_CASE(torn_line_in_the_middle_keeps_every_later_record) {
    for (bool keep_newline : {false, true}) {
        TempTranscript t;
        t.fill(6);
        tear_line(t, 2, keep_newline);
        auto size_before = fs::file_size(t.path);

        auto recs = Transcript::read(t.path, 0, 100);
        BOOST_TEST_REQUIRE(recs.ok());
        // Dense: the torn record's offset carries the report of the damage.
        BOOST_TEST(offsets(*recs) == (std::vector<int64_t>{0, 1, 2, 3, 4, 5}),
                   "keep_newline " << keep_newline);
        BOOST_TEST(event_of((*recs)[2]) == "transcript_damaged");
        BOOST_TEST((*recs)[3].data == "line 3");
        BOOST_TEST((*recs)[5].data == "line 5");

        // Paging back sees the same records, whatever the page size.
        auto back = Transcript::read_before(t.path, 6, 100);
        BOOST_TEST_REQUIRE(back.ok());
        BOOST_TEST(offsets(*back) == offsets(*recs));
        auto page = Transcript::read_before(t.path, 3, 1);
        BOOST_TEST_REQUIRE(page.ok());
        BOOST_TEST(offsets(*page) == (std::vector<int64_t>{2}));
        BOOST_TEST(event_of((*page)[0]) == "transcript_damaged");
        auto from3 = Transcript::read(t.path, 3, 100);
        BOOST_TEST(offsets(*from3) == (std::vector<int64_t>{3, 4, 5}));

        // A new host keeps the file and goes on after the last record.
        auto tr = Transcript::open(t.path);
        BOOST_TEST_REQUIRE(tr.ok());
        BOOST_TEST(tr->next_offset() == 6);
        BOOST_TEST(tr->damaged_lines() == 1);
        BOOST_TEST(fs::file_size(t.path) == size_before);
        bool written = false;
        BOOST_TEST(tr->append("out", "line 6", written).offset == 6);
        BOOST_TEST(written);
        BOOST_TEST(offsets(*Transcript::read(t.path, 0, 100)) ==
                   (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6}));
    }
}

BOOST_AUTO_TEST_CASE(damage_at_the_end_keeps_its_offset_for_the_report) {
    TempTranscript t;
    t.fill(4);
    tear_line(t, 3, true); // the last complete line, newline kept
    auto tr = Transcript::open(t.path);
    BOOST_TEST_REQUIRE(tr.ok());
    BOOST_TEST(tr->next_offset() == 4); // 3 stays the report's
    bool written = false;
    tr->append("out", "after", written);
    auto recs = Transcript::read(t.path, 0, 100);
    BOOST_TEST(offsets(*recs) == (std::vector<int64_t>{0, 1, 2, 3, 4}));
    BOOST_TEST(event_of((*recs)[3]) == "transcript_damaged");
    BOOST_TEST(offsets(*Transcript::read_before(t.path, 100, 100)) == offsets(*recs));
}

BOOST_AUTO_TEST_CASE(torn_last_line_is_cut_off_or_completed) {
    TempTranscript t;
    t.fill(3);
    std::string whole = t.text();
    auto lines = lines_of(whole);
    // Killed mid-write: half a record at the end is no record, and is cut off.
    t.write(whole + lines[0].substr(0, 10));
    BOOST_TEST(offsets(*Transcript::read(t.path, 0, 100)) == (std::vector<int64_t>{0, 1, 2}));
    BOOST_TEST(offsets(*Transcript::read_before(t.path, 100, 100)) ==
               (std::vector<int64_t>{0, 1, 2}));
    {
        auto tr = Transcript::open(t.path);
        BOOST_TEST_REQUIRE(tr.ok());
        BOOST_TEST(tr->next_offset() == 3);
        BOOST_TEST(tr->damaged_lines() == 0);
    }
    BOOST_TEST(t.text() == whole);
    // Only the newline missing: the record is whole, and kept.
    t.write(whole.substr(0, whole.size() - 1));
    {
        auto tr = Transcript::open(t.path);
        BOOST_TEST_REQUIRE(tr.ok());
        BOOST_TEST(tr->next_offset() == 3);
    }
    BOOST_TEST(t.text() == whole);
}

BOOST_AUTO_TEST_CASE(failed_appends_leave_no_torn_record_and_are_marked_as_a_gap) {
    TempTranscript t;
    t.fill(2);
    auto tr = Transcript::open(t.path);
    BOOST_TEST_REQUIRE(tr.ok());
    std::string big(300, 'x');
    int64_t lost = 0;
    {
        // Room for about one and a half more records: the second one is
        // written in part, then fails.
        FileSizeLimit limit(fs::file_size(t.path) + 500);
        for (int i = 0; i < 5; ++i) {
            bool written = false;
            auto r = tr->append("out", big + std::to_string(i), written);
            BOOST_TEST(r.offset == 2 + i); // offsets are used up either way
            if (!written) ++lost;
        }
        BOOST_TEST(lost == 4);
        BOOST_TEST(tr->gap().records == 4);
        BOOST_TEST(tr->gap().first_offset == 3);
        BOOST_TEST(tr->gap().last_offset == 6);
        BOOST_TEST(!tr->gap().error.empty());
        BOOST_TEST(!tr->close_gap()); // still no room
    }
    // Every line in the file is a whole record: the partial write was rolled back.
    for (const auto& line : lines_of(t.text())) {
        TranscriptRecord r;
        BOOST_TEST(Transcript::decode(line, r), line.substr(0, 60));
    }
    BOOST_TEST(t.text().back() == '\n');
    auto marker = tr->close_gap();
    BOOST_TEST_REQUIRE(marker.has_value());
    BOOST_TEST(marker->offset == 7);
    Json j = Json::parse(marker->data);
    BOOST_TEST(j["type"] == "fab_host");
    BOOST_TEST(j["event"] == "transcript_gap");
    BOOST_TEST(j["lost_records"] == 4);
    BOOST_TEST(j["first_offset"] == 3);
    BOOST_TEST(j["last_offset"] == 6);
    BOOST_TEST(j["lost_bytes"].get<int64_t>() > 4 * 300);
    BOOST_TEST(tr->gap().records == 0);
    bool written = false;
    BOOST_TEST(tr->append("out", "after", written).offset == 8);
    BOOST_TEST(written);
    auto recs = Transcript::read(t.path, 0, 100);
    BOOST_TEST(offsets(*recs) == (std::vector<int64_t>{0, 1, 2, 7, 8}));
    BOOST_TEST(event_of((*recs)[3]) == "transcript_gap");
    // A new host continues after the gap, never inside it.
    auto again = Transcript::open(t.path);
    BOOST_TEST(again->next_offset() == 9);
}

BOOST_AUTO_TEST_CASE(offsets_a_previous_host_never_wrote_are_not_reused) {
    TempTranscript t;
    t.fill(3);
    // The daemon saw offsets up to 9 (forwarded live); the file ends at 2.
    auto tr = Transcript::open(t.path, 10);
    BOOST_TEST_REQUIRE(tr.ok());
    BOOST_TEST(tr->next_offset() == 10);
    BOOST_TEST(tr->gap().records == 7);
    auto marker = tr->close_gap();
    BOOST_TEST_REQUIRE(marker.has_value());
    BOOST_TEST(marker->offset == 10);
    Json j = Json::parse(marker->data);
    BOOST_TEST(j["first_offset"] == 3);
    BOOST_TEST(j["last_offset"] == 9);
    bool written = false;
    BOOST_TEST(tr->append("out", "new", written).offset == 11);
    // No gap: min_offset below the file's next changes nothing.
    auto plain = Transcript::open(t.path, 5);
    BOOST_TEST(plain->next_offset() == 12);
    BOOST_TEST(plain->gap().records == 0);
}

// Random damage (torn lines, torn lines with a record behind them, damage
// at the start and the end, offsets skipped by a gap): reading forwards and
// paging back give the same records, offsets rising and never repeated, and
// a new host's next offset is past every one of them.
BOOST_AUTO_TEST_CASE(forward_and_backward_reads_agree_on_random_damage) {
    std::srand(19);
    int damage_reports = 0, damage_at_start = 0;
    for (int round = 0; round < 40; ++round) {
        TempTranscript t;
        std::string text;
        int64_t o = 0;
        int n = 5 + std::rand() % 60;
        for (int i = 0; i < n; ++i) {
            if (std::rand() % 9 == 0) o += 1 + std::rand() % 3; // a gap
            std::string line = Transcript::encode(
                {o++, 1000 + i, "out",
                 "rec " + std::to_string(i) + std::string(std::rand() % 90000, 'p')});
            switch (std::rand() % 6) {
            case 0: // torn, newline kept
                text += line.substr(0, line.size() / 3) + "\n";
                break;
            case 1: // torn, the next line right behind it
                text += line.substr(0, line.size() / 2);
                break;
            default:
                text += line;
            }
        }
        if (!text.empty() && text.back() != '\n') text += "\n";
        t.write(text);

        auto fwd = Transcript::read(t.path, 0, 100000);
        BOOST_TEST_REQUIRE(fwd.ok());
        auto back = Transcript::read_before(t.path, INT64_MAX, 100000);
        BOOST_TEST_REQUIRE(back.ok());
        BOOST_TEST(offsets(*fwd) == offsets(*back), "round " << round);
        for (size_t i = 1; i < fwd->size(); ++i)
            BOOST_TEST_REQUIRE((*fwd)[i].offset > (*fwd)[i - 1].offset);
        for (size_t i = 0; i < fwd->size() && i < back->size(); ++i)
            BOOST_TEST((*fwd)[i].data == (*back)[i].data);
        // Pages of 3, forwards and backwards, add up to the same.
        std::vector<int64_t> fpages, bpages;
        for (int64_t since = 0;;) {
            auto p = Transcript::read(t.path, since, 3);
            if (p->empty()) break;
            for (auto& r : *p) fpages.push_back(r.offset);
            since = p->back().offset + 1;
        }
        for (int64_t before = INT64_MAX;;) {
            auto p = Transcript::read_before(t.path, before, 3);
            if (p->empty()) break;
            auto os = offsets(*p);
            bpages.insert(bpages.begin(), os.begin(), os.end());
            before = p->front().offset;
        }
        BOOST_TEST(fpages == offsets(*fwd), "round " << round);
        BOOST_TEST(bpages == offsets(*fwd), "round " << round);
        auto tr = Transcript::open(t.path);
        BOOST_TEST_REQUIRE(tr.ok());
        if (!fwd->empty()) BOOST_TEST(tr->next_offset() > fwd->back().offset);
        for (auto& r : *fwd)
            if (event_of(r) == "transcript_damaged") {
                ++damage_reports;
                if (r.offset == 0) ++damage_at_start;
            }
    }
    BOOST_TEST(damage_reports > 40); // the damage was there, and reported
    BOOST_TEST(damage_at_start > 0);
}

BOOST_AUTO_TEST_SUITE_END()
