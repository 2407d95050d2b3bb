// Model choice through the real daemon and hosts: `--model` and the config's
// model keys reach the agent CLI's argv, are shown and persisted, and a model
// the CLI does not know fails the agent with the CLI's own words. The CLI is
// a `claude` on PATH that records its argv and then runs the scripted agent
// (which answers `--model unknown-*` as claude answers a model the API does
// not know: tests/fixtures/agents/claude-unknown-model.jsonl).
#include "harness.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include "util/strings.hpp"

using namespace fab;
using namespace fab::test;
namespace fs = std::filesystem;

namespace {

struct Models : AgentsFixture {
    std::string argv_dir = sb.root() + "/argv";

    Models() {
        std::string bin = sb.root() + "/fake-bin";
        fs::create_directories(bin);
        fs::create_directories(argv_dir);
        // One block per start of the CLI: its arguments, one a line, then "----".
        std::ofstream(bin + "/claude")
            << "#!/bin/sh\n"
            << "f='" << argv_dir << "'/\"$FAB_AGENT_ID\"\n"
            << "printf '%s\\n' \"$@\" >> \"$f\"\n"
            << "echo ---- >> \"$f\"\n"
            << "exec '" << build_path("scripted/fab-scripted-agent") << "' \"$@\"\n";
        fs::permissions(bin + "/claude", fs::perms::owner_all);
        sb.set_env("PATH", bin + ":" + std::string(std::getenv("PATH") ? std::getenv("PATH") : ""));
        start_project();
        std::string cfg = read_text(sb.config_file());
        std::ofstream(sb.config_file()) << "[defaults]\nagent-backend = claude\nmodel = d-model\n"
                                        << cfg;
    }

    // The argv of each start of the agent's CLI.
    std::vector<std::vector<std::string>> starts(const std::string& id) {
        std::vector<std::vector<std::string>> out(1);
        for (const std::string& line : split(read_text(argv_dir + "/" + id), '\n')) {
            if (line == "----")
                out.emplace_back();
            else if (!line.empty())
                out.back().push_back(line);
        }
        out.pop_back(); // after the last "----"
        return out;
    }
    // The value after --model in the CLI's last start; "" when none was given.
    std::string model_arg(const std::string& id) {
        if (!wait_for([&] { return !starts(id).empty(); })) return "<never started>";
        auto argv = starts(id).back();
        for (size_t i = 0; i + 1 < argv.size(); ++i)
            if (argv[i] == "--model") return argv[i + 1];
        return "";
    }
    std::string create_with(const std::vector<std::string>& extra) {
        std::vector<std::string> args = {"agent",    "create",           "--project", "web",
                                         "--prompt", "SCRIPT:say ready", "--json"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto r = sb.fab(args);
        BOOST_TEST_REQUIRE(r.code == 0, r.err);
        return Json::parse(r.out).value("id", "");
    }
    Json run_json(const std::vector<std::string>& args) {
        auto r = sb.fab(args);
        BOOST_TEST_REQUIRE(r.code == 0, r.err);
        return Json::parse(r.out);
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(models, Models)

BOOST_AUTO_TEST_CASE(flag_beats_project_role_model_beats_project_model_beats_defaults) {
    // [defaults] model only.
    std::string a = create_with({});
    BOOST_TEST(model_arg(a) == "d-model");
    BOOST_TEST(agent(a)["model"] == "d-model");

    // The project's model beats [defaults]; its coding-model beats its model.
    BOOST_TEST_REQUIRE(sb.fab({"project", "config", "set", "web", "model", "p-model"}).code == 0);
    std::string b = create_with({});
    BOOST_TEST(model_arg(b) == "p-model");
    BOOST_TEST_REQUIRE(sb.fab({"project", "config", "set", "web", "coding-model", "p-code"}).code ==
                       0);
    std::string c = create_with({});
    BOOST_TEST(model_arg(c) == "p-code");

    // --model beats everything, and shows in the list and in `created` output.
    BOOST_TEST_REQUIRE(sb.fab({"project", "config", "set", "web", "max-agents", "10"}).code == 0);
    std::string d = create_with({"--model", "flag-model"});
    BOOST_TEST(model_arg(d) == "flag-model");
    BOOST_TEST(agent(d)["model"] == "flag-model");
    BOOST_TEST(wait_history(d, "assistant: ready"));
    auto list = sb.fab({"agent", "list"});
    BOOST_TEST(list.out.find("MODEL") != std::string::npos, list.out);
    BOOST_TEST(list.out.find("flag-model") != std::string::npos, list.out);

    // A planner: planner-model, else model.
    std::string p = run_json({"agent", "plan", "--project", "web", "--json", "SCRIPT:say planning"})
                        .value("id", "");
    BOOST_TEST(model_arg(p) == "p-model");
    BOOST_TEST_REQUIRE(
        sb.fab({"project", "config", "set", "web", "planner-model", "p-plan"}).code == 0);
    std::string p2 =
        run_json({"agent", "plan", "--project", "web", "--json", "SCRIPT:say planning"})
            .value("id", "");
    BOOST_TEST(model_arg(p2) == "p-plan");
    std::string p3 = run_json({"agent", "plan", "--project", "web", "--model", "plan-flag",
                               "--json", "SCRIPT:say planning"})
                         .value("id", "");
    BOOST_TEST(model_arg(p3) == "plan-flag");

    // `project config show` says where a role's model comes from.
    auto show = sb.fab({"project", "config", "get", "web", "planner-model"});
    BOOST_TEST(trim(show.out) == "p-plan", show.out);
}

BOOST_AUTO_TEST_CASE(manager_and_director_take_model_from_flag_or_config) {
    Json m = run_json({"manager", "start", "web", "--model", "m-flag", "--json"});
    std::string mid = m["agent"].value("id", "");
    BOOST_TEST(model_arg(mid) == "m-flag");
    BOOST_TEST(m["agent"]["model"] == "m-flag");
    // Already running: it keeps its model, and the CLI says how to change it.
    auto again = sb.fab({"manager", "start", "web", "--model", "other"});
    BOOST_TEST(again.code == 0);
    BOOST_TEST(again.out.find("model m-flag") != std::string::npos, again.out);
    BOOST_TEST(again.err.find("manager clear") != std::string::npos, again.err);
    // clear starts a fresh session with the new model.
    Json cleared = run_json({"manager", "clear", "web", "--model", "other", "--json"});
    BOOST_TEST(model_arg(cleared["agent"].value("id", "")) == "other");

    // The director belongs to no project: [defaults] model.
    Json dir = run_json({"director", "start", "--json"});
    BOOST_TEST(model_arg(dir["agent"].value("id", "")) == "d-model");
    BOOST_TEST(sb.fab({"director", "stop"}).code == 0);
    BOOST_TEST(sb.fab({"manager", "stop", "web"}).code == 0);
}

BOOST_AUTO_TEST_CASE(unknown_model_fails_the_turn_with_the_cli_message_in_status_and_history) {
    std::string id = create_with({"--model", "unknown-model-x"});
    const std::string cli_says = "issue with the selected model (unknown-model-x)";
    BOOST_TEST(
        wait_for([&] { return agent(id).value("error", "").find(cli_says) != std::string::npos; },
                 20000),
        agent(id).dump());
    BOOST_TEST(history(id).find(cli_says) != std::string::npos);
    auto list = sb.fab({"agent", "list"});
    BOOST_TEST(list.out.find("last turn failed: There's an issue") != std::string::npos, list.out);
}

BOOST_AUTO_TEST_CASE(model_is_kept_across_a_restart_and_a_resume) {
    std::string id = create_with({"--model", "keep-me"});
    BOOST_TEST_REQUIRE(wait_history(id, "assistant: ready"));
    BOOST_TEST_REQUIRE(sb.fab({"server", "stop"}).code == 0);
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    BOOST_TEST(agent(id)["model"] == "keep-me");
    // The CLI crashes; `agent send` resumes the session with the same model.
    BOOST_TEST_REQUIRE(sb.fab({"agent", "send", id, "SCRIPT:exit 3"}).code == 0);
    BOOST_TEST_REQUIRE(wait_for([&] { return state(id) == "failed"; }, 20000));
    BOOST_TEST_REQUIRE(sb.fab({"agent", "send", id, "after the crash"}).code == 0);
    BOOST_TEST_REQUIRE(wait_for([&] { return starts(id).size() == 2; }));
    auto argv = starts(id).back();
    BOOST_TEST((std::find(argv.begin(), argv.end(), "--resume") != argv.end()));
    BOOST_TEST(model_arg(id) == "keep-me");
}

BOOST_AUTO_TEST_CASE(a_model_name_that_is_an_option_is_refused_before_any_agent_starts) {
    auto r = sb.fab({"agent", "create", "--project", "web", "--model=--dangerously-skip"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("is not a model name") != std::string::npos, r.err);
    BOOST_TEST(Json::parse(sb.fab({"agent", "list", "--json"}).out)["agents"].empty());
    // The config takes no such name either.
    auto r2 = sb.fab({"project", "config", "set", "web", "model", "two words"});
    BOOST_TEST(r2.code != 0);
    BOOST_TEST(r2.err.find("is not a model name") != std::string::npos, r2.err);
}

BOOST_AUTO_TEST_SUITE_END()
