#include "daemon/issues/backends.hpp"

#include "daemon/daemon.hpp"
#include "daemon/issues/github.hpp"
#include "daemon/issues/linear.hpp"
#include "net/blocking_post.hpp"
#include "util/strings.hpp"

#include <cstdlib>
#include <dirent.h>

namespace fab {

namespace {

// Ids of every `*.md` in `dir` (file names only, nothing parsed).
void collect_ids(const std::string& dir, std::set<std::string>& out) {
    DIR* d = ::opendir(dir.c_str());
    if (!d) return;
    while (dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n.size() > 3 && n.ends_with(".md") && n.front() != '.')
            out.insert(n.substr(0, n.size() - 3));
    }
    ::closedir(d);
}

std::string env_or_empty(const std::string& name) {
    const char* v = name.empty() ? nullptr : std::getenv(name.c_str());
    return v ? v : "";
}

issues::Transport blocking_transport() {
    return
        [](const std::string& url, const net::Headers& headers, std::string body, int timeout_ms) {
            net::PostOptions o;
            o.timeout_ms = timeout_ms;
            return net::post_blocking(url, headers, std::move(body), o);
        };
}

} // namespace

uint64_t IssueBackends::poll_ms(const ProjectConfig& p) const {
    if (!is_api(p)) return 10000;
    const ProviderConfig* prov =
        d_.registry().config().provider(p.issue_backend == "linear" ? "linear" : "github");
    return static_cast<uint64_t>(prov ? prov->poll_interval : 30) * 1000;
}

Result<std::shared_ptr<issues::Backend>> IssueBackends::get(const ProjectConfig& p,
                                                            const std::string& tickets_dir) {
    if (p.issue_backend == "github" || p.issue_backend == "gh") return github(p);
    if (p.issue_backend == "linear") return linear(p);
    // tk: agents create in their own worktrees, so an id must be free in the
    // clone and in every worktree of the project, or a merge would clash.
    std::vector<std::string> dirs{d_.paths().project_repo(p.name) + "/.tickets", tickets_dir};
    std::string wts = d_.paths().project_dir(p.name) + "/worktrees";
    auto avoid = [dirs, wts] {
        std::set<std::string> out;
        for (const auto& dir : dirs) collect_ids(dir, out);
        if (DIR* w = ::opendir(wts.c_str())) {
            while (dirent* e = ::readdir(w))
                if (e->d_name[0] != '.') collect_ids(wts + "/" + e->d_name + "/.tickets", out);
            ::closedir(w);
        }
        return out;
    };
    return std::shared_ptr<issues::Backend>(
        issues::make_tk_backend(tickets_dir, issues::id_prefix(p.name), avoid));
}

Result<std::shared_ptr<issues::Backend>> IssueBackends::github(const ProjectConfig& p) {
    const ProviderConfig* prov = d_.registry().config().provider("github");
    issues::GithubSettings s;
    // The token: the provider's variable, else GitHub's tools' own two.
    std::vector<std::string> vars;
    if (prov && !prov->api_key_env.empty())
        vars = {prov->api_key_env};
    else
        vars = {"GITHUB_TOKEN", "GH_TOKEN"};
    for (const auto& v : vars) {
        s.token = env_or_empty(v);
        if (!s.token.empty()) {
            s.token_env = v;
            break;
        }
    }
    if (s.token.empty())
        return make_error("project " + p.name + ": issue-backend github needs a token: set $" +
                          join(vars, " or $") +
                          (prov && !prov->api_key_env.empty()
                               ? ""
                               : " (or name another variable with [providers \"github\"] "
                                 "api-key-env)"));
    std::string api = prov && !prov->api_url.empty()    ? prov->api_url
                      : prov && !prov->base_url.empty() ? prov->base_url
                                                        : env_or_empty("GITHUB_API_URL");
    s.graphql_url = issues::github_graphql_url(api);
    std::string repo = p.github_repo;
    if (repo.empty()) {
        auto r = issues::github_repo_from_remote(p.remote_url);
        if (!r) return make_error("project " + p.name + ": " + r.error());
        s.owner = r->first;
        s.repo = r->second;
    } else {
        auto parts = split(repo, '/');
        if (parts.size() != 2)
            return make_error("project " + p.name + ": github-repo \"" + repo +
                              "\" is not owner/name");
        s.owner = parts[0];
        s.repo = parts[1];
    }
    s.min_backoff_ms = static_cast<int64_t>(poll_ms(p));
    // The token is part of the key (in memory only): a new one takes effect.
    std::string key = "github|" + s.graphql_url + "|" + s.owner + "/" + s.repo + "|" + s.token_env +
                      "|" + s.token + "|" + std::to_string(s.min_backoff_ms);
    Entry& e = api_[p.name];
    if (e.key != key || !e.backend) {
        e.key = key;
        e.backend = issues::make_github_backend(std::move(s), blocking_transport());
    }
    return e.backend;
}

Result<std::shared_ptr<issues::Backend>> IssueBackends::linear(const ProjectConfig& p) {
    if (p.linear_team.empty())
        return make_error("project " + p.name +
                          ": issue-backend linear needs linear-team (the team key, e.g. ENG)");
    const ProviderConfig* prov = d_.registry().config().provider("linear");
    issues::LinearSettings s;
    s.key_env = prov && !prov->api_key_env.empty() ? prov->api_key_env : "LINEAR_API_KEY";
    s.api_key = env_or_empty(s.key_env);
    if (s.api_key.empty())
        return make_error("project " + p.name + ": issue-backend linear needs an API key: set $" +
                          s.key_env);
    if (prov && !prov->api_url.empty())
        s.graphql_url = prov->api_url;
    else if (prov && !prov->base_url.empty())
        s.graphql_url = prov->base_url;
    s.team = p.linear_team;
    s.project = p.linear_project;
    s.min_backoff_ms = static_cast<int64_t>(poll_ms(p));
    std::string key = "linear|" + s.graphql_url + "|" + s.team + "|" + s.project + "|" + s.key_env +
                      "|" + s.api_key + "|" + std::to_string(s.min_backoff_ms);
    Entry& e = api_[p.name];
    if (e.key != key || !e.backend) {
        e.key = key;
        e.backend = issues::make_linear_backend(std::move(s), blocking_transport());
    }
    return e.backend;
}

} // namespace fab
