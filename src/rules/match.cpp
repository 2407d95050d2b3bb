#include "rules/match.hpp"

#include "protocol/fields.hpp"
#include "rules/normalize.hpp"
#include "rules/shell.hpp"
#include "rules/writing_options.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <cerrno>
#include <glob.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sys/stat.h>

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

// An absolute directory resolved, once per context.
const std::optional<std::string>& resolved_dir(const MatchContext& ctx, const std::string& dir) {
    auto it = ctx.resolved.find(dir);
    if (it == ctx.resolved.end())
        it = ctx.resolved.emplace(dir, normalize_path(dir, "", ctx.home)).first;
    return it->second;
}

std::optional<std::string> anchor_dir(const Pattern& p, const MatchContext& ctx) {
    std::optional<std::string> base;
    switch (p.anchor) {
    case Anchor::worktree:
        base = resolved_dir(ctx, ctx.worktree);
        break;
    case Anchor::home:
        base = resolved_dir(ctx, ctx.home);
        break;
    case Anchor::absolute:
        base = "/";
        break;
    case Anchor::none:
        return std::nullopt;
    }
    // An unset, relative or root worktree (or home) never widens a rule to
    // the whole file system: such a rule matches nothing.
    if (p.anchor != Anchor::absolute && base && *base == "/") return std::nullopt;
    if (!base || p.rel.empty() || p.any_depth) return base;
    return *base == "/" ? "/" + p.rel : *base + "/" + p.rel;
}

// The directory a Glob or Grep searches. Glob's pattern can itself leave the
// search directory ("/etc/**", "../../x/*"), so its literal leading
// components (up to the first with a glob character) count as part of it.
// A `..` after a wildcard ("src/*/../../etc") climbs out of wherever the
// wildcard led: no directory can be named, so nullopt.
std::optional<std::string> search_dir(std::string_view tool, const Json& input,
                                      const MatchContext& ctx) {
    std::string dir = str_or(input, "path");
    if (dir.empty()) dir = ctx.worktree;
    if (tool != "Glob") return dir;
    std::string pat = str_or(input, "pattern");
    size_t cut = 0; // end of the literal leading components
    for (size_t i = 0; i <= pat.size();) {
        size_t end = std::min(pat.find('/', i), pat.size());
        if (pat.find_first_of("*?[{", i) < end) break;
        cut = end;
        i = end + 1;
    }
    for (const auto& part : split(std::string_view(pat).substr(cut), '/'))
        if (part == "..") return std::nullopt;
    std::string lit = pat.substr(0, cut);
    if (lit.empty()) return dir;
    if (lit.front() == '/' || lit.front() == '~') return lit;
    return dir + "/" + lit;
}

// Whether `rel` ("a/b") occurs as whole components in normalised `path`
// below `dir`: at its end for exact, anywhere for prefix patterns.
bool has_components(std::string_view path, std::string_view dir, const std::string& rel,
                    bool exact) {
    if (!path_within(path, dir)) return false;
    std::string_view below = dir == "/" ? path : path.substr(dir.size());
    std::string needle = "/" + rel;
    for (size_t at = below.find(needle); at != std::string_view::npos;
         at = below.find(needle, at + 1)) {
        size_t end = at + needle.size();
        if (end == below.size() || (!exact && below[end] == '/')) return true;
    }
    return false;
}

// Whether normalised `path` matches `p`, whose anchor resolved to `dir`.
bool path_in(const Pattern& p, const std::string& dir, const std::string& path) {
    if (p.any_depth) return has_components(path, dir, p.rel, p.kind == PatternKind::exact);
    return p.kind == PatternKind::exact ? path == dir : path_within(path, dir);
}

// `raw` relative paths start from `base`.
bool path_matches_from(const Pattern& p, const std::string& raw, const std::string& base,
                       const MatchContext& ctx, std::string* why) {
    auto dir = anchor_dir(p, ctx);
    if (!dir) return false;
    auto path = normalize_path(raw, base, ctx.home);
    if (!path) return false;
    bool ok = path_in(p, *dir, *path);
    if (ok && why)
        *why = "path " + *path + (p.kind == PatternKind::exact ? " is " : " is within ") +
               (p.any_depth ? "**/" + p.rel + " below " : "") + *dir + " (pattern \"" + p.text +
               "\")";
    return ok;
}

std::string worktree_base(const MatchContext& ctx) {
    return resolved_dir(ctx, ctx.worktree).value_or("");
}

bool path_matches(const Pattern& p, const std::string& raw, const MatchContext& ctx,
                  std::string* why) {
    return path_matches_from(p, raw, worktree_base(ctx), ctx, why);
}

// --- Bash commands for deny rules: what runs, compared word by word. ---

// A command's words in a comparable form: its name, its options as a set
// (-rf = -fr = -r -f; rm's -R and --recursive are -r) and its operands.
struct Shape {
    std::string name;
    std::set<std::string> options;
    std::vector<std::string> operands;
};

std::string canonical_option(std::string_view command, std::string opt) {
    if (command == "rm" || command == "cp") {
        if (opt == "-R" || opt == "--recursive") return "-r";
        if (opt == "--force") return "-f";
    }
    if ((command == "chmod" || command == "chown" || command == "chgrp") && opt == "--recursive")
        return "-R";
    return opt;
}

// An absolute operand read lexically: "//", "/./" and "/usr/../*" name what
// "/" and "/*" name.
std::string canonical_operand(const std::string& w) {
    if (w.empty() || w.front() != '/') return w;
    std::vector<std::string> parts;
    for (const auto& part : split(w, '/')) {
        if (part == "..") {
            if (!parts.empty()) parts.pop_back();
        } else if (part != ".") {
            parts.push_back(part);
        }
    }
    return "/" + join(parts, "/");
}

Shape shape_of(const std::vector<std::string>& words) {
    Shape s;
    if (words.empty()) return s;
    s.name = std::string(command_basename(words[0]));
    bool options_end = false;
    for (size_t i = 1; i < words.size(); ++i) {
        const std::string& w = words[i];
        if (!options_end && w == "--") {
            options_end = true;
        } else if (!options_end && w.size() > 1 && w[0] == '-' && w[1] == '-') {
            s.options.insert(canonical_option(s.name, w.substr(0, w.find('='))));
        } else if (!options_end && w.size() > 1 && w[0] == '-') {
            for (size_t k = 1; k < w.size(); ++k)
                s.options.insert(canonical_option(s.name, std::string{'-', w[k]}));
        } else {
            s.operands.push_back(canonical_operand(w));
        }
    }
    return s;
}

// An exact pattern: the same name, options (in any grouping and order) and
// operands. A prefix: the name, every one of its options among the command's,
// and its operands in order among the command's.
bool shape_matches(const Pattern& p, const Shape& pat, const Shape& cmd) {
    if (pat.name != cmd.name) return false;
    if (p.kind == PatternKind::exact)
        return pat.options == cmd.options && pat.operands == cmd.operands;
    for (const auto& o : pat.options)
        if (!cmd.options.count(o)) return false;
    size_t j = 0;
    for (const auto& op : cmd.operands)
        if (j < pat.operands.size() && op == pat.operands[j]) ++j;
    return j == pat.operands.size();
}

// The shapes of the commands a line runs. Every deny pattern of a rule set
// is tried against the same command, so the last line's shapes are kept
// (per thread) instead of reading the line once per pattern.
const std::vector<Shape>& command_shapes(std::string_view command) {
    thread_local std::string last;
    thread_local std::vector<Shape> shapes;
    thread_local bool valid = false;
    if (valid && last == command) return shapes;
    shapes.clear();
    ShellLine line = parse_shell(command);
    for (const SimpleCommand& c : line.commands)
        for (const auto& view : command_views(c)) shapes.push_back(shape_of(view));
    last = std::string(command);
    valid = true;
    return shapes;
}

bool deny_matches(const Pattern& p, std::string_view command) {
    std::string cmd = squeeze(command);
    if (!has_shell_metachar(cmd) && command_matches(p, cmd)) return true;
    // The pattern read as one command (only deny patterns ever need this, and
    // only for Bash calls, so it is not done when rules are loaded).
    ShellLine words = parse_shell(p.value);
    if (!words.complete || words.commands.size() != 1 || !words.commands[0].redirects.empty()) {
        // A pattern with shell syntax: compare the text of each command.
        for (const auto& seg : bash_segments(command))
            if (command_matches(p, seg)) return true;
        return false;
    }
    Shape pat = shape_of(words.commands[0].words);
    for (const Shape& c : command_shapes(command))
        if (shape_matches(p, pat, c)) return true;
    return false;
}

// --- Bash commands for rules that may allow. ---

// The words of a command with no shell syntax left but quotes; nullopt when
// it is not one complete simple command.
std::optional<std::vector<std::string>> plain_words(std::string_view command) {
    ShellLine line = parse_shell(command);
    if (!line.complete || line.commands.size() != 1 || !line.commands[0].redirects.empty())
        return std::nullopt;
    return std::move(line.commands[0].words);
}

bool has_glob(std::string_view w) {
    return w.find_first_of("*?[") != std::string_view::npos;
}

// `s` with glob(3)'s special characters escaped, to prefix a pattern.
std::string glob_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '*' || c == '?' || c == '[' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

constexpr size_t kMaxGlobMatches = 512; // more: not checked, not allowed

struct GlobResult {
    glob_t g{};
    int rc;
    explicit GlobResult(const std::string& pattern)
        : rc(::glob(pattern.c_str(), GLOB_NOCHECK | GLOB_NOSORT, nullptr, &g)) {}
    ~GlobResult() { ::globfree(&g); }
    GlobResult(const GlobResult&) = delete;
    GlobResult& operator=(const GlobResult&) = delete;
};

// The paths a word names, as bash will expand it (tilde, globs); nullopt
// when that cannot be told (brace expansion, ~user, too many matches).
std::optional<std::vector<std::string>> expand_word(const std::string& w, const std::string& base,
                                                    const MatchContext& ctx) {
    if (w.find('{') != std::string::npos &&
        (w.find(',') != std::string::npos || w.find("..") != std::string::npos))
        return std::nullopt;
    std::string path = w;
    if (w.front() == '~') {
        if (w != "~" && w.substr(0, 2) != "~/") return std::nullopt; // ~user
        if (ctx.home.empty()) return std::nullopt;
        path = ctx.home + w.substr(1);
    }
    if (!has_glob(path)) return std::vector<std::string>{path};
    std::string pattern = path.front() == '/' ? path : glob_escape(base) + "/" + path;
    GlobResult g(pattern);
    if (g.rc != 0 || g.g.gl_pathc > kMaxGlobMatches) return std::nullopt;
    return std::vector<std::string>(g.g.gl_pathv, g.g.gl_pathv + g.g.gl_pathc);
}

// The common case made cheap: a relative path without ".." below the
// resolved directory `dir`, none of whose existing components is a symbolic
// link, is just dir/path — one lstat per component instead of a realpath per
// component and two readings. nullopt: resolve it in full.
std::optional<std::string> plain_path_below(const std::string& dir, const std::string& path) {
    if (path.empty() || path.front() == '/' || path.front() == '~') return std::nullopt;
    std::string out = dir == "/" ? "" : dir;
    bool exists = true; // below a missing component nothing exists, so no links either
    for (const auto& part : split(path, '/')) {
        if (part == ".") continue;
        if (part == "..") return std::nullopt;
        out += "/" + part;
        if (!exists) continue;
        struct stat st {};
        if (::lstat(out.c_str(), &st) == 0) {
            if (S_ISLNK(st.st_mode)) return std::nullopt;
        } else if (errno == ENOENT) {
            exists = false;
        } else {
            return std::nullopt; // ENOTDIR, EACCES, …
        }
    }
    return out.empty() ? "/" : out;
}

} // namespace

bool bash_paths_within(const std::vector<Pattern>& paths, std::string_view command,
                       const MatchContext& ctx, std::string* why) {
    auto words = plain_words(command);
    if (!words) return false;
    // Each pattern's directory, resolved once.
    std::vector<std::pair<const Pattern*, std::string>> dirs;
    for (const Pattern& p : paths)
        if (auto dir = anchor_dir(p, ctx)) dirs.emplace_back(&p, *dir);
    auto allowed = [&](const std::string& path) {
        for (const auto& [p, dir] : dirs)
            if (path_in(*p, dir, path)) return true;
        return false;
    };
    // The shell's directory is an argument too: `ls`, `grep -r x` read it.
    const auto& base = resolved_dir(ctx, ctx.cwd.empty() ? ctx.worktree : ctx.cwd);
    if (!base || !allowed(*base)) {
        if (why) *why = "the shell's directory is outside the rule's paths";
        return false;
    }
    bool options_end = false;
    for (size_t i = 1; i < words->size(); ++i) {
        std::string w = (*words)[i];
        if (!options_end && w == "--") {
            options_end = true;
            continue;
        }
        if (!options_end && w.size() > 1 && w[0] == '-') {
            size_t eq = w.find('=');
            if (w[1] == '-' && eq != std::string::npos) {
                w = w.substr(eq + 1); // --file=PATH
            } else {
                // -fPATH: where the option ends is not known, so a path in it
                // cannot be checked.
                if (w.find_first_of("/~") != std::string::npos) {
                    if (why) *why = "option " + w + " may name a path";
                    return false;
                }
                continue;
            }
        }
        if (w.empty()) continue;
        auto expanded = expand_word(w, *base, ctx);
        if (!expanded) {
            if (why) *why = "argument " + w + " cannot be resolved";
            return false;
        }
        for (const auto& path : *expanded) {
            auto norm = plain_path_below(*base, path);
            if (!norm) norm = normalize_path(path, *base, ctx.home);
            if (!norm || !allowed(*norm)) {
                if (why) *why = "argument " + path + " is outside the rule's paths";
                return false;
            }
        }
    }
    return true;
}

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
    return f ? str_or(input, f) : std::string();
}

bool has_shell_metachar(std::string_view command) {
    return command.find_first_of(";&|$`()<>\n\r") != std::string_view::npos;
}

std::vector<std::string> bash_segments(std::string_view command) {
    std::vector<std::string> out;
    ShellLine line = parse_shell(command);
    for (const SimpleCommand& c : line.commands)
        for (const auto& view : command_views(c)) out.push_back(join(view, " "));
    return out;
}

bool bash_matches(const Pattern& p, std::string_view command, bool deny_side) {
    if (p.kind == PatternKind::all) return true;
    if (deny_side) return deny_matches(p, command);
    std::string cmd = squeeze(command);
    if (has_shell_metachar(cmd) || !command_matches(p, cmd)) return false;
    // Quotes are all the shell syntax left, and they must be complete.
    return plain_words(cmd).has_value();
}

std::string bash_writing_option(std::string_view command) {
    auto words = plain_words(squeeze(command));
    return words ? writing_option(*words) : std::string();
}

bool pattern_matches(const Pattern& p, std::string_view tool, const Json& input,
                     const MatchContext& ctx, bool deny_side, std::string* why) {
    if (p.kind == PatternKind::all) {
        if (why) *why = "pattern \"" + p.text + "\" matches every call";
        return true;
    }
    if (tool == "Bash") {
        std::string cmd = str_or(input, "command");
        bool ok = bash_matches(p, cmd, deny_side);
        if (ok && why) *why = "command matches \"" + p.text + "\"";
        return ok;
    }
    if (is_path_tool(tool)) {
        std::string raw = primary_value(tool, input);
        return !raw.empty() && path_matches(p, raw, ctx, why);
    }
    if ((tool == "Glob" || tool == "Grep") && p.anchor != Anchor::none) {
        auto dir = search_dir(tool, input, ctx);
        return dir && path_matches(p, *dir, ctx, why);
    }
    if (!primary_field(tool)) return false;
    std::string value = primary_value(tool, input);
    bool ok = text_matches(p, value);
    if (ok && why) *why = std::string(primary_field(tool)) + " matches \"" + p.text + "\"";
    return ok;
}

} // namespace fab::rules
