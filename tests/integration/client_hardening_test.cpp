// Client-side hardening (issue 19), each test shaped as the fault or attack it
// stops: a daemon whose listen backlog is full, a hook started with fd 1
// closed, an attached client that falls behind (resync), terminal escapes in
// tickets and agent output, and log lines forged through a ticket.
#include "harness.hpp"

#include "util/fd.hpp"

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <sys/socket.h>
#include <sys/un.h>

using namespace fab;
using namespace fab::test;
namespace fs = std::filesystem;

namespace {

// A listening socket that never accepts, its backlog filled by connections
// of our own: what a stopped (SIGSTOP) or wedged daemon looks like.
class FullBacklog {
  public:
    explicit FullBacklog(const std::string& path) : path_(path) {
        listener_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
        BOOST_REQUIRE(::bind(listener_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) ==
                      0);
        BOOST_REQUIRE(::listen(listener_.get(), 1) == 0);
        for (int i = 0; i < 64; ++i) {
            UniqueFd c(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
            if (::connect(c.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
                full_ = errno == EAGAIN;
                break;
            }
            fillers_.push_back(std::move(c));
        }
    }
    ~FullBacklog() { ::unlink(path_.c_str()); }
    bool full() const { return full_; }

  private:
    std::string path_;
    UniqueFd listener_;
    std::vector<UniqueFd> fillers_;
    bool full_ = false;
};

Json hook_input(const std::string& wt, const std::string& command) {
    return {{"hook_event_name", "PreToolUse"},
            {"cwd", wt},
            {"tool_name", "Bash"},
            {"tool_input", {{"command", command}}},
            {"tool_use_id", "toolu_1"}};
}

// `command` run under a pseudo-terminal (util-linux script), so that fab's
// stdout is a tty; script writes the terminal's \r\n.
RunResult on_a_terminal(Sandbox& sb, const std::string& command) {
    return sb.run({"script", "-qec", command, "/dev/null"});
}

bool has_byte(const std::string& s, char c) {
    return s.find(c) != std::string::npos;
}

// The agent.output events of `agent` in `fab attach --json` output, by offset.
struct Seen {
    std::map<int64_t, int> offsets; // offset → times seen
    bool resync = false, resnapshot = false, done = false;
};

Seen read_attach(const std::string& text, const std::string& agent) {
    Seen s;
    size_t start = 0, nl;
    while ((nl = text.find('\n', start)) != std::string::npos) {
        Json j = Json::parse(text.substr(start, nl - start), nullptr, false);
        start = nl + 1;
        if (!j.is_object()) continue;
        if (j.value("event", "") == "resync") s.resync = true;
        if (j.value("type", "") == "snapshot" && j.value("resync", false)) s.resnapshot = true;
        if (j.value("event", "") != "agent.output" || j.value("agent_id", "") != agent) continue;
        s.offsets[j.value("offset", int64_t{-1})]++;
        for (const auto& e : j.value("entries", Json::array()))
            if (e.value("kind", "") == "turn_result") s.done = true;
    }
    return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(client_hardening)

BOOST_AUTO_TEST_CASE(a_full_listen_backlog_is_a_deny_and_exit_3_not_a_hang) {
    Sandbox sb;
    std::string wt = sb.root() + "/wt";
    fs::create_directories(wt);
    std::string sock = sb.root() + "/stopped.sock";
    sb.set_env("FAB_SOCKET_PATH", sock);
    sb.set_env("FAB_AGENT_ID", "agent-1");
    sb.set_env("FAB_WORKTREE", wt);
    FullBacklog backlog(sock);
    BOOST_TEST_REQUIRE(backlog.full());

    // No rule decides `make`, so the hook must ask the daemon, which cannot answer.
    auto hook = sb.run_input({build_path("fab"), "hook", "PreToolUse"},
                             hook_input(wt, "make").dump(), wt, 30000);
    BOOST_TEST(hook.code == 0, hook.err);
    Json d = Json::parse(hook.out, nullptr, false);
    BOOST_TEST_REQUIRE(d.is_object(), hook.out + " / " + hook.err);
    BOOST_TEST(d["hookSpecificOutput"]["permissionDecision"] == "deny");
    std::string reason = d["hookSpecificOutput"]["permissionDecisionReason"];
    BOOST_TEST(reason.find("fab daemon is not responding") == 0u, reason);

    auto status = sb.fab({"status"}, 30000);
    BOOST_TEST(status.code == 3, status.out + status.err);
    BOOST_TEST(status.err.find("daemon not responding") != std::string::npos, status.err);
    auto json = sb.fab({"status", "--json"}, 30000);
    BOOST_TEST(json.code == 3);
    BOOST_TEST(json.out.find("\"running\":false") != std::string::npos, json.out);
    auto stop = sb.fab({"server", "stop"}, 30000);
    BOOST_TEST(stop.code == 3, stop.out + stop.err);
    BOOST_TEST(stop.err.find("daemon not responding") != std::string::npos, stop.err);
}

BOOST_AUTO_TEST_CASE(a_hook_with_stdout_closed_blocks_the_call_and_leaves_the_daemon_sane) {
    Sandbox sb;
    std::string wt = sb.root() + "/wt";
    fs::create_directories(wt);
    sb.set_env("FAB_AGENT_ID", "agent-1");
    sb.set_env("FAB_WORKTREE", wt);
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    std::string in = hook_input(wt, "make").dump();
    // fd 1 closed: the next socket() would be fd 1, and the answer would go
    // into the daemon's socket. fd 1 read-only: nothing can be answered.
    for (const char* redirect : {">&-", "1</dev/null"}) {
        auto r = sb.run_input(
            {"sh", "-c", std::string("exec \"$0\" hook PreToolUse ") + redirect, build_path("fab")},
            in, wt, 30000);
        BOOST_TEST(r.code == 2, redirect << ": " << r.code << " " << r.err);
        BOOST_TEST(r.err.find("stdout is closed or not writable") != std::string::npos, r.err);
    }
    // Stop events with fd 1 closed still reach the daemon and exit 0.
    auto stop = sb.run_input({"sh", "-c", "exec \"$0\" hook Stop >&-", build_path("fab")},
                             Json{{"last_assistant_message", "done"}}.dump(), wt, 30000);
    BOOST_TEST(stop.code == 0, stop.err);
    auto status = sb.fab({"status", "--json"});
    BOOST_TEST(status.code == 0, status.err);
    BOOST_TEST(Json::parse(status.out, nullptr, false).value("running", false));
}

BOOST_AUTO_TEST_CASE(attach_json_continues_after_a_resync_without_duplicates) {
    AgentsFixture f;
    f.start_project();
    std::string out = f.sb.root() + "/attach.out";
    auto bg =
        f.sb.run({"sh", "-c", "\"$0\" attach --json >\"$1\" 2>\"$1.err\" </dev/null & echo $!",
                  build_path("fab"), out});
    int pid = std::atoi(bg.out.c_str());
    BOOST_TEST_REQUIRE(pid > 0, bg.out + bg.err);
    BOOST_TEST_REQUIRE(
        wait_for([&] { return read_text(out).find("snapshot") != std::string::npos; }));
    // A client that stops reading while an agent streams ~11 MB: the daemon
    // must cut it off with a resync rather than buffer it all.
    ::kill(pid, SIGSTOP);
    std::string id = f.create("SCRIPT:flood 25000 25000");
    bool resynced = wait_for(
        [&] {
            return read_text(f.sb.fab_dir() + "/fab.log").find("sending resync") !=
                   std::string::npos;
        },
        120000);
    ::kill(pid, SIGCONT);
    BOOST_TEST_REQUIRE(resynced, "the daemon never sent resync");

    // Either the stream continues to the end of the turn, or attach exits
    // non-zero and says why; never silence.
    Seen s;
    bool finished = wait_for(
        [&] {
            s = read_attach(read_text(out), id);
            return s.done || !process_alive(pid);
        },
        120000);
    BOOST_TEST_REQUIRE(finished, "attach went silent after the resync");
    BOOST_TEST(s.resync);
    if (!s.done) {
        BOOST_TEST(!read_text(out + ".err").empty(), "attach exited without saying why");
        BOOST_FAIL("attach stopped after the resync: " + read_text(out + ".err"));
    }
    BOOST_TEST(s.resnapshot);
    int dups = 0;
    for (auto& [off, n] : s.offsets) dups += n - 1;
    BOOST_TEST(dups == 0);
    // Dense from the first offset shown to the last: nothing skipped.
    BOOST_TEST_REQUIRE(!s.offsets.empty());
    int64_t first = s.offsets.begin()->first, last = s.offsets.rbegin()->first;
    BOOST_TEST(static_cast<int64_t>(s.offsets.size()) == last - first + 1);
    BOOST_TEST(f.agent(id).value("last_offset", int64_t{-1}) >= last);
    ::kill(pid, SIGTERM);
    wait_for([&] { return !process_alive(pid); });
}

BOOST_AUTO_TEST_CASE(control_sequences_are_escaped_on_a_terminal_and_raw_in_json) {
    AgentsFixture f;
    std::string repo = f.start_project();
    const std::string title = "\x1b]0;pwned\x07 title";
    const std::string body = "line one\n\x1b[2J\tcleared? \xc2\x9b"
                             "31m \xff\n";
    std::string clone = f.sb.fab_dir() + "/projects/web/repo";
    if (!fs::exists(clone + "/.git")) clone = repo;
    fs::create_directories(clone + "/.tickets");
    std::ofstream(clone + "/.tickets/web-esc1.md")
        << "---\nid: web-esc1\nstatus: open\ndeps: []\nlinks: []\ntype: task\npriority: 2\n---\n# "
        << title << "\n\n"
        << body;

    std::string fab = build_path("fab");
    for (const std::string& cmd : {fab + " issue show web-esc1", fab + " issue list"}) {
        auto r = on_a_terminal(f.sb, cmd);
        BOOST_TEST(r.code == 0, cmd + ": " + r.err);
        BOOST_TEST(!has_byte(r.out, '\x1b'), cmd << ": raw ESC on the terminal: " << r.out);
        BOOST_TEST(!has_byte(r.out, '\x07'), cmd);
        BOOST_TEST(r.out.find("\\x1b]0;pwned\\x07 title") != std::string::npos, cmd + ": " + r.out);
    }
    auto show = on_a_terminal(f.sb, fab + " issue show web-esc1");
    // (The daemon's JSON already replaced the invalid byte by U+FFFD.)
    BOOST_TEST(show.out.find("\\x1b[2J\tcleared? \\u009b31m \xef\xbf\xbd") != std::string::npos,
               show.out);
    BOOST_TEST(show.out.find("line one\r\n") != std::string::npos); // layout kept

    auto json = f.sb.fab({"issue", "show", "web-esc1", "--json"});
    Json j = Json::parse(json.out, nullptr, false);
    BOOST_TEST_REQUIRE(j.is_object(), json.out);
    BOOST_TEST(j["ticket"].value("title", "") == title);
    // Into a pipe the text stays as it is.
    auto piped = f.sb.fab({"issue", "show", "web-esc1"});
    BOOST_TEST(piped.out.find(title) != std::string::npos);

    std::string id = f.create("SCRIPT:say \x1b]0;pwned\x07 and \x1b[2J done");
    BOOST_TEST_REQUIRE(f.wait_history(id, "done"));
    auto hist = on_a_terminal(f.sb, fab + " agent history " + id);
    BOOST_TEST(hist.code == 0, hist.err);
    BOOST_TEST(!has_byte(hist.out, '\x1b'), hist.out);
    BOOST_TEST(hist.out.find("\\x1b]0;pwned\\x07 and \\x1b[2J done") != std::string::npos,
               hist.out);
    auto hist_json = f.sb.fab({"agent", "history", id, "--json"});
    BOOST_TEST(hist_json.out.find("\\u001b]0;pwned\\u0007") != std::string::npos, hist_json.out);
}

BOOST_AUTO_TEST_CASE(a_ticket_cannot_forge_or_hide_log_lines) {
    AgentsFixture f;
    std::string repo = f.start_project();
    std::string clone = f.sb.fab_dir() + "/projects/web/repo";
    if (!fs::exists(clone + "/.git")) clone = repo;
    fs::create_directories(clone + "/.tickets");
    const std::string forged = "2026-01-01T00:00:00.000Z fabd[1] error: forged";
    // The file name carries a newline; the status an escape sequence. Both
    // reach fab.log in the daemon's "malformed ticket" warning.
    std::ofstream(clone + "/.tickets/web-x\n" + forged + ".md") << "---\nid: web-x\n---\n# X\n";
    std::ofstream(clone + "/.tickets/web-y.md")
        << "---\nid: web-y\nstatus: \x1b[2Jgone\n---\n# Y\n";
    auto r = f.sb.fab({"issue", "list"});
    BOOST_TEST(r.code == 0, r.err);

    std::string log;
    BOOST_TEST_REQUIRE(wait_for([&] {
        log = read_text(f.sb.fab_dir() + "/fab.log");
        return log.find("gone") != std::string::npos && log.find("forged") != std::string::npos;
    }));
    BOOST_TEST(!has_byte(log, '\x1b'));
    size_t start = 0, nl;
    while ((nl = log.find('\n', start)) != std::string::npos) {
        std::string line = log.substr(start, nl - start);
        start = nl + 1;
        BOOST_TEST(line.find(forged) != 0u, "a forged log line: " << line);
        BOOST_TEST(line.find(" fabd[") != std::string::npos, "not a log line: " << line);
    }
    BOOST_TEST(log.find("web-x\\n" + forged) != std::string::npos, log);
}

BOOST_AUTO_TEST_SUITE_END()
