#include "cli/command.hpp"

#include "util/strings.hpp"

#include <cstdio>
#include <set>

namespace fab::cli {

const Command* find_command(const std::vector<std::string>& words, size_t& consumed) {
    const Command* best = nullptr;
    size_t best_len = 0;
    for (const Command& c : commands()) {
        auto parts = split(c.path, ' ');
        if (parts.size() > words.size() || parts.size() <= best_len) continue;
        bool match = true;
        for (size_t i = 0; i < parts.size() && match; ++i) match = parts[i] == words[i];
        if (match) {
            best = &c;
            best_len = parts.size();
        }
    }
    consumed = best_len;
    return best;
}

std::vector<std::string> command_groups() {
    std::set<std::string> groups;
    for (const Command& c : commands()) {
        auto parts = split(c.path, ' ');
        std::string prefix;
        for (size_t i = 0; i + 1 < parts.size(); ++i) {
            prefix += (i ? " " : "") + parts[i];
            groups.insert(prefix);
        }
    }
    return {groups.begin(), groups.end()};
}

std::string usage_line(const Command& c) {
    std::string s = std::string("fab ") + c.path;
    for (const Flag& f : c.flags) {
        if (std::string_view(f.name) == "help") continue;
        s += " [--";
        s += f.name;
        if (f.arg) {
            s += ' ';
            s += f.arg;
        }
        s += ']';
    }
    if (*c.args) {
        s += ' ';
        s += c.args;
    }
    return s;
}

void print_help(const Command& c) {
    std::printf("usage: %s\n\n%s\n", usage_line(c).c_str(), c.summary);
    if (c.flags.empty()) return;
    std::printf("\noptions:\n");
    for (const Flag& f : c.flags) {
        std::string left = f.short_name ? std::string("-") + f.short_name + ", " : "    ";
        left += std::string("--") + f.name;
        if (f.arg) left += std::string(" ") + f.arg;
        std::printf("  %-28s %s\n", left.c_str(), f.help);
    }
}

void print_overview() {
    std::printf("usage: fab <command> [options]\n\n"
                "fab supervises coding agents (Claude Code, Codex) across your repositories.\n\n"
                "commands:\n");
    for (const Command& c : commands()) {
        if (c.hidden) continue;
        std::string left = c.path;
        if (*c.args) left += std::string(" ") + c.args;
        std::printf("  %-34s %s\n", left.c_str(), c.summary);
    }
    std::printf("\nRun 'fab help <command>' or 'fab <command> --help' for details; "
                "man fab(1), fab.conf(5).\n");
}

std::optional<Invocation> parse_invocation(const Command& c, const std::vector<std::string>& rest) {
    Invocation inv;
    inv.command = &c;
    auto bad = [&](const std::string& msg) -> std::optional<Invocation> {
        std::fprintf(stderr, "fab %s: %s\nusage: %s\n", c.path, msg.c_str(), usage_line(c).c_str());
        return std::nullopt;
    };
    auto find_long = [&](std::string_view n) -> const Flag* {
        for (const Flag& f : c.flags)
            if (n == f.name) return &f;
        return nullptr;
    };
    auto find_short = [&](char ch) -> const Flag* {
        for (const Flag& f : c.flags)
            if (f.short_name == ch) return &f;
        return nullptr;
    };
    bool only_args = false;
    for (size_t i = 0; i < rest.size(); ++i) {
        const std::string& w = rest[i];
        if (only_args || w.size() < 2 || w[0] != '-') {
            inv.args.push_back(w);
            continue;
        }
        if (w == "--") {
            only_args = true;
            continue;
        }
        const Flag* f = nullptr;
        std::optional<std::string> value;
        if (w[1] == '-') {
            std::string name = w.substr(2);
            if (auto eq = name.find('='); eq != std::string::npos) {
                value = name.substr(eq + 1);
                name.resize(eq);
            }
            f = find_long(name);
            if (!f) return bad("unknown option --" + name);
        } else {
            if (w.size() != 2) return bad("unknown option " + w);
            f = find_short(w[1]);
            if (!f) return bad("unknown option " + w);
        }
        if (f->arg) {
            if (!value) {
                if (i + 1 >= rest.size())
                    return bad(std::string("--") + f->name + " needs " + f->arg);
                value = rest[++i];
            }
            // `--input k=v` may be given more than once (one per line).
            if (std::string_view(f->name) == "input" && inv.has("input"))
                inv.flags[f->name] += "\n" + *value;
            else
                inv.flags[f->name] = *value;
        } else {
            if (value) return bad(std::string("--") + f->name + " takes no value");
            inv.flags[f->name] = "1";
        }
    }
    if (inv.has("help")) return inv;
    int n = static_cast<int>(inv.args.size());
    if (n < c.min_args) return bad("missing argument" + std::string(*c.args ? ": " : "") + c.args);
    if (c.max_args >= 0 && n > c.max_args)
        return bad("unexpected argument \"" + inv.args[static_cast<size_t>(c.max_args)] + "\"");
    return inv;
}

int fail(const std::string& msg, int code) {
    std::fprintf(stderr, "fab: %s\n", msg.c_str());
    return code;
}

} // namespace fab::cli
