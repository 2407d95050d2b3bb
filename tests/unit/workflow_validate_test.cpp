// Tests for src/workflow/validate (every rule, through one fixture per rule in
// tests/fixtures/workflows/bad/, whose first line says the expected
// `line: message`), the example workflows in share/workflows/ (all valid),
// the checkpoint's JSON form and the retry policies.
#include "workflow/load.hpp"
#include "workflow/retry.hpp"
#include "workflow/run_state.hpp"
#include "workflow/validate.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <set>

using namespace fab::workflow;
namespace fs = std::filesystem;

namespace {

const std::string kSource = FAB_SOURCE_ROOT;

std::vector<fs::path> files_in(const std::string& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".fabro" || e.path().extension() == ".dot")
            out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

std::string first_line(const fs::path& p) {
    std::ifstream in(p);
    std::string l;
    std::getline(in, l);
    return l;
}

} // namespace

BOOST_AUTO_TEST_SUITE(workflow_validate)

BOOST_AUTO_TEST_CASE(every_bad_fixture_gives_its_error_at_its_line) {
    auto files = files_in(kSource + "/tests/fixtures/workflows/bad");
    BOOST_TEST_REQUIRE(files.size() >= 30u);
    for (const auto& f : files) {
        std::string expect = first_line(f);
        BOOST_TEST_REQUIRE(expect.rfind("// expect: ", 0) == 0u, f << " has no expect line");
        expect = expect.substr(11);
        auto colon = expect.find(": ");
        int line = std::stoi(expect.substr(0, colon));
        std::string text = expect.substr(colon + 2);
        auto errors = check_workflow_file(f.string());
        bool found = false;
        for (const auto& d : errors)
            found = found || (d.line == line && d.message.find(text) != std::string::npos &&
                              d.file == f.string());
        std::string all;
        for (const auto& d : errors) all += "\n  " + d.str();
        BOOST_TEST(found, f.filename()
                              << ": want line " << line << " \"" << text << "\"; got" << all);
    }
}

BOOST_AUTO_TEST_CASE(every_example_workflow_is_valid) {
    auto files = files_in(kSource + "/share/workflows");
    BOOST_TEST_REQUIRE(files.size() >= 5u);
    for (const auto& f : files) {
        std::optional<Workflow> wf;
        auto errors = check_workflow_file(f.string(), &wf);
        std::string all;
        for (const auto& d : errors) all += "\n  " + d.str();
        BOOST_TEST(errors.empty(), f.filename() << ":" << all);
        BOOST_TEST(wf.has_value());
    }
}

BOOST_AUTO_TEST_CASE(the_examples_cover_the_stage_kinds_of_the_issue) {
    std::set<StageKind> kinds;
    for (const auto& f : files_in(kSource + "/share/workflows")) {
        Loaded l = load_workflow_file(f.string());
        BOOST_TEST_REQUIRE(l.workflow.has_value());
        for (const auto& n : l.workflow->nodes) kinds.insert(n.kind);
    }
    for (auto k : {StageKind::agent, StageKind::command, StageKind::human, StageKind::conditional,
                   StageKind::fan_out, StageKind::fan_in})
        BOOST_TEST(kinds.contains(k), kind_name(k));
}

BOOST_AUTO_TEST_CASE(a_valid_workflow_has_no_errors_and_errors_come_sorted_by_line) {
    Loaded ok = load_workflow_text(R"(digraph {
        start [shape=Mdiamond]; exit [shape=Msquare]
        work [shape=box, prompt="do {{ inputs.x }}", max_retries=2, timeout="90s",
              retry_policy=patient, backend=codex, goal_gate=true]
        start -> work -> exit
    })",
                                   "ok.fabro", "/");
    BOOST_TEST_REQUIRE(ok.workflow.has_value());
    BOOST_TEST(validate(*ok.workflow).empty());
}

BOOST_AUTO_TEST_CASE(timeouts_parse_with_units) {
    BOOST_TEST(*parse_timeout_ms("90") == 90'000);
    BOOST_TEST(*parse_timeout_ms("30s") == 30'000);
    BOOST_TEST(*parse_timeout_ms("5m") == 300'000);
    BOOST_TEST(*parse_timeout_ms("2h") == 7'200'000);
    BOOST_TEST(*parse_timeout_ms("500ms") == 500);
    BOOST_TEST(!parse_timeout_ms("soon").has_value());
    BOOST_TEST(!parse_timeout_ms("-1s").has_value());
    BOOST_TEST(!parse_timeout_ms("99999999h").has_value());
}

BOOST_AUTO_TEST_CASE(run_state_round_trips_through_json) {
    RunState s;
    s.current_node = "validate";
    s.next_node = "implement";
    s.completed = {"start", "plan", "implement", "validate"};
    s.retries = {{"implement", 1}};
    s.visits = {{"implement", 2}, {"validate", 1}};
    s.outcomes = {{"validate", "fail"}};
    s.context = {{"tests", "3 failed\n\"quoted\""}};
    s.commit = "0123abcd";
    auto back = RunState::from_json(s.to_json());
    BOOST_TEST_REQUIRE(back.ok(), (back.ok() ? std::string() : back.error()));
    BOOST_TEST((*back == s));
}

BOOST_AUTO_TEST_CASE(run_state_rejects_bad_checkpoints_clearly) {
    BOOST_TEST(RunState::from_json("nope").error().find("not a JSON object") != std::string::npos);
    BOOST_TEST(RunState::from_json("{}").error().find("no version") != std::string::npos);
    BOOST_TEST(RunState::from_json(R"({"version": 99})").error().find("newer") !=
               std::string::npos);
    BOOST_TEST(
        RunState::from_json(R"({"version": 1, "retries": {"a": "x"}})").error().find("retries.a") !=
        std::string::npos);
    BOOST_TEST(
        RunState::from_json(R"({"version": 1, "completed": [1]})").error().find("completed") !=
        std::string::npos);
    BOOST_TEST(RunState::from_json(R"({"version": 1})").ok()); // fields are optional
}

BOOST_AUTO_TEST_CASE(retry_policies_give_attempts_and_backoff) {
    using std::chrono::milliseconds;
    BOOST_TEST(retry_attempts(RetryPolicy::none) == 1);
    BOOST_TEST(retry_attempts(RetryPolicy::standard) == 5);
    BOOST_TEST((retry_delay(RetryPolicy::none, 1) == milliseconds(0)));
    BOOST_TEST((retry_delay(RetryPolicy::standard, 1) == milliseconds(200)));
    BOOST_TEST((retry_delay(RetryPolicy::standard, 3) == milliseconds(800)));
    BOOST_TEST((retry_delay(RetryPolicy::linear, 1) == retry_delay(RetryPolicy::linear, 3)));
    BOOST_TEST((retry_delay(RetryPolicy::patient, 2) == milliseconds(6000)));
    BOOST_TEST((retry_delay(RetryPolicy::aggressive, 100) == milliseconds(60'000))); // capped
    BOOST_TEST((retry_delay(RetryPolicy::standard, 1, 0.0) == milliseconds(100)));
    BOOST_TEST((retry_delay(RetryPolicy::standard, 1, 1.0) == milliseconds(300)));
    BOOST_TEST((retry_policy_from("patient") == RetryPolicy::patient));
    BOOST_TEST(!retry_policy_from("eager").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
