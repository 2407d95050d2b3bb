// Reading permissions.ini into rules. Strict on purpose: an unknown key or a
// typo in an action must not silently turn a deny into "no rule".
#include "rules/match.hpp"
#include "rules/rules.hpp"

#include "util/strings.hpp"

#include <map>

namespace fab::rules {

std::string_view action_name(Action a) {
    switch (a) {
    case Action::allow:
        return "allow";
    case Action::deny:
        return "deny";
    case Action::pass:
        return "pass";
    }
    return "pass";
}

std::optional<Action> parse_action(std::string_view s) {
    s = trim(s);
    if (s == "allow") return Action::allow;
    if (s == "deny") return Action::deny;
    if (s == "pass") return Action::pass;
    return std::nullopt;
}

bool Rule::names_tool(std::string_view tool) const {
    for (const auto& t : tools)
        if (t == tool) return true;
    return false;
}

namespace {

bool valid_tool_name(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
              c == ':'))
            return false;
    return true;
}

// Lexically normalises the part of a path pattern after its anchor. `..` is
// refused rather than resolved: a pattern that climbs out of its anchor is
// almost certainly a mistake, and an anchor-relative pattern must stay inside.
Result<std::string> normalise_rel(std::string_view rel) {
    std::vector<std::string> parts;
    for (const auto& part : split(rel, '/')) {
        if (part == ".") continue;
        if (part == "..") return make_error("may not contain \"..\"");
        parts.push_back(part);
    }
    return join(parts, "/");
}

} // namespace

Result<Pattern> parse_pattern(std::string_view text) {
    Pattern p;
    p.text = std::string(trim(text));
    std::string_view v = p.text;
    if (v.size() > 1 && v.front() == '=') {
        // `=text`: exactly `text`, whatever it ends with (`=x:*`, `=*`).
        v.remove_prefix(1);
        p.kind = PatternKind::exact;
    } else if (v == "*") {
        return make_error("pattern \"*\" is not a glob; write \":*\" (or no pattern) to "
                          "match everything, or \"=*\" for the text *");
    } else if (v.empty() || v == ":*") {
        return p; // PatternKind::all
    } else if (v.size() > 2 && v.substr(v.size() - 2) == ":*") {
        p.kind = PatternKind::prefix;
        v.remove_suffix(2);
    } else {
        p.kind = PatternKind::exact;
    }
    p.value = std::string(v);
    std::string_view rest;
    if (v.substr(0, 2) == "//") {
        p.anchor = Anchor::absolute;
        rest = v.substr(2);
    } else if (v == "~" || v.substr(0, 2) == "~/") {
        p.anchor = Anchor::home;
        rest = v.substr(1);
    } else if (v.front() == '/') {
        p.anchor = Anchor::worktree;
        rest = v.substr(1);
    }
    if (p.anchor != Anchor::none) {
        while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
        if (rest.substr(0, 3) == "**/") {
            p.any_depth = true;
            rest.remove_prefix(3);
        }
        auto rel = normalise_rel(rest);
        if (!rel) return make_error("pattern \"" + p.text + "\" " + rel.error());
        p.rel = *rel;
        if (p.any_depth && p.rel.empty())
            return make_error("pattern \"" + p.text + "\" needs a name after **/");
    }
    return p;
}

namespace {

std::string script_path(const std::string& value, const std::string& file,
                        const std::string& home) {
    if (value == "~" || value.rfind("~/", 0) == 0) return home + value.substr(1);
    if (value.front() == '/') return value;
    auto slash = file.rfind('/');
    std::string dir = slash == std::string::npos ? "." : file.substr(0, slash);
    return dir + "/" + value;
}

// One [rule "name"] section. `at(line)` prefixes file:line to a message.
Result<Rule> parse_rule(const IniSection& sec, const std::string& file, const std::string& home) {
    auto at = [&](int line, const std::string& msg) {
        return make_error(file + ":" + std::to_string(line) + ": " + msg);
    };
    Rule r;
    r.name = sec.label;
    r.file = file;
    r.line = sec.line;
    std::map<std::string, int, std::less<>> seen;
    bool has_tool = false, has_pattern = false;
    for (const IniEntry& e : sec.entries) {
        if (auto [it, fresh] = seen.emplace(e.key, e.line); !fresh)
            return at(e.line, "duplicate key \"" + e.key + "\" (first set on line " +
                                  std::to_string(it->second) + ")");
        if (e.key == "tool") {
            has_tool = true;
            for (const auto& t : split(e.value, '|')) {
                if (t == "*") continue; // any tool: same as no list
                if (!valid_tool_name(t)) return at(e.line, "bad tool name \"" + t + "\"");
                r.tools.push_back(t);
            }
            // "Read|*" means any tool; keeping "Read" would wrongly narrow it.
            if (split(e.value, '|').size() != r.tools.size()) r.tools.clear();
        } else if (e.key == "action") {
            r.action = parse_action(e.value);
            if (!r.action)
                return at(e.line, "bad action \"" + e.value + "\" (allow, deny or pass)");
        } else if (e.key == "pattern" || e.key == "patterns") {
            if (has_pattern) return at(e.line, "use either pattern or patterns, not both");
            has_pattern = true;
            // `pattern` is taken whole so that a command with a comma fits.
            std::vector<std::string> texts =
                e.key == "pattern" ? std::vector<std::string>{e.value} : split(e.value, ',');
            if (texts.empty()) texts.emplace_back(); // `patterns =`: everything
            for (const auto& t : texts) {
                auto p = parse_pattern(t);
                if (!p) return at(e.line, p.error());
                r.patterns.push_back(std::move(*p));
            }
        } else if (e.key == "paths") {
            for (const auto& t : split(e.value, ',')) {
                auto p = parse_pattern(t);
                if (!p) return at(e.line, p.error());
                if (p->kind == PatternKind::all || p->anchor == Anchor::none)
                    return at(e.line, "paths \"" + p->text +
                                          "\" is not a path pattern; start it with / "
                                          "(worktree), // (absolute) or ~/ (home)");
                r.paths.push_back(std::move(*p));
            }
            if (r.paths.empty()) return at(e.line, "paths is empty");
        } else if (e.key == "reason") {
            r.reason = std::string(trim(e.value));
        } else if (e.key == "script") {
            if (trim(e.value).empty()) return at(e.line, "script is empty");
            r.script = script_path(std::string(trim(e.value)), file, home);
        } else {
            return at(e.line, "unknown key \"" + e.key +
                                  "\" (rules have tool, action, pattern, patterns, paths, reason, "
                                  "script)");
        }
    }
    if (!has_tool && !has_pattern && r.script.empty())
        return at(sec.line, "rule \"" + r.name +
                                "\" has no tool, pattern or script; write "
                                "pattern = :* to match every call on purpose");
    if (r.action && !r.script.empty())
        return at(seen["action"], "a rule has either an action or a script, not both");
    if (!r.action && r.script.empty())
        return at(sec.line, "rule \"" + r.name + "\" needs an action (allow, deny or pass)");
    if (!r.paths.empty() && r.tools != std::vector<std::string>{"Bash"})
        return at(seen["paths"], "paths is for Bash rules (tool = Bash)");
    // A rule only for path tools whose pattern is no path would never match:
    // say so now instead of letting the rule be dead.
    bool path_tools_only = !r.tools.empty();
    for (const auto& t : r.tools) path_tools_only = path_tools_only && is_path_tool(t);
    if (path_tools_only)
        for (const auto& p : r.patterns)
            if (p.kind != PatternKind::all && p.anchor == Anchor::none)
                return at(seen.count("pattern") ? seen["pattern"] : seen["patterns"],
                          "pattern \"" + p.text +
                              "\" is not a path; start it with / (worktree), "
                              "// (absolute) or ~/ (home)");
    return r;
}

} // namespace

Result<std::vector<Rule>> parse_rules(const IniDocument& doc, const std::string& home) {
    std::vector<Rule> out;
    std::map<std::string, int, std::less<>> names;
    for (const IniSection& sec : doc.sections()) {
        auto at = [&](int line, const std::string& msg) {
            return make_error(doc.filename() + ":" + std::to_string(line) + ": " + msg);
        };
        if (sec.kind != "rule")
            return at(sec.line, "unknown section [" + sec.header + "]; rules are [rule \"name\"]");
        if (sec.label.empty()) return at(sec.line, "a rule needs a name: [rule \"name\"]");
        if (auto [it, fresh] = names.emplace(sec.label, sec.line); !fresh)
            return at(sec.line, "duplicate rule \"" + sec.label + "\" (first on line " +
                                    std::to_string(it->second) + ")");
        auto r = parse_rule(sec, doc.filename(), home);
        if (!r) return make_error(r.error());
        out.push_back(std::move(*r));
    }
    return out;
}

Result<std::vector<Rule>> load_rules(const std::string& path, const std::string& home) {
    auto doc = IniDocument::load(path);
    if (!doc) return make_error(doc.error());
    return parse_rules(*doc, home);
}

} // namespace fab::rules
