#include "daemon/orchestrator/git_cmd.hpp"

#include "daemon/agents/worktree.hpp"
#include "util/strings.hpp"

namespace fab::gitcmd {

void run(uv_loop_t* loop, const std::string& dir, std::vector<std::string> args,
         ev::Process::DoneFn done, std::vector<std::string> extra_env) {
    ev::SpawnOptions o;
    o.argv = {"git", "-C", dir};
    o.argv.insert(o.argv.end(), std::make_move_iterator(args.begin()),
                  std::make_move_iterator(args.end()));
    o.env = worktree::git_env();
    // A rebase never opens an editor: it is not interactive and nobody would see it.
    o.env.emplace_back("GIT_EDITOR=true");
    for (auto& e : extra_env) o.env.push_back(std::move(e));
    ev::run_process(loop, o, std::move(done));
}

std::vector<std::string> lines(const std::string& out) {
    std::vector<std::string> v;
    for (const auto& l : split(out, '\n')) {
        std::string t(trim(l));
        if (!t.empty()) v.push_back(std::move(t));
    }
    return v;
}

std::string first_line(const std::string& out) {
    auto v = lines(out);
    return v.empty() ? std::string() : v.front();
}

std::string failure(const std::string& what, const ev::ProcessResult& r) {
    std::string why = r.last_error_line();
    if (why.empty()) why = "exit status " + std::to_string(r.exit_status);
    return what + ": " + why;
}

} // namespace fab::gitcmd
