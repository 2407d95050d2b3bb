// Server mode end to end: the real fabd with its HTTP API (h2o) on a free
// loopback port, driven with the curl program (no HTTP code of ours in the
// tests either), scripted agents doing the runs.
#include "http_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <csignal>
#include <future>
#include <map>
#include <netinet/in.h>
#include <set>
#include <sys/socket.h>
#include <unistd.h>

#include "util/strings.hpp"

using namespace fab;
using namespace fab::test;

BOOST_FIXTURE_TEST_SUITE(http_runs, Server)

BOOST_AUTO_TEST_CASE(health_info_and_errors_with_request_ids) {
    start(2);
    add_project();
    auto h = http("GET", "/health");
    BOOST_TEST(h.status == 200);
    BOOST_TEST(h.body["status"] == "ok");
    BOOST_TEST(!h.request_id.empty());
    auto info = http("GET", "/api/v1/system/info");
    BOOST_TEST(info.status == 200);
    BOOST_TEST(info.body["max_concurrent_runs"] == 2);
    BOOST_TEST(info.body["runs"]["total"] == 0);
    BOOST_TEST(!info.body.value("version", "").empty());

    auto missing = http("GET", "/api/v1/runs/run-nope", "", {"x-request-id: my-req-1"});
    BOOST_TEST(missing.status == 404);
    BOOST_TEST(missing.request_id == "my-req-1"); // the client's id comes back
    BOOST_TEST(missing.body["errors"][0]["status"] == "404");
    BOOST_TEST(missing.body["errors"][0]["title"] == "Not Found");
    BOOST_TEST(missing.body["errors"][0]["detail"] == "no run \"run-nope\"");
    BOOST_TEST(http("GET", "/api/v1/nothing").status == 404);
    BOOST_TEST(http("PUT", "/api/v1/runs").status == 405);
    auto bad = http("POST", "/api/v1/runs", "{\"project\":\"web\"}");
    BOOST_TEST(bad.status == 400);
    BOOST_TEST(bad.body["errors"][0]["detail"] == "missing \"goal\"");
    BOOST_TEST(http("POST", "/api/v1/runs", "not json").status == 400);
    BOOST_TEST(http("POST", "/api/v1/runs", R"({"project":"nope","goal":"g"})").status == 404);
    BOOST_TEST(http("GET", "/api/v1/runs?page[limit]=0").status == 400);
    BOOST_TEST(http("GET", "/api/v1/runs?page[limit]=x").status == 400);
    BOOST_TEST(http("GET", "/api/v1/runs?status=bogus").status == 400);
    BOOST_TEST(http("GET", "/api/v1/openapi.json").body["openapi"] == "3.0.3");
    BOOST_TEST(http("GET", "/api/v1/runs").body["data"].empty()); // nothing was queued
}

BOOST_AUTO_TEST_CASE(non_loopback_listen_is_refused) {
    auto r = sb.fab({"server", "start", "--http", "0.0.0.0:" + std::to_string(port)});
    BOOST_TEST(r.code != 0);
    BOOST_TEST(r.err.find("only a loopback address") != std::string::npos, r.err);
    BOOST_TEST(sb.daemon_pid() == 0);
}

BOOST_AUTO_TEST_CASE(six_runs_with_two_slots_start_in_order_never_more_than_two) {
    start(2);
    add_project();
    std::vector<std::string> ids;
    for (int i = 0; i < 6; ++i)
        ids.push_back(submit("SCRIPT:sleep 1\nSCRIPT:say run " + std::to_string(i) +
                             "\nSCRIPT:bash fab agent done"));
    size_t most = 0;
    bool all_done = wait_for(
        [&] {
            auto list = http("GET", "/api/v1/runs?page[limit]=100").body["data"];
            size_t active = 0, done = 0;
            for (const auto& r : list) {
                std::string s = r.value("status", "");
                active += s == "starting" || s == "running" || s == "blocked" || s == "paused";
                done += s == "succeeded";
            }
            most = std::max(most, active);
            return done == 6;
        },
        90000);
    BOOST_TEST_REQUIRE(all_done);
    BOOST_TEST(most <= 2u);
    BOOST_TEST(most >= 1u);
    // From the runs' own times: at each start, at most one other was active,
    // and they started in submission order.
    std::vector<Json> runs;
    for (const auto& id : ids) runs.push_back(run(id));
    for (size_t i = 0; i < runs.size(); ++i) {
        std::string t = runs[i].value("started_at", "");
        BOOST_TEST(!t.empty());
        if (i > 0) BOOST_TEST(runs[i - 1].value("started_at", "") <= t);
        int others = 0;
        for (size_t j = 0; j < runs.size(); ++j)
            if (j != i && runs[j].value("started_at", "") <= t &&
                runs[j].value("finished_at", "") > t)
                ++others;
        BOOST_TEST(others <= 1, "run " << i << " started while " << others << " others ran");
    }
    auto info = http("GET", "/api/v1/system/info");
    BOOST_TEST(info.body["runs"]["succeeded"] == 6);
}

BOOST_AUTO_TEST_CASE(cancel_a_queued_and_a_running_run) {
    start(1);
    add_project();
    std::string running = submit("SCRIPT:sleep 60");
    std::string queued = submit("SCRIPT:say never");
    BOOST_TEST_REQUIRE(wait_status(running, "running"));
    Json q = run(queued);
    BOOST_TEST(q["status"] == "queued");
    BOOST_TEST(q["queue_position"] == 1);

    auto c = http("POST", "/api/v1/runs/" + queued + "/cancel");
    BOOST_TEST(c.status == 200);
    BOOST_TEST(c.body["status"] == "failed");
    BOOST_TEST(c.body["status_reason"] == "cancelled");
    auto again = http("POST", "/api/v1/runs/" + queued + "/cancel");
    BOOST_TEST(again.status == 409);
    BOOST_TEST(again.body["errors"][0]["detail"] ==
               "cannot cancel a run that is failed: cancel needs submitted or queued or starting "
               "or running or blocked or paused");

    std::string agent = run(running).value("agent_id", "");
    BOOST_TEST_REQUIRE(!agent.empty());
    BOOST_TEST(http("POST", "/api/v1/runs/" + running + "/cancel").status == 200);
    BOOST_TEST(status(running) == "failed");
    BOOST_TEST(wait_for([&] { return state(agent) == "aborted"; }, 30000), state(agent));
    BOOST_TEST(run(running)["status_reason"] == "cancelled"); // not "terminated" later

    // Terminal runs can be archived, unarchived and deleted; others cannot.
    BOOST_TEST(http("POST", "/api/v1/runs/" + running + "/archive").body["status"] == "archived");
    BOOST_TEST(http("POST", "/api/v1/runs/" + running + "/unarchive").body["status"] == "failed");
    BOOST_TEST(http("DELETE", "/api/v1/runs/" + running).status == 204);
    BOOST_TEST(http("GET", "/api/v1/runs/" + running).status == 404);
    BOOST_TEST(http("GET", "/api/v1/runs/" + running + "/events").status == 404);
}

BOOST_AUTO_TEST_CASE(pause_unpause_and_illegal_requests_are_409) {
    start(1);
    add_project();
    std::string id = submit("SCRIPT:sleep 60");
    std::string waiting = submit("SCRIPT:say later");
    BOOST_TEST_REQUIRE(wait_status(id, "running"));
    auto p = http("POST", "/api/v1/runs/" + id + "/pause");
    BOOST_TEST(p.status == 200);
    BOOST_TEST(p.body["status"] == "paused");
    BOOST_TEST(http("POST", "/api/v1/runs/" + id + "/pause").status == 409);
    auto q = http("POST", "/api/v1/runs/" + waiting + "/pause");
    BOOST_TEST(q.status == 409);
    BOOST_TEST(q.body["errors"][0]["detail"] ==
               "cannot pause a run that is queued: pause needs running or blocked");
    BOOST_TEST(status(waiting) == "queued"); // a paused run still holds its slot
    BOOST_TEST(http("DELETE", "/api/v1/runs/" + id).status == 409);
    auto u = http("POST", "/api/v1/runs/" + id + "/unpause");
    BOOST_TEST(u.status == 200);
    BOOST_TEST(u.body["status"] == "running");
    BOOST_TEST(http("POST", "/api/v1/runs/" + id + "/unpause").status == 409);
    // Events tell the story in order.
    std::vector<std::string> names;
    for (const auto& e : events(id)) names.push_back(e.value("event", ""));
    auto at = [&](const char* n) {
        return std::find(names.begin(), names.end(), n) - names.begin();
    };
    BOOST_TEST(at("run.submitted") < at("run.queued"));
    BOOST_TEST(at("run.running") < at("run.paused"));
    BOOST_TEST(at("run.paused") < at("run.unpaused"));
    BOOST_TEST(at("run.unpaused") < static_cast<long>(names.size()));
    BOOST_TEST(http("POST", "/api/v1/runs/" + id + "/cancel").status == 200);
    BOOST_TEST(http("POST", "/api/v1/runs/" + waiting + "/cancel").status == 200);
}

BOOST_AUTO_TEST_CASE(question_answered_over_http_reaches_the_agent_once) {
    start(2);
    add_project();
    std::string id = submit("SCRIPT:ask Which color?|red|blue\nSCRIPT:bash fab agent done");
    BOOST_TEST_REQUIRE(wait_status(id, "blocked"));
    auto qs = http("GET", "/api/v1/runs/" + id + "/questions");
    BOOST_TEST_REQUIRE(qs.status == 200);
    BOOST_TEST_REQUIRE(qs.body["data"].size() == 1u);
    Json q = qs.body["data"][0];
    BOOST_TEST(q["text"] == "Which color?");
    BOOST_TEST(q["question_type"] == "multiple_choice");
    BOOST_TEST(q["options"][1]["label"] == "blue");
    std::string qid = q["id"];
    std::string path = "/api/v1/runs/" + id + "/questions/" + qid + "/answer";
    BOOST_TEST(http("POST", path, R"({"selected_option_key":"9"})").status == 400);
    BOOST_TEST(http("POST", path, R"({})").status == 400);
    BOOST_TEST(http("POST", "/api/v1/runs/" + id + "/questions/nope/answer",
                    R"({"selected_option_key":"1"})")
                   .status == 404);
    BOOST_TEST(status(id) == "blocked"); // bad answers change nothing
    BOOST_TEST(http("POST", path, R"({"selected_option_key":"2"})").status == 204);
    auto second = http("POST", path, R"({"selected_option_key":"1"})");
    BOOST_TEST(second.status == 409, second.text);
    // The other channels see it gone.
    auto cli = sb.fab({"question", "answer", qid, "1"});
    BOOST_TEST(cli.code != 0);
    BOOST_TEST_REQUIRE(wait_status(id, "succeeded"));
    std::string agent = run(id).value("agent_id", "");
    BOOST_TEST(history(agent).find("\"Which color?\"=\"blue\"") != std::string::npos,
               history(agent));
    bool blocked = false, unblocked = false;
    for (const auto& e : events(id)) {
        blocked = blocked || e["event"] == "run.blocked";
        unblocked = unblocked || e["event"] == "run.unblocked";
    }
    BOOST_TEST(blocked);
    BOOST_TEST(unblocked);
}

BOOST_AUTO_TEST_CASE(sse_replays_from_since_seq_then_goes_live_and_ends) {
    sb.set_env("FAB_SSE_KEEPALIVE_MS", "300"); // 15 s by default
    start(2);
    add_project();
    std::string id = submit("SCRIPT:sleep 2\nSCRIPT:say streamed\nSCRIPT:bash fab agent done");
    // Live: attached from the start, while the agent works.
    auto live = std::async(std::launch::async, [&] { return attach(id, 0); });
    BOOST_TEST_REQUIRE(wait_status(id, "succeeded"));
    std::vector<std::string> names;
    std::string stream = live.get();
    BOOST_TEST(stream.find("\n: keep-alive\n") != std::string::npos, stream);
    auto seqs = sse_seqs(stream, &names);
    Json all = events(id);
    BOOST_TEST_REQUIRE(!seqs.empty());
    BOOST_TEST(seqs.size() == all.size()); // every event once, then the stream ended
    for (size_t i = 0; i < seqs.size(); ++i) BOOST_TEST(seqs[i] == static_cast<int64_t>(i + 1));
    BOOST_TEST(names.back() == "run.completed");
    // Replay only: from since_seq, and the stream ends at once (terminal).
    auto tail = sse_seqs(attach(id, 3));
    BOOST_TEST_REQUIRE(tail.size() == all.size() - 3);
    BOOST_TEST(tail.front() == 4);
    auto page = http("GET", "/api/v1/runs/" + id + "/events?since_seq=2&limit=2");
    BOOST_TEST(page.body["data"].size() == 2u);
    BOOST_TEST(page.body["data"][0]["seq"] == 3);
    BOOST_TEST(page.body["meta"]["has_more"] == true);
    BOOST_TEST(http("GET", "/api/v1/runs/" + id + "/attach?since_seq=x").status == 400);
    BOOST_TEST(http("GET", "/api/v1/runs/nope/attach").status == 404);
}

BOOST_AUTO_TEST_CASE(runs_and_events_survive_a_daemon_kill_9) {
    start(1);
    add_project();
    std::string id = submit("SCRIPT:say before\nSCRIPT:sleep 4\nSCRIPT:say after\n"
                            "SCRIPT:bash fab agent done");
    std::string queued = submit("SCRIPT:say queued one\nSCRIPT:bash fab agent done");
    BOOST_TEST_REQUIRE(wait_for(
        [&] {
            for (const auto& e : events(id))
                if (e["event"] == "agent.message") return true;
            return false;
        },
        30000));
    // Attached while the daemon dies: the stream breaks off somewhere.
    std::string file = sb.root() + "/first.sse";
    auto first = std::async(std::launch::async, [&] {
        sb.run({"curl", "-sN", "--max-time", "30", "-o", file,
                base + "/api/v1/runs/" + id + "/attach?since_seq=0"},
               "", 35000);
        return read_text(file);
    });
    BOOST_TEST_REQUIRE(
        wait_for([&] { return read_text(file).find("data: ") != std::string::npos; }));
    int pid = sb.daemon_pid();
    BOOST_TEST_REQUIRE(pid > 0);
    ::kill(pid, SIGKILL);
    BOOST_TEST_REQUIRE(wait_for([&] { return !process_alive(pid); }));
    auto before = sse_seqs(first.get());
    BOOST_TEST_REQUIRE(!before.empty());
    auto r = sb.fab({"server", "start", "--http", "127.0.0.1:" + std::to_string(port),
                     "--max-concurrent-runs", "1"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    std::string q_status = status(queued); // still waiting for the one slot, unless the
    BOOST_TEST((q_status == "queued" || status(id) == "succeeded"), q_status); // first ended
    // Reconnect from the last seq seen: nothing missing, nothing twice.
    auto after = sse_seqs(attach(id, before.back()));
    std::vector<int64_t> seen = before;
    seen.insert(seen.end(), after.begin(), after.end());
    Json all = events(id);
    BOOST_TEST_REQUIRE(seen.size() == all.size());
    for (size_t i = 0; i < seen.size(); ++i) BOOST_TEST(seen[i] == static_cast<int64_t>(i + 1));
    BOOST_TEST(status(id) == "succeeded"); // the run went on with its agent
    // Transcript records were logged once each, also those re-read after the
    // restart: the events of one record (one offset) form a single block.
    std::map<int64_t, std::pair<int64_t, int64_t>> blocks; // offset → first, last seq
    for (const auto& e : all) {
        if (!e["properties"].contains("offset")) continue;
        int64_t off = e["properties"]["offset"], seq = e["seq"];
        auto [it, fresh] = blocks.try_emplace(off, seq, seq);
        if (!fresh) {
            BOOST_TEST(it->second.second == seq - 1, "offset " << off << " logged twice");
            it->second.second = seq;
        }
    }
    std::set<std::string> messages;
    for (const auto& e : all)
        if (e["event"] == "agent.message")
            BOOST_TEST(messages.insert(e["properties"].value("text", "")).second);
    BOOST_TEST(messages.count("before") == 1u, dump_json(all));
    BOOST_TEST(messages.count("after") == 1u);
    BOOST_TEST(wait_status(queued, "succeeded", 60000));
}

BOOST_AUTO_TEST_CASE(demo_header_gets_static_data_and_touches_nothing) {
    start(2);
    add_project();
    for (const char* h : {"X-Fab-Demo: 1", "X-Fabro-Demo: 1"}) {
        auto list = http("GET", "/api/v1/runs", "", {h});
        BOOST_TEST(list.status == 200);
        std::set<std::string> statuses;
        for (const auto& r : list.body["data"]) statuses.insert(r.value("status", ""));
        BOOST_TEST(statuses.size() == 9u); // one run in every status
        auto qs = http("GET", "/api/v1/runs/demo-blocked/questions", "", {h});
        BOOST_TEST(qs.body["data"].size() == 1u);
        BOOST_TEST(http("GET", "/api/v1/runs/demo-running/events", "", {h}).body["data"].size() >
                   0u);
        auto made = http("POST", "/api/v1/runs", R"({"project":"web","goal":"x"})", {h});
        BOOST_TEST(made.status == 201);
        BOOST_TEST(made.body["demo"] == true);
    }
    BOOST_TEST(http("GET", "/api/v1/runs").body["data"].empty()); // nothing real was made
    BOOST_TEST(http("GET", "/api/v1/runs/demo-running").status == 404);
}

BOOST_AUTO_TEST_CASE(steer_billing_board_and_the_cli) {
    start(2);
    add_project();
    std::string id = submit("SCRIPT:say first turn");
    BOOST_TEST_REQUIRE(wait_for([&] { return !run(id).value("agent_id", "").empty(); }));
    std::string agent = run(id).value("agent_id", "");
    BOOST_TEST_REQUIRE(wait_turn(agent));
    auto s = http("POST", "/api/v1/runs/" + id + "/steer", R"({"guidance":"steered words"})");
    BOOST_TEST(s.status == 202, s.text);
    BOOST_TEST(wait_history(agent, "Echo: steered words"));
    BOOST_TEST(http("POST", "/api/v1/runs/" + id + "/steer", "{}").status == 400);
    auto b = http("GET", "/api/v1/runs/" + id + "/billing");
    BOOST_TEST(b.status == 200);
    BOOST_TEST(wait_for([&] {
        return http("GET", "/api/v1/runs/" + id + "/billing").body["usage"]["output_tokens"] > 0;
    }));
    auto board = http("GET", "/api/v1/boards/runs");
    BOOST_TEST(board.body["columns"].size() == 5u);

    // The CLI over the socket: the same handlers.
    auto sub = sb.fab({"run", "submit", "-p", "web", "--backend", "scripted", "--wait",
                       "SCRIPT:bash fab agent done"},
                      90000);
    BOOST_TEST(sub.code == 0, sub.out + sub.err);
    BOOST_TEST(sub.out.find("succeeded") != std::string::npos, sub.out);
    auto list = sb.fab({"run", "list", "--status", "succeeded", "--json"});
    BOOST_TEST(Json::parse(list.out)["data"].size() == 1u);
    auto show = sb.fab({"run", "show", id, "--json"});
    BOOST_TEST(Json::parse(show.out)["id"] == id);
    auto evs = sb.fab({"run", "events", id});
    BOOST_TEST(evs.out.find("run.submitted") != std::string::npos);
    BOOST_TEST(sb.fab({"run", "pause", id}).code == 0);
    BOOST_TEST(sb.fab({"run", "unpause", id}).code == 0);
    auto c = sb.fab({"run", "cancel", id});
    BOOST_TEST(c.code == 0, c.err);
    BOOST_TEST(sb.fab({"run", "cancel", id}).err.find("cannot cancel") != std::string::npos);
    BOOST_TEST(sb.fab({"run", "show", "run-nope"}).code != 0);
}

BOOST_AUTO_TEST_SUITE_END()
