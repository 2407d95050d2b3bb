// fab project add|list|remove|config through the real CLI and daemon.
#include "harness.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

using namespace fab;
using namespace fab::test;
namespace fs = std::filesystem;

namespace {
struct Started {
    Sandbox sb;
    Started() { BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0); }
    std::string project_dir(const std::string& n) { return sb.fab_dir() + "/projects/" + n; }
};
} // namespace

BOOST_FIXTURE_TEST_SUITE(projects, Started)

BOOST_AUTO_TEST_CASE(add_local_repository_clones_and_registers_it) {
    std::string src = sb.make_repo("web");
    auto r = sb.fab({"project", "add", src, "--max-agents", "4", "--autostart"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    BOOST_TEST(r.out.find("added project web") == 0u, r.out);
    BOOST_TEST(fs::exists(project_dir("web") + "/repo/README.md"));
    std::string cfg = read_text(sb.config_file());
    BOOST_TEST(cfg.find("[project \"web\"]") != std::string::npos, cfg);
    BOOST_TEST(cfg.find("remote-url = " + src) != std::string::npos, cfg);
    BOOST_TEST(cfg.find("max-agents = 4") != std::string::npos, cfg);

    auto list = Json::parse(sb.fab({"project", "list", "--json"}).out);
    BOOST_TEST_REQUIRE(list["projects"].size() == 1u);
    BOOST_TEST(list["projects"][0]["name"] == "web");
    BOOST_TEST(list["projects"][0]["max_agents"] == 4);
    BOOST_TEST(list["projects"][0]["autostart"] == true);
    auto status = Json::parse(sb.fab({"status", "--json"}).out);
    BOOST_TEST(status["projects"][0]["name"] == "web");
}

BOOST_AUTO_TEST_CASE(relative_path_and_name_option_work) {
    sb.make_repo("api");
    auto r = sb.run({build_path("fab"), "project", "add", "./api", "--name", "backend"}, sb.root());
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    BOOST_TEST(fs::exists(project_dir("backend") + "/repo/.git"));
    BOOST_TEST(sb.fab({"project", "config", "get", "backend", "remote-url"}).out ==
               sb.root() + "/api\n");
}

BOOST_AUTO_TEST_CASE(duplicate_name_is_an_error_and_changes_nothing) {
    std::string src = sb.make_repo("web");
    BOOST_TEST_REQUIRE(sb.fab({"project", "add", src}).code == 0);
    std::string before = read_text(sb.config_file());
    auto r = sb.fab({"project", "add", src});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("project \"web\" already exists") != std::string::npos, r.err);
    BOOST_TEST(read_text(sb.config_file()) == before);
}

BOOST_AUTO_TEST_CASE(non_repository_is_refused_and_leaves_nothing_behind) {
    fs::create_directories(sb.root() + "/plain");
    auto r = sb.fab({"project", "add", sb.root() + "/plain"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("not a git repository") != std::string::npos, r.err);
    BOOST_TEST(!fs::exists(project_dir("plain")));
    auto missing = sb.fab({"project", "add", sb.root() + "/nowhere"});
    BOOST_TEST(missing.err.find("no such directory") != std::string::npos, missing.err);
    bool registered = fs::exists(sb.config_file()) &&
                      read_text(sb.config_file()).find("[project") != std::string::npos;
    BOOST_TEST(!registered);
}

BOOST_AUTO_TEST_CASE(failed_clone_from_url_removes_the_partial_directory) {
    auto r = sb.fab({"project", "add", "file:///nonexistent/repo.git"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("git clone failed") != std::string::npos, r.err);
    BOOST_TEST(wait_for([&] { return !fs::exists(project_dir("repo")); }));
    BOOST_TEST(Json::parse(sb.fab({"project", "list", "--json"}).out)["projects"].empty());
}

BOOST_AUTO_TEST_CASE(invalid_option_value_names_the_allowed_values) {
    std::string src = sb.make_repo("web");
    auto r = sb.fab({"project", "add", src, "--merge-strategy", "squash"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("direct, pull-request") != std::string::npos, r.err);
    BOOST_TEST(!fs::exists(project_dir("web")));
}

BOOST_AUTO_TEST_CASE(config_set_validates_writes_and_keeps_comments) {
    std::string src = sb.make_repo("web");
    BOOST_TEST_REQUIRE(sb.fab({"project", "add", src}).code == 0);
    // The user adds comments by hand; a later set must keep them.
    std::string cfg = read_text(sb.config_file());
    std::ofstream(sb.config_file())
        << "# my fab settings\n[defaults]\n; three is plenty\nmax-agents = 3\n\n"
        << cfg;
    auto bad = sb.fab({"project", "config", "set", "web", "max-agents", "0"});
    BOOST_TEST(bad.code == 1);
    BOOST_TEST(bad.err.find("1 to 100") != std::string::npos, bad.err);
    auto unknown = sb.fab({"project", "config", "set", "web", "colour", "red"});
    BOOST_TEST(unknown.err.find("unknown key \"colour\"") != std::string::npos, unknown.err);
    auto ok = sb.fab({"project", "config", "set", "web", "max-agents", "7"});
    BOOST_TEST(ok.code == 0, ok.err);
    std::string after = read_text(sb.config_file());
    BOOST_TEST(after.find("# my fab settings\n[defaults]\n; three is plenty\n") == 0u, after);
    BOOST_TEST(after.find("max-agents = 7") != std::string::npos, after);
    BOOST_TEST(sb.fab({"project", "config", "get", "web", "max-agents"}).out == "7\n");
    // Inherited values say where they come from.
    auto show = Json::parse(sb.fab({"project", "config", "show", "web", "--json"}).out);
    bool saw_backend = false;
    for (auto& v : show["projects"][0]["values"])
        if (v["key"] == "coding-backend") {
            saw_backend = true;
            BOOST_TEST(v["value"] == "claude");
        }
    BOOST_TEST(saw_backend);
}

BOOST_AUTO_TEST_CASE(hand_edits_are_picked_up_and_broken_ones_reported_with_line) {
    std::string src = sb.make_repo("web");
    BOOST_TEST_REQUIRE(sb.fab({"project", "add", src}).code == 0);
    std::string cfg = read_text(sb.config_file());
    std::ofstream(sb.config_file()) << cfg << "\n[project \"other\"]\nremote-url = /x\n";
    auto list = Json::parse(sb.fab({"project", "list", "--json"}).out);
    BOOST_TEST(list["projects"].size() == 2u);
    std::ofstream(sb.config_file()) << cfg << "max-agents = lots\n";
    int bad_line = 0;
    for (char ch : cfg) bad_line += ch == '\n';
    auto r = sb.fab({"project", "list"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find(sb.config_file() + ":" + std::to_string(bad_line + 1) + ":") !=
                   std::string::npos,
               r.err);
    BOOST_TEST(sb.fab({"status"}).code == 0, "the daemon keeps running on a broken edit");
}

BOOST_AUTO_TEST_CASE(remove_refuses_uncommitted_work_unless_forced) {
    std::string src = sb.make_repo("web");
    BOOST_TEST_REQUIRE(sb.fab({"project", "add", src}).code == 0);
    std::ofstream(project_dir("web") + "/repo/wip.txt") << "unsaved work\n";
    auto r = sb.fab({"project", "remove", "web"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("uncommitted changes") != std::string::npos, r.err);
    BOOST_TEST(fs::exists(project_dir("web") + "/repo/wip.txt"));
    auto keep = sb.fab({"project", "remove", "web", "--keep-files"});
    BOOST_TEST(keep.code == 0, keep.err);
    BOOST_TEST(fs::exists(project_dir("web") + "/repo/wip.txt"));
    BOOST_TEST(Json::parse(sb.fab({"project", "list", "--json"}).out)["projects"].empty());
}

BOOST_AUTO_TEST_CASE(remove_deletes_the_clone) {
    std::string src = sb.make_repo("web");
    BOOST_TEST_REQUIRE(sb.fab({"project", "add", src}).code == 0);
    auto r = sb.fab({"project", "remove", "web"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(!fs::exists(project_dir("web")));
    BOOST_TEST(fs::exists(src + "/README.md"), "the user's repository is untouched");
    BOOST_TEST(sb.fab({"project", "remove", "web"}).err.find("no project \"web\"") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(project_commands_need_the_daemon) {
    BOOST_TEST(sb.fab({"server", "stop"}).code == 0);
    auto r = sb.fab({"project", "list"});
    BOOST_TEST(r.code == 3);
    BOOST_TEST(r.err.find("fab server start") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
