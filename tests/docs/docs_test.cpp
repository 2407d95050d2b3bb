// Docs cannot drift: every visible command of the table (src/cli/table.cpp)
// must have a section in man/fab.1 with its synopsis and every flag, an entry
// in each completion script naming every flag, and a line in `fab help`; and
// neither the man page nor a script may describe a command the table lacks.
//
// Conventions the checks rely on (see the comments at the top of each file):
// - man/fab.1: section COMMANDS has one `.SS <path>` per command; the text up
//   to the next .SS/.SH is that command's section.
// - completions: between the lines `# fab-commands-begin` and
//   `# fab-commands-end`, an entry starts on a line whose first quoted word is
//   the command path ('server start'), optionally after "[", "(" or a function
//   name; it runs to the next entry. Flags are written as --name / -x there.
#include "cli/command.hpp"
#include "protocol/messages.hpp"
#include "protocol/messages_man.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <vector>

using namespace fab::cli;

namespace {

const std::string kSource = FAB_SOURCE_ROOT;
const std::string kFab = std::string(FAB_BUILD_ROOT) + "/fab";

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    BOOST_TEST_REQUIRE(in.good(), "cannot read " << path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return {};
    auto e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

std::string collapse_spaces(const std::string& s) {
    std::string out;
    bool space = false;
    for (char c : s) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = true;
            continue;
        }
        if (space && !out.empty()) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

std::vector<const Command*> visible_commands() {
    std::vector<const Command*> out;
    for (const Command& c : commands())
        if (!c.hidden) out.push_back(&c);
    return out;
}

const Command* lookup(const std::string& path) {
    for (const Command& c : commands())
        if (path == c.path) return &c;
    return nullptr;
}

// The ways a flag is written: "--json", and "-a" when it has a short name.
std::vector<std::string> spellings(const Flag& f) {
    std::vector<std::string> out = {std::string("--") + f.name};
    if (f.short_name) out.push_back(std::string("-") + f.short_name);
    return out;
}

// True when `flag` occurs in `text` as a whole option: "-a" matches in
// "-a --all" and "{-a,--all}", not inside "--all" or "-abc".
bool mentions_flag(const std::string& text, const std::string& flag) {
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; };
    for (size_t at = text.find(flag); at != std::string::npos; at = text.find(flag, at + 1)) {
        bool starts = at == 0 || !word(text[at - 1]);
        size_t end = at + flag.size();
        bool ends = end == text.size() || !(word(text[end]) || text[end] == '_');
        if (starts && ends) return true;
    }
    return false;
}

// roff source → the words a reader sees: escapes resolved, macro names and
// comments dropped, whitespace collapsed.
std::string roff_to_text(const std::string& roff) {
    std::string joined;
    for (const std::string& line : lines_of(roff)) {
        if (line.rfind(".\\\"", 0) == 0 || line.rfind("'\\\"", 0) == 0) continue;
        std::string l = line;
        if (!l.empty() && l[0] == '.') {
            auto sp = l.find(' ');
            l = sp == std::string::npos ? "" : l.substr(sp + 1);
            std::erase(l, '"');
        }
        joined += l + '\n';
    }
    static const std::vector<std::pair<std::regex, std::string>> escapes = {
        {std::regex(R"(\\f(\[[^\]]*\]|\(..|.))"), ""},
        {std::regex(R"(\\\(dq)"), "\""},
        {std::regex(R"(\\\(aq)"), "'"},
        {std::regex(R"(\\\(em)"), "--"},
        {std::regex(R"(\\[ ~])"), " "},
        {std::regex(R"(\\[%&c])"), ""},
        {std::regex(R"(\\-)"), "-"},
        {std::regex(R"(\\e)"), "\\"},
    };
    for (const auto& [re, with] : escapes) joined = std::regex_replace(joined, re, with);
    return collapse_spaces(joined);
}

struct ManPage {
    std::vector<std::string> order;              // .SS names in COMMANDS, in order
    std::map<std::string, std::string> sections; // name → text as read
};

std::string unquote(std::string s) {
    s = trim(s);
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
    return s;
}

ManPage read_man_page() {
    ManPage m;
    bool in_commands = false;
    std::string current;
    std::string roff;
    auto flush = [&] {
        if (!current.empty()) m.sections[current] = roff_to_text(roff);
        current.clear();
        roff.clear();
    };
    for (const std::string& line : lines_of(read_text(kSource + "/man/fab.1"))) {
        if (line.rfind(".SH", 0) == 0) {
            flush();
            in_commands = unquote(line.substr(3)) == "COMMANDS";
        } else if (in_commands && line.rfind(".SS", 0) == 0) {
            flush();
            current = roff_to_text(unquote(line.substr(3)));
            m.order.push_back(current);
        } else if (!current.empty()) {
            roff += line + '\n';
        }
    }
    flush();
    return m;
}

struct Script {
    std::string file;                                         // "completions/fab.bash"
    std::vector<std::pair<std::string, std::string>> entries; // path → its text
    bool has_table = false;
};

const std::vector<std::string> kScripts = {"completions/fab.bash", "completions/_fab",
                                           "completions/fab.fish"};

Script read_script(const std::string& file) {
    static const std::regex entry_start(R"(^(?:\[|\(|[A-Za-z_]+\s+)?'([a-z_][a-z0-9_ -]*)')");
    Script s{file, {}, false};
    bool inside = false;
    for (const std::string& raw : lines_of(read_text(kSource + "/" + file))) {
        std::string line = trim(raw);
        if (line == "# fab-commands-begin") {
            inside = s.has_table = true;
            continue;
        }
        if (line == "# fab-commands-end") inside = false;
        if (!inside) continue;
        std::smatch m;
        if (std::regex_search(line, m, entry_start)) s.entries.emplace_back(m[1].str(), "");
        if (!s.entries.empty()) s.entries.back().second += line + '\n';
    }
    return s;
}

struct RunResult {
    int status = -1;
    std::string out;
};

std::string shell_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

RunResult run(const std::string& command) {
    RunResult r;
    FILE* p = ::popen((command + " 2>/dev/null").c_str(), "r");
    BOOST_TEST_REQUIRE(p != nullptr, "cannot run " << command);
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
    int st = ::pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

bool have_program(const std::string& name) {
    return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

std::set<std::string> lines_set(const std::string& text) {
    std::set<std::string> out;
    for (const std::string& l : lines_of(text))
        if (!trim(l).empty()) out.insert(trim(l));
    return out;
}

// The words that may follow a command-path prefix ("" = top level), per the table.
std::set<std::string> next_words(const std::string& prefix) {
    std::set<std::string> out;
    for (const Command* c : visible_commands()) {
        std::string p = c->path;
        if (!prefix.empty()) {
            if (p.rfind(prefix + " ", 0) != 0) continue;
            p = p.substr(prefix.size() + 1);
        }
        out.insert(p.substr(0, p.find(' ')));
    }
    return out;
}

std::vector<std::string> split_words(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

// Tests run `fab` and shells: give them an empty, private world.
struct PrivateHome {
    std::filesystem::path dir;
    PrivateHome() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "fab-docs.XXXXXX").string();
        BOOST_TEST_REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        dir = tmpl;
        ::setenv("HOME", tmpl.c_str(), 1);
        ::setenv("FAB_DIR", (tmpl + "/fab").c_str(), 1);
        ::setenv("XDG_CONFIG_HOME", (tmpl + "/config").c_str(), 1);
        ::unsetenv("FAB_SOCKET_PATH");
        ::unsetenv("FAB_PID_PATH");
    }
    ~PrivateHome() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(man_page)

BOOST_AUTO_TEST_CASE(man_page_has_one_section_per_visible_command) {
    ManPage m = read_man_page();
    for (const Command* c : visible_commands()) {
        auto n = std::count(m.order.begin(), m.order.end(), std::string(c->path));
        BOOST_TEST(n == 1, "man/fab.1 COMMANDS has " << n << " '.SS " << c->path
                                                     << "' sections; want exactly one");
    }
}

BOOST_AUTO_TEST_CASE(man_page_section_shows_the_synopsis_of_its_command) {
    ManPage m = read_man_page();
    for (const Command* c : visible_commands()) {
        auto it = m.sections.find(c->path);
        if (it == m.sections.end()) continue; // reported by the test above
        std::string usage = collapse_spaces(usage_line(*c));
        BOOST_TEST(it->second.find(usage) != std::string::npos,
                   "man/fab.1 section '" << c->path << "' lacks its synopsis \"" << usage
                                         << "\" (as printed by --help)");
    }
}

// Each flag is an item of its own (not only a word of the synopsis):
// ".TP", then "-x, --name ARG", then the help of the table, which may go on.
BOOST_AUTO_TEST_CASE(man_page_section_documents_every_flag_with_its_help) {
    ManPage m = read_man_page();
    for (const Command* c : visible_commands()) {
        auto it = m.sections.find(c->path);
        if (it == m.sections.end()) continue;
        for (const Flag& f : c->flags) {
            std::string item = f.short_name ? std::string("-") + f.short_name + ", " : "";
            item += std::string("--") + f.name + (f.arg ? std::string(" ") + f.arg : "");
            item += " " + collapse_spaces(f.help);
            BOOST_TEST(it->second.find(item) != std::string::npos,
                       "man/fab.1 section '" << c->path << "' lacks the item for --" << f.name
                                             << ": \"" << item << "\"");
        }
    }
}

BOOST_AUTO_TEST_CASE(man_page_describes_no_command_missing_from_the_table) {
    ManPage m = read_man_page();
    BOOST_TEST_REQUIRE(!m.order.empty(), "man/fab.1 has no COMMANDS section with .SS entries");
    for (const std::string& name : m.order) {
        const Command* c = lookup(name);
        BOOST_TEST(c != nullptr, "man/fab.1 documents '" << name << "', which is not a command");
        if (c) BOOST_TEST(!c->hidden, "man/fab.1 documents the internal command '" << name << "'");
    }
}

BOOST_AUTO_TEST_CASE(config_file_man_page_exists) {
    std::string page = read_text(kSource + "/man/fab.conf.5");
    BOOST_TEST(page.find(".TH FAB.CONF 5") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(completions)

BOOST_AUTO_TEST_CASE(every_script_has_one_entry_per_visible_command) {
    for (const std::string& file : kScripts) {
        Script s = read_script(file);
        BOOST_TEST_REQUIRE(s.has_table, file << " has no '# fab-commands-begin' table");
        for (const Command* c : visible_commands()) {
            auto n = std::count_if(s.entries.begin(), s.entries.end(),
                                   [&](const auto& e) { return e.first == c->path; });
            BOOST_TEST(n == 1, file << " has " << n << " entries for '" << c->path
                                    << "'; want exactly one");
        }
    }
}

BOOST_AUTO_TEST_CASE(every_script_offers_each_flag_in_the_entry_of_its_command) {
    for (const std::string& file : kScripts) {
        Script s = read_script(file);
        for (const auto& [path, text] : s.entries) {
            const Command* c = lookup(path);
            if (!c) continue; // reported below
            for (const Flag& f : c->flags)
                for (const std::string& sp : spellings(f))
                    BOOST_TEST(mentions_flag(text, sp),
                               file << ": the entry for '" << path << "' lacks " << sp);
        }
    }
}

BOOST_AUTO_TEST_CASE(every_script_names_every_word_of_every_command_path) {
    for (const std::string& file : kScripts) {
        std::string text = read_text(kSource + "/" + file);
        for (const Command* c : visible_commands())
            for (const std::string& w : split_words(c->path))
                BOOST_TEST(text.find(w) != std::string::npos,
                           file << " never mentions '" << w << "' (of '" << c->path << "')");
    }
}

BOOST_AUTO_TEST_CASE(no_script_completes_a_command_missing_from_the_table) {
    for (const std::string& file : kScripts) {
        Script s = read_script(file);
        for (const auto& [path, text] : s.entries) {
            const Command* c = lookup(path);
            BOOST_TEST(c != nullptr, file << " completes '" << path << "', which is not a command");
            if (c)
                BOOST_TEST(!c->hidden, file << " completes the internal command '" << path << "'");
        }
    }
}

// Exactly the table's flags: an entry offers nothing its command lacks
// (-h/--help, which every command has, aside).
BOOST_AUTO_TEST_CASE(no_script_offers_a_flag_its_command_lacks) {
    static const std::regex option(R"((^|[\s'"{,(\[])(--?[A-Za-z][A-Za-z0-9-]*))");
    for (const std::string& file : kScripts) {
        Script s = read_script(file);
        for (const auto& [path, text] : s.entries) {
            const Command* c = lookup(path);
            if (!c) continue; // reported above
            std::set<std::string> known = {"-h", "--help"};
            for (const Flag& f : c->flags)
                for (const std::string& sp : spellings(f)) known.insert(sp);
            for (std::sregex_iterator it(text.begin(), text.end(), option), end; it != end; ++it)
                BOOST_TEST(known.count((*it)[2].str()) == 1,
                           file << ": the entry for '" << path << "' offers " << (*it)[2].str()
                                << ", which the command does not have");
        }
    }
}

// zsh and fish show each command's one-line summary: the table's, verbatim.
BOOST_AUTO_TEST_CASE(zsh_and_fish_describe_each_command_with_its_summary) {
    // Shell quoting spells an apostrophe several ways: compare without quotes.
    auto unquoted = [](std::string t) {
        std::erase(t, '\'');
        std::erase(t, '\\');
        std::erase(t, '"');
        return t;
    };
    for (const std::string& file :
         {std::string("completions/_fab"), std::string("completions/fab.fish")}) {
        Script s = read_script(file);
        for (const auto& [path, text] : s.entries)
            if (const Command* c = lookup(path))
                BOOST_TEST(unquoted(text).find(unquoted(c->summary)) != std::string::npos,
                           file << ": the entry for '" << path << "' lacks the summary '"
                                << c->summary << "'");
    }
}

// Runs the real bash function: COMP_WORDS = fab + words, cursor on the last.
std::set<std::string> bash_complete(const std::vector<std::string>& words,
                                    const std::string& program = "fab") {
    std::string cmd = "bash --norc --noprofile -c " +
                      shell_quote("source \"$0\" || exit 9; COMP_WORDS=(" + program +
                                  " \"$@\"); COMP_CWORD=$#; _fab; printf '%s\\n' "
                                  "\"${COMPREPLY[@]}\"") +
                      " " + shell_quote(kSource + "/completions/fab.bash");
    for (const std::string& w : words) cmd += " " + shell_quote(w);
    RunResult r = run(cmd);
    BOOST_TEST(r.status == 0, "bash completion failed: " << cmd);
    return lines_set(r.out);
}

BOOST_AUTO_TEST_CASE(bash_completes_each_command_path_word_by_word,
                     *boost::unit_test::label("shell")) {
    PrivateHome home;
    std::set<std::string> prefixes = {""};
    for (const std::string& g : command_groups()) prefixes.insert(g);
    for (const std::string& prefix : prefixes) {
        std::vector<std::string> words = split_words(prefix);
        words.emplace_back("");
        std::set<std::string> want = next_words(prefix);
        if (want.empty()) continue; // a group of hidden commands only
        BOOST_TEST(bash_complete(words) == want, "fab " << prefix << " <TAB>");
    }
}

BOOST_AUTO_TEST_CASE(bash_completes_every_flag_of_every_command,
                     *boost::unit_test::label("shell")) {
    PrivateHome home;
    for (const Command* c : visible_commands()) {
        std::vector<std::string> words = split_words(c->path);
        words.emplace_back("-");
        std::set<std::string> got = bash_complete(words);
        for (const Flag& f : c->flags)
            for (const std::string& sp : spellings(f))
                BOOST_TEST(got.count(sp), "fab " << c->path << " -<TAB> does not offer " << sp);
    }
}

BOOST_AUTO_TEST_CASE(bash_asks_fab_for_project_names, *boost::unit_test::label("shell")) {
    PrivateHome home;
    // A stand-in for fab that knows two projects: the script must run the
    // program the user typed with `__complete projects`.
    std::string stub = (home.dir / "fab").string();
    {
        std::ofstream out(stub);
        out << "#!/bin/sh\n[ \"$1 $2\" = \"__complete projects\" ] && printf 'web\\napi\\n'\n";
    }
    std::filesystem::permissions(stub, std::filesystem::perms::owner_all);
    std::set<std::string> want = {"web", "api"};
    BOOST_TEST(bash_complete({"project", "remove", ""}, stub) == want);
    BOOST_TEST(bash_complete({"project", "config", "set", "w"}, stub) ==
               std::set<std::string>{"web"});
    BOOST_TEST(bash_complete({"project", "remove", "web", ""}, stub).empty(),
               "only the first argument is a project");
}

BOOST_AUTO_TEST_CASE(fish_completes_paths_and_flags_when_fish_is_installed,
                     *boost::unit_test::label("shell")) {
    if (!have_program("fish")) {
        BOOST_TEST_MESSAGE("fish not installed: fish completion not exercised");
        return;
    }
    PrivateHome home;
    auto complete = [](const std::string& line) {
        RunResult r =
            run("fish --no-config -c " + shell_quote("source $argv[1]; and complete -C $argv[2]") +
                " " + shell_quote(kSource + "/completions/fab.fish") + " " + shell_quote(line));
        BOOST_TEST(r.status == 0, "fish failed on: " << line);
        std::set<std::string> out;
        for (const std::string& l : lines_of(r.out))
            if (!l.empty()) out.insert(l.substr(0, l.find('\t')));
        return out;
    };
    std::set<std::string> prefixes = {""};
    for (const std::string& g : command_groups()) prefixes.insert(g);
    for (const std::string& prefix : prefixes) {
        std::set<std::string> want = next_words(prefix);
        if (want.empty()) continue;
        BOOST_TEST(complete("fab " + prefix + (prefix.empty() ? "" : " ")) == want,
                   "fish: fab " << prefix << " <TAB>");
    }
    for (const Command* c : visible_commands()) {
        std::set<std::string> got = complete(std::string("fab ") + c->path + " -");
        for (const Flag& f : c->flags)
            for (const std::string& sp : spellings(f))
                BOOST_TEST(got.count(sp),
                           "fish: fab " << c->path << " -<TAB> does not offer " << sp);
    }
}

BOOST_AUTO_TEST_CASE(zsh_script_parses_when_zsh_is_installed, *boost::unit_test::label("shell")) {
    if (!have_program("zsh")) {
        BOOST_TEST_MESSAGE("zsh not installed: _fab not checked");
        return;
    }
    BOOST_TEST(run("zsh -n " + shell_quote(kSource + "/completions/_fab")).status == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(help)

BOOST_AUTO_TEST_CASE(fab_help_lists_every_visible_command_and_no_internal_one) {
    PrivateHome home;
    for (const std::string& how : {std::string(" help"), std::string(" --help")}) {
        RunResult r = run(shell_quote(kFab) + how);
        BOOST_TEST(r.status == 0, "fab" << how);
        std::set<std::string> listed;
        for (const std::string& l : lines_of(r.out)) {
            if (l.rfind("  ", 0) != 0) continue;
            for (const Command& c : commands()) {
                std::string p = c.path;
                if (l.rfind("  " + p, 0) == 0 &&
                    (l.size() == p.size() + 2 || l[p.size() + 2] == ' '))
                    listed.insert(p);
            }
        }
        for (const Command& c : commands()) {
            if (c.hidden)
                BOOST_TEST(!listed.count(c.path), "fab" << how << " lists internal " << c.path);
            else
                BOOST_TEST(listed.count(c.path), "fab" << how << " does not list " << c.path);
        }
    }
}

BOOST_AUTO_TEST_CASE(every_command_help_exits_zero_and_prints_its_usage) {
    PrivateHome home;
    for (const Command& c : commands()) {
        std::string cmd = shell_quote(kFab);
        for (const std::string& w : split_words(c.path)) cmd += " " + shell_quote(w);
        RunResult r = run(cmd + " --help");
        BOOST_TEST(r.status == 0, "fab " << c.path << " --help exited " << r.status);
        BOOST_TEST(r.out.find("usage: " + usage_line(c)) != std::string::npos,
                   "fab " << c.path << " --help does not print its usage");
    }
}

BOOST_AUTO_TEST_SUITE_END()

// fab-protocol(7) is the protocol table rendered (src/protocol/messages_man.cpp):
// every message of the table has its entry and the page has no other.
BOOST_AUTO_TEST_SUITE(protocol_page)

BOOST_AUTO_TEST_CASE(man_page_is_the_protocol_table_rendered) {
    std::string page = read_text(kSource + "/man/fab-protocol.7");
    BOOST_TEST((page == fab::proto::protocol_man_page()),
               "man/fab-protocol.7 differs from the protocol table; regenerate it with: "
               "build/gen-protocol-man > man/fab-protocol.7");
}

BOOST_AUTO_TEST_CASE(every_message_has_an_entry_and_every_entry_a_message) {
    std::set<std::string> in_page, deprecated_in_page;
    std::vector<std::string> lines = lines_of(read_text(kSource + "/man/fab-protocol.7"));
    bool deprecated = false;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].rfind(".SH", 0) == 0) deprecated = lines[i] == ".SH DEPRECATED NAMES";
        auto name = [](std::string l) { return std::regex_replace(l, std::regex(R"(\\-)"), "-"); };
        if (!deprecated && lines[i].rfind(".SS ", 0) == 0) in_page.insert(name(lines[i].substr(4)));
        if (deprecated && lines[i] == ".TP" && i + 1 < lines.size() &&
            lines[i + 1].rfind(".B ", 0) == 0)
            deprecated_in_page.insert(name(lines[i + 1].substr(3)));
    }
    std::set<std::string> table, table_deprecated;
    for (const auto& m : fab::proto::messages())
        (m.alias_of ? table_deprecated : table).insert(m.name);
    for (const auto& n : table) BOOST_TEST(in_page.count(n) == 1, "fab-protocol(7) lacks " << n);
    for (const auto& n : in_page)
        BOOST_TEST(table.count(n) == 1,
                   "fab-protocol(7) documents " << n << ", which the table lacks");
    BOOST_TEST((deprecated_in_page == table_deprecated),
               "DEPRECATED NAMES differs from the table's aliases");
}

BOOST_AUTO_TEST_SUITE_END()

// fab-tui parses the flags of `fab tui` (one list, src/cli/tui_flags.hpp):
// its --help names each of them with the table's help text.
BOOST_AUTO_TEST_CASE(fab_tui_help_shows_the_flags_of_fab_tui) {
    const Command* c = lookup("tui");
    BOOST_TEST_REQUIRE(c != nullptr);
    RunResult r = run(shell_quote(std::string(FAB_BUILD_ROOT) + "/fab-tui") + " --help");
    BOOST_TEST(r.status == 0);
    for (const Flag& f : c->flags) {
        BOOST_TEST(mentions_flag(r.out, std::string("--") + f.name),
                   "fab-tui --help lacks --" << f.name);
        BOOST_TEST(r.out.find(f.help) != std::string::npos, "fab-tui --help lacks: " << f.help);
    }
}
