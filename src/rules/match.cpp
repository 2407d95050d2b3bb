#include "rules/match.hpp"

#include "rules/normalize.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

namespace fab::rules {

namespace {

using Json = nlohmann::json;

struct ToolInfo {
    const char* tool;
    const char* field;
};

constexpr ToolInfo kTools[] = {
    {"Bash", "command"},    {"Read", "file_path"},      {"Write", "file_path"},
    {"Edit", "file_path"},  {"MultiEdit", "file_path"}, {"NotebookEdit", "notebook_path"},
    {"Glob", "pattern"},    {"Grep", "pattern"},        {"WebFetch", "url"},
    {"WebSearch", "query"}, {"Task", "prompt"},         {"Agent", "prompt"},
    {"Skill", "skill"},
};

std::string str_field(const Json& input, const char* key) {
    if (!input.is_object()) return {};
    auto it = input.find(key);
    return it != input.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool blank(char c) {
    return c == ' ' || c == '\t';
}

// Trimmed, with runs of blanks collapsed: "git  status" runs what "git
// status" runs, so it should match the same rules.
std::string squeeze(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (blank(c)) {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else {
            out += c;
        }
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

bool text_matches(const Pattern& p, std::string_view s) {
    if (p.kind == PatternKind::exact) return s == p.value;
    return s.substr(0, p.value.size()) == p.value;
}

// Prefix at a word boundary: "git status" matches "git status -s", not
// "git statusx"; "rm -rf /" does not match "rm -rf /tmp/x" either.
bool command_matches(const Pattern& p, const std::string& cmd) {
    const std::string v = squeeze(p.value);
    if (p.kind == PatternKind::exact || cmd.size() == v.size()) return cmd == v;
    if (cmd.compare(0, v.size(), v) != 0) return false;
    return cmd[v.size()] == ' ';
}

std::optional<std::string> anchor_dir(const Pattern& p, const MatchContext& ctx) {
    std::optional<std::string> base;
    switch (p.anchor) {
    case Anchor::worktree:
        base = normalize_path(ctx.worktree, "", ctx.home);
        break;
    case Anchor::home:
        base = normalize_path(ctx.home, "", ctx.home);
        break;
    case Anchor::absolute:
        base = "/";
        break;
    case Anchor::none:
        return std::nullopt;
    }
    if (!base || p.rel.empty()) return base;
    return *base == "/" ? "/" + p.rel : *base + "/" + p.rel;
}

// The directory a Glob or Grep searches. Glob's pattern can itself leave the
// search directory ("/etc/**", "../../x/*"), so its literal leading
// components (up to the first with a glob character) count as part of it.
std::string search_dir(std::string_view tool, const Json& input, const MatchContext& ctx) {
    std::string dir = str_field(input, "path");
    if (dir.empty()) dir = ctx.worktree;
    if (tool != "Glob") return dir;
    std::string pat = str_field(input, "pattern");
    size_t cut = 0; // end of the literal leading components
    for (size_t i = 0; i <= pat.size();) {
        size_t end = std::min(pat.find('/', i), pat.size());
        if (pat.find_first_of("*?[{", i) < end) break;
        cut = end;
        i = end + 1;
    }
    std::string lit = pat.substr(0, cut);
    if (lit.empty()) return dir;
    if (lit.front() == '/' || lit.front() == '~') return lit;
    return dir + "/" + lit;
}

bool path_matches(const Pattern& p, const std::string& raw, const MatchContext& ctx,
                  std::string* why) {
    auto dir = anchor_dir(p, ctx);
    if (!dir) return false;
    auto path =
        normalize_path(raw, normalize_path(ctx.worktree, "", ctx.home).value_or(""), ctx.home);
    if (!path) return false;
    bool ok = p.kind == PatternKind::exact ? *path == *dir : path_within(*path, *dir);
    if (ok && why)
        *why = "path " + *path + (p.kind == PatternKind::exact ? " is " : " is within ") + *dir +
               " (pattern \"" + p.text + "\")";
    return ok;
}

} // namespace

bool is_path_tool(std::string_view tool) {
    return tool == "Read" || tool == "Write" || tool == "Edit" || tool == "MultiEdit" ||
           tool == "NotebookEdit";
}

const char* primary_field(std::string_view tool) {
    for (const auto& t : kTools)
        if (tool == t.tool) return t.field;
    return nullptr;
}

std::string primary_value(std::string_view tool, const Json& input) {
    const char* f = primary_field(tool);
    return f ? str_field(input, f) : std::string();
}

bool has_shell_metachar(std::string_view command) {
    return command.find_first_of(";&|$`()<>\n\r") != std::string_view::npos;
}

std::vector<std::string> bash_segments(std::string_view command) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t i = 0; i <= command.size(); ++i) {
        bool sep = i == command.size() ||
                   std::string_view(";&|`()<>{}\n\r").find(command[i]) != std::string_view::npos;
        if (!sep) continue;
        std::string seg = squeeze(command.substr(start, i - start));
        start = i + 1;
        // Skip what only precedes the real command: FOO=1, env, nohup, …
        for (;;) {
            size_t sp = seg.find(' ');
            std::string word = seg.substr(0, sp);
            bool assignment = word.find('=') != std::string::npos && word.front() != '=';
            if (!(assignment || word == "env" || word == "nohup" || word == "time" ||
                  word == "exec" || word == "command" || word == "builtin" || word == "!") ||
                sp == std::string::npos)
                break;
            seg.erase(0, sp + 1);
        }
        if (!seg.empty()) out.push_back(std::move(seg));
    }
    return out;
}

bool bash_matches(const Pattern& p, std::string_view command, bool deny_side) {
    if (p.kind == PatternKind::all) return true;
    std::string cmd = squeeze(command);
    if (!has_shell_metachar(cmd) && command_matches(p, cmd)) return true;
    if (!deny_side) return false;
    for (const auto& seg : bash_segments(command))
        if (command_matches(p, seg)) return true;
    return false;
}

bool pattern_matches(const Pattern& p, std::string_view tool, const Json& input,
                     const MatchContext& ctx, bool deny_side, std::string* why) {
    if (p.kind == PatternKind::all) {
        if (why) *why = "pattern \"" + p.text + "\" matches every call";
        return true;
    }
    if (tool == "Bash") {
        std::string cmd = str_field(input, "command");
        bool ok = bash_matches(p, cmd, deny_side);
        if (ok && why) *why = "command matches \"" + p.text + "\"";
        return ok;
    }
    if (is_path_tool(tool)) {
        std::string raw = primary_value(tool, input);
        return !raw.empty() && path_matches(p, raw, ctx, why);
    }
    if ((tool == "Glob" || tool == "Grep") && p.anchor != Anchor::none)
        return path_matches(p, search_dir(tool, input, ctx), ctx, why);
    if (!primary_field(tool)) return false;
    std::string value = primary_value(tool, input);
    bool ok = text_matches(p, value);
    if (ok && why) *why = std::string(primary_field(tool)) + " matches \"" + p.text + "\"";
    return ok;
}

} // namespace fab::rules
