// `fab config import`: the Go fab's TOML (tests/fixtures/go-fab/) mapped onto
// fab's INI, checked by loading the result with fab's own config and rule
// parsers; what cannot be mapped is reported, never dropped silently.
#include "cli/go_import.hpp"
#include "config/config.hpp"
#include "rules/rules.hpp"
#include "util/fs.hpp"

#include <boost/test/unit_test.hpp>

using namespace fab;
using namespace fab::cli;

namespace {

std::string sample(const std::string& name) {
    auto text = read_file(std::string(FAB_SOURCE_ROOT) + "/tests/fixtures/go-fab/" + name);
    BOOST_REQUIRE_MESSAGE(text.ok(), (text.ok() ? std::string() : text.error()));
    return *text;
}

bool mentions(const std::vector<std::string>& lines, const std::string& what) {
    for (const auto& l : lines)
        if (l.find(what) != std::string::npos) return true;
    return false;
}

std::string value(const IniDocument& d, std::string_view kind, std::string_view label,
                  std::string_view key) {
    const IniEntry* e = d.find(kind, label, key);
    return e ? e->value : "<unset>";
}

} // namespace

BOOST_AUTO_TEST_SUITE(go_import)

BOOST_AUTO_TEST_CASE(config_toml_becomes_a_config_ini_fab_loads) {
    IniDocument doc;
    auto r = import_go_config(sample("config.toml"), "config.toml", doc);
    BOOST_TEST_REQUIRE(r.ok(), (r.ok() ? "" : r.error()));
    auto cfg = config_from_document(doc, "/c/config.ini");
    BOOST_TEST_REQUIRE(cfg.ok(), (cfg.ok() ? "" : cfg.error()) << "\n" << doc.text());

    BOOST_TEST(cfg->defaults.log_level == "debug");
    BOOST_TEST(cfg->defaults.agent_backend == "codex");
    BOOST_TEST(cfg->defaults.merge_strategy == "pull-request");
    BOOST_TEST(cfg->llm_auth.provider == "anthropic");
    BOOST_TEST(cfg->llm_auth.model == "claude-haiku-4-5");
    const ProviderConfig* anthropic = cfg->provider("anthropic");
    BOOST_TEST_REQUIRE(anthropic != nullptr);
    BOOST_TEST(anthropic->api_key_env == "ANTHROPIC_API_KEY");
    BOOST_TEST(
        (cfg->manager.allowed_patterns == std::vector<std::string>{"fab:*", "git status:*"}));

    const ProjectConfig* fe = cfg->project("frontend");
    BOOST_TEST_REQUIRE(fe != nullptr);
    BOOST_TEST(fe->remote_url == "git@github.com:org/frontend.git");
    BOOST_TEST(fe->issue_backend == "github"); // the Go fab's "gh"
    BOOST_TEST((fe->allowed_authors == std::vector<std::string>{"alice", "bob"}));
    BOOST_TEST(fe->max_agents == 5);
    const ProjectConfig* be = cfg->project("backend");
    BOOST_TEST_REQUIRE(be != nullptr);
    BOOST_TEST(be->remote_url == "https://github.com/org/backend.git"); // from `url`
    BOOST_TEST(be->autostart);
    BOOST_TEST(be->max_agents == 3); // 0 is refused: the default stays
    BOOST_TEST(be->planner_backend == "claude");
    BOOST_TEST(cfg->projects.size() == 2u);

    // The key itself is never written; everything left out is named.
    BOOST_TEST(doc.text().find("sk-ant") == std::string::npos);
    const auto& no = r->not_moved;
    BOOST_TEST(mentions(no, "providers.anthropic.api-key"));
    BOOST_TEST(mentions(no, "export ANTHROPIC_API_KEY"));
    BOOST_TEST(mentions(no, "providers.linear"));
    BOOST_TEST(mentions(no, "webhook"));
    BOOST_TEST(mentions(no, "max-agents must be an integer from 1 to 100"));
    BOOST_TEST(mentions(no, "\"../escape\""));
    BOOST_TEST(mentions(no, "\"no-remote\": no valid remote-url"));
    BOOST_TEST(no.size() == 6u);
}

BOOST_AUTO_TEST_CASE(import_into_an_existing_config_keeps_its_comments_and_settings) {
    auto doc =
        IniDocument::parse("; my notes\n[defaults]\nmax-agents = 7 ; mine\n"
                           "[project \"frontend\"]\nremote-url = /srv/old\nautostart = true\n",
                           "/c/config.ini");
    BOOST_TEST_REQUIRE(doc.ok());
    auto r = import_go_config(sample("config.toml"), "config.toml", *doc);
    BOOST_TEST_REQUIRE(r.ok());
    std::string text = doc->text();
    BOOST_TEST(text.find("; my notes") == 0u);
    BOOST_TEST(text.find("max-agents = 7 ; mine") != std::string::npos);
    BOOST_TEST(value(*doc, "project", "frontend", "remote-url") ==
               "git@github.com:org/frontend.git");
    BOOST_TEST(value(*doc, "project", "frontend", "autostart") == "true"); // not in the TOML: kept
}

BOOST_AUTO_TEST_CASE(permissions_toml_becomes_rules_fab_parses_in_the_same_order) {
    IniDocument doc;
    auto r = import_go_permissions(sample("permissions.toml"), "permissions.toml", doc);
    BOOST_TEST_REQUIRE(r.ok(), (r.ok() ? "" : r.error()));
    auto rules = rules::parse_rules(doc, "/home/u");
    BOOST_TEST_REQUIRE(rules.ok(), (rules.ok() ? "" : rules.error()) << "\n" << doc.text());
    BOOST_TEST_REQUIRE(rules->size() == 5u, doc.text());
    BOOST_TEST((*rules)[0].name == "imported-1");
    BOOST_TEST(value(doc, "rule", "imported-1", "action") == "deny");
    BOOST_TEST(value(doc, "rule", "imported-1", "patterns") == "rm -rf :*, sudo :*");
    BOOST_TEST(value(doc, "rule", "imported-2", "pattern") == "git status:*");
    BOOST_TEST(value(doc, "rule", "imported-3", "tool") == "Write");
    BOOST_TEST(value(doc, "rule", "imported-4", "script") == "~/scripts/validate-bash.sh");
    BOOST_TEST(value(doc, "rule", "imported-5", "pattern") == "echo a,b:*"); // one item: pattern
    const auto& no = r->not_moved;
    BOOST_TEST(mentions(no, "a list item with a comma (\"printf x,y:*\")"));
    BOOST_TEST(mentions(no, "action"));    // "maybe" refused by fab's rule parser
    BOOST_TEST(mentions(no, "[manager]")); // belongs in config.ini
    BOOST_TEST(no.size() == 3u);
}

BOOST_AUTO_TEST_CASE(bad_toml_is_an_error_naming_file_and_line) {
    IniDocument doc;
    auto r =
        import_go_config("log_level = \"info\"\n[[projects]\nname = 1\n", "/x/config.toml", doc);
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().find("/x/config.toml:2:") == 0u, r.error());
    BOOST_TEST(doc.text().empty());
}

BOOST_AUTO_TEST_SUITE_END()
