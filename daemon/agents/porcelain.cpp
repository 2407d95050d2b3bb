#include "daemon/agents/porcelain.hpp"

namespace fab::porcelain {

std::vector<std::string> nul_fields(std::string_view out) {
    std::vector<std::string> v;
    size_t pos = 0;
    while (pos < out.size()) {
        size_t end = out.find('\0', pos);
        if (end == std::string_view::npos) end = out.size();
        if (end > pos) v.emplace_back(out.substr(pos, end - pos));
        pos = end + 1;
    }
    return v;
}

std::vector<StatusEntry> parse_status(std::string_view out) {
    std::vector<StatusEntry> entries;
    std::vector<std::string> f = nul_fields(out);
    for (size_t i = 0; i < f.size(); ++i) {
        const std::string& e = f[i];
        if (e.size() < 4 || e[2] != ' ') continue; // not "XY path": nothing git prints
        StatusEntry s;
        s.index = e[0];
        s.worktree = e[1];
        s.path = e.substr(3);
        // "R  new\0old\0": the original path is a field of its own.
        if ((s.index == 'R' || s.index == 'C' || s.worktree == 'R' || s.worktree == 'C') &&
            i + 1 < f.size())
            s.orig_path = f[++i];
        entries.push_back(std::move(s));
    }
    return entries;
}

std::vector<std::string> status_paths(std::string_view out) {
    std::vector<std::string> paths;
    for (auto& e : parse_status(out)) paths.push_back(std::move(e.path));
    return paths;
}

std::vector<WorktreeEntry> parse_worktrees(std::string_view out) {
    // Attributes, one per field; an empty field ends a worktree's record.
    std::vector<WorktreeEntry> v;
    WorktreeEntry cur;
    bool open = false;
    auto close = [&] {
        if (open && !cur.path.empty()) v.push_back(std::move(cur));
        cur = {};
        open = false;
    };
    size_t pos = 0;
    while (pos <= out.size()) {
        size_t end = out.find('\0', pos);
        if (end == std::string_view::npos) end = out.size();
        std::string_view field = out.substr(pos, end - pos);
        pos = end + 1;
        if (field.empty()) {
            close();
            if (end >= out.size()) break;
            continue;
        }
        open = true;
        auto value = [&](std::string_view key) -> std::string {
            return std::string(field.substr(key.size()));
        };
        if (field.starts_with("worktree ")) {
            if (!cur.path.empty()) close(), open = true;
            cur.path = value("worktree ");
        } else if (field.starts_with("HEAD ")) {
            cur.head = value("HEAD ");
        } else if (field.starts_with("branch ")) {
            cur.branch = value("branch ");
        } else if (field == "bare") {
            cur.bare = true;
        } else if (field == "prunable" || field.starts_with("prunable ")) {
            cur.prunable = true;
        }
    }
    close();
    return v;
}

} // namespace fab::porcelain
