#include "cli/command.hpp"

#include <boost/test/unit_test.hpp>
#include <set>

using namespace fab::cli;

BOOST_AUTO_TEST_SUITE(command_table)

BOOST_AUTO_TEST_CASE(paths_are_unique_and_every_command_has_help) {
    std::set<std::string> seen;
    for (const Command& c : commands()) {
        BOOST_TEST(seen.insert(c.path).second, "duplicate command " << c.path);
        BOOST_TEST(std::string(c.summary).size() > 5u, c.path);
        BOOST_TEST(c.run != nullptr);
        bool has_help = false;
        for (const Flag& f : c.flags) has_help |= std::string(f.name) == "help";
        BOOST_TEST(has_help, c.path << " lacks --help");
    }
}

BOOST_AUTO_TEST_CASE(longest_path_wins) {
    size_t used = 0;
    const Command* c = find_command({"project", "config", "set", "web", "k", "v"}, used);
    BOOST_TEST_REQUIRE(c != nullptr);
    BOOST_TEST(std::string(c->path) == "project config set");
    BOOST_TEST(used == 3u);
    BOOST_TEST(find_command({"project"}, used) == nullptr);
    BOOST_TEST(find_command({"nonsense"}, used) == nullptr);
}

BOOST_AUTO_TEST_CASE(groups_are_derived_from_paths) {
    auto g = command_groups();
    std::set<std::string> s(g.begin(), g.end());
    BOOST_TEST(s.count("server"));
    BOOST_TEST(s.count("project"));
    BOOST_TEST(s.count("project config"));
}

BOOST_AUTO_TEST_CASE(flags_parse_in_both_spellings_with_values) {
    size_t used = 0;
    const Command* c = find_command({"project", "add"}, used);
    auto inv = parse_invocation(*c, {"/src/web", "--name=web", "--max-agents", "4", "--autostart"});
    BOOST_TEST_REQUIRE(inv.has_value());
    BOOST_TEST(inv->args.size() == 1u);
    BOOST_TEST(inv->flag("name") == "web");
    BOOST_TEST(inv->flag("max-agents") == "4");
    BOOST_TEST(inv->has("autostart"));
}

BOOST_AUTO_TEST_CASE(short_flags_and_double_dash) {
    size_t used = 0;
    const Command* c = find_command({"status"}, used);
    auto inv = parse_invocation(*c, {"-a", "--json"});
    BOOST_TEST_REQUIRE(inv.has_value());
    BOOST_TEST(inv->has("all"));
    const Command* add = find_command({"project", "add"}, used);
    auto inv2 = parse_invocation(*add, {"--", "--weird-dir"});
    BOOST_TEST_REQUIRE(inv2.has_value());
    BOOST_TEST(inv2->args.at(0) == "--weird-dir");
}

BOOST_AUTO_TEST_CASE(usage_errors_are_detected) {
    size_t used = 0;
    const Command* add = find_command({"project", "add"}, used);
    BOOST_TEST(!parse_invocation(*add, {}).has_value());                     // missing argument
    BOOST_TEST(!parse_invocation(*add, {"a", "b"}).has_value());             // too many
    BOOST_TEST(!parse_invocation(*add, {"a", "--bogus"}).has_value());       // unknown flag
    BOOST_TEST(!parse_invocation(*add, {"a", "--name"}).has_value());        // missing value
    BOOST_TEST(!parse_invocation(*add, {"a", "--autostart=1"}).has_value()); // switch with value
    BOOST_TEST(parse_invocation(*add, {"--help"}).has_value()); // help skips arg checks
}

BOOST_AUTO_TEST_CASE(usage_line_lists_flags_and_arguments) {
    size_t used = 0;
    const Command* c = find_command({"project", "remove"}, used);
    std::string u = usage_line(*c);
    BOOST_TEST(u.find("fab project remove") == 0u);
    BOOST_TEST(u.find("[--force]") != std::string::npos);
    BOOST_TEST(u.find("<name>") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
