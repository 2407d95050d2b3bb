#include "rules/writing_options.hpp"

#include "rules/shell.hpp"

#include <array>
#include <string_view>

namespace fab::rules {

namespace {

struct Risky {
    std::string_view command;
    std::string_view short_risky; // letters that write or run: -o F, -i
    // Letters whose value follows in the same word (the rest of the cluster
    // is that value, not options); "*": only the first letter is an option.
    std::string_view short_value;
    // --long options (GNU abbreviations such as --outp count too) and
    // single-dash words of find, compared whole.
    std::array<std::string_view, 9> words;
};

constexpr Risky kRisky[] = {
    {"git",
     "oO",
     "*",
     {"--output", "--output-directory", "--open-files-in-pager", "--ext-diff", "--upload-pack",
      "--receive-pack", "--exec"}},
    {"sort", "o", "ktST", {"--output", "--compress-program"}},
    {"sed", "i", "efl", {"--in-place"}},
    {"rg", "", "*", {"--pre"}},
    {"curl",
     "oOK",
     "*",
     {"--output", "--remote-name", "--remote-name-all", "--output-dir", "--config"}},
    // Not writes, but reads `paths` cannot see: a list of paths in a file,
    // and recursion that follows symbolic links out of the worktree.
    {"wc", "", "*", {"--files0-from"}},
    {"grep", "R", "efmABCdD", {"--dereference-recursive"}},
    {"diff", "r", "CDFIlSUWxX", {"--recursive"}},
    {"find",
     "",
     "",
     {"-delete", "-exec", "-execdir", "-ok", "-okdir", "-fprint", "-fprint0", "-fprintf", "-fls"}},
};

// git's own options before the subcommand that run programs or switch to
// another repository: -c core.fsmonitor=…, --config-env, -C dir, --git-dir.
std::string git_global(const std::vector<std::string>& words) {
    for (size_t i = 1; i < words.size() && words[i].size() > 1 && words[i][0] == '-'; ++i) {
        std::string_view w = words[i];
        std::string_view name = w.substr(0, w.find('='));
        for (std::string_view bad :
             {"-c", "-C", "--config-env", "--git-dir", "--work-tree", "--exec-path", "--namespace"})
            if (name == bad || (bad.size() == 2 && w.substr(0, 2) == bad)) return std::string(w);
    }
    return {};
}

bool long_matches(std::string_view entry, std::string_view word) {
    if (entry.substr(0, 2) != "--") return word == entry; // find -exec
    if (word.substr(0, 2) != "--") return false;
    std::string_view name = word.substr(0, word.find('='));
    return name.size() > 2 && entry.substr(0, name.size()) == name;
}

} // namespace

std::string writing_option(const std::vector<std::string>& words) {
    if (words.empty()) return {};
    std::string_view name = command_basename(words[0]);
    if (name == "git")
        if (auto g = git_global(words); !g.empty()) return g;
    for (const Risky& r : kRisky) {
        if (r.command != name) continue;
        for (size_t i = 1; i < words.size(); ++i) {
            std::string_view w = words[i];
            if (w == "--") break;
            if (w.size() < 2 || w[0] != '-') continue;
            for (std::string_view e : r.words)
                if (!e.empty() && long_matches(e, w)) return std::string(w);
            if (w[1] == '-' || r.short_risky.empty()) continue;
            for (size_t k = 1; k < w.size(); ++k) {
                if (r.short_risky.find(w[k]) != std::string_view::npos) return std::string(w);
                if (r.short_value == "*") break;
                if (r.short_value.find(w[k]) != std::string_view::npos) {
                    if (k + 1 == w.size()) ++i; // -e VALUE: the next word is no option
                    break;
                }
            }
        }
    }
    return {};
}

} // namespace fab::rules
