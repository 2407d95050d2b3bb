// Server mode, the rest of issue 14: a run's changed files
// (GET /runs/{id}/files), the event stream across runs (GET /api/v1/attach,
// resumed with Last-Event-ID), a stalled SSE reader (bounded, dropped with a
// resync event, resumable), and `fab run attach|questions|answer`. The SSE
// reader here is a plain socket speaking HTTP/1.0, so the body arrives as
// the daemon wrote it (no chunked framing) and a test can stop reading.
#include "http_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <netinet/in.h>
#include <poll.h>
#include <set>
#include <sys/socket.h>
#include <unistd.h>

using namespace fab;
using namespace fab::test;

namespace {

// One SSE request over a plain socket; the test decides when to read.
class RawClient {
  public:
    RawClient(int port, const std::string& path, const std::vector<std::string>& headers = {},
              int rcvbuf = 0) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        // Before connect: the window the client offers stays this small.
        if (rcvbuf > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<uint16_t>(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ok_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        std::string req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n";
        for (const auto& h : headers) req += h + "\r\n";
        req += "\r\n";
        ok_ = ok_ && ::write(fd_, req.data(), req.size()) == static_cast<ssize_t>(req.size());
    }
    ~RawClient() {
        if (fd_ >= 0) ::close(fd_);
    }
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    bool ok() const { return ok_; }
    bool closed() const { return eof_; }
    const std::string& text() const { return text_; }

    // Reads until `done(text)` holds, the server closes, or `ms` pass.
    bool read_until(const std::function<bool(const std::string&)>& done, int ms = 30000) {
        return wait_for(
                   [&] {
                       pollfd p{fd_, POLLIN, 0};
                       while (!eof_ && ::poll(&p, 1, 20) > 0) {
                           char buf[65536];
                           ssize_t n = ::read(fd_, buf, sizeof buf);
                           if (n <= 0) {
                               eof_ = true;
                               break;
                           }
                           text_.append(buf, static_cast<size_t>(n));
                       }
                       return done(text_) || eof_;
                   },
                   ms) &&
               done(text_);
    }
    bool read_to_end(int ms = 60000) {
        return read_until([this](const std::string&) { return eof_; }, ms);
    }

  private:
    int fd_ = -1;
    bool ok_ = false, eof_ = false;
    std::string text_;
};

// One SSE frame: its id (if any), event name (if any), and data (if any).
struct Frame {
    std::string id, event;
    Json data;
};

std::vector<Frame> frames(const std::string& stream) {
    std::vector<Frame> out;
    size_t body = stream.find("\r\n\r\n");
    std::string text = body == std::string::npos ? stream : stream.substr(body + 4);
    size_t pos = 0;
    for (;;) {
        size_t end = text.find("\n\n", pos);
        if (end == std::string::npos) break; // an incomplete last frame
        Frame f;
        bool any = false;
        for (const auto& line : split(text.substr(pos, end - pos), '\n')) {
            if (line.rfind("id: ", 0) == 0) f.id = line.substr(4), any = true;
            if (line.rfind("event: ", 0) == 0) f.event = line.substr(7), any = true;
            if (line.rfind("data: ", 0) == 0) {
                f.data = Json::parse(line.substr(6), nullptr, false);
                any = true;
            }
        }
        if (any) out.push_back(std::move(f));
        pos = end + 2;
    }
    return out;
}

// (run_id, seq) of the event frames.
std::vector<std::pair<std::string, int64_t>> keys(const std::vector<Frame>& fs) {
    std::vector<std::pair<std::string, int64_t>> out;
    for (const auto& f : fs)
        if (f.event.empty() && f.data.is_object() && f.data.contains("seq"))
            out.emplace_back(f.data.value("run_id", ""), f.data["seq"].get<int64_t>());
    return out;
}

size_t count_events(const std::string& stream) {
    return keys(frames(stream)).size();
}

// All of a run's events, however many (pages of 1000).
int64_t stored_events(Server& s, const std::string& id) {
    int64_t n = 0;
    for (;;) {
        Json page = s.events(id, n);
        if (!page.is_array() || page.empty()) return n;
        n = page.back()["seq"].get<int64_t>();
    }
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(http_attach, Server)

BOOST_AUTO_TEST_CASE(run_files_lists_changed_files_with_counts_and_the_patch) {
    start(1);
    add_project();
    // A committed file, a changed tracked file and an untracked one.
    std::string id = submit(
        "SCRIPT:bash printf 'one\\ntwo\\n' > a.txt && git add a.txt && git commit -qm 'add a' "
        "&& printf 'changed\\n' > README.md && printf 'new\\n' > untracked.txt");
    std::string queued = submit("SCRIPT:say later");
    BOOST_TEST_REQUIRE(wait_for([&] { return !run(id).value("agent_id", "").empty(); }));
    std::string agent = run(id).value("agent_id", "");
    BOOST_TEST_REQUIRE(wait_history(agent, "Ran it."));
    BOOST_TEST_REQUIRE(wait_turn(agent));

    auto r = http("GET", "/api/v1/runs/" + id + "/files");
    BOOST_TEST_REQUIRE(r.status == 200, r.text);
    const Json& b = r.body;
    BOOST_TEST(b["run_id"] == id);
    BOOST_TEST(b["worktree"] == true);
    BOOST_TEST(b["base"].get<std::string>().size() == 40u);
    std::map<std::string, Json> by_path;
    for (const auto& f : b["files"]) by_path[f["path"]] = f;
    BOOST_TEST_REQUIRE(by_path.size() == 3u, r.text);
    BOOST_TEST(by_path["a.txt"]["status"] == "added");
    BOOST_TEST(by_path["a.txt"]["additions"] == 2);
    BOOST_TEST(by_path["README.md"]["status"] == "modified");
    BOOST_TEST(by_path["README.md"]["additions"] == 1);
    BOOST_TEST(by_path["README.md"]["deletions"] == 1);
    BOOST_TEST(by_path["untracked.txt"]["status"] == "added");
    BOOST_TEST(b["total_files"] == 3);
    BOOST_TEST(b["additions"] == 4);
    BOOST_TEST(b["deletions"] == 1);
    BOOST_TEST(b["truncated"] == false);
    std::string patch = b["patch"];
    BOOST_TEST(patch.find("+++ b/a.txt") != std::string::npos, patch);
    BOOST_TEST(patch.find("-# web") != std::string::npos, patch);
    BOOST_TEST(patch.find("+new") != std::string::npos, patch);

    // Bounded: whole files only, the rest listed without their patch.
    auto cut = http("GET", "/api/v1/runs/" + id + "/files?max_patch_bytes=0");
    BOOST_TEST(cut.status == 200);
    BOOST_TEST(cut.body["patch"] == "");
    BOOST_TEST(cut.body["truncated"] == true);
    BOOST_TEST(cut.body["files"].size() == 3u);
    BOOST_TEST(http("GET", "/api/v1/runs/" + id + "/files?max_patch_bytes=x").status == 400);
    BOOST_TEST(http("GET", "/api/v1/runs/" + id + "/files?max_patch_bytes=-1").status == 400);
    BOOST_TEST(http("GET", "/api/v1/runs/nope/files").status == 404);
    // A queued run has no agent and no changes yet.
    auto none = http("GET", "/api/v1/runs/" + queued + "/files");
    BOOST_TEST(none.status == 200, none.text);
    BOOST_TEST(none.body["files"].empty());
    BOOST_TEST(none.body["base"].is_null());

    auto demo = http("GET", "/api/v1/runs/demo-running/files", "", {"X-Fab-Demo: 1"});
    BOOST_TEST(demo.status == 200);
    BOOST_TEST(demo.body["files"][0]["path"] == "README.md");
}

BOOST_AUTO_TEST_CASE(attach_across_runs_is_live_and_resumes_with_last_event_id) {
    start(2);
    add_project();
    RawClient live(port, "/api/v1/attach");
    BOOST_TEST_REQUIRE(live.ok());
    BOOST_TEST_REQUIRE(live.read_until(
        [](const std::string& t) { return t.find(": connected\n\nid: ") != std::string::npos; }));
    std::string first_id = frames(live.text()).at(0).id; // the cursor of "now"
    BOOST_TEST_REQUIRE(!first_id.empty());

    std::string a = submit("SCRIPT:say from a\nSCRIPT:bash fab agent done");
    std::string b = submit("SCRIPT:say from b\nSCRIPT:bash fab agent done");
    BOOST_TEST_REQUIRE(wait_status(a, "succeeded", 60000));
    BOOST_TEST_REQUIRE(wait_status(b, "succeeded", 60000));
    std::set<std::pair<std::string, int64_t>> all;
    for (const std::string& id : {a, b})
        for (const auto& e : events(id)) all.emplace(id, e["seq"].get<int64_t>());

    // Live: every event of both runs, once each, per run in seq order.
    BOOST_TEST_REQUIRE(
        live.read_until([&](const std::string& t) { return count_events(t) >= all.size(); }));
    auto fs = frames(live.text());
    auto got = keys(fs);
    BOOST_TEST(got.size() == all.size());
    BOOST_TEST((std::set<std::pair<std::string, int64_t>>(got.begin(), got.end()) == all));
    std::map<std::string, int64_t> last;
    for (const auto& [run, seq] : got) {
        BOOST_TEST(seq == last[run] + 1);
        last[run] = seq;
    }

    // Resume after the k-th event: exactly the rest, nothing twice.
    std::vector<const Frame*> evs;
    for (const auto& f : fs)
        if (f.event.empty() && f.data.is_object() && f.data.contains("seq")) evs.push_back(&f);
    size_t k = evs.size() / 2;
    std::string cursor = evs[k - 1]->id;
    RawClient again(port, "/api/v1/attach", {"Last-Event-ID: " + cursor});
    size_t rest = evs.size() - k;
    BOOST_TEST_REQUIRE(
        again.read_until([&](const std::string& t) { return count_events(t) >= rest; }));
    auto resumed = keys(frames(again.text()));
    BOOST_TEST_REQUIRE(resumed.size() == rest);
    std::set<std::pair<std::string, int64_t>> want;
    for (size_t i = k; i < evs.size(); ++i)
        want.emplace(evs[i]->data.value("run_id", ""), evs[i]->data["seq"].get<int64_t>());
    BOOST_TEST((std::set<std::pair<std::string, int64_t>>(resumed.begin(), resumed.end()) == want));

    // One run only, resumed from the first cursor (the query form).
    RawClient only_a(port, "/api/v1/attach?run_id=" + a + "&last_event_id=" + first_id);
    size_t of_a = events(a).size();
    BOOST_TEST_REQUIRE(
        only_a.read_until([&](const std::string& t) { return count_events(t) >= of_a; }));
    for (const auto& [run, seq] : keys(frames(only_a.text()))) BOOST_TEST(run == a);
    BOOST_TEST(count_events(only_a.text()) == of_a);

    BOOST_TEST(http("GET", "/api/v1/attach?run_id=nope").status == 404);
    BOOST_TEST(http("GET", "/api/v1/attach?last_event_id=x;y").status == 400);
}

BOOST_AUTO_TEST_CASE(a_stalled_sse_reader_is_bounded_dropped_and_resumes) {
    start(1);
    add_project();
    // Thousands of events (~350 bytes each) for a reader that takes none.
    std::string id = submit("SCRIPT:sleep 1\nSCRIPT:flood 6000 100000");
    RawClient stalled(port, "/api/v1/runs/" + id + "/attach?since_seq=0", {}, 4096);
    BOOST_TEST_REQUIRE(stalled.ok());
    // The daemon's counters: at most the cap per stream, whatever the run
    // writes; the stalled stream is dropped once it is over the cap.
    size_t cap = 0, peak = 0;
    bool dropped = wait_for(
        [&] {
            Json sse = http("GET", "/api/v1/system/info").body["sse"];
            cap = sse.value("max_buffered_bytes_per_stream", size_t{0});
            size_t streams = sse.value("streams", size_t{0});
            size_t bytes = sse.value("buffered_bytes", size_t{0});
            peak = std::max(peak, bytes);
            BOOST_TEST(bytes <= cap * std::max<size_t>(streams, 1));
            return sse.value("dropped_slow", 0) >= 1;
        },
        90000);
    BOOST_TEST_REQUIRE(dropped);
    BOOST_TEST(cap == 256u * 1024);
    std::string agent = run(id).value("agent_id", "");
    BOOST_TEST_REQUIRE(wait_turn(agent, 90000));
    int64_t total = stored_events(*this, id);
    BOOST_TEST_REQUIRE(total > 6000);

    // What it did get: events 1..N in order, then `resync` naming N, then the end.
    BOOST_TEST_REQUIRE(stalled.read_to_end());
    auto fs = frames(stalled.text());
    BOOST_TEST_REQUIRE(!fs.empty());
    BOOST_TEST(fs.back().event == "resync");
    int64_t resume = fs.back().data.value("resume_from_seq", int64_t{-1});
    auto got = keys(fs);
    BOOST_TEST_REQUIRE(!got.empty());
    BOOST_TEST(resume == static_cast<int64_t>(got.size()));
    BOOST_TEST(resume < total);
    for (size_t i = 0; i < got.size(); ++i)
        BOOST_TEST(got[i].second == static_cast<int64_t>(i + 1));

    // Resumed from there, a reader that keeps up gets the rest.
    BOOST_TEST(sb.fab({"run", "cancel", id}).code == 0);
    RawClient rest(port, "/api/v1/runs/" + id + "/attach?since_seq=" + std::to_string(resume));
    BOOST_TEST_REQUIRE(rest.read_to_end());
    auto tail = keys(frames(rest.text()));
    BOOST_TEST_REQUIRE(!tail.empty());
    BOOST_TEST(tail.front().second == resume + 1);
    BOOST_TEST(tail.back().second == stored_events(*this, id));
    BOOST_TEST(frames(rest.text()).back().event != "resync");
}

BOOST_AUTO_TEST_CASE(cli_attach_follows_a_run_and_answers_its_question) {
    start(2);
    add_project();
    std::string id = submit("SCRIPT:ask Which color?|red|blue\nSCRIPT:bash fab agent done");
    auto attached = std::async(std::launch::async, [&] {
        return sb.fab({"run", "attach", id}, 90000);
    });
    BOOST_TEST_REQUIRE(wait_status(id, "blocked"));
    auto qs = sb.fab({"run", "questions", id, "--json"});
    BOOST_TEST_REQUIRE(qs.code == 0, qs.err);
    Json q = Json::parse(qs.out)["data"][0];
    std::string qid = q["id"];
    auto words = sb.fab({"run", "questions", id});
    BOOST_TEST(words.out.find("[2] blue") != std::string::npos, words.out);
    BOOST_TEST(sb.fab({"run", "answer", id, qid}).code == 2); // no answer given
    BOOST_TEST(sb.fab({"run", "answer", id, qid, "--option", "9"}).code != 0);
    auto ok = sb.fab({"run", "answer", id, qid, "--option", "2"});
    BOOST_TEST(ok.code == 0, ok.err);
    auto again = sb.fab({"run", "answer", id, qid, "--option", "1"});
    BOOST_TEST(again.code != 0);
    auto out = attached.get();
    BOOST_TEST(out.code == 0, out.err);
    // Every event once, in order, at least up to the terminal one (what the
    // agent logs as it stops may follow it), then the end.
    Json all = events(id);
    int64_t terminal = 0;
    for (const auto& e : all)
        if (e["event"] == "run.completed") terminal = e["seq"].get<int64_t>();
    BOOST_TEST_REQUIRE(terminal > 0);
    std::vector<int64_t> seqs;
    for (const auto& line : split(out.out, '\n')) { // split trims: "<seq> <ts> <event> …"
        auto n = parse_int(line.substr(0, line.find(' ')));
        if (n && line.find(' ') != std::string::npos) seqs.push_back(*n);
    }
    BOOST_TEST_REQUIRE(static_cast<int64_t>(seqs.size()) >= terminal,
                       seqs.size() << " events printed, the terminal one is " << terminal << ":\n"
                                   << out.out);
    BOOST_TEST(seqs.size() <= all.size());
    for (size_t i = 0; i < seqs.size(); ++i) BOOST_TEST(seqs[i] == static_cast<int64_t>(i + 1));
    BOOST_TEST(out.out.find("run.blocked") != std::string::npos);
    BOOST_TEST(out.out.find("run " + id + ": succeeded") != std::string::npos, out.out);
    // Resumable: from seq 3 on, as JSON lines.
    auto tail = sb.fab({"run", "attach", id, "--since", "3", "--json"});
    BOOST_TEST(tail.code == 0);
    auto lines = split(tail.out, '\n');
    BOOST_TEST_REQUIRE(lines.size() == events(id).size() - 3); // a finished run: all of it
    for (size_t i = 0; i < lines.size(); ++i)
        BOOST_TEST(Json::parse(lines[i])["seq"] == static_cast<int64_t>(i + 4));
    BOOST_TEST(sb.fab({"run", "attach", "run-nope"}).code != 0);
}

BOOST_AUTO_TEST_CASE(a_paused_runs_agent_gets_no_heartbeat_nudge) {
    // The heartbeat says "continue" to an agent silent for 3 s in a turn.
    std::filesystem::create_directories(std::filesystem::path(sb.config_file()).parent_path());
    std::string cfg = read_text(sb.config_file());
    std::ofstream(sb.config_file()) << "[defaults]\nheartbeat-continue = 3\nheartbeat-abort = 60\n"
                                    << cfg;
    start(2);
    add_project();
    std::string held = submit("SCRIPT:sleep 8");
    std::string free_run = submit("SCRIPT:sleep 8");
    BOOST_TEST_REQUIRE(wait_status(held, "running"));
    BOOST_TEST_REQUIRE(wait_status(free_run, "running"));
    BOOST_TEST(http("POST", "/api/v1/runs/" + held + "/pause").status == 200);
    std::string a = run(held).value("agent_id", ""), b = run(free_run).value("agent_id", "");
    // The run that is not paused is prodded; once both turns are over, the
    // paused run's agent was not.
    BOOST_TEST(wait_history(b, "you: continue", 30000));
    BOOST_TEST_REQUIRE(wait_turn(a, 60000));
    BOOST_TEST_REQUIRE(wait_turn(b, 60000));
    BOOST_TEST(history(a).find("you: continue") == std::string::npos, history(a));
    BOOST_TEST(status(held) == "paused");
}

BOOST_AUTO_TEST_SUITE_END()
