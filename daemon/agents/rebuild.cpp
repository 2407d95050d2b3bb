#include "daemon/agents/rebuild.hpp"

#include "daemon/host/spec.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <algorithm>
#include <filesystem>
#include <sys/stat.h>

namespace fab {

namespace {

// The branch checked out in `worktree`, read from its HEAD file (no git
// process: the worktree's content is the agent's to write).
std::string checked_out_branch(const std::string& worktree) {
    std::string git_dir = worktree + "/.git";
    struct stat st {};
    if (::lstat(git_dir.c_str(), &st) != 0) return {};
    if (S_ISREG(st.st_mode)) { // a linked worktree: "gitdir: <path>"
        auto pointer = read_file(git_dir);
        if (!pointer) return {};
        std::string_view line = trim(*pointer);
        if (line.rfind("gitdir: ", 0) != 0) return {};
        git_dir = std::string(trim(line.substr(8)));
    }
    auto head = read_file(git_dir + "/HEAD");
    if (!head) return {};
    std::string_view ref = trim(*head);
    constexpr std::string_view kPrefix = "ref: refs/heads/";
    if (ref.rfind(kPrefix, 0) != 0) return {};
    return std::string(ref.substr(kPrefix.size()));
}

} // namespace

std::vector<AgentRecord> agents_from_disk(const Paths& paths) {
    std::vector<AgentRecord> out;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(paths.agents_dir, ec)) {
        std::string id = entry.path().filename().string();
        std::string spec_path = entry.path().string() + "/spec.json";
        auto text = read_file(spec_path);
        if (!text) continue; // not an agent directory (or never started)
        Result<HostSpec> spec = make_error("unread");
        try {
            spec = decode_spec(*text);
        } catch (const std::exception& e) { // a field of the wrong type
            spec = make_error(e.what());
        }
        if (!spec || spec->agent_id != id) {
            log::warn("not rebuilding agent " + id + ": " + spec_path + ": " +
                      (spec ? "names another agent" : spec.error()));
            continue;
        }
        struct stat st {};
        ::stat(spec_path.c_str(), &st);
        AgentRecord r;
        r.id = id;
        r.kind = spec->params.kind;
        r.project = spec->params.project;
        r.backend = spec->backend;
        r.worktree = spec->params.worktree;
        r.branch = checked_out_branch(r.worktree);
        if (r.branch.empty() && r.kind == "task") r.branch = "fab/" + id;
        r.host_socket = spec->socket_path;
        r.session_id = spec->params.session_id;
        r.prompt = spec->prompt;
        r.state = "starting";
        r.created_ms =
            static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
        r.updated_ms = now_ms();
        out.push_back(std::move(r));
    }
    std::sort(out.begin(), out.end(), [](const AgentRecord& a, const AgentRecord& b) {
        return a.created_ms != b.created_ms ? a.created_ms < b.created_ms : a.id < b.id;
    });
    return out;
}

} // namespace fab
