#include "agents/common.hpp"

#include "util/utf8.hpp"

#include <cstdlib>

namespace fab::agents {

using json = nlohmann::json;

std::string shell_quote(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out += '\'';
    for (char c : s) {
        if (c == '\'')
            out += "'\\''"; // close, escaped quote, reopen
        else
            out += c;
    }
    out += '\'';
    return out;
}

std::vector<std::string> agent_env(const AgentParams& p) {
    std::vector<std::string> env{
        "FAB_AGENT_ID=" + p.agent_id,
        "FAB_PROJECT=" + p.project,
        "FAB_SOCKET_PATH=" + p.socket_path,
        "FAB_DIR=" + p.fab_dir,
        "FAB_WORKTREE=" + p.worktree,
        "FAB_AGENT_KIND=" + p.kind,
        // Codex runs commands with `bash -lc`, and a login shell may reset
        // PATH (Debian's /etc/profile does): FAB_BIN still names this fab.
        "FAB_BIN=" + p.fab_bin,
        // Nobody is at an agent's terminal: a git command that opens an
        // editor (`git rebase --continue`, `git commit` without -m) would
        // hang the agent's turn. Keep the message git prepared instead.
        "GIT_EDITOR=true",
    };
    // The agent (and the hooks and Bash tools it runs) must find this very
    // fab first, not another one that happens to be on the user's PATH.
    std::string path;
    if (auto slash = p.fab_bin.rfind('/'); slash != std::string::npos)
        path = slash == 0 ? "/" : p.fab_bin.substr(0, slash);
    const char* cur = std::getenv("PATH");
    if (cur && *cur) path = path.empty() ? std::string(cur) : path + ":" + cur;
    env.push_back("PATH=" + path);
    return env;
}

std::string cap_text(std::string s) {
    if (s.size() <= kMaxToolResultBytes) return s;
    size_t total = s.size();
    s.resize(utf8_prefix(s, kMaxToolResultBytes).size());
    s += "\n[fab: output truncated, " + std::to_string(total) + " bytes in total]";
    return s;
}

std::string dump(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

bool parse_line_json(std::string_view line, json& out) {
    out = json::parse(line.begin(), line.end(), nullptr, false);
    if (!out.is_discarded()) return true;
    // Only worth a second pass when the line has bytes >= 0x80 at all; a
    // sanitized copy of pure ASCII would fail the same way.
    bool high = false;
    for (char c : line)
        if (static_cast<unsigned char>(c) >= 0x80) {
            high = true;
            break;
        }
    if (!high) return false;
    std::string clean = sanitize_utf8(line);
    if (clean == line) return false;
    out = json::parse(clean, nullptr, false);
    return !out.is_discarded();
}

ChatEntry unparsable_line_entry(std::string_view line) {
    ChatEntry e;
    e.kind = ChatKind::error;
    e.subtype = "unparsable";
    std::string quoted = sanitize_utf8(line.substr(0, kMaxQuotedBytes + 4));
    quoted.resize(utf8_prefix(quoted, kMaxQuotedBytes).size());
    e.text = "unparsable output line: " + quoted;
    if (line.size() > kMaxQuotedBytes) e.text += "…";
    return e;
}

bool blank(std::string_view line) {
    for (char c : line)
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
    return true;
}

} // namespace fab::agents
