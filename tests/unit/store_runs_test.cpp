// Runs and run events in state.db: one transaction per change, per-run seq,
// survival across reopen, delete with events, the agent offset high mark.
#include "store/store.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <unistd.h>

using namespace fab;

namespace {
struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/fab-runs-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

RunRecord run(const std::string& id, int64_t position) {
    RunRecord r;
    r.id = id;
    r.project = "web";
    r.goal = "goal of " + id;
    r.workflow = "task";
    r.status = "queued";
    r.position = position;
    r.created_ms = r.updated_ms = 1000 + position;
    return r;
}

RunEventRecord event(const std::string& run_id, int64_t seq, const std::string& name,
                     int64_t offset = -1) {
    RunEventRecord e;
    e.run_id = run_id;
    e.seq = seq;
    e.id = run_id + "-" + std::to_string(seq);
    e.ts_ms = 5000 + seq;
    e.event = name;
    e.properties = R"({"n":)" + std::to_string(seq) + "}";
    e.agent_offset = offset;
    return e;
}
} // namespace

BOOST_AUTO_TEST_SUITE(store_runs)

BOOST_AUTO_TEST_CASE(runs_and_events_survive_reopen_in_order) {
    TempDir t;
    {
        auto s = Store::open(t.path + "/state.db");
        BOOST_TEST_REQUIRE(s.ok());
        BOOST_TEST((*s)->save_run(run("r2", 2), {event("r2", 1, "run.submitted")}).ok());
        BOOST_TEST((*s)->save_run(run("r1", 1), {event("r1", 1, "run.submitted")}).ok());
        auto r1 = run("r1", 1);
        r1.status = "running";
        r1.agent_id = "a1";
        BOOST_TEST((*s)->save_run(r1, {event("r1", 2, "run.running")}).ok());
        BOOST_TEST((*s)->append_run_events(
                           {event("r1", 3, "agent.message", 7), event("r1", 4, "agent.message", 9)})
                       .ok());
    }
    auto s = Store::open(t.path + "/state.db");
    BOOST_TEST_REQUIRE(s.ok());
    auto runs = (*s)->runs();
    BOOST_TEST_REQUIRE(runs.ok());
    BOOST_TEST_REQUIRE(runs->size() == 2u);
    BOOST_TEST(runs->at(0).id == "r1"); // submission order
    BOOST_TEST(runs->at(0).status == "running");
    BOOST_TEST(runs->at(0).agent_id == "a1");
    BOOST_TEST(runs->at(0).goal == "goal of r1"); // an update keeps what it does not change
    auto evs = (*s)->run_events("r1", 1, 10);
    BOOST_TEST_REQUIRE(evs.ok());
    BOOST_TEST_REQUIRE(evs->size() == 3u);
    BOOST_TEST(evs->at(0).seq == 2);
    BOOST_TEST(evs->at(2).event == "agent.message");
    BOOST_TEST(evs->at(2).properties == R"({"n":4})");
    BOOST_TEST((*s)->run_events("r1", 0, 2)->size() == 2u); // limit
    BOOST_TEST(*(*s)->last_run_event_seq("r1") == 4);
    BOOST_TEST(*(*s)->last_run_event_seq("nope") == 0);
    BOOST_TEST(*(*s)->last_run_agent_offset("r1") == 9);
    BOOST_TEST(*(*s)->last_run_agent_offset("r2") == -1);
}

BOOST_AUTO_TEST_CASE(a_repeated_seq_fails_and_writes_nothing_of_its_transaction) {
    TempDir t;
    auto s = Store::open(t.path + "/state.db");
    BOOST_TEST_REQUIRE(s.ok());
    BOOST_TEST((*s)->save_run(run("r1", 1), {event("r1", 1, "run.submitted")}).ok());
    auto changed = run("r1", 1);
    changed.status = "failed";
    // seq 1 again: the event insert fails, so the status change is rolled back too.
    BOOST_TEST(!(*s)->save_run(changed, {event("r1", 1, "run.failed")}).ok());
    BOOST_TEST((*s)->runs()->at(0).status == "queued");
    BOOST_TEST(!(*s)->append_run_events({event("r1", 2, "x"), event("r1", 1, "dup")}).ok());
    BOOST_TEST((*s)->run_events("r1", 0, 10)->size() == 1u);
}

BOOST_AUTO_TEST_CASE(delete_removes_the_run_and_its_events) {
    TempDir t;
    auto s = Store::open(t.path + "/state.db");
    BOOST_TEST_REQUIRE(s.ok());
    BOOST_TEST((*s)->save_run(run("r1", 1), {event("r1", 1, "a"), event("r1", 2, "b")}).ok());
    BOOST_TEST((*s)->save_run(run("r2", 2), {event("r2", 1, "a")}).ok());
    BOOST_TEST((*s)->delete_run("r1").ok());
    BOOST_TEST((*s)->runs()->size() == 1u);
    BOOST_TEST((*s)->run_events("r1", 0, 10)->empty());
    BOOST_TEST((*s)->run_events("r2", 0, 10)->size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(store_checkpoints)

BOOST_AUTO_TEST_CASE(checkpoint_commits_with_its_run_row_and_events_and_survives_reopen) {
    TempDir t;
    std::string db = t.path + "/state.db";
    {
        auto s = Store::open(db);
        BOOST_TEST_REQUIRE(s.ok());
        BOOST_TEST(!(*s)->checkpoint("run-a").value().has_value()); // none yet
        RunRecord r = run("run-a", 1);
        r.status = "running";
        RunCheckpoint c;
        c.run_id = "run-a";
        c.source = "digraph w { start -> exit }";
        c.file = "/t/w.fabro";
        c.inputs = R"({"who":"me"})";
        c.state = R"({"version":1})";
        c.worktree = "/t/wt";
        c.stage = "build";
        c.stage_status = "running";
        c.stage_pid = 4242;
        c.stage_pid_start = 99;
        c.updated_ms = 7;
        BOOST_TEST_REQUIRE((*s)->save_checkpoint(r, c, {event("run-a", 1, "stage.started")}).ok());
        // A later checkpoint replaces the earlier one.
        c.stage.clear();
        c.stage_status.clear();
        c.stage_pid = c.stage_pid_start = 0;
        c.end_status = "succeeded";
        BOOST_TEST_REQUIRE(
            (*s)->save_checkpoint(r, c, {event("run-a", 2, "checkpoint.completed")}).ok());
        // A failing event insert (seq 2 again) rolls the whole checkpoint back.
        c.end_status = "failed";
        BOOST_TEST(!(*s)->save_checkpoint(r, c, {event("run-a", 2, "dup")}).ok());
    }
    auto s = Store::open(db);
    BOOST_TEST_REQUIRE(s.ok());
    auto c = (*s)->checkpoint("run-a");
    BOOST_TEST_REQUIRE(c.ok());
    BOOST_TEST_REQUIRE(c->has_value());
    BOOST_TEST((*c)->source == "digraph w { start -> exit }");
    BOOST_TEST((*c)->file == "/t/w.fabro");
    BOOST_TEST((*c)->inputs == R"({"who":"me"})");
    BOOST_TEST((*c)->worktree == "/t/wt");
    BOOST_TEST((*c)->stage.empty());
    BOOST_TEST((*c)->stage_pid == 0);
    BOOST_TEST((*c)->end_status == "succeeded");
    auto runs = (*s)->runs();
    BOOST_TEST_REQUIRE(runs->size() == 1u);
    BOOST_TEST((*runs)[0].status == "running");
    auto evs = (*s)->run_events("run-a", 0, 10);
    BOOST_TEST_REQUIRE(evs->size() == 2u);
    BOOST_TEST((*evs)[1].event == "checkpoint.completed");
    // Deleting the run deletes its checkpoint.
    BOOST_TEST_REQUIRE((*s)->delete_run("run-a").ok());
    BOOST_TEST(!(*s)->checkpoint("run-a").value().has_value());
}

BOOST_AUTO_TEST_SUITE_END()
