// Tests for src/config: the INI document layer (round trip, edits, errors with
// line numbers), the schema, the typed Config and the fab.conf(5) docs.
#include "config/config.hpp"
#include "config/ini_document.hpp"
#include "config/pricing.hpp"
#include "config/schema.hpp"
#include "util/fs.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>

#include <cstdlib>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#ifndef FAB_SOURCE_ROOT
#error "the tests' meson.build passes -DFAB_SOURCE_ROOT=\"...\""
#endif

using namespace fab;

namespace {

std::string fixture(const std::string& name) {
    auto text = read_file(std::string(FAB_SOURCE_ROOT) + "/tests/fixtures/config/" + name);
    BOOST_REQUIRE_MESSAGE(text.ok(), (text.ok() ? std::string() : text.error()));
    return *text;
}

IniDocument parse_ok(const std::string& text) {
    auto doc = IniDocument::parse(text, "t.ini");
    BOOST_REQUIRE_MESSAGE(doc.ok(), (doc.ok() ? std::string() : doc.error()));
    return *doc;
}

std::string parse_error(const std::string& text) {
    auto doc = IniDocument::parse(text, "t.ini");
    BOOST_REQUIRE_MESSAGE(!doc.ok(), "expected a parse error for:\n" + text);
    return doc.error();
}

Config config_ok(const std::string& text, const std::string& file = "/etc/fab/config.ini") {
    auto doc = IniDocument::parse(text, file);
    BOOST_REQUIRE_MESSAGE(doc.ok(), (doc.ok() ? std::string() : doc.error()));
    auto c = config_from_document(*doc, file);
    BOOST_REQUIRE_MESSAGE(c.ok(), (c.ok() ? std::string() : c.error()));
    return *c;
}

std::string config_error(const std::string& text) {
    auto doc = IniDocument::parse(text, "/c/config.ini");
    if (!doc) return doc.error();
    auto c = config_from_document(*doc, "/c/config.ini");
    BOOST_REQUIRE_MESSAGE(!c.ok(), "expected a config error for:\n" + text);
    return c.error();
}

// A private temp directory, removed with its files at the end of the test.
struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/fab-config-test-XXXXXX";
        BOOST_REQUIRE(mkdtemp(tmpl) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        std::string cmd = "rm -rf '" + path + "'";
        (void)std::system(cmd.c_str());
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(config)

// ---- IniDocument: reading -------------------------------------------------

BOOST_AUTO_TEST_CASE(round_trip_keeps_comments_order_and_bytes) {
    for (const char* name : {"full.ini", "crlf.ini"}) {
        std::string text = fixture(name);
        BOOST_TEST(parse_ok(text).text() == text, name);
    }
    BOOST_TEST(parse_ok("").text() == "");
    BOOST_TEST(parse_ok("\n\n").text() == "\n\n");
    BOOST_TEST(parse_ok("[defaults]\nlog-level = info").text() == "[defaults]\nlog-level = info");
}

BOOST_AUTO_TEST_CASE(parse_gives_sections_entries_and_line_numbers) {
    IniDocument doc = parse_ok(fixture("full.ini"));
    const IniSection* web = doc.find("project", "web");
    BOOST_REQUIRE(web);
    BOOST_TEST(web->header == "project \"web\"");
    BOOST_TEST(web->line == 27);
    BOOST_REQUIRE(web->find("max-agents"));
    BOOST_TEST(web->find("max-agents")->value == "8");
    BOOST_TEST(web->find("max-agents")->line == 29);
    const IniEntry* tools_remote = doc.find("project", "tools", "remote-url");
    BOOST_REQUIRE(tools_remote); // indented, with ':' as the separator
    BOOST_TEST(tools_remote->value == "/srv/git/tools.git");
    BOOST_TEST(doc.find("defaults")->label == "");
    BOOST_TEST(doc.sections().size() == 6u);
    BOOST_TEST(doc.sections().back().label == "tools"); // file order
}

BOOST_AUTO_TEST_CASE(values_follow_inih_comment_and_quote_rules) {
    IniDocument doc = parse_ok("[s]\n"
                               "a = 1 ; comment\n"
                               "b = x;y\n"
                               "c = \" padded \"\n"
                               "d = one # two\n"
                               "e =\n"
                               "f = \"a ; b\"\n");
    const IniSection* s = doc.find("s");
    BOOST_TEST(s->find("a")->value == "1");
    BOOST_TEST(s->find("b")->value == "x;y"); // ';' needs whitespace before it
    BOOST_TEST(s->find("c")->value == " padded ");
    BOOST_TEST(s->find("d")->value == "one # two"); // '#' only at line start
    BOOST_TEST(s->find("e")->value == "");
    BOOST_TEST(s->find("f")->value == "\"a"); // inih: the comment wins over quotes
}

BOOST_AUTO_TEST_CASE(line_over_200_bytes_is_read_whole) {
    std::string value(300, 'x');
    IniDocument doc = parse_ok("[s]\nlong = " + value + "\nnext = 1\n");
    BOOST_TEST(doc.find("s", "", "long")->value == value);
    BOOST_TEST(doc.find("s", "", "next")->line == 3);
}

BOOST_AUTO_TEST_CASE(line_over_limit_is_an_error_naming_file_and_line) {
    std::string value(IniDocument::kMaxLine, 'x');
    std::string err = parse_error("[s]\n; ok\nlong = " + value + "\n");
    BOOST_TEST(err.rfind("t.ini:3: line is", 0) == 0, err);
}

BOOST_AUTO_TEST_CASE(long_section_label_is_not_truncated) {
    // inih cuts section names at 49 bytes; headers are parsed by fab.
    std::string label(60, 'r');
    IniDocument doc = parse_ok("[rule \"" + label + "\"]\ntool = Bash\n");
    BOOST_REQUIRE(doc.find("rule", label));
    BOOST_TEST(doc.find("rule", label)->entries.size() == 1u);
}

BOOST_AUTO_TEST_CASE(syntax_errors_name_file_and_line) {
    BOOST_TEST(parse_error("[s]\na = 1\nnot a key\n") ==
               "t.ini:3: expected \"key = value\", a [section] header or a comment, got \"not a "
               "key\"");
    BOOST_TEST(parse_error("; c\n[project \"web]\n") ==
               "t.ini:2: unterminated quote in section header");
    BOOST_TEST(parse_error("[s\n") == "t.ini:1: section header has no closing ]");
    BOOST_TEST(parse_error("[project web]\n").rfind("t.ini:1: unexpected text in section", 0) == 0);
    BOOST_TEST(parse_error("[s] junk\n") == "t.ini:1: unexpected text after section header");
    BOOST_TEST(parse_error("a = 1\n") == "t.ini:1: key \"a\" is outside any [section]");
    BOOST_TEST(parse_error("[s]\n= 1\n") == "t.ini:2: missing key name before '='");
}

BOOST_AUTO_TEST_CASE(duplicate_key_in_one_section_is_an_error) {
    BOOST_TEST(parse_error("[project \"a\"]\nmax-agents = 1\n\nmax-agents = 2\n") ==
               "t.ini:4: duplicate key \"max-agents\" in [project \"a\"] (first on line 2)");
    parse_ok("[project \"a\"]\nmax-agents = 1\n[project \"b\"]\nmax-agents = 2\n");
}

BOOST_AUTO_TEST_CASE(repeated_section_is_an_error) {
    // inih would merge these silently: its callback gets no section boundary.
    BOOST_TEST(parse_error("[project \"x\"]\na = 1\n[defaults]\n[project \"x\"]\nb = 2\n") ==
               "t.ini:4: duplicate section [project \"x\"] (first on line 1)");
    BOOST_TEST(parse_error("[defaults]\n[defaults]\n") ==
               "t.ini:2: duplicate section [defaults] (first on line 1)");
}

BOOST_AUTO_TEST_CASE(first_error_in_the_file_is_reported) {
    BOOST_TEST(parse_error("[s]\na = 1\na = 2\nbad line\n").rfind("t.ini:3:", 0) == 0);
    BOOST_TEST(parse_error("[s]\nbad line\na = 1\na = 2\n").rfind("t.ini:2:", 0) == 0);
}

BOOST_AUTO_TEST_CASE(load_missing_file_is_empty_document) {
    TempDir dir;
    auto doc = IniDocument::load(dir.path + "/absent.ini");
    BOOST_REQUIRE(doc.ok());
    BOOST_TEST(doc->sections().empty());
    BOOST_TEST(doc->text() == "");
}

// ---- IniDocument: editing -------------------------------------------------

BOOST_AUTO_TEST_CASE(set_replaces_value_in_place_keeping_comment) {
    std::string text = fixture("full.ini");
    IniDocument doc = parse_ok(text);
    BOOST_REQUIRE(doc.set("defaults", "", "max-agents", "6").ok());
    std::string expected = text;
    std::string from = "max-agents = 4          ; default for every project";
    expected.replace(expected.find(from), from.size(),
                     "max-agents = 6          ; default for every project");
    BOOST_TEST(doc.text() == expected);
    BOOST_TEST(doc.find("defaults", "", "max-agents")->value == "6");
}

BOOST_AUTO_TEST_CASE(set_keeps_indentation_separator_and_crlf) {
    IniDocument doc = parse_ok(fixture("crlf.ini"));
    BOOST_REQUIRE(doc.set("project", "crlf", "max-agents", "5").ok());
    BOOST_TEST(doc.text() == "; no final newline, CRLF lines\r\n[project \"crlf\"]\r\nremote-url = "
                             "/srv/x\r\n\r\n  # indented comment\r\nmax-agents=5 ; two");
    IniDocument tools = parse_ok(fixture("full.ini"));
    BOOST_REQUIRE(tools.set("project", "tools", "remote-url", "/srv/other").ok());
    BOOST_TEST(tools.text().find("  remote-url: /srv/other\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(set_appends_new_key_after_section_last_entry) {
    IniDocument doc = parse_ok("[defaults]\nlog-level = info\n\n; the web shop\n"
                               "[project \"web\"]\n  remote-url = /r\n");
    BOOST_REQUIRE(doc.set("defaults", "", "max-agents", "2").ok());
    BOOST_REQUIRE(doc.set("project", "web", "autostart", "true").ok());
    BOOST_TEST(doc.text() == "[defaults]\nlog-level = info\nmax-agents = 2\n\n; the web shop\n"
                             "[project \"web\"]\n  remote-url = /r\n  autostart = true\n");
    BOOST_TEST(doc.find("project", "web", "autostart")->line == 8);
}

BOOST_AUTO_TEST_CASE(set_appends_new_section_at_end) {
    IniDocument doc = parse_ok("; my config\n[defaults]\nlog-level = info");
    BOOST_REQUIRE(doc.set("project", "api", "remote-url", "https://x/api.git").ok());
    BOOST_REQUIRE(doc.set("manager", "", "allowed-patterns", "fab:*").ok());
    BOOST_TEST(doc.text() == "; my config\n[defaults]\nlog-level = info\n\n"
                             "[project \"api\"]\nremote-url = https://x/api.git\n\n"
                             "[manager]\nallowed-patterns = fab:*\n");
    IniDocument empty = parse_ok("");
    BOOST_REQUIRE(empty.set("defaults", "", "log-level", "warn").ok());
    BOOST_TEST(empty.text() == "[defaults]\nlog-level = warn\n");
}

BOOST_AUTO_TEST_CASE(set_quotes_values_that_would_not_read_back) {
    IniDocument doc = parse_ok("[s]\n");
    BOOST_REQUIRE(doc.set("s", "", "a", " padded").ok());
    BOOST_REQUIRE(doc.set("s", "", "b", "").ok());
    BOOST_REQUIRE(doc.set("s", "", "c", ";semi").ok());
    BOOST_REQUIRE(doc.set("s", "", "d", "\"q\"").ok());
    BOOST_TEST(doc.text() == "[s]\na = \" padded\"\nb = \"\"\nc = \";semi\"\nd = \"\"q\"\"\n");
    IniDocument back = parse_ok(doc.text());
    BOOST_TEST(back.find("s", "", "a")->value == " padded");
    BOOST_TEST(back.find("s", "", "b")->value == "");
    BOOST_TEST(back.find("s", "", "c")->value == ";semi");
    BOOST_TEST(back.find("s", "", "d")->value == "\"q\"");
}

BOOST_AUTO_TEST_CASE(set_rejects_unwritable_values_and_leaves_document_unchanged) {
    const std::string text = "[s]\na = 1\n";
    IniDocument doc = parse_ok(text);
    BOOST_TEST(!doc.set("s", "", "a", "two\nlines").ok());
    BOOST_TEST(!doc.set("s", "", "a", "x ; y").ok());
    BOOST_TEST(!doc.set("s", "", "bad key", "1").ok());
    BOOST_TEST(!doc.set("s", "a\"b", "k", "1").ok());
    BOOST_TEST(!doc.set("s", "", "a", std::string(IniDocument::kMaxLine, 'x')).ok());
    BOOST_TEST(doc.text() == text);
}

BOOST_AUTO_TEST_CASE(unset_removes_only_that_line) {
    IniDocument doc = parse_ok("[s]\n; keep\na = 1\nb = 2\n");
    BOOST_TEST(doc.unset("s", "", "a"));
    BOOST_TEST(!doc.unset("s", "", "a"));
    BOOST_TEST(!doc.unset("nope", "", "b"));
    BOOST_TEST(doc.text() == "[s]\n; keep\nb = 2\n");
    BOOST_TEST(doc.find("s", "", "b")->line == 3);
}

BOOST_AUTO_TEST_CASE(remove_section_removes_header_and_entries_only) {
    IniDocument doc = parse_ok("[defaults]\nlog-level = info\n\n[project \"a\"]\nremote-url = /a\n"
                               "; inside\nmax-agents = 2\n\n; about b\n[project \"b\"]\n"
                               "remote-url = /b\n");
    BOOST_TEST(doc.remove_section("project", "a"));
    BOOST_TEST(!doc.remove_section("project", "a"));
    BOOST_TEST(doc.text() == "[defaults]\nlog-level = info\n\n; about b\n[project \"b\"]\n"
                             "remote-url = /b\n");
    BOOST_TEST(doc.find("project", "b")->line == 5);
    BOOST_TEST(doc.remove_section("project", "b"));
    BOOST_TEST(doc.text() == "[defaults]\nlog-level = info\n\n; about b\n");
}

BOOST_AUTO_TEST_CASE(save_writes_private_file_that_loads_back) {
    TempDir dir;
    std::string path = dir.path + "/config.ini";
    IniDocument doc = parse_ok(fixture("full.ini"));
    BOOST_REQUIRE(doc.set("project", "web", "max-agents", "9").ok());
    BOOST_REQUIRE(doc.save(path).ok());
    struct stat st {};
    BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == 0600u);
    auto back = IniDocument::load(path);
    BOOST_REQUIRE(back.ok());
    BOOST_TEST(back->text() == doc.text());
    BOOST_TEST(back->find("project", "web", "max-agents")->value == "9");
}

// ---- Schema ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(validate_value_explains_what_is_allowed) {
    BOOST_TEST(validate_value("project", "max-agents", "0").error() ==
               "max-agents must be an integer from 1 to 100, got \"0\"");
    BOOST_TEST(validate_value("project", "max-agents", "three").error() ==
               "max-agents must be an integer from 1 to 100, got \"three\"");
    BOOST_TEST(validate_value("project", "merge-strategy", "squash").error() ==
               "merge-strategy must be one of: direct, pull-request; got \"squash\"");
    BOOST_TEST(validate_value("defaults", "autostart", "maybe").error() ==
               "autostart must be true or false, got \"maybe\"");
    BOOST_TEST(validate_value("llm-auth", "timeout", "601").error() ==
               "timeout must be an integer from 1 to 600, got \"601\"");
    BOOST_TEST(validate_value("project", "max-agents", "100").ok());
    BOOST_TEST(validate_value("defaults", "autostart", "yes").ok());
    BOOST_TEST(validate_value("project", "merge-strategy", "pull-request").ok());
}

BOOST_AUTO_TEST_CASE(validate_value_rejects_unknown_keys_and_sections) {
    std::string err = validate_value("project", "foo", "1").error();
    BOOST_TEST(err.rfind("unknown key \"foo\" in [project]; allowed keys: remote-url, ", 0) == 0,
               err);
    BOOST_TEST(err.find("max-agents") != std::string::npos);
    BOOST_TEST(err.find("log-level") == std::string::npos); // [defaults] only
    err = validate_value("project", "log-level", "info").error();
    BOOST_TEST(err.find("(\"log-level\" belongs in [defaults])") != std::string::npos, err);
    err = validate_value("projects", "max-agents", "1").error();
    BOOST_TEST(err.rfind("unknown section [projects]; allowed sections: [defaults], [project "
                         "\"name\"], ",
                         0) == 0,
               err);
    BOOST_TEST(!validate_section("project", "").ok());
    BOOST_TEST(!validate_section("defaults", "x").ok());
    BOOST_TEST(validate_section("providers", "x").ok());
}

BOOST_AUTO_TEST_CASE(remote_url_accepts_urls_scp_and_absolute_paths) {
    for (const char* ok : {"https://github.com/a/b.git", "ssh://git@host/a.git",
                           "git@github.com:a/b", "/srv/git/repo", "file:///srv/repo"})
        BOOST_TEST(validate_value("project", "remote-url", ok).ok(), ok);
    for (const char* bad : {"", "repo", "./repo", "https://", "a b"})
        BOOST_TEST(!validate_value("project", "remote-url", bad).ok(), bad);
    BOOST_TEST(validate_value("providers", "base-url", "https://api.example.com/v1").ok());
    BOOST_TEST(!validate_value("providers", "base-url", "api.example.com").ok());
}

BOOST_AUTO_TEST_CASE(api_key_env_rejects_a_key_without_echoing_it) {
    BOOST_TEST(validate_value("providers", "api-key-env", "ANTHROPIC_API_KEY").ok());
    std::string err = validate_value("providers", "api-key-env", "sk-ant-secret123").error();
    BOOST_TEST(err.find("sk-ant") == std::string::npos, err);
    BOOST_TEST(err.find("environment variable") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(every_schema_key_is_documented_and_its_default_is_valid) {
    BOOST_TEST(config_keys().size() >= 24u);
    for (const KeySpec& k : config_keys()) {
        BOOST_TEST(!k.doc.empty(), k.name);
        BOOST_TEST(k.sections != 0u, k.name);
        if (k.default_value.empty()) continue;
        for (const SectionSpec& s : config_sections())
            if (k.sections & s.bit)
                BOOST_TEST(validate_value(s.kind, k.name, k.default_value).ok(), k.name);
    }
}

// ---- Config ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(missing_config_file_gives_defaults_and_no_projects) {
    TempDir dir;
    auto c = load_config(dir.path + "/config.ini");
    BOOST_REQUIRE_MESSAGE(c.ok(), (c.ok() ? std::string() : c.error()));
    BOOST_TEST(c->projects.empty());
    BOOST_TEST(c->defaults.max_agents == 3);
    BOOST_TEST(c->defaults.autostart == false);
    BOOST_TEST(c->defaults.issue_backend == "tk");
    BOOST_TEST(c->defaults.permissions_checker == "manual");
    BOOST_TEST(c->defaults.agent_backend == "claude");
    BOOST_TEST(c->defaults.coding_backend == "");
    BOOST_TEST(c->defaults.merge_strategy == "direct");
    BOOST_TEST(c->defaults.permission_timeout == 300);
    BOOST_TEST(c->defaults.heartbeat_continue == 120);
    BOOST_TEST(c->defaults.heartbeat_abort == 240);
    BOOST_TEST(c->defaults.log_level == "info");
    BOOST_TEST(c->llm_auth.present == false);
    BOOST_TEST(c->llm_auth.unsafe_action == "ask");
    BOOST_TEST(c->llm_auth.timeout == 30);
    BOOST_TEST(c->manager.allowed_patterns == std::vector<std::string>{"fab:*"});
}

BOOST_AUTO_TEST_CASE(full_config_is_typed_and_projects_inherit_defaults) {
    Config c = config_ok(fixture("full.ini"), "/home/u/.config/fab/config.ini");
    BOOST_TEST(c.defaults.max_agents == 4);
    BOOST_TEST(c.defaults.log_level == "debug");
    BOOST_TEST(c.defaults.heartbeat_abort == 180);
    BOOST_REQUIRE(c.projects.size() == 2u);
    BOOST_TEST(c.projects[0].name == "web"); // file order
    const ProjectConfig* web = c.project("web");
    BOOST_REQUIRE(web);
    BOOST_TEST(web->max_agents == 8);
    BOOST_TEST(web->issue_backend == "github");
    BOOST_TEST(web->merge_strategy == "pull-request");
    BOOST_TEST(web->allowed_authors == (std::vector<std::string>{"alice", "bob", "carol"}));
    BOOST_TEST(web->autostart == false);
    BOOST_TEST(web->line == 27);
    const ProjectConfig* tools = c.project("tools");
    BOOST_REQUIRE(tools);
    BOOST_TEST(tools->max_agents == 4); // from [defaults]
    BOOST_TEST(tools->issue_backend == "tk");
    BOOST_TEST(tools->autostart == true);
    BOOST_TEST(tools->remote_url == "/srv/git/tools.git");
    BOOST_TEST(tools->kickstart_prompt == "/home/u/.config/fab/prompts/tools.md");
    BOOST_TEST(c.project("nope") == nullptr);
    BOOST_REQUIRE(c.provider("anthropic"));
    BOOST_TEST(c.provider("anthropic")->api_key_env == "ANTHROPIC_API_KEY");
    BOOST_TEST(c.llm_auth.provider == "anthropic");
    BOOST_TEST(c.llm_auth.unsafe_action == "deny");
    BOOST_TEST(c.llm_auth.timeout == 20);
    BOOST_TEST(c.manager.allowed_patterns == (std::vector<std::string>{"fab:*", "git status"}));
}

BOOST_AUTO_TEST_CASE(bad_value_reports_its_file_and_line) {
    BOOST_TEST(config_error("[defaults]\nlog-level = info\n\n[project \"web\"]\nremote-url = /r\n"
                            "\nmax-agents = 500\n") ==
               "/c/config.ini:7: max-agents must be an integer from 1 to 100, got \"500\"");
    BOOST_TEST(config_error("[project \"w\"]\nremote-url = /r\nfoo = 1\n")
                   .rfind("/c/config.ini:3: unknown key \"foo\" in [project]; allowed keys:", 0) ==
               0);
    BOOST_TEST(config_error("; hi\n[rule \"x\"]\n")
                   .rfind("/c/config.ini:2: unknown section [rule]; allowed sections:", 0) == 0);
    BOOST_TEST(config_error("[project]\n") ==
               "/c/config.ini:1: [project] needs a name: [project \"name\"]");
    // Syntax errors come from the document layer with the same shape.
    BOOST_TEST(config_error("[defaults]\nmax-agents = 1\nmax-agents = 2\n") ==
               "/c/config.ini:3: duplicate key \"max-agents\" in [defaults] (first on line 2)");
}

BOOST_AUTO_TEST_CASE(cross_key_errors_report_file_and_line) {
    BOOST_TEST(config_error("[project \"web\"]\nmax-agents = 2\n") ==
               "/c/config.ini:1: [project \"web\"] has no remote-url");
    BOOST_TEST(config_error("[project \".hidden\"]\nremote-url = /r\n")
                   .rfind("/c/config.ini:1: invalid name \".hidden\"", 0) == 0);
    BOOST_TEST(config_error("[providers \"a\"]\ntype = openai\n[llm-auth]\nprovider = b\n") ==
               "/c/config.ini:4: provider \"b\" names no [providers \"b\"] section; defined: a");
    BOOST_TEST(config_error("[providers \"a\"]\nmodel = m\n") ==
               "/c/config.ini:1: [providers \"a\"] has no type (anthropic or openai)");
    BOOST_TEST(config_error("[defaults]\npermissions-checker = llm\n")
                   .rfind("/c/config.ini:2: permissions-checker = llm needs [llm-auth]", 0) == 0);
    BOOST_TEST(config_error("[defaults]\nheartbeat-continue = 300\n") ==
               "/c/config.ini:2: heartbeat-abort (240) must be greater than heartbeat-continue "
               "(300)");
    config_ok("[providers \"a\"]\ntype = openai\n[llm-auth]\nprovider = a\n"
              "[defaults]\npermissions-checker = llm\n");
}

BOOST_AUTO_TEST_CASE(resolve_backend_prefers_project_role_then_agent_then_defaults) {
    Config c = config_ok("[project \"p\"]\nremote-url = /r\n");
    ProjectConfig p = *c.project("p");
    BOOST_TEST(resolve_backend(c, p, "coding") == "claude"); // nothing set anywhere
    c.defaults.agent_backend = "codex";
    BOOST_TEST(resolve_backend(c, p, "coding") == "codex");
    c.defaults.coding_backend = "claude";
    BOOST_TEST(resolve_backend(c, p, "coding") == "claude");
    BOOST_TEST(resolve_backend(c, p, "planner") == "codex");
    p.agent_backend = "codex";
    BOOST_TEST(resolve_backend(c, p, "coding") == "codex"); // project agent beats defaults role
    p.coding_backend = "claude";
    BOOST_TEST(resolve_backend(c, p, "coding") == "claude");
    BOOST_TEST(resolve_backend(c, p, "planner") == "codex");
    BOOST_TEST(resolve_backend(c, p, "agent") == "codex");
    c.defaults.agent_backend.clear();
    p.agent_backend.clear();
    BOOST_TEST(resolve_backend(c, p, "planner") == "claude"); // final fallback

    Config full = config_ok(fixture("full.ini"));
    BOOST_TEST(resolve_backend(full, *full.project("web"), "planner") == "claude");
    BOOST_TEST(resolve_backend(full, *full.project("web"), "coding") == "codex");
}

BOOST_AUTO_TEST_CASE(resolve_model_prefers_flag_then_project_role_then_project_then_defaults) {
    Config c = config_ok("[defaults]\nmodel = d-any\n"
                         "[project \"p\"]\nremote-url = /r\n"
                         "[project \"q\"]\nremote-url = /q\nmodel = q-any\n"
                         "planner-model = q-plan\n");
    const ProjectConfig* p = c.project("p");
    const ProjectConfig* q = c.project("q");
    BOOST_TEST(resolve_model(c, p, "coding") == "d-any");   // only [defaults] model
    BOOST_TEST(resolve_model(c, q, "coding") == "q-any");   // project model beats defaults
    BOOST_TEST(resolve_model(c, q, "planner") == "q-plan"); // project role beats project model
    BOOST_TEST(resolve_model(c, q, "agent") == "q-any");    // manager: model only
    BOOST_TEST(resolve_model(c, q, "planner", "flag") == "flag"); // the flag beats everything
    BOOST_TEST(resolve_model(c, nullptr, "agent") == "d-any");    // the director: [defaults]
    c.defaults.coding_model = "d-code";
    BOOST_TEST(resolve_model(c, p, "coding") == "d-code"); // defaults role beats defaults model
    BOOST_TEST(resolve_model(c, p, "planner") == "d-any");
    BOOST_TEST(resolve_model(c, q, "coding") == "q-any"); // project model beats defaults role
    c.defaults.model.clear();
    c.defaults.coding_model.clear();
    BOOST_TEST(resolve_model(c, p, "coding").empty()); // the CLI's own default
    // The keys are accepted in both sections and nowhere else.
    std::string err = config_error("[manager]\nplanner-model = x\n");
    BOOST_TEST(err.find("unknown key \"planner-model\" in [manager]") != std::string::npos, err);
}

BOOST_AUTO_TEST_CASE(issue_backend_gh_is_github) {
    Config c = config_ok("[defaults]\nissue-backend = gh\n"
                         "[project \"p\"]\nremote-url = /r\n"
                         "[project \"q\"]\nremote-url = /q\nissue-backend = gh\n");
    BOOST_TEST(c.defaults.issue_backend == "github");
    BOOST_TEST(c.project("p")->issue_backend == "github");
    BOOST_TEST(c.project("q")->issue_backend == "github");
    BOOST_TEST(static_cast<bool>(validate_value("project", "issue-backend", "gh")));
    BOOST_TEST(!validate_value("project", "issue-backend", "ghx"));
}

BOOST_AUTO_TEST_CASE(check_model_name_refuses_only_what_cannot_be_an_argument) {
    for (std::string ok : {std::string(), std::string("opus"), std::string("claude-opus-4-8[1m]"),
                           std::string("gpt-5.1-codex"), std::string("no-such-model")})
        BOOST_TEST(static_cast<bool>(check_model_name(ok)), ok);
    for (std::string bad : {std::string("--dangerously-skip-permissions"), std::string("a b"),
                            std::string("a\nb"), std::string(201, 'x')})
        BOOST_TEST(!check_model_name(bad), bad);
}

BOOST_AUTO_TEST_CASE(valid_project_name_allows_safe_directory_names_only) {
    for (std::string ok : {std::string("web"), std::string("my-app_2"), std::string("a.b"),
                           std::string("A"), std::string(64, 'x')})
        BOOST_TEST(valid_project_name(ok), ok);
    for (std::string bad :
         {std::string(), std::string(".hidden"), std::string("-rf"), std::string(".."),
          std::string("a/b"), std::string("a b"), std::string("é"), std::string(65, 'x')})
        BOOST_TEST(!valid_project_name(bad), bad);
}

// ---- [cli] -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(cli_section_types_its_keys_and_resolves_paths_against_the_file) {
    Config c = config_ok("[cli]\nmode = server\nserver-url = https://fab.example.com:3000/\n"
                         "token-file = token\ntls-cert = ~/c.pem\ntls-key = /k/key.pem\n"
                         "tls-ca = ca/team.pem\n",
                         "/home/u/.config/fab/config.ini");
    BOOST_TEST(c.cli.server_mode);
    BOOST_TEST(c.cli.server_url == "https://fab.example.com:3000");
    BOOST_TEST(c.cli.token_file == "/home/u/.config/fab/token");
    BOOST_TEST(c.cli.tls_key == "/k/key.pem");
    BOOST_TEST(c.cli.tls_ca == "/home/u/.config/fab/ca/team.pem");
    BOOST_TEST(c.cli.tls_cert.ends_with("/c.pem"));
    BOOST_TEST(c.cli.tls_cert.front() == '/');
    // Absent: local mode, nothing set.
    Config none = config_ok("[defaults]\nmax-agents = 2\n");
    BOOST_TEST(!none.cli.server_mode);
    BOOST_TEST(none.cli.server_url.empty());
}

BOOST_AUTO_TEST_CASE(cli_section_mistakes_name_file_and_line) {
    BOOST_TEST(config_error("[cli]\nmode = remote\n").starts_with("/c/config.ini:2: "));
    std::string e = config_error("[cli]\n\nmode = server\n");
    BOOST_TEST(e == "/c/config.ini:3: mode = server needs server-url in [cli]", e);
    e = config_error("[cli]\nserver-url = ftp://x\n");
    BOOST_TEST(e.starts_with("/c/config.ini:2: "), e);
    e = config_error("[cli]\nserver-url = https://x:3000/api\n");
    BOOST_TEST(e.starts_with("/c/config.ini:2: server-url must be http(s)://host[:port]"), e);
    e = config_error("[cli]\nserver-url = https://x\ntls-cert = c.pem\n");
    BOOST_TEST(e.starts_with("/c/config.ini:3: a client certificate needs both"), e);
    e = config_error("[cli]\nhttp-listen = 3000\n");
    BOOST_TEST(e.starts_with("/c/config.ini:2: unknown key \"http-listen\""), e);
}

BOOST_AUTO_TEST_CASE(the_client_reads_only_the_cli_section) {
    TempDir dir;
    std::string file = dir.path + "/config.ini";
    // A missing file: local.
    auto c = load_cli_config(file);
    BOOST_TEST_REQUIRE(c.ok());
    BOOST_TEST(!c->server_mode);
    // A mistake elsewhere is the daemon's business; the [cli] values still come through.
    BOOST_REQUIRE(write_file_atomic(file, "[defaults]\nmax-agents = many\n[cli]\nmode = server\n"
                                          "server-url = http://127.0.0.1:9\ntoken-file = t\n")
                      .ok());
    c = load_cli_config(file);
    BOOST_TEST_REQUIRE(c.ok(), (c.ok() ? std::string() : c.error()));
    BOOST_TEST(c->server_mode);
    BOOST_TEST(c->server_url == "http://127.0.0.1:9");
    BOOST_TEST(c->token_file == dir.path + "/t");
    // ... but its own mistakes stop the client, with the place.
    BOOST_REQUIRE(write_file_atomic(file, "[cli]\nmode = server\nserver-url = nowhere\n").ok());
    c = load_cli_config(file);
    BOOST_TEST_REQUIRE(!c.ok());
    BOOST_TEST(c.error().starts_with(file + ":3: "), c.error());
}

// ---- Docs -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(man_page_documents_every_section_and_key) {
    auto man = read_file(std::string(FAB_SOURCE_ROOT) + "/man/fab.conf.5");
    BOOST_REQUIRE_MESSAGE(man.ok(), (man.ok() ? std::string() : man.error()));
    // roff escapes '-' as "\-"; compare against the unescaped text.
    std::string text;
    for (size_t i = 0; i < man->size(); ++i) {
        if ((*man)[i] == '\\' && i + 1 < man->size() && (*man)[i + 1] == '-') continue;
        text += (*man)[i];
    }
    BOOST_TEST(text.find(".TH FAB.CONF 5") != std::string::npos);
    for (const SectionSpec& s : config_sections())
        BOOST_TEST(text.find("[" + std::string(s.kind)) != std::string::npos, s.kind);
    for (const KeySpec& k : config_keys()) {
        // Each key has its own tagged paragraph: `.TP` then `.B name`.
        BOOST_TEST(text.find(".B " + std::string(k.name) + "\n") != std::string::npos, k.name);
        if (!k.default_value.empty())
            BOOST_TEST(text.find(std::string(k.default_value)) != std::string::npos, k.name);
    }
}

BOOST_AUTO_TEST_CASE(man_page_example_is_a_valid_config) {
    auto man = read_file(std::string(FAB_SOURCE_ROOT) + "/man/fab.conf.5");
    BOOST_REQUIRE(man.ok());
    size_t begin = man->find(".SH EXAMPLE\n.nf\n.RS 4\n");
    BOOST_REQUIRE(begin != std::string::npos);
    begin = man->find(".RS 4\n", begin) + 6;
    size_t end = man->find(".RE\n", begin);
    BOOST_REQUIRE(end != std::string::npos);
    std::string example;
    for (size_t i = begin; i < end; ++i) {
        if ((*man)[i] == '\\' && i + 1 < end && (*man)[i + 1] == '-') continue;
        example += (*man)[i];
    }
    Config c = config_ok(example);
    BOOST_TEST(c.projects.size() == 2u);
    BOOST_TEST(c.llm_auth.provider == "anthropic");
}

BOOST_AUTO_TEST_CASE(pricing_sections_override_the_built_in_defaults) {
    Config c =
        config_ok("[pricing \"gpt-5.5\"]\ninput = 2\noutput = 20.5\n"
                  "[pricing \"local-model\"]\ninput = 0.1\ncached-input = 0.01\noutput = 0.4\n");
    BOOST_TEST_REQUIRE(c.pricing.size() == 2u);
    const PricingConfig* p = find_pricing(c, "gpt-5.5");
    BOOST_TEST_REQUIRE(p != nullptr);
    BOOST_TEST(p->input == 2.0);
    BOOST_TEST(p->cached_input == 2.0); // unset: the input price
    BOOST_TEST(p->output == 20.5);
    BOOST_TEST(p->line == 1);
    p = find_pricing(c, "local-model");
    BOOST_TEST_REQUIRE(p != nullptr);
    BOOST_TEST(p->cached_input == 0.01);
    // Built-in defaults, and a suffixed name matching its base.
    p = find_pricing(c, "claude-opus-4-8[1m]");
    BOOST_TEST_REQUIRE(p != nullptr);
    BOOST_TEST(p->model == "claude-opus-4-8");
    BOOST_TEST(p->line == 0);
    BOOST_TEST(find_pricing(c, "no-such-model") == nullptr);
    BOOST_TEST(find_pricing(c, "") == nullptr);
    // input 802 + cache writes 0 at 1.25, 200 cache reads at 0.125, 50 out at 10
    Usage u;
    u.input_tokens = 802;
    u.cache_read_tokens = 200;
    u.output_tokens = 50;
    PricingConfig d{"gpt-5.5", 1.25, 0.125, 10, 0};
    BOOST_TEST(std::abs(price_usage(d, u) - (802 * 1.25 + 200 * 0.125 + 50 * 10) / 1e6) < 1e-12);
}

BOOST_AUTO_TEST_CASE(pricing_errors_name_file_and_line) {
    BOOST_TEST(config_error("[pricing \"m\"]\noutput = 1\n").find("has no input") !=
               std::string::npos);
    BOOST_TEST(config_error("[pricing \"m\"]\ninput = 1\n").find("has no output") !=
               std::string::npos);
    std::string e = config_error("[pricing \"m\"]\ninput = -1\noutput = 1\n");
    BOOST_TEST(e.find("/c/config.ini:2") != std::string::npos, e);
    BOOST_TEST(e.find("dollars per million tokens") != std::string::npos, e);
    for (const char* bad : {"1e3", "inf", "nan", "1.2.3", "", ".", "$1", "2000000"})
        BOOST_TEST(!parse_price(bad).has_value(), bad);
    BOOST_TEST(parse_price("0").value() == 0.0);
    BOOST_TEST(parse_price("1.25").value() == 1.25);
    BOOST_TEST(parse_price(".5").value() == 0.5);
    BOOST_TEST(config_error("[pricing]\ninput = 1\noutput = 1\n").find("needs a name") !=
               std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
