// The GitHub backend: GraphQL queries and mutations, the issue cache, rate
// limits and backoff (github.hpp says what maps to what).
#include "daemon/issues/github.hpp"

#include "net/url.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <algorithm>
#include <mutex>
#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace fab::issues {

using Json = nlohmann::json;

namespace {

// The fields fab reads of an issue, in every query.
constexpr const char* kIssueFields = R"(
fragment F on Issue {
  id number title body state createdAt updatedAt url
  author { login }
  labels(first: 50) { nodes { name } }
  parent { id number }
  blockedBy(first: 50) { nodes { id number state } }
})";

constexpr const char* kListQuery = R"(
query($owner: String!, $name: String!, $states: [IssueState!], $since: DateTime, $after: String) {
  repository(owner: $owner, name: $name) {
    issues(first: 100, after: $after, states: $states, filterBy: {since: $since},
           orderBy: {field: UPDATED_AT, direction: ASC}) {
      pageInfo { hasNextPage endCursor }
      nodes { ...F }
    }
  }
})";

constexpr const char* kIssueQuery = R"(
query($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    issue(number: $number) {
      ...F
      comments(last: 50) { nodes { author { login } createdAt body } }
    }
  }
})";

constexpr int kMaxPages = 20; // 2000 issues a listing: beyond that, the newest win

std::string json_str(const Json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t json_int(const Json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

Json nodes_of(const Json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_object()) return Json::array();
    auto n = it->find("nodes");
    return n != it->end() && n->is_array() ? *n : Json::array();
}

std::string lower_state(const std::string& s) {
    return s == "CLOSED" ? "closed" : "open";
}

// One issue as fetched.
struct Node {
    std::string node_id;
    Ticket ticket;
    std::string raw_body;                              // the description, without notes
    std::vector<std::string> label_names;              // every label, fab's included
    std::map<std::string, std::string> blocker_ids;    // number → node id
    std::map<std::string, std::string> blocker_states; // number → open | closed
    std::string parent_node_id;
    std::string updated;
};

Node to_node(const Json& n) {
    Node out;
    Ticket& t = out.ticket;
    out.node_id = json_str(n, "id");
    t.id = std::to_string(json_int(n, "number"));
    t.title = json_str(n, "title");
    out.raw_body = json_str(n, "body");
    t.body = out.raw_body;
    if (!t.body.empty() && t.body.back() != '\n') t.body += '\n';
    t.status = lower_state(json_str(n, "state"));
    t.created = json_str(n, "createdAt");
    out.updated = json_str(n, "updatedAt");
    t.path = json_str(n, "url");
    if (auto a = n.find("author"); a != n.end() && a->is_object()) t.author = json_str(*a, "login");
    for (const auto& l : nodes_of(n, "labels")) {
        std::string name = json_str(l, "name");
        out.label_names.push_back(name);
        if (name.rfind("type:", 0) == 0) {
            t.type = name.substr(5);
        } else if (name.rfind("priority:", 0) == 0) {
            if (auto p = parse_int(name.substr(9)); p && *p >= 0 && *p <= 2)
                t.priority = static_cast<int>(*p);
        } else if (name == "status:in_progress" || name == "status:blocked") {
            if (t.status == "open") t.status = name.substr(7);
        } else {
            t.labels.push_back(name);
        }
    }
    if (auto p = n.find("parent"); p != n.end() && p->is_object()) {
        t.parent = std::to_string(json_int(*p, "number"));
        out.parent_node_id = json_str(*p, "id");
    }
    for (const auto& b : nodes_of(n, "blockedBy")) {
        std::string num = std::to_string(json_int(b, "number"));
        t.deps.push_back(num);
        out.blocker_ids[num] = json_str(b, "id");
        out.blocker_states[num] = lower_state(json_str(b, "state"));
    }
    // Comments (only the single-issue query asks for them) are the notes,
    // in tk's layout.
    Json comments = nodes_of(n, "comments");
    if (!comments.empty()) {
        t.body += "\n## Notes\n";
        for (const auto& c : comments) {
            std::string who;
            if (auto a = c.find("author"); a != c.end() && a->is_object())
                who = json_str(*a, "login");
            t.body += "\n**" + json_str(c, "createdAt") + (who.empty() ? "" : " " + who) +
                      "**\n\n" + std::string(trim(json_str(c, "body"))) + "\n";
        }
    }
    return out;
}

Result<int64_t> issue_number(const std::string& id) {
    std::string_view v = trim(id);
    if (!v.empty() && v.front() == '#') v.remove_prefix(1);
    auto n = parse_int(v);
    if (!n || *n <= 0) return make_error("\"" + id + "\" is not a GitHub issue number");
    return *n;
}

// The `## Plan` section of a Markdown description, replaced or added (the
// tk writer does the edit, on a ticket made of this body).
Result<std::string> body_with_plan(const std::string& body, const std::string& plan) {
    std::string text = "---\nid: x\n---\n# x\n\n" + body;
    auto edited = upsert_plan(text, plan);
    if (!edited) return make_error(edited.error());
    Ticket t;
    ParseProblem problem;
    if (!parse_ticket("", *edited, t, problem)) return make_error(problem.message);
    return t.body;
}

class GithubBackend final : public Backend {
  public:
    GithubBackend(GithubSettings s, Transport t)
        : s_(std::move(s)), transport_(std::move(t)), wait_(s_.min_backoff_ms) {}

    const char* kind() const override { return "github"; }
    std::string where() const override { return "github " + s_.owner + "/" + s_.repo; }

    Result<TicketSet> list(const std::string& status) override {
        if (status == "closed") return list_closed();
        if (auto s = refresh(); !s) return make_error(s.error());
        std::lock_guard lock(mu_);
        return open_ticket_set(cache_, status);
    }

    Result<Ticket> get(const std::string& id) override {
        auto n = fetch(id);
        if (!n) return make_error(n.error());
        return n->ticket;
    }

    Result<Ticket> create(const NewTicket& t) override {
        if (auto s = validate(t); !s) return make_error(s.error());
        if (!t.links.empty()) return make_error("links are not supported by the github backend");
        auto repo_id = repository_id();
        if (!repo_id) return make_error(repo_id.error());
        std::vector<std::string> names = {"type:" + t.type,
                                          "priority:" + std::to_string(t.priority)};
        for (const auto& l : t.labels) names.push_back(l);
        auto label_ids = ensure_labels(*repo_id, names);
        if (!label_ids) return make_error(label_ids.error());
        // Blockers and parent first: a bad id fails before anything is made.
        std::vector<std::string> dep_ids;
        for (const auto& d : t.deps) {
            auto dn = fetch(d);
            if (!dn) return make_error("dependency " + d + ": " + dn.error());
            dep_ids.push_back(dn->node_id);
        }
        std::string parent_id;
        if (!t.parent.empty()) {
            auto pn = fetch(t.parent);
            if (!pn) return make_error("parent " + t.parent + ": " + pn.error());
            parent_id = pn->node_id;
        }
        auto made = graphql(R"(
mutation($input: CreateIssueInput!) { createIssue(input: $input) { issue { id number } } })",
                            {{"input",
                              {{"repositoryId", *repo_id},
                               {"title", t.title},
                               {"body", t.description},
                               {"labelIds", *label_ids}}}});
        if (!made) return make_error(made.error());
        const Json& issue = (*made)["createIssue"]["issue"];
        std::string new_id = json_str(issue, "id");
        std::string number = std::to_string(json_int(issue, "number"));
        for (const auto& dep : dep_ids)
            if (auto s = add_blocked_by(new_id, dep); !s)
                return make_error("created #" + number + ", but " + s.error());
        if (!parent_id.empty())
            if (auto s = set_parent(new_id, parent_id); !s)
                return make_error("created #" + number + ", but " + s.error());
        return get(number);
    }

    Result<Ticket> update(const std::string& id, const TicketUpdate& u) override {
        if (auto s = validate(u); !s) return make_error(s.error());
        if (u.links && !u.links->empty())
            return make_error("links are not supported by the github backend");
        auto cur = fetch(id);
        if (!cur) return make_error(cur.error());
        Json input = {{"id", cur->node_id}};
        if (u.title) input["title"] = *u.title;
        if (u.description) input["body"] = *u.description;
        if (u.status) input["state"] = *u.status == "closed" ? "CLOSED" : "OPEN";
        if (u.type || u.priority || u.status || u.labels) {
            // fab's labels are replaced one kind at a time; the others are
            // kept unless `labels` replaces them.
            std::vector<std::string> names;
            for (const auto& l : cur->label_names) {
                bool is_type = l.rfind("type:", 0) == 0, is_prio = l.rfind("priority:", 0) == 0,
                     is_status = l.rfind("status:", 0) == 0;
                bool other = !is_type && !is_prio && !is_status;
                if ((is_type && u.type) || (is_prio && u.priority) || (is_status && u.status) ||
                    (other && u.labels))
                    continue;
                names.push_back(l);
            }
            if (u.type) names.push_back("type:" + *u.type);
            if (u.priority) names.push_back("priority:" + std::to_string(*u.priority));
            if (u.status && (*u.status == "in_progress" || *u.status == "blocked"))
                names.push_back("status:" + *u.status);
            if (u.labels)
                for (const auto& l : *u.labels) names.push_back(l);
            auto repo_id = repository_id();
            if (!repo_id) return make_error(repo_id.error());
            auto ids = ensure_labels(*repo_id, names);
            if (!ids) return make_error(ids.error());
            input["labelIds"] = *ids;
        }
        auto r = graphql(R"(
mutation($input: UpdateIssueInput!) { updateIssue(input: $input) { issue { id } } })",
                         {{"input", input}});
        if (!r) return make_error(r.error());
        if (u.deps) {
            std::set<std::string> want(u.deps->begin(), u.deps->end());
            for (const auto& d : want) {
                if (cur->blocker_ids.count(d)) continue;
                auto dn = fetch(d);
                if (!dn) return make_error("dependency " + d + ": " + dn.error());
                if (auto s = add_blocked_by(cur->node_id, dn->node_id); !s)
                    return make_error(s.error());
            }
            for (const auto& [num, node] : cur->blocker_ids) {
                if (want.count(num)) continue;
                auto s =
                    graphql(R"(
mutation($input: RemoveBlockedByInput!) { removeBlockedBy(input: $input) { issue { id } } })",
                            {{"input", {{"issueId", cur->node_id}, {"blockingIssueId", node}}}});
                if (!s) return make_error(s.error());
            }
        }
        if (u.parent && *u.parent != cur->ticket.parent) {
            if (u.parent->empty()) {
                auto s = graphql(
                    R"(
mutation($input: RemoveSubIssueInput!) { removeSubIssue(input: $input) { issue { id } } })",
                    {{"input", {{"issueId", cur->parent_node_id}, {"subIssueId", cur->node_id}}}});
                if (!s) return make_error(s.error());
            } else {
                auto pn = fetch(*u.parent);
                if (!pn) return make_error("parent " + *u.parent + ": " + pn.error());
                if (auto s = set_parent(cur->node_id, pn->node_id); !s)
                    return make_error(s.error());
            }
        }
        return get(id);
    }

    Result<Ticket> close(const std::string& id) override {
        auto cur = fetch(id);
        if (!cur) return make_error(cur.error());
        if (cur->ticket.status == "closed") return cur->ticket;
        auto r = graphql(R"(
mutation($input: CloseIssueInput!) { closeIssue(input: $input) { issue { id state } } })",
                         {{"input", {{"issueId", cur->node_id}}}});
        if (!r) return make_error(r.error());
        return get(id);
    }

    Result<Ticket> comment(const std::string& id, const std::string& body) override {
        if (trim(body).empty()) return make_error("empty comment");
        auto cur = fetch(id);
        if (!cur) return make_error(cur.error());
        auto r = graphql(R"(
mutation($input: AddCommentInput!) { addComment(input: $input) { subject { id } } })",
                         {{"input", {{"subjectId", cur->node_id}, {"body", body}}}});
        if (!r) return make_error(r.error());
        return get(id);
    }

    Result<Ticket> set_plan(const std::string& id, const std::string& plan) override {
        auto cur = fetch(id);
        if (!cur) return make_error(cur.error());
        auto body = body_with_plan(cur->raw_body, plan);
        if (!body) return make_error(body.error());
        auto r = graphql(R"(
mutation($input: UpdateIssueInput!) { updateIssue(input: $input) { issue { id } } })",
                         {{"input", {{"id", cur->node_id}, {"body", *body}}}});
        if (!r) return make_error(r.error());
        return get(id);
    }

  private:
    Json repo_vars() const { return {{"owner", s_.owner}, {"name", s_.repo}}; }

    // One GraphQL request: its `data`, or one line saying what went wrong.
    Result<Json> graphql(const char* query, Json vars) {
        if (auto w = wait_.check("GitHub"); !w) return make_error(w.error());
        // Only the fragment's users get it: GitHub rejects an unused fragment.
        std::string q = query;
        if (q.find("...F") != std::string::npos) q += kIssueFields;
        std::string body = Json{{"query", q}, {"variables", vars}}.dump(
            -1, ' ', false, Json::error_handler_t::replace);
        net::Headers headers = {{"Authorization", "bearer " + s_.token},
                                {"Accept", "application/vnd.github+json"},
                                {"User-Agent", "fab"},
                                {"GraphQL-Features", "sub_issues,issue_dependencies"}};
        auto r = transport_(s_.graphql_url, headers, std::move(body), s_.timeout_ms);
        if (!r) return make_error(wait_.back_off("GitHub API unreachable: " + r.error()));
        const net::Response& resp = *r;
        std::string remaining = resp.header("X-RateLimit-Remaining");
        int64_t reset_ms = parse_int(resp.header("X-RateLimit-Reset")).value_or(0) * 1000;
        auto rate_wait = [&]() -> int64_t {
            if (int64_t ra = retry_after_ms(resp)) return ra;
            if (trim(remaining) == "0" && reset_ms > 0)
                return std::max<int64_t>(reset_ms - now_ms(), 1000);
            return 0;
        };
        if (resp.status == 401)
            return make_error(wait_.back_off("GitHub: bad credentials (401): check the token in $" +
                                             s_.token_env));
        if (resp.status == 403 || resp.status == 429) {
            if (int64_t ms = rate_wait(); ms > 0) {
                std::string why = "GitHub: rate limited (" + std::to_string(resp.status) +
                                  "); waiting " + std::to_string((ms + 999) / 1000) + " s";
                wait_.wait(ms, why);
                return make_error(why);
            }
            std::string scopes = resp.header("X-Accepted-OAuth-Scopes");
            return make_error("GitHub: forbidden (403): the token in $" + s_.token_env +
                              " lacks a permission" +
                              (scopes.empty() ? "" : " (this needs scope: " + scopes + ")"));
        }
        if (resp.status >= 500)
            return make_error(
                wait_.back_off("GitHub: server error " + std::to_string(resp.status)));
        if (resp.status != 200)
            return make_error("GitHub: unexpected HTTP status " + std::to_string(resp.status));
        Json j = Json::parse(resp.body, nullptr, false);
        if (!j.is_object()) return make_error(wait_.back_off("GitHub: the answer is not JSON"));
        wait_.succeeded();
        // Spent: nothing more before the window resets.
        if (trim(remaining) == "0" && reset_ms > now_ms())
            wait_.wait(reset_ms - now_ms(), "GitHub: rate limit spent");
        if (auto e = j.find("errors"); e != j.end() && e->is_array() && !e->empty()) {
            const Json& first = (*e)[0];
            std::string type = json_str(first, "type"), message = json_str(first, "message");
            if (type == "NOT_FOUND") {
                auto path = first.find("path");
                bool repo_level = path == first.end() || !path->is_array() || path->size() <= 1;
                if (repo_level)
                    return make_error("GitHub: repository " + s_.owner + "/" + s_.repo +
                                      " not found (or the token in $" + s_.token_env +
                                      " cannot see it)");
                return make_error("GitHub: " + message);
            }
            if (type == "INSUFFICIENT_SCOPES")
                return make_error("GitHub: the token in $" + s_.token_env +
                                  " lacks a scope: " + message);
            if (type == "RATE_LIMITED") {
                int64_t ms = std::max<int64_t>(rate_wait(), wait_.min_backoff_ms());
                std::string why =
                    "GitHub: rate limited; waiting " + std::to_string((ms + 999) / 1000) + " s";
                wait_.wait(ms, why);
                return make_error(why);
            }
            return make_error("GitHub: " + (message.empty() ? type : message));
        }
        auto d = j.find("data");
        if (d == j.end() || !d->is_object()) return make_error("GitHub: an answer without data");
        return *d;
    }

    // The issue, with its comments; cached.
    Result<Node> fetch(const std::string& id) {
        auto num = issue_number(id);
        if (!num) return make_error(num.error());
        Json vars = repo_vars();
        vars["number"] = *num;
        auto d = graphql(kIssueQuery, vars);
        if (!d) return make_error(d.error());
        const Json& repo = (*d)["repository"];
        if (!repo.is_object())
            return make_error("GitHub: repository " + s_.owner + "/" + s_.repo + " not found");
        const Json& issue = repo["issue"];
        if (!issue.is_object())
            return make_error("no issue #" + std::to_string(*num) + " in " + s_.owner + "/" +
                              s_.repo);
        Node n = to_node(issue);
        std::lock_guard lock(mu_);
        Node cached = n;
        cached.ticket.body = n.raw_body; // the list shows no notes
        cache_[*num] = std::move(cached);
        return n;
    }

    // Brings the cache up to date: a full listing of the open issues at
    // first and every kFullRefreshMs, else the issues updated since the cursor.
    Status refresh() {
        bool full;
        std::string since;
        {
            std::lock_guard lock(mu_);
            full = last_full_ms_ == 0 || now_ms() - last_full_ms_ >= kFullRefreshMs;
            since = cursor_;
        }
        std::vector<Node> got;
        std::string after;
        for (int page = 0; page < kMaxPages; ++page) {
            Json vars = repo_vars();
            vars["states"] = full ? Json::array({"OPEN"}) : Json::array({"OPEN", "CLOSED"});
            vars["since"] = full || since.empty() ? Json() : Json(since);
            vars["after"] = after.empty() ? Json() : Json(after);
            auto d = graphql(kListQuery, vars);
            if (!d) return make_error(d.error());
            const Json& repo = (*d)["repository"];
            if (!repo.is_object())
                return make_error("GitHub: repository " + s_.owner + "/" + s_.repo + " not found");
            const Json& issues = repo["issues"];
            for (const auto& n : nodes_of(repo, "issues")) got.push_back(to_node(n));
            const Json& pi = issues.is_object() ? issues.value("pageInfo", Json()) : Json();
            if (!pi.is_object() || !pi.value("hasNextPage", false)) break;
            after = json_str(pi, "endCursor");
            if (after.empty()) break;
        }
        std::lock_guard lock(mu_);
        if (full) {
            cache_.clear();
            last_full_ms_ = now_ms();
        }
        for (auto& n : got) {
            if (n.updated > cursor_) cursor_ = n.updated;
            int64_t num = parse_int(n.ticket.id).value_or(0);
            cache_[num] = std::move(n);
        }
        return {};
    }

    Result<TicketSet> list_closed() {
        Json vars = repo_vars();
        vars["states"] = Json::array({"CLOSED"});
        vars["since"] = Json();
        vars["after"] = Json();
        auto d = graphql(kListQuery, vars);
        if (!d) return make_error(d.error());
        TicketSet set;
        for (const auto& n : nodes_of((*d)["repository"], "issues"))
            set.tickets.push_back(to_node(n).ticket);
        std::sort(set.tickets.begin(), set.tickets.end(),
                  [](const Ticket& a, const Ticket& b) { return a.id < b.id; });
        return set;
    }

    Result<std::string> repository_id() {
        {
            std::lock_guard lock(mu_);
            if (!repo_id_.empty()) return repo_id_;
        }
        auto d = graphql("query($owner: String!, $name: String!) { repository(owner: $owner, "
                         "name: $name) { id } }",
                         repo_vars());
        if (!d) return make_error(d.error());
        std::string id = (*d)["repository"].is_object() ? json_str((*d)["repository"], "id") : "";
        if (id.empty())
            return make_error("GitHub: repository " + s_.owner + "/" + s_.repo + " not found");
        std::lock_guard lock(mu_);
        repo_id_ = id;
        return id;
    }

    // The ids of these labels, made (grey) when the repository lacks them.
    Result<std::vector<std::string>> ensure_labels(const std::string& repo_id,
                                                   const std::vector<std::string>& names) {
        std::vector<std::string> ids;
        for (const auto& name : names) {
            std::string id;
            {
                std::lock_guard lock(mu_);
                if (auto it = label_ids_.find(name); it != label_ids_.end()) id = it->second;
            }
            if (id.empty()) {
                Json vars = repo_vars();
                vars["label"] = name;
                auto d = graphql("query($owner: String!, $name: String!, $label: String!) { "
                                 "repository(owner: $owner, name: $name) { label(name: $label) { "
                                 "id } } }",
                                 vars);
                if (!d) return make_error(d.error());
                const Json& repo = (*d)["repository"];
                if (repo.is_object() && repo["label"].is_object())
                    id = json_str(repo["label"], "id");
            }
            if (id.empty()) {
                auto made = graphql(
                    R"(
mutation($input: CreateLabelInput!) { createLabel(input: $input) { label { id name } } })",
                    {{"input", {{"repositoryId", repo_id}, {"name", name}, {"color", "ededed"}}}});
                if (!made) return make_error("label " + name + ": " + made.error());
                id = json_str((*made)["createLabel"]["label"], "id");
                if (id.empty()) return make_error("GitHub: label " + name + " was not created");
            }
            {
                std::lock_guard lock(mu_);
                label_ids_[name] = id;
            }
            if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
        }
        return ids;
    }

    Status add_blocked_by(const std::string& issue, const std::string& blocker) {
        auto r = graphql(R"(
mutation($input: AddBlockedByInput!) { addBlockedBy(input: $input) { issue { id } } })",
                         {{"input", {{"issueId", issue}, {"blockingIssueId", blocker}}}});
        if (!r) return make_error("blocked-by: " + r.error());
        return {};
    }

    Status set_parent(const std::string& child, const std::string& parent) {
        auto r = graphql(
            R"(
mutation($input: AddSubIssueInput!) { addSubIssue(input: $input) { issue { id } } })",
            {{"input", {{"issueId", parent}, {"subIssueId", child}, {"replaceParent", true}}}});
        if (!r) return make_error("sub-issue: " + r.error());
        return {};
    }

    GithubSettings s_;
    Transport transport_;
    ApiWait wait_;
    std::mutex mu_; // guards what follows
    std::map<int64_t, Node> cache_;
    std::string cursor_; // newest updatedAt seen
    int64_t last_full_ms_ = 0;
    std::string repo_id_;
    std::map<std::string, std::string> label_ids_;
};

} // namespace

std::string github_graphql_url(const std::string& api_url) {
    std::string base(trim(api_url));
    while (!base.empty() && base.back() == '/') base.pop_back();
    if (base.empty()) base = "https://api.github.com";
    if (base.ends_with("/api/v3")) return base.substr(0, base.size() - 2) + "graphql";
    if (base.ends_with("/graphql")) return base;
    return base + "/graphql";
}

Result<std::pair<std::string, std::string>> github_repo_from_remote(const std::string& remote) {
    std::string r(trim(remote));
    std::string path;
    if (auto scheme = r.find("://"); scheme != std::string::npos) {
        auto slash = r.find('/', scheme + 3);
        if (slash != std::string::npos) path = r.substr(slash + 1);
    } else if (auto colon = r.find(':'); colon != std::string::npos && r.find('@') < colon) {
        path = r.substr(colon + 1); // git@github.com:owner/name.git
    }
    while (!path.empty() && path.back() == '/') path.pop_back();
    if (path.ends_with(".git")) path.resize(path.size() - 4);
    auto parts = split(path, '/');
    if (parts.size() != 2)
        return make_error("cannot tell the GitHub repository from remote-url \"" + remote +
                          "\"; set github-repo = owner/name in the project");
    return std::make_pair(parts[0], parts[1]);
}

std::unique_ptr<Backend> make_github_backend(GithubSettings s, Transport transport) {
    return std::make_unique<GithubBackend>(std::move(s), std::move(transport));
}

bool github_signature_ok(const std::string& secret, const std::string& body,
                         const std::string& signature) {
    if (secret.empty() || signature.rfind("sha256=", 0) != 0) return false;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
              reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len))
        return false;
    static constexpr char kHex[] = "0123456789abcdef";
    std::string want;
    for (unsigned i = 0; i < len; ++i) {
        want += kHex[mac[i] >> 4];
        want += kHex[mac[i] & 15];
    }
    std::string have = signature.substr(7);
    for (auto& c : have) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return have.size() == want.size() && CRYPTO_memcmp(have.data(), want.data(), want.size()) == 0;
}

} // namespace fab::issues
