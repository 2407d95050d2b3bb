// The daemon keeps no mutable state in function-local statics or namespace
// globals: queues, in-flight sets and the LLM checker's counters belong to
// objects the daemon holds (Daemon, Supervisor, git::Runner, merge::Merges),
// so that two daemons in one process (tests) or a restart of a part cannot
// share or leak them. A `static` or global that is const or constexpr is fine.
#include "util/fs.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <regex>
#include <sstream>

namespace fs = std::filesystem;

namespace {

bool starts_with_any(const std::string& s, std::initializer_list<const char*> words) {
    for (const char* w : words)
        if (s.rfind(w, 0) == 0) return true;
    return false;
}

// What a declaration names before its initialiser: "(" there makes it a
// function (a declaration, or a static member function), not a variable.
std::string head_of(const std::string& s) {
    return s.substr(0, s.find_first_of("={;"));
}

// Lines of `text` that define mutable state: a `static` variable that is not
// const/constexpr (function-local or a class's), or a variable at namespace
// scope (a line starting in column 0 and ending in ';').
std::vector<std::string> mutable_statics(const std::string& text) {
    static const std::regex static_decl(R"(^\s*static\s+(.*)$)");
    std::vector<std::string> found;
    std::istringstream in(text);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        std::smatch m;
        std::string trimmed = line.substr(std::min(line.find_first_not_of(" \t"), line.size()));
        if (std::regex_match(line, m, static_decl)) {
            std::string rest = m[1];
            if (starts_with_any(rest, {"const ", "constexpr ", "inline const", "inline constexpr"}))
                continue;
            if (head_of(rest).find('(') != std::string::npos) continue;
            found.push_back(std::to_string(n) + ": " + trimmed);
            continue;
        }
        if (line.empty() || line[0] == ' ' || line[0] == '\t' || trimmed.back() != ';') continue;
        if (starts_with_any(trimmed,
                            {"const ", "constexpr ", "inline const", "static_assert", "namespace",
                             "using ", "struct ", "class ", "enum ", "template", "typedef", "#",
                             "//", "}", ")", "extern ", "friend ", "return"}))
            continue;
        std::string head = head_of(trimmed);
        if (head.find('(') != std::string::npos || head.find_first_not_of(" ") == std::string::npos)
            continue;
        found.push_back(std::to_string(n) + ": " + trimmed);
    }
    return found;
}

} // namespace

BOOST_AUTO_TEST_SUITE(daemon_state)

BOOST_AUTO_TEST_CASE(the_check_finds_what_it_forbids) {
    auto f = mutable_statics("void f() {\n    static std::set<std::string> ids;\n}\n"
                             "namespace {\nint g_in_flight = 0;\nstd::deque<int> g_waiting;\n"
                             "void pump(int x);\nconstexpr int kMax = 2;\n}\n"
                             "struct A {\n    static Key key(const std::string& r);\n"
                             "    static const int k = 1;\n    static int count;\n};\n"
                             "    static constexpr const char* kNames[] = {\"a\"};\n");
    BOOST_TEST(f.size() == 4u);
    BOOST_TEST(f.at(0) == "2: static std::set<std::string> ids;");
    BOOST_TEST(f.at(1) == "5: int g_in_flight = 0;");
    BOOST_TEST(f.at(2) == "6: std::deque<int> g_waiting;");
    BOOST_TEST(f.at(3) == "13: static int count;");
}

BOOST_AUTO_TEST_CASE(no_mutable_static_state_in_the_daemon) {
    std::vector<std::string> offenders;
    for (const auto& e :
         fs::recursive_directory_iterator(std::string(FAB_SOURCE_ROOT) + "/daemon")) {
        std::string path = e.path().string();
        if (!e.is_regular_file() || !(path.ends_with(".cpp") || path.ends_with(".hpp"))) continue;
        auto text = fab::read_file(path);
        BOOST_TEST_REQUIRE(text.ok());
        for (const auto& l : mutable_statics(*text)) offenders.push_back(path + ":" + l);
    }
    std::string all;
    for (const auto& o : offenders) all += "\n  " + o;
    BOOST_TEST(offenders.empty(), "mutable static state in daemon/ (make it a member of an "
                                  "object the daemon holds):" +
                                      all);
}

BOOST_AUTO_TEST_SUITE_END()
