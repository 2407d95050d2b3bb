// Agents do not pile up: `fab agent rm` (agent.delete) for ended agents,
// retention (agent-retention days), `fab gc [--dry-run]` and the disk figures
// of `fab status`. Work is never lost: live agents, uncommitted changes and
// unmerged commits are refused, or saved in the attic with --force.
#include "harness.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <poll.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

#include "util/strings.hpp"
#include "util/time.hpp"

using namespace fab;
using namespace fab::test;
namespace fs = std::filesystem;

namespace {

struct Cleanup : AgentsFixture {
    Cleanup() { start_project(); }

    std::string transcript_dir(const std::string& id) const {
        return sb.fab_dir() + "/agents/" + id;
    }
    std::string repo() const { return sb.fab_dir() + "/projects/web/repo"; }
    bool has_branch(const std::string& b) {
        return sb.run({"git", "-C", repo(), "rev-parse", "--verify", "--quiet", "refs/heads/" + b})
                   .code == 0;
    }
    bool listed(const std::string& id) { return agent(id).contains("id"); }
    void commit_in(const std::string& wt, const std::string& file, const std::string& subject) {
        std::ofstream(wt + "/" + file) << "committed\n";
        sb.run({"git", "-C", wt, "add", file});
        BOOST_TEST_REQUIRE(sb.run({"git", "-C", wt, "commit", "-qm", subject}).code == 0);
    }
    // An agent that said hello and was aborted; its id.
    std::string ended_agent() {
        std::string id = create("SCRIPT:say hello");
        BOOST_TEST_REQUIRE(wait_history(id, "turn done"));
        BOOST_TEST_REQUIRE(sb.fab({"agent", "abort", id}).code == 0);
        BOOST_TEST_REQUIRE(wait_for([&] { return state(id) == "aborted"; }, 20000));
        return id;
    }
    // Every agent's updated_ms moved `days` into the past, with the daemon stopped.
    void age_agents(int days) {
        BOOST_TEST_REQUIRE(sb.fab({"server", "stop"}).code == 0);
        sqlite3* db = nullptr;
        BOOST_TEST_REQUIRE(sqlite3_open((sb.fab_dir() + "/state.db").c_str(), &db) == SQLITE_OK);
        std::string sql = "UPDATE agents SET updated_ms = updated_ms - " +
                          std::to_string(int64_t{days} * 86400 * 1000) + ";";
        BOOST_TEST(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(db);
    }
};

// An agent host of another fab: answers host.ping with another protocol,
// and every other request with an error (it speaks nothing else we know).
class ForeignHost {
  public:
    explicit ForeignHost(const std::string& path) {
        fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
        ::unlink(path.c_str());
        ok_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && ::listen(fd_, 4) == 0;
        thread_ = std::thread([this] { serve(); });
    }
    ~ForeignHost() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    bool ok() const { return ok_; }
    int pings() const { return pings_; }

  private:
    void serve() {
        std::vector<int> conns;
        std::map<int, std::string> buf;
        while (!stop_) {
            std::vector<pollfd> fds = {{fd_, POLLIN, 0}};
            for (int c : conns) fds.push_back({c, POLLIN, 0});
            if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
            if (fds[0].revents & POLLIN) {
                int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
                if (c >= 0) conns.push_back(c);
            }
            for (size_t i = 1; i < fds.size(); ++i) {
                if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
                int c = fds[i].fd;
                char tmp[4096];
                ssize_t n = ::read(c, tmp, sizeof tmp);
                if (n <= 0) {
                    ::close(c);
                    std::erase(conns, c);
                    continue;
                }
                buf[c].append(tmp, static_cast<size_t>(n));
                for (size_t nl; (nl = buf[c].find('\n')) != std::string::npos;) {
                    Json q = Json::parse(buf[c].substr(0, nl), nullptr, false);
                    buf[c].erase(0, nl + 1);
                    if (!q.is_object()) continue;
                    Json r = {{"type", q.value("type", "")}, {"id", q.value("id", "")}};
                    if (q.value("type", "") == "host.ping") {
                        ++pings_;
                        r["success"] = true;
                        r["payload"] = {{"agent_id", "x"}, {"pid", 4242}, {"protocol", 99}};
                    } else {
                        r["success"] = false;
                        r["error"] = "unknown request";
                    }
                    std::string line = r.dump() + "\n";
                    (void)!::send(c, line.data(), line.size(), MSG_NOSIGNAL);
                }
            }
        }
        for (int c : conns) ::close(c);
    }

    int fd_ = -1;
    bool ok_ = false;
    std::atomic<bool> stop_{false};
    std::atomic<int> pings_{0};
    std::thread thread_;
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(agent_cleanup, Cleanup)

BOOST_AUTO_TEST_CASE(rm_refuses_a_live_agent_and_removes_an_ended_one) {
    std::string id = create("SCRIPT:say hello");
    BOOST_TEST_REQUIRE(wait_history(id, "turn done"));
    auto live = sb.fab({"agent", "rm", id});
    BOOST_TEST(live.code != 0);
    BOOST_TEST(live.err.find("stop it first") != std::string::npos, live.err);
    BOOST_TEST(listed(id));
    BOOST_TEST(fs::exists(transcript_dir(id)));

    BOOST_TEST_REQUIRE(sb.fab({"agent", "abort", id}).code == 0);
    BOOST_TEST_REQUIRE(wait_for([&] { return state(id) == "aborted"; }, 20000));
    auto r = sb.fab({"agent", "rm", id});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    BOOST_TEST(r.out.find("removed agent " + id) != std::string::npos, r.out);
    BOOST_TEST(!listed(id));
    BOOST_TEST(!fs::exists(transcript_dir(id)));
    BOOST_TEST(!fs::exists(worktree(id)));
    BOOST_TEST(!has_branch("fab/" + id));
    auto again = sb.fab({"agent", "rm", id});
    BOOST_TEST(again.code != 0);
    BOOST_TEST(again.err.find("no agent") != std::string::npos, again.err);
}

BOOST_AUTO_TEST_CASE(rm_refuses_unmerged_work_and_force_saves_it_in_the_attic) {
    std::string id = create("SCRIPT:say hello");
    BOOST_TEST_REQUIRE(wait_history(id, "turn done"));
    std::string wt = worktree(id);
    commit_in(wt, "feature.txt", "unmerged feature");
    std::ofstream(wt + "/wip.txt") << "uncommitted\n";
    BOOST_TEST_REQUIRE(sb.fab({"agent", "abort", id}).code == 0);
    BOOST_TEST_REQUIRE(wait_for([&] { return state(id) == "aborted"; }, 20000));

    auto refused = sb.fab({"agent", "rm", id});
    BOOST_TEST(refused.code != 0);
    BOOST_TEST(refused.err.find("uncommitted changes and 1 unmerged commit(s)") !=
                   std::string::npos,
               refused.err);
    BOOST_TEST(refused.err.find("nothing was deleted") != std::string::npos);
    BOOST_TEST(read_text(wt + "/wip.txt") == "uncommitted\n");
    BOOST_TEST(has_branch("fab/" + id));
    BOOST_TEST(listed(id));

    auto r = sb.fab({"agent", "rm", id, "--force", "--json"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    Json out = Json::parse(r.out);
    std::string attic = out.value("attic", "");
    BOOST_TEST_REQUIRE(!attic.empty());
    BOOST_TEST(fs::exists(attic + "/branch.bundle"));
    BOOST_TEST(fs::exists(attic + "/worktree.patch"));
    BOOST_TEST(read_text(attic + "/MANIFEST.txt").find("branch.bundle") != std::string::npos);
    // The bundle holds the unmerged commit.
    auto heads = sb.run({"git", "bundle", "list-heads", attic + "/branch.bundle"});
    BOOST_TEST(heads.out.find("refs/heads/fab/" + id) != std::string::npos, heads.out);
    BOOST_TEST(read_text(attic + "/worktree.patch").find("wip.txt") != std::string::npos);
    BOOST_TEST(!fs::exists(wt));
    BOOST_TEST(!has_branch("fab/" + id));
    BOOST_TEST(!listed(id));
}

BOOST_AUTO_TEST_CASE(retention_never_touches_a_live_or_unmerged_agent) {
    std::string old_clean = ended_agent();
    std::string unmerged = create("SCRIPT:say hello");
    BOOST_TEST_REQUIRE(wait_history(unmerged, "turn done"));
    commit_in(worktree(unmerged), "keep.txt", "work not merged");
    BOOST_TEST_REQUIRE(sb.fab({"agent", "abort", unmerged}).code == 0);
    BOOST_TEST_REQUIRE(wait_for([&] { return state(unmerged) == "aborted"; }, 20000));
    std::string live = create("SCRIPT:say hello");
    BOOST_TEST_REQUIRE(wait_history(live, "turn done"));
    std::string recent = ended_agent();

    // All four 30 days old, but `recent`: the default retention is 14 days.
    age_agents(30);
    {
        sqlite3* db = nullptr;
        BOOST_TEST_REQUIRE(sqlite3_open((sb.fab_dir() + "/state.db").c_str(), &db) == SQLITE_OK);
        std::string sql = "UPDATE agents SET updated_ms = " + std::to_string(now_ms()) +
                          " WHERE id = '" + recent + "';";
        BOOST_TEST(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(db);
    }
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);

    BOOST_TEST(wait_for([&] { return !listed(old_clean); }, 20000));
    BOOST_TEST(!fs::exists(transcript_dir(old_clean)));
    BOOST_TEST(!fs::exists(worktree(old_clean)));
    // The sweep went over the unmerged one too, and kept it.
    BOOST_TEST(wait_for([&] {
        return read_text(sb.fab_dir() + "/fab.log")
                   .find("retention: agent " + unmerged + " kept") != std::string::npos;
    }));
    // The sweep has run (old_clean is gone): the others are all still there.
    BOOST_TEST(listed(unmerged));
    BOOST_TEST(has_branch("fab/" + unmerged));
    BOOST_TEST(fs::exists(worktree(unmerged) + "/keep.txt"));
    BOOST_TEST(fs::exists(transcript_dir(unmerged)));
    BOOST_TEST(listed(live));
    BOOST_TEST(fs::exists(worktree(live)));
    BOOST_TEST(fs::exists(transcript_dir(live)));
    BOOST_TEST(wait_for([&] { return state(live) == "idle"; }, 20000));
    BOOST_TEST(listed(recent));
    BOOST_TEST(fs::exists(transcript_dir(recent)));
    // gc reports the unmerged agent as kept, with the reason.
    auto gc = Json::parse(sb.fab({"gc", "--dry-run", "--json"}).out, nullptr, false);
    BOOST_TEST_REQUIRE(gc.is_object());
    bool reported = false;
    for (const auto& i : gc["items"])
        if (i.value("path", "") == transcript_dir(unmerged))
            reported = i.value("action", "") == "kept" &&
                       i.value("why", "").find("1 unmerged commit(s)") != std::string::npos;
    BOOST_TEST(reported, gc.dump());
}

BOOST_AUTO_TEST_CASE(gc_lists_with_sizes_then_reclaims_and_keeps_work) {
    // A transcript no agent owns, a clean orphaned worktree, a dirty one.
    fs::create_directories(transcript_dir("gone1"));
    std::ofstream(transcript_dir("gone1") + "/transcript.jsonl") << std::string(10000, 'x') << "\n";
    std::string wts = sb.fab_dir() + "/projects/web/worktrees";
    BOOST_TEST_REQUIRE(sb.run({"git", "-C", repo(), "worktree", "add", "-q", "-b", "fab/orphan1",
                               wts + "/wt-orphan1", "HEAD"})
                           .code == 0);
    BOOST_TEST_REQUIRE(sb.run({"git", "-C", repo(), "worktree", "add", "-q", "-b", "fab/orphan2",
                               wts + "/wt-orphan2", "HEAD"})
                           .code == 0);
    std::ofstream(wts + "/wt-orphan2/notes.txt") << "not committed\n";

    auto find = [](const Json& gc, const std::string& path) {
        for (const auto& i : gc["items"])
            if (i.value("path", "") == path) return i;
        return Json::object();
    };
    auto dry = Json::parse(sb.fab({"gc", "--dry-run", "--json"}).out, nullptr, false);
    BOOST_TEST_REQUIRE(dry.is_object());
    BOOST_TEST(find(dry, transcript_dir("gone1")).value("action", "") == "would remove");
    BOOST_TEST(find(dry, transcript_dir("gone1")).value("bytes", 0) >= 10000);
    BOOST_TEST(find(dry, wts + "/wt-orphan1").value("action", "") == "would remove");
    BOOST_TEST(find(dry, wts + "/wt-orphan1").value("bytes", 0) > 0);
    BOOST_TEST(find(dry, wts + "/wt-orphan2").value("action", "") == "kept");
    BOOST_TEST(find(dry, wts + "/wt-orphan2").value("why", "").find("uncommitted") !=
               std::string::npos);
    BOOST_TEST(dry.value("freed_bytes", 0) >= 10000);
    BOOST_TEST(fs::exists(transcript_dir("gone1")), "a dry run removes nothing");
    BOOST_TEST(fs::exists(wts + "/wt-orphan1"));

    auto text = sb.fab({"gc", "--dry-run"});
    BOOST_TEST(text.out.find("would remove transcript") != std::string::npos, text.out);
    BOOST_TEST(text.out.find("would free") != std::string::npos, text.out);

    auto r = sb.fab({"gc", "--json"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    Json done = Json::parse(r.out);
    BOOST_TEST(find(done, transcript_dir("gone1")).value("action", "") == "removed");
    BOOST_TEST(!fs::exists(transcript_dir("gone1")));
    BOOST_TEST(!fs::exists(wts + "/wt-orphan1"));
    BOOST_TEST(!has_branch("fab/orphan1"));
    BOOST_TEST(read_text(wts + "/wt-orphan2/notes.txt") == "not committed\n");
    BOOST_TEST(has_branch("fab/orphan2"));
}

BOOST_AUTO_TEST_CASE(status_shows_the_disk_used) {
    auto j = Json::parse(sb.fab({"status", "--json"}).out, nullptr, false);
    BOOST_TEST_REQUIRE(j.is_object());
    BOOST_TEST(j["disk"].value("total_bytes", 0) > 0);
    BOOST_TEST(j["disk"].value("clones_bytes", 0) > 0);
    BOOST_TEST(j["disk"].value("total_bytes", 0) >= j["disk"].value("clones_bytes", 0));
    auto text = sb.fab({"status"});
    BOOST_TEST(text.out.find("disk      ") != std::string::npos, text.out);
}

// A host that speaks another protocol (a fab upgrade while agents ran) is
// reported on re-attach, and left alone: not marked failed (a resume would
// start a second CLI in the same worktree), never sent a host.attach.
BOOST_AUTO_TEST_CASE(reattach_reports_a_host_of_another_protocol) {
    std::string id = create("SCRIPT:say hello");
    BOOST_TEST_REQUIRE(wait_history(id, "turn done"));
    BOOST_TEST_REQUIRE(sb.fab({"server", "stop"}).code == 0);
    sb.kill_sandbox_processes();
    BOOST_TEST_REQUIRE(wait_for([&] { return sb.sandbox_processes().empty(); }));
    ForeignHost host(sb.fab_dir() + "/hosts/" + id + ".sock");
    BOOST_TEST_REQUIRE(host.ok());
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    BOOST_TEST(wait_for([&] {
                   return agent(id).value("error", "").find("speaks protocol 99, this daemon") !=
                          std::string::npos;
               }),
               agent(id).dump());
    BOOST_TEST(agent(id).value("error", "").find("pid 4242") != std::string::npos);
    BOOST_TEST(state(id) == "idle", "reported, not marked failed");
    BOOST_TEST(host.pings() >= 1);
    auto rm = sb.fab({"agent", "rm", id});
    BOOST_TEST(rm.code != 0, "it may still run");
    BOOST_TEST(sb.fab({"server", "stop"}).code == 0);
}

// `fab attach --since OFFSET`: what the agent did before the attach is
// replayed first (marked replay), from that offset on.
BOOST_AUTO_TEST_CASE(attach_since_replays_earlier_records) {
    std::string id = create("SCRIPT:say first words");
    // Idle: the daemon has read the turn's last record (the snapshot's last_offset).
    BOOST_TEST_REQUIRE(wait_turn(id));
    // Without --since, nothing of the past is shown (attach follows from now).
    auto now = sb.fab({"attach", "--agent", id, "--json"}, 3000);
    BOOST_TEST(now.out.find("first words") == std::string::npos, now.out);
    auto all = sb.fab({"attach", "--agent", id, "--since", "0", "--json"}, 3000);
    BOOST_TEST(all.out.find("first words") != std::string::npos, all.out);
    BOOST_TEST(all.out.find("\"replay\":true") != std::string::npos, all.out);
    // From a later offset: the records before it are not replayed.
    int64_t first = -1, said = -1;
    for (const auto& line : split(sb.fab({"agent", "history", id, "--json"}).out, '\n')) {
        Json r = Json::parse(line, nullptr, false);
        if (!r.is_object()) continue;
        if (first < 0) first = r.value("offset", int64_t{-1});
        if (said < 0 && line.find("first words") != std::string::npos)
            said = r.value("offset", int64_t{-1});
    }
    BOOST_TEST_REQUIRE(said > first);
    auto later =
        sb.fab({"attach", "--agent", id, "--since", std::to_string(said + 1), "--json"}, 3000);
    // (The turn's result repeats the words: records after `said` are replayed.)
    BOOST_TEST(later.out.find("\"offset\":" + std::to_string(said) + ",") == std::string::npos,
               later.out);
    BOOST_TEST(later.out.find("\"offset\":" + std::to_string(said + 1) + ",") != std::string::npos,
               later.out);
    BOOST_TEST(later.out.find("\"type\":\"snapshot\"") != std::string::npos, later.out);
    auto bad = sb.fab({"attach", "--since", "yesterday"});
    BOOST_TEST(bad.code == 2, bad.err);
    BOOST_TEST(bad.err.find("--since needs a transcript offset") != std::string::npos, bad.err);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(host_sockets)

// FAB_AGENT_HOST_SOCKET_PATH: the directory of the hosts' sockets (a short
// path when $FAB_DIR is long), made private.
BOOST_FIXTURE_TEST_CASE(host_sockets_go_where_the_environment_says, AgentsFixture) {
    std::string dir = sb.root() + "/hs";
    sb.set_env("FAB_AGENT_HOST_SOCKET_PATH", dir);
    start_project();
    std::string id = create("SCRIPT:say hello");
    BOOST_TEST_REQUIRE(wait_history(id, "turn done"));
    BOOST_TEST(fs::is_socket(dir + "/" + id + ".sock"));
    BOOST_TEST(!fs::exists(sb.fab_dir() + "/hosts/" + id + ".sock"));
    BOOST_TEST(((fs::status(dir).permissions() & fs::perms::all) == fs::perms::owner_all));
    // A restarted daemon (same environment) finds the host there again.
    BOOST_TEST_REQUIRE(sb.fab({"server", "stop"}).code == 0);
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    BOOST_TEST(sb.fab({"agent", "send", id, "SCRIPT:say again"}).code == 0);
    BOOST_TEST(wait_history(id, "again"));
}

BOOST_AUTO_TEST_SUITE_END()
