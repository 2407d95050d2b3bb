// Transcript faults through the real daemon, hosts and scripted agents: a
// record torn in the middle of the file (every other record kept, offsets
// dense, the resumed agent runs on), and a full disk (a small tmpfs) while
// agents stream (records still live, no torn line, the gap marked).
#include "harness.hpp"

#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fd.hpp"
#include "util/strings.hpp"

using namespace fab;
using namespace fab::test;
namespace fs = std::filesystem;

namespace {

struct Records : AgentsFixture {
    std::string repo = start_project();

    std::string transcript(const std::string& id) const {
        return sb.fab_dir() + "/agents/" + id + "/transcript.jsonl";
    }
};

std::vector<std::string> file_lines(const std::string& path) {
    std::vector<std::string> out;
    for (auto& l : split(read_text(path), '\n'))
        if (!l.empty()) out.push_back(l);
    return out;
}

// `fab agent history --json`: one object per record.
std::vector<Json> history_json(Sandbox& sb, const std::string& id) {
    std::vector<Json> out;
    for (const auto& line : split(sb.fab({"agent", "history", id, "--json"}).out, '\n')) {
        Json j = Json::parse(line, nullptr, false);
        if (j.is_object()) out.push_back(j);
    }
    return out;
}

bool dense_from_zero(const std::vector<int64_t>& offsets) {
    for (size_t i = 0; i < offsets.size(); ++i)
        if (offsets[i] != static_cast<int64_t>(i)) return false;
    return !offsets.empty();
}

// The offsets a client attaching with since {id: 0} is sent (the catch-up
// from the transcript), up to `last`.
std::vector<int64_t> catch_up_offsets(Sandbox& sb, const std::string& id, int64_t last) {
    std::vector<int64_t> out;
    auto c = Connection::open(sb.socket());
    BOOST_TEST_REQUIRE(c.ok());
    BOOST_TEST_REQUIRE(c->handshake().ok());
    BOOST_TEST_REQUIRE(c->request("attach", {{"agent", id}, {"since", {{id, 0}}}}).ok());
    while (out.empty() || out.back() < last) {
        auto line = c->read_line(60000);
        BOOST_TEST_REQUIRE(line.ok());
        Json ev = Json::parse(*line);
        if (ev.value("event", "") == "agent.output") out.push_back(ev["offset"].get<int64_t>());
    }
    return out;
}

// Tears the line holding `needle` in half, the next line right behind the
// torn half (a write that went on after a torn one); the record's offset.
int64_t tear_record(const std::string& path, const std::string& needle) {
    auto lines = file_lines(path);
    std::string out;
    int64_t torn = -1;
    for (auto& l : lines) {
        if (torn < 0 && l.find(needle) != std::string::npos) {
            torn = Json::parse(l)["o"].get<int64_t>();
            out += l.substr(0, l.size() / 2);
            continue;
        }
        out += l + "\n";
    }
    // In place (the host, if alive, keeps appending to the same file).
    std::ofstream(path, std::ios::binary | std::ios::trunc) << out;
    return torn;
}

// What each record of the file was: offset → data.
std::map<int64_t, std::string> records_of(const std::string& path) {
    std::map<int64_t, std::string> out;
    for (auto& l : file_lines(path)) {
        Json j = Json::parse(l, nullptr, false);
        if (j.is_object()) out[j["o"].get<int64_t>()] = j.value("data", "");
    }
    return out;
}

// After a tear of record `torn` out of `before`: every other record is in
// the history with its offset and data, the torn one's offset reports the
// damage, offsets are dense, and the catch-up sends each offset once.
void check_kept(Sandbox& sb, const std::string& id, const std::map<int64_t, std::string>& before,
                int64_t torn) {
    auto hist = history_json(sb, id);
    std::vector<int64_t> offsets;
    std::map<int64_t, std::string> seen;
    for (auto& h : hist) {
        offsets.push_back(h["offset"].get<int64_t>());
        seen[offsets.back()] = h.value("data", "");
    }
    BOOST_TEST(dense_from_zero(offsets));
    for (auto& [o, data] : before) {
        if (o == torn) continue;
        BOOST_TEST((seen.count(o) && seen[o] == data), "record " << o << " lost");
    }
    BOOST_TEST_REQUIRE(seen.count(torn));
    BOOST_TEST(seen[torn].find("transcript_damaged") != std::string::npos);
    BOOST_TEST(sb.fab({"agent", "history", id}).out.find("transcript damaged") !=
               std::string::npos);
    BOOST_TEST(read_text(sb.fab_dir() + "/fab.log").find("transcript damaged") !=
               std::string::npos);
    auto caught = catch_up_offsets(sb, id, offsets.back());
    BOOST_TEST(dense_from_zero(caught));
    BOOST_TEST(caught.size() == offsets.size());
}

void kill_daemon(Sandbox& sb) {
    int pid = sb.daemon_pid();
    BOOST_TEST_REQUIRE(pid > 0);
    ::kill(pid, SIGKILL);
    BOOST_TEST_REQUIRE(wait_for([&] { return sb.daemon_pid() == 0; }));
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(records, Records)

// The agent's host (and the agent) died with the daemon: on restart it is
// failed, and `agent send` resumes it in a new host that opens the torn file.
// Before: that host cut the file at the tear, reused offsets the daemon had
// seen, and the agent stayed `starting` for ever with its later records gone.
BOOST_AUTO_TEST_CASE(transcript_torn_mid_file_then_resumed_keeps_every_record) {
    std::string id = create("SCRIPT:say one\nSCRIPT:say two\nSCRIPT:say three");
    BOOST_TEST_REQUIRE(wait_history(id, "turn done"));
    BOOST_TEST_REQUIRE(sb.fab({"agent", "send", id, "second turn"}).code == 0);
    BOOST_TEST_REQUIRE(wait_history(id, "assistant: Echo: second turn"));
    BOOST_TEST_REQUIRE(wait_for([&] { return state(id) == "idle"; }));
    kill_daemon(sb);
    sb.kill_sandbox_processes();
    BOOST_TEST_REQUIRE(wait_for([&] { return sb.sandbox_processes().empty(); }));

    auto before = records_of(transcript(id));
    int64_t torn = tear_record(transcript(id), "two");
    BOOST_TEST_REQUIRE(torn > 0);
    BOOST_TEST_REQUIRE(before.rbegin()->first > torn + 3); // records after the tear

    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    BOOST_TEST_REQUIRE(wait_for([&] { return state(id) == "failed"; }));
    auto r = sb.fab({"agent", "send", id, "after the tear"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    BOOST_TEST(wait_history(id, "assistant: Echo: after the tear"));
    BOOST_TEST(wait_for([&] { return state(id) == "idle"; }, 20000), "state " << state(id));
    check_kept(sb, id, before, torn);
    BOOST_TEST(history(id).find("assistant: three") != std::string::npos);
    BOOST_TEST(history(id).find("assistant: Echo: second turn") != std::string::npos);
}

// The host lives on; only the daemon restarts and re-attaches.
BOOST_AUTO_TEST_CASE(transcript_torn_mid_file_under_a_live_host) {
    std::string id = create("SCRIPT:say one\nSCRIPT:say two\nSCRIPT:say three");
    BOOST_TEST_REQUIRE(wait_history(id, "turn done"));
    BOOST_TEST_REQUIRE(wait_for([&] { return state(id) == "idle"; }));
    kill_daemon(sb);
    auto before = records_of(transcript(id));
    int64_t torn = tear_record(transcript(id), "two");
    BOOST_TEST_REQUIRE(torn > 0);
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    BOOST_TEST_REQUIRE(sb.fab({"agent", "send", id, "after the tear"}).code == 0);
    BOOST_TEST(wait_history(id, "assistant: Echo: after the tear"));
    BOOST_TEST(wait_for([&] { return state(id) == "idle"; }, 20000), "state " << state(id));
    check_kept(sb, id, before, torn);
}

// Killed mid-write: half a record at the end of the file. It was never a
// record (readers skip it) and the next host cuts it off: nothing reported,
// offsets dense.
BOOST_AUTO_TEST_CASE(torn_last_line_after_a_kill_is_cut_off) {
    std::string id = create("SCRIPT:say one");
    BOOST_TEST_REQUIRE(wait_history(id, "turn done"));
    BOOST_TEST_REQUIRE(wait_for([&] { return state(id) == "idle"; }));
    kill_daemon(sb);
    sb.kill_sandbox_processes();
    BOOST_TEST_REQUIRE(wait_for([&] { return sb.sandbox_processes().empty(); }));
    auto lines = file_lines(transcript(id));
    std::ofstream(transcript(id), std::ios::binary | std::ios::app)
        << lines.back().substr(0, lines.back().size() / 2);

    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    BOOST_TEST_REQUIRE(wait_for([&] { return state(id) == "failed"; }, 40000),
                       "state " << state(id));
    BOOST_TEST_REQUIRE(sb.fab({"agent", "send", id, "after the kill"}).code == 0);
    BOOST_TEST(wait_history(id, "assistant: Echo: after the kill"));
    BOOST_TEST(wait_for([&] { return state(id) == "idle"; }, 20000), "state " << state(id));
    std::vector<int64_t> offsets;
    for (auto& h : history_json(sb, id)) offsets.push_back(h["offset"].get<int64_t>());
    BOOST_TEST(dense_from_zero(offsets));
    BOOST_TEST(offsets.size() > lines.size());
    for (auto& l : file_lines(transcript(id)))
        BOOST_TEST(Json::parse(l, nullptr, false).is_object(), l.substr(0, 80));
    BOOST_TEST(history(id).find("transcript damaged") == std::string::npos);
}

// A message sent during a turn waits for its end; the host sends it when it
// records the turn's result. That result must still reach the daemon live
// before the records of the next turn (offsets in order: the daemon drops
// an offset below one it has seen), or its usage is never counted.
BOOST_AUTO_TEST_CASE(queued_message_does_not_overtake_the_turn_result) {
    std::string id = create("SCRIPT:say before\nSCRIPT:sleep 1\nSCRIPT:say after");
    BOOST_TEST_REQUIRE(wait_history(id, "assistant: before"));
    auto r = sb.fab({"agent", "send", id, "queued one"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    BOOST_TEST_REQUIRE(wait_history(id, "assistant: Echo: queued one"));
    BOOST_TEST_REQUIRE(wait_for([&] { return state(id) == "idle"; }));
    int64_t turn_input = 0, turns = 0;
    for (auto& h : history_json(sb, id))
        for (auto& e : h["entries"])
            if (e["kind"] == "turn_result") {
                ++turns;
                turn_input += e["usage"].value("input_tokens", int64_t{0});
            }
    BOOST_TEST(turns == 2);
    BOOST_TEST(wait_for([&] { return agent(id)["usage"]["input_tokens"] == turn_input; }),
               "daemon counted " << agent(id)["usage"]["input_tokens"] << ", transcript "
                                 << turn_input);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

// FAB_DIR on a small tmpfs of its own (root only; the test says so and
// passes when mounting is not permitted). Unmounted whatever happens, after
// everything that runs there has been stopped.
struct TmpfsFabDir {
    Sandbox& sb;
    bool mounted = false;
    explicit TmpfsFabDir(Sandbox& s) : sb(s) {
        fs::create_directories(sb.fab_dir());
        ::chmod(sb.fab_dir().c_str(), 0700);
        if (::mount("tmpfs", sb.fab_dir().c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
                    "size=16m,mode=0700") != 0) {
            std::string why = "full-disk test skipped: cannot mount a tmpfs (" +
                              errno_string(errno) + "); it needs root (CAP_SYS_ADMIN)";
            std::fprintf(stderr, "%s\n", why.c_str());
            BOOST_TEST_MESSAGE(why);
            return;
        }
        mounted = true;
    }
    ~TmpfsFabDir() {
        if (!mounted) return;
        if (int pid = sb.daemon_pid()) {
            sb.fab({"server", "stop"}, 20000);
            ::kill(pid, SIGKILL);
        }
        sb.kill_sandbox_processes();
        wait_for([&] { return sb.sandbox_processes().empty() && sb.daemon_pid() == 0; });
        if (::umount(sb.fab_dir().c_str()) != 0) ::umount2(sb.fab_dir().c_str(), MNT_DETACH);
    }
};

struct FullDisk : AgentsFixture {
    TmpfsFabDir tmpfs{sb};
    bool mounted = tmpfs.mounted;
    std::string repo = mounted ? start_project() : "";

    std::string transcript(const std::string& id) const {
        return sb.fab_dir() + "/agents/" + id + "/transcript.jsonl";
    }

    // Takes every free byte of the tmpfs; the filler's path.
    std::string fill() {
        std::string path = sb.fab_dir() + "/filler";
        UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
        BOOST_TEST_REQUIRE(fd.valid());
        std::string chunk(1 << 20, 'f');
        for (size_t size = chunk.size(); size >= 512; size /= 2)
            while (::write(fd.get(), chunk.data(), size) == static_cast<ssize_t>(size)) {}
        BOOST_TEST(errno == ENOSPC);
        return path;
    }
};

int64_t last_offset_in(const std::string& path) {
    auto lines = file_lines(path);
    for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
        Json j = Json::parse(*it, nullptr, false);
        if (j.is_object()) return j["o"].get<int64_t>();
    }
    return -1;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(records_full_disk, FullDisk)

BOOST_AUTO_TEST_CASE(full_disk_while_agents_stream_keeps_them_live_and_marks_the_gap) {
    if (!mounted) return;
    std::vector<std::string> ids;
    std::map<std::string, int64_t> live; // highest offset received live, per agent
    std::string filler;
    {
        auto c = Connection::open(sb.socket());
        BOOST_TEST_REQUIRE(c.ok());
        BOOST_TEST_REQUIRE(c->handshake().ok());
        BOOST_TEST_REQUIRE(c->request("attach", Json::object()).ok());
        ids = {create("SCRIPT:flood 2500 250"), create("SCRIPT:flood 2500 250")};
        std::map<std::string, int> floods;
        auto pump = [&](const std::function<bool()>& done) {
            while (!done()) {
                auto line = c->read_line(60000);
                BOOST_TEST_REQUIRE(line.ok());
                Json ev = Json::parse(*line, nullptr, false);
                BOOST_TEST_REQUIRE(ev.value("event", "") != "resync");
                if (ev.value("event", "") != "agent.output") continue;
                std::string id = ev.value("agent_id", "");
                live[id] = std::max(live[id], ev["offset"].get<int64_t>());
                for (auto& e : ev["entries"])
                    if (e.value("text", "").rfind("flood ", 0) == 0) ++floods[id];
            }
        };
        pump([&] { return floods[ids[0]] >= 20 && floods[ids[1]] >= 20; });

        filler = fill();
        // Streaming goes on live while the files cannot grow (a record or
        // two may still fit the last page of each file).
        // (The files are read again only when the live records look far
        // enough ahead: the client must keep up with the stream.)
        std::map<std::string, int64_t> in_file;
        auto ahead = [&] {
            for (auto& id : ids)
                if (live[id] < in_file[id] + 50) return false;
            return true;
        };
        pump([&] {
            if (!ahead()) return false;
            for (auto& id : ids) in_file[id] = last_offset_in(transcript(id));
            return ahead();
        });
        for (auto& id : ids)
            for (auto& l : file_lines(transcript(id))) // no torn record, even now
                BOOST_TEST(Json::parse(l, nullptr, false).is_object(), l.substr(0, 80));
        BOOST_TEST(sb.daemon_pid() > 0); // its own writes (state.db, log) fail too
    }
    fs::remove(filler);

    for (auto& id : ids) {
        BOOST_TEST_REQUIRE(wait_for(
            [&] { return read_text(transcript(id)).find("transcript_gap") != std::string::npos; },
            20000));
        BOOST_TEST_REQUIRE(wait_for([&] { return state(id) == "idle"; }, 60000));
        auto r = sb.fab({"agent", "send", id, "after the gap"});
        BOOST_TEST_REQUIRE(r.code == 0, r.err);
        BOOST_TEST(wait_history(id, "assistant: Echo: after the gap"));
        // Every line a record; offsets rise; the marker names exactly the
        // offsets the file skips; records go on after it.
        int64_t prev = -1, gaps = 0, after_gap = 0;
        for (auto& l : file_lines(transcript(id))) {
            Json j = Json::parse(l, nullptr, false);
            BOOST_TEST_REQUIRE(j.is_object(), l.substr(0, 80));
            int64_t o = j["o"].get<int64_t>();
            BOOST_TEST_REQUIRE(o > prev);
            Json note = Json::parse(j.value("data", ""), nullptr, false);
            if (j["src"] == "host" && note.is_object() &&
                note.value("event", "") == "transcript_gap") {
                ++gaps;
                BOOST_TEST(note["type"] == "fab_host");
                BOOST_TEST(note["lost_records"].get<int64_t>() > 0);
                BOOST_TEST(note["first_offset"].get<int64_t>() == prev + 1);
                BOOST_TEST(note["last_offset"].get<int64_t>() == o - 1);
                BOOST_TEST(note["lost_records"].get<int64_t>() == o - 1 - prev);
                BOOST_TEST(note.value("error", "").find("No space") != std::string::npos);
            } else {
                BOOST_TEST_REQUIRE(o == prev + 1); // dense outside a marked gap
                if (gaps) ++after_gap;
            }
            prev = o;
        }
        BOOST_TEST(gaps >= 1);
        BOOST_TEST(after_gap > 0);
        BOOST_TEST(live[id] < prev); // offsets never repeat across the gap
    }
    BOOST_TEST(sb.fab({"status"}).code == 0);
    // The daemon's own writes failed too (state.db): it went on, and its
    // state is persisted again once space is back.
    if (fs::exists("/usr/bin/sqlite3")) {
        for (auto& id : ids) {
            auto persisted = [&] {
                auto r = sb.run({"/usr/bin/sqlite3", sb.fab_dir() + "/state.db",
                                 "SELECT last_offset FROM agents WHERE id = '" + id + "'"});
                return std::string(trim(r.out));
            };
            BOOST_TEST(wait_for([&] {
                           return persisted() ==
                                  std::to_string(agent(id)["last_offset"].get<int64_t>());
                       }),
                       "persisted " << persisted() << ", live "
                                    << agent(id)["last_offset"].get<int64_t>());
        }
    } else {
        BOOST_TEST_MESSAGE("state.db check skipped: no /usr/bin/sqlite3");
    }
    BOOST_TEST(history(ids[0]).find("transcript gap") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
