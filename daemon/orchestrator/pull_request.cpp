// merge-strategy = pull-request: push fab/<agent> to origin and open a pull
// request with the GitHub CLI (`gh pr create`, argv only). The worktree, the
// branch and the agent stay: review feedback goes to the same agent, and its
// next `fab agent done` pushes the new commits to the same pull request.
#include "daemon/git/safe_git.hpp"
#include "daemon/orchestrator/merge_job.hpp"
#include "util/strings.hpp"

namespace fab::merge {

namespace {

// gh prints the new pull request's URL on stdout; "already exists" errors
// name the existing one on stderr.
std::string find_url(const std::string& text) {
    std::string url;
    for (const auto& l : git::lines(text)) {
        auto at = l.find("https://");
        if (at == std::string::npos) at = l.find("http://");
        if (at != std::string::npos) url = std::string(trim(l.substr(at)));
    }
    return url;
}

} // namespace

void Job::pr_count() {
    std::string base = "origin/" + out_.main_branch;
    // `git log --reverse --format=%H%x1f%s origin/main..branch`, through libgit2.
    query<std::vector<Commit>>(
        [repo = req_.repo, base, branch = req_.branch] { return gitq::log(repo, base, branch); },
        [this, base](Result<std::vector<Commit>> r) {
            if (!r) return fail("git log " + base + ".." + req_.branch + ": " + r.error());
            out_.commits = std::move(*r);
            if (out_.commits.empty()) {
                out_.kind = Outcome::Kind::nothing;
                out_.message =
                    "nothing to merge: " + req_.branch + " has no commits that " + base + " lacks";
                return finish();
            }
            pr_push();
        });
}

void Job::pr_push() {
    // The branch is the agent's own: after a rebase it may need forcing, but
    // never over commits someone else pushed to it (--force-with-lease).
    git(req_.repo, {"push", "--quiet", "--force-with-lease", "-u", "origin", req_.branch},
        [this](ev::ProcessResult r) {
            if (!r.ok()) return fail(git::failure("git push origin " + req_.branch, r));
            out_.pushed = true;
            if (!req_.existing_pr_url.empty()) {
                out_.kind = Outcome::Kind::pull_request;
                out_.pr_url = req_.existing_pr_url;
                out_.pr_existed = true;
                out_.message = "pushed " + std::to_string(out_.commits.size()) + " commit(s) of " +
                               req_.branch + " to its pull request " + out_.pr_url;
                return finish();
            }
            pr_create();
        });
}

void Job::pr_create() {
    std::string title = req_.title.empty() ? out_.commits.front().subject : req_.title;
    std::string body = req_.body;
    if (!body.empty()) body += "\n\n";
    body += "Commits:\n";
    for (const auto& c : out_.commits) body += "- " + c.sha.substr(0, 10) + " " + c.subject + "\n";
    body += "\nOpened by fab agent " + req_.agent_id + ".";
    ev::SpawnOptions o;
    o.argv = {"gh",      "pr",  "create", "--head", req_.branch, "--base", out_.main_branch,
              "--title", title, "--body", body};
    // gh runs git itself (remotes, a status for uncommitted changes): in the
    // clone, not in the agent's worktree, and with the daemon's git settings
    // in its environment (no fsmonitor, hooks or prompts; GH_PROMPT_DISABLED).
    // The branch is named by --head, so the clone's checkout does not matter.
    o.cwd = req_.repo;
    o.env = git_.env();
    o.detached = true; // no terminal to prompt on (as for git: safe_git.cpp)
    auto self = shared_from_this();
    git_.run(o, [self, this](ev::ProcessResult r) {
        if (r.exit_status == 127 && r.out.empty())
            return fail("gh (the GitHub CLI) is not installed or not in the daemon's PATH: "
                        "merge-strategy = pull-request needs it; " +
                        req_.branch + " was pushed to origin");
        std::string url = find_url(r.ok() ? r.out : r.err);
        if (!r.ok() && (r.err.find("already exists") == std::string::npos || url.empty()))
            return fail(git::failure("gh pr create", r) + " (" + req_.branch +
                        " was pushed to origin)");
        if (url.empty()) return fail("gh pr create printed no URL: " + git::first_line(r.out));
        out_.kind = Outcome::Kind::pull_request;
        out_.pr_url = url;
        out_.pr_existed = !r.ok();
        out_.message = "opened pull request " + url + " for " + req_.branch;
        finish();
    });
}

} // namespace fab::merge
