// POST /api/v1/webhooks/github: a GitHub repository webhook. Checked by its
// X-Hub-Signature-256 (HMAC-SHA256 of the body with the secret that
// [providers "github"] webhook-secret-env names), not by the API's JWT or
// client certificate: GitHub has neither. A good delivery pokes the
// orchestrator of every project whose issues live in that repository, so
// they poll at once; the payload itself is not trusted beyond its
// repository name (the poll reads the issues from the API).
#include "daemon/daemon.hpp"
#include "daemon/http/http_internal.hpp"
#include "daemon/issues/github.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

#include <cctype>
#include <cstdlib>

namespace fab::http {

namespace {

std::string lowered(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string header(h2o_req_t* req, std::string_view name) {
    for (size_t i = 0; i < req->headers.size; ++i) {
        const h2o_header_t& h = req->headers.entries[i];
        if (lowered(std::string(view(*h.name))) == name) return std::string(view(h.value));
    }
    return "";
}

} // namespace

void handle_github_webhook(HttpServer& s, h2o_req_t* req, const std::string& rid) {
    Daemon& d = s.daemon();
    if (auto st = d.registry().reload_if_changed(); !st) log::warn("config: " + st.error());
    const ProviderConfig* prov = d.registry().config().provider("github");
    std::string env = prov && !prov->webhook_secret_env.empty() ? prov->webhook_secret_env : "";
    const char* secret = env.empty() ? nullptr : std::getenv(env.c_str());
    if (!secret || !*secret) {
        send_error(req, 503,
                   "no webhook secret: set [providers \"github\"] webhook-secret-env and that "
                   "variable in the daemon's environment",
                   rid);
        return;
    }
    std::string body(view(req->entity));
    if (!issues::github_signature_ok(secret, body, header(req, "x-hub-signature-256"))) {
        log::warn("http: github webhook with a missing or bad signature refused");
        send_error(req, 401, "missing or bad X-Hub-Signature-256", rid);
        return;
    }
    Json j = Json::parse(body, nullptr, false);
    std::string full =
        j.is_object() && j["repository"].is_object() ? j["repository"].value("full_name", "") : "";
    std::string event = header(req, "x-github-event");
    Json poked = Json::array();
    for (const auto& p : d.registry().config().projects) {
        if (p.issue_backend != "github" && p.issue_backend != "gh") continue;
        std::string repo = p.github_repo;
        if (repo.empty())
            if (auto r = issues::github_repo_from_remote(p.remote_url); r)
                repo = r->first + "/" + r->second;
        if (full.empty() || lowered(repo) != lowered(full)) continue;
        d.orchestrators().poke(p.name);
        poked.push_back(p.name);
    }
    log::info("http: github webhook " + (event.empty() ? std::string("(no event)") : event) +
              " for " + (full.empty() ? std::string("no repository") : full) + ": " +
              std::to_string(poked.size()) + " project(s) poll now");
    send_json(req, 202, {{"projects", poked}}, rid);
}

} // namespace fab::http
