// Orchestrators through the real daemon with the scripted agent: start and
// stop (persisted), spawning up to max-agents for ready tickets, new tickets
// picked up at once (inotify, not the 10 s poll), claims (one agent per
// ticket, kept across a daemon restart, released when the agent ends), and
// one ticket worked from claim to `fab agent done` by
// tests/fixtures/work-one-ticket.sh.
#include "harness.hpp"

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>

#include "util/strings.hpp"

using namespace fab;
using namespace fab::test;
namespace fs = std::filesystem;

namespace {

std::string ticket_text(const std::string& id, const std::string& status,
                        const std::string& deps = "[]") {
    return "---\nid: " + id + "\nstatus: " + status + "\ndeps: " + deps +
           "\nlinks: []\ncreated: 2026-11-21T10:00:00Z\ntype: task\npriority: 2\n---\n# Ticket " +
           id + "\n\nWrite work-" + id + ".txt.\n";
}

struct Orch {
    Sandbox sb;
    std::string repo, clone;
    Orch() {
        repo = sb.make_repo("web");
        BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    }

    // Tickets committed in the source repository before `project add`.
    void add_project(const std::vector<std::pair<std::string, std::string>>& tickets,
                     const std::string& kickstart, int max_agents = 2) {
        if (!tickets.empty()) {
            fs::create_directories(repo + "/.tickets");
            for (const auto& [id, status] : tickets)
                std::ofstream(repo + "/.tickets/" + id + ".md") << ticket_text(id, status);
            sb.run({"git", "-C", repo, "add", ".tickets"});
            sb.run({"git", "-C", repo, "commit", "-q", "-m", "tickets"});
        }
        auto r = sb.fab({"project", "add", repo, "--max-agents", std::to_string(max_agents)});
        BOOST_TEST_REQUIRE(r.code == 0, r.err);
        clone = sb.fab_dir() + "/projects/web/repo";
        BOOST_TEST_REQUIRE(
            sb.fab({"project", "config", "set", "web", "coding-backend", "scripted"}).code == 0);
        std::string kick = sb.root() + "/kickstart.txt";
        std::ofstream(kick) << kickstart << "\n";
        BOOST_TEST_REQUIRE(
            sb.fab({"project", "config", "set", "web", "kickstart-prompt", kick}).code == 0);
        // Bash runs without a human (the fixture's commands are simple ones).
        std::ofstream(sb.fab_dir() + "/projects/web/permissions.ini")
            << "[rule \"tests run anything\"]\naction = allow\npattern = :*\n";
    }

    // A ticket file written straight into fab's clone (uncommitted).
    void write_ticket(const std::string& id, const std::string& status = "open") {
        fs::create_directories(clone + "/.tickets");
        std::string tmp = clone + "/.tickets/." + id + ".tmp";
        std::ofstream(tmp) << ticket_text(id, status);
        fs::rename(tmp, clone + "/.tickets/" + id + ".md");
    }

    std::vector<Json> task_agents(bool live_only = true) {
        std::vector<Json> out;
        auto j = Json::parse(sb.fab({"agent", "list", "--json"}).out, nullptr, false);
        if (!j.is_object()) return out;
        for (auto& a : j["agents"]) {
            std::string st = a.value("state", "");
            if (a.value("kind", "") != "task") continue;
            if (live_only && (st == "done" || st == "failed" || st == "aborted")) continue;
            out.push_back(a);
        }
        return out;
    }

    Json project_status() {
        auto j = Json::parse(sb.fab({"status", "--json"}).out, nullptr, false);
        return j.is_object() && !j["projects"].empty() ? j["projects"][0] : Json();
    }

    RunResult claim_as(const std::string& agent, const std::string& ticket) {
        sb.set_env("FAB_AGENT_ID", agent);
        auto r = sb.fab({"agent", "claim", ticket});
        sb.unset_env("FAB_AGENT_ID");
        return r;
    }

    Json claims() {
        auto j = Json::parse(sb.fab({"claims", "--json"}).out, nullptr, false);
        return j.is_object() ? j["claims"] : Json::array();
    }

    std::string history(const std::string& id) { return sb.fab({"agent", "history", id}).out; }
};

constexpr const char* kIdle = "SCRIPT:say waiting for instructions";

} // namespace

BOOST_FIXTURE_TEST_SUITE(orchestrator, Orch)

BOOST_AUTO_TEST_CASE(start_spawns_agents_for_ready_tickets_up_to_max_agents) {
    add_project(
        {{"web-aaa1", "open"}, {"web-aaa2", "open"}, {"web-aaa3", "open"}, {"web-aaa4", "closed"}},
        kIdle, 2);
    BOOST_TEST(project_status().value("state", "") == "stopped");
    BOOST_TEST(project_status().value("ready_tickets", -1) == 3, "counted while stopped too");
    BOOST_TEST(task_agents().empty(), "nothing starts before `fab project start`");
    auto r = sb.fab({"project", "start", "web"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    BOOST_TEST(r.out.find("started project web") != std::string::npos, r.out);
    BOOST_TEST(wait_for([&] { return task_agents().size() == 2; }, 20000));
    Json p = project_status();
    BOOST_TEST(p.value("state", "") == "running");
    BOOST_TEST(p.value("ready_tickets", -1) == 3);
    BOOST_TEST(sb.fab({"status"}).out.find("running") != std::string::npos);
    // Both got the kickstart prompt, went idle without `fab agent done`, and
    // were nudged once; still two agents: max-agents holds.
    for (const auto& a : task_agents()) {
        std::string id = a.value("id", "");
        BOOST_TEST(wait_for(
            [&] { return history(id).find("waiting for instructions") != std::string::npos; }));
        BOOST_TEST(wait_for(
            [&] {
                return history(id).find("Echo: Continue with your ticket") != std::string::npos;
            },
            20000));
    }
    BOOST_TEST(task_agents().size() == 2u);
    // A second start is harmless.
    r = sb.fab({"project", "start", "web"});
    BOOST_TEST(r.out.find("already running") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(agents_that_have_not_claimed_hold_back_spawning_until_they_do) {
    add_project({{"web-bbb1", "open"}}, kIdle, 3);
    BOOST_TEST_REQUIRE(sb.fab({"project", "start", "web"}).code == 0);
    BOOST_TEST_REQUIRE(wait_for([&] { return task_agents().size() == 1; }, 20000));
    std::string first = task_agents()[0].value("id", "");
    // Two more tickets: two more agents (the first has not claimed, so it
    // counts for one of the three ready tickets).
    write_ticket("web-bbb2");
    write_ticket("web-bbb3");
    BOOST_TEST(wait_for([&] { return task_agents().size() == 3; }, 8000));
    // The first claims: its ticket leaves `ready`, nothing new starts (full).
    auto c = claim_as(first, "web-bbb1");
    BOOST_TEST(c.code == 0, c.err);
    BOOST_TEST(wait_for([&] { return project_status().value("ready_tickets", -1) == 2; }, 5000));
    BOOST_TEST(task_agents().size() == 3u);
}

BOOST_AUTO_TEST_CASE(ticket_created_while_running_is_picked_up_at_once) {
    add_project({}, kIdle, 2); // no .tickets/ at all yet
    BOOST_TEST_REQUIRE(sb.fab({"project", "start", "web"}).code == 0);
    BOOST_TEST_REQUIRE(wait_for([&] { return project_status().value("ready_tickets", -1) == 0; }));
    BOOST_TEST(task_agents().empty());
    // Well under the 10 s poll: the watch on the clone sees .tickets/ appear.
    write_ticket("web-ccc1");
    BOOST_TEST(wait_for([&] { return task_agents().size() == 1; }, 5000));
    // And a second one in the now watched directory.
    write_ticket("web-ccc2");
    BOOST_TEST(wait_for([&] { return task_agents().size() == 2; }, 5000));
}

BOOST_AUTO_TEST_CASE(ticket_pushed_to_origin_arrives_with_the_poll) {
    add_project({}, kIdle, 2);
    BOOST_TEST_REQUIRE(sb.fab({"project", "start", "web"}).code == 0);
    // Committed in the repository the project was cloned from (its origin):
    // the poll fetches and fast-forwards the clone, the watch sees the file.
    fs::create_directories(repo + "/.tickets");
    std::ofstream(repo + "/.tickets/web-kkk1.md") << ticket_text("web-kkk1", "open");
    sb.run({"git", "-C", repo, "add", ".tickets"});
    sb.run({"git", "-C", repo, "commit", "-q", "-m", "a ticket"});
    BOOST_TEST(wait_for([&] { return task_agents().size() == 1; }, 25000));
    BOOST_TEST(fs::exists(clone + "/.tickets/web-kkk1.md"));
}

BOOST_AUTO_TEST_CASE(stop_stops_spawning_and_both_survive_a_restart) {
    add_project({}, kIdle, 2);
    BOOST_TEST_REQUIRE(sb.fab({"project", "start", "web"}).code == 0);
    // Started survives a daemon restart.
    BOOST_TEST_REQUIRE(sb.fab({"server", "stop"}).code == 0);
    BOOST_TEST_REQUIRE(wait_for([&] { return sb.daemon_pid() == 0; }));
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    BOOST_TEST(project_status().value("state", "") == "running");

    auto r = sb.fab({"project", "stop", "--all"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(r.out.find("stopped project web") != std::string::npos, r.out);
    BOOST_TEST(project_status().value("state", "") == "stopped");
    write_ticket("web-ddd1");
    BOOST_TEST(!wait_for([&] { return !task_agents().empty(); }, 2000),
               "a stopped project starts no agent");
    // Stopped survives a restart too.
    BOOST_TEST_REQUIRE(sb.fab({"server", "stop"}).code == 0);
    BOOST_TEST_REQUIRE(wait_for([&] { return sb.daemon_pid() == 0; }));
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    BOOST_TEST(project_status().value("state", "") == "stopped");
    BOOST_TEST(task_agents().empty());
    // Starting again picks the waiting ticket up.
    BOOST_TEST_REQUIRE(sb.fab({"project", "start"}).code == 0); // the only project
    BOOST_TEST(wait_for([&] { return task_agents().size() == 1; }, 10000));
}

BOOST_AUTO_TEST_CASE(autostart_projects_start_with_the_daemon) {
    add_project({{"web-eee1", "open"}}, kIdle, 1);
    BOOST_TEST_REQUIRE(sb.fab({"project", "config", "set", "web", "autostart", "true"}).code == 0);
    BOOST_TEST_REQUIRE(sb.fab({"server", "stop"}).code == 0);
    BOOST_TEST_REQUIRE(wait_for([&] { return sb.daemon_pid() == 0; }));
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    BOOST_TEST(project_status().value("state", "") == "running");
    BOOST_TEST(wait_for([&] { return task_agents().size() == 1; }, 20000));
}

BOOST_AUTO_TEST_CASE(claims_one_agent_per_ticket_kept_across_restart_released_at_the_end) {
    add_project({{"web-fff1", "open"}, {"web-fff2", "closed"}}, kIdle, 2);
    // Agents made by hand: the orchestrator stays stopped in this test.
    auto mk = [&] {
        auto r = sb.fab({"agent", "create", "--project", "web", "--backend", "scripted", "--prompt",
                         kIdle, "--json"});
        BOOST_TEST_REQUIRE(r.code == 0, r.err);
        return Json::parse(r.out).value("id", "");
    };
    std::string a = mk(), b = mk();

    auto r = claim_as(a, "web-fff1");
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(r.out.find("claimed web-fff1") != std::string::npos, r.out);
    BOOST_TEST(claim_as(a, "web-fff1").code == 0, "claiming again is harmless");
    r = claim_as(b, "web-fff1");
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("already claimed by agent " + a) != std::string::npos, r.err);
    r = claim_as(b, "web-fff2");
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("closed") != std::string::npos, r.err);
    r = claim_as(b, "web-nope");
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("no ticket \"web-nope\"") != std::string::npos, r.err);
    BOOST_TEST(sb.fab({"agent", "claim", "web-fff1"}).code == 1, "outside an agent");

    Json c = claims();
    BOOST_TEST_REQUIRE(c.size() == 1u);
    BOOST_TEST(c[0]["ticket"] == "web-fff1");
    BOOST_TEST(c[0]["agent_id"] == a);
    BOOST_TEST(sb.fab({"claims"}).out.find("web-fff1") != std::string::npos);

    // A daemon killed in the middle: the claim is still there afterwards.
    int old = sb.daemon_pid();
    ::kill(old, SIGKILL);
    BOOST_TEST_REQUIRE(wait_for([&] { return sb.daemon_pid() == 0; }));
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    c = claims();
    BOOST_TEST_REQUIRE(c.size() == 1u);
    BOOST_TEST(c[0]["agent_id"] == a);
    r = claim_as(b, "web-fff1");
    BOOST_TEST(r.err.find("already claimed by agent " + a) != std::string::npos, r.err);

    // The holder ends: the ticket is free, and the other agent can take it.
    BOOST_TEST(sb.fab({"agent", "abort", a}).code == 0);
    BOOST_TEST(wait_for([&] { return claims().empty(); }, 20000));
    r = claim_as(b, "web-fff1");
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(sb.fab({"claims", "--project", "web", "--json"}).out.find(b) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(project_state_and_claim_events_reach_attached_clients) {
    add_project({{"web-hhh1", "open"}}, kIdle, 1);
    auto c = Connection::open(sb.socket());
    BOOST_TEST_REQUIRE(c.ok());
    BOOST_TEST_REQUIRE(c->handshake().ok());
    BOOST_TEST_REQUIRE(c->request("attach", Json::object()).ok());
    // Reads events until one with event == `name` (and state/released as
    // given) arrives; agent output and the like in between are skipped.
    auto expect = [&](const std::string& name, const std::function<bool(const Json&)>& pick) {
        for (int i = 0; i < 2000; ++i) {
            auto line = c->read_line(20000);
            if (!line) return Json();
            Json j = Json::parse(*line, nullptr, false);
            if (j.is_object() && j.value("event", "") == name && pick(j)) return j;
        }
        return Json();
    };
    BOOST_TEST_REQUIRE(sb.fab({"project", "start", "web"}).code == 0);
    Json ev = expect("project.state", [](const Json&) { return true; });
    BOOST_TEST(ev.value("project", "") == "web");
    BOOST_TEST(ev.value("state", "") == "running");
    BOOST_TEST_REQUIRE(wait_for([&] { return task_agents().size() == 1; }, 20000));
    std::string id = task_agents()[0].value("id", "");
    BOOST_TEST_REQUIRE(claim_as(id, "web-hhh1").code == 0);
    ev = expect("claim", [](const Json& j) { return !j.value("released", true); });
    BOOST_TEST(ev.value("ticket", "") == "web-hhh1");
    BOOST_TEST(ev.value("agent_id", "") == id);
    BOOST_TEST(ev.value("project", "") == "web");
    BOOST_TEST_REQUIRE(sb.fab({"agent", "abort", id}).code == 0);
    ev = expect("claim", [](const Json& j) { return j.value("released", false); });
    BOOST_TEST(ev.value("ticket", "") == "web-hhh1");
    BOOST_TEST(ev.value("agent_id", "") == id);
    BOOST_TEST_REQUIRE(sb.fab({"project", "stop", "web"}).code == 0);
    ev = expect("project.state", [](const Json& j) { return j.value("state", "") == "stopped"; });
    BOOST_TEST(ev.value("project", "") == "web");
}

BOOST_AUTO_TEST_CASE(a_message_from_a_human_holds_the_nudge_back) {
    // The kickstart turn is still running when the human writes.
    add_project({{"web-iii1", "open"}}, "SCRIPT:say busy\nSCRIPT:sleep 2", 1);
    BOOST_TEST_REQUIRE(sb.fab({"project", "start", "web"}).code == 0);
    BOOST_TEST_REQUIRE(wait_for([&] { return task_agents().size() == 1; }, 20000));
    std::string id = task_agents()[0].value("id", "");
    BOOST_TEST_REQUIRE(
        wait_for([&] { return history(id).find("assistant: busy") != std::string::npos; }));
    BOOST_TEST_REQUIRE(sb.fab({"agent", "send", id, "hold", "on"}).code == 0);
    BOOST_TEST_REQUIRE(
        wait_for([&] { return history(id).find("Echo: hold on") != std::string::npos; }, 20000),
        history(id));
    // Idle now; without the message the nudge would come 3 s later.
    BOOST_TEST(
        !wait_for(
            [&] { return history(id).find("Continue with your ticket") != std::string::npos; },
            6000),
        history(id));
}

BOOST_AUTO_TEST_CASE(agents_that_keep_failing_stop_the_spawning) {
    add_project({{"web-jjj1", "open"}}, "SCRIPT:exit 3", 1);
    BOOST_TEST_REQUIRE(sb.fab({"project", "start", "web"}).code == 0);
    auto failed = [&] {
        size_t n = 0;
        for (const auto& a : task_agents(false)) n += a.value("state", "") == "failed";
        return n;
    };
    BOOST_TEST(wait_for([&] { return failed() == 3; }, 30000));
    BOOST_TEST(!wait_for([&] { return task_agents(false).size() > 3; }, 3000),
               "no fourth agent after three quick failures");
    BOOST_TEST(read_text(sb.fab_dir() + "/fab.log").find("task agents failed within") !=
               std::string::npos);
}

// The whole loop with tests/fixtures/work-one-ticket.sh: the orchestrator
// starts an agent, which finds the ready ticket, claims, commits, closes and
// finishes; the claim goes and nothing else starts.
BOOST_AUTO_TEST_CASE(scripted_agent_works_a_ticket_with_the_fixture) {
    std::string fixture = std::string(FAB_SOURCE_ROOT) + "/tests/fixtures/work-one-ticket.sh";
    add_project({{"web-ggg1", "open"}}, "SCRIPT:bash bash " + fixture, 2);
    BOOST_TEST_REQUIRE(sb.fab({"project", "start", "web"}).code == 0);
    std::string id;
    BOOST_TEST_REQUIRE(wait_for(
        [&] {
            auto all = task_agents(false);
            if (all.empty()) return false;
            id = all[0].value("id", "");
            return true;
        },
        20000));
    BOOST_TEST(
        wait_for([&] { return history(id).find("fixture: claimed web-ggg1") != std::string::npos; },
                 30000),
        history(id));
    BOOST_TEST(
        wait_for([&] { return history(id).find("fixture: closed web-ggg1") != std::string::npos; },
                 30000),
        history(id));
    // (The tool result is clipped in the history: `fab agent done` shows in the state.)
    BOOST_TEST(wait_for(
                   [&] {
                       auto all = task_agents(false);
                       return !all.empty() && all[0].value("state", "") == "done";
                   },
                   30000),
               history(id));
    // Merged into main: the clone has the work and the closed ticket; the
    // claim was released when the agent ended.
    BOOST_TEST(wait_for([&] { return fs::exists(clone + "/work-web-ggg1.txt"); }, 20000));
    BOOST_TEST(read_text(clone + "/.tickets/web-ggg1.md").find("status: closed") !=
               std::string::npos);
    BOOST_TEST(wait_for([&] { return claims().empty(); }, 20000));
    BOOST_TEST(wait_for([&] { return project_status().value("ready_tickets", -1) == 0; }, 5000));
    BOOST_TEST(task_agents(false).size() == 1u, "no second agent for a closed ticket");
}

BOOST_AUTO_TEST_SUITE_END()
