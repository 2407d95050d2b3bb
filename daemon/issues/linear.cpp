// The Linear backend: GraphQL queries and mutations, the issue cache, rate
// limits and backoff (linear.hpp says what maps to what).
#include "daemon/issues/linear.hpp"

#include "util/strings.hpp"
#include "util/time.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

namespace fab::issues {

using Json = nlohmann::json;

namespace {

constexpr const char* kIssueFields = R"(
fragment F on Issue {
  id identifier title description priority createdAt updatedAt url
  state { id type name }
  creator { email }
  labels { nodes { id name } }
  parent { id identifier }
  inverseRelations { nodes { id type issue { id identifier state { type } } } }
})";

constexpr const char* kListQuery = R"(
query($filter: IssueFilter, $after: String) {
  issues(first: 100, after: $after, filter: $filter, orderBy: updatedAt) {
    pageInfo { hasNextPage endCursor }
    nodes { ...F }
  }
})";

constexpr const char* kIssueQuery = R"(
query($id: String!) {
  issue(id: $id) {
    ...F
    comments { nodes { body createdAt user { email name } } }
  }
})";

constexpr int kMaxPages = 20;

std::string str(const Json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Json nodes_of(const Json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_object()) return Json::array();
    auto n = it->find("nodes");
    return n != it->end() && n->is_array() ? *n : Json::array();
}

Json obj(const Json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_object() ? *it : Json::object();
}

struct Node {
    std::string node_id;
    Ticket ticket;
    std::string raw_body;
    std::vector<std::string> label_ids, label_names;
    std::map<std::string, std::string> blockers;       // identifier → relation id
    std::map<std::string, std::string> blocker_states; // identifier → open | closed
    std::string updated;
};

Node to_node(const Json& n) {
    Node out;
    Ticket& t = out.ticket;
    out.node_id = str(n, "id");
    t.id = str(n, "identifier");
    t.title = str(n, "title");
    out.raw_body = str(n, "description");
    t.body = out.raw_body;
    if (!t.body.empty() && t.body.back() != '\n') t.body += '\n';
    t.status = fab_status(str(obj(n, "state"), "type"));
    if (auto p = n.find("priority"); p != n.end() && p->is_number())
        t.priority = fab_priority(static_cast<int>(p->get<double>()));
    t.created = str(n, "createdAt");
    out.updated = str(n, "updatedAt");
    t.path = str(n, "url");
    t.author = str(obj(n, "creator"), "email");
    for (const auto& l : nodes_of(n, "labels")) {
        std::string name = str(l, "name");
        out.label_ids.push_back(str(l, "id"));
        out.label_names.push_back(name);
        if (name.rfind("type:", 0) == 0)
            t.type = name.substr(5);
        else if (name == "status:blocked" && t.status == "open")
            t.status = "blocked";
        else if (name.rfind("status:", 0) != 0)
            t.labels.push_back(name);
    }
    t.parent = str(obj(n, "parent"), "identifier");
    for (const auto& r : nodes_of(n, "inverseRelations")) {
        if (str(r, "type") != "blocks") continue;
        Json blocker = obj(r, "issue");
        std::string id = str(blocker, "identifier");
        t.deps.push_back(id);
        out.blockers[id] = str(r, "id");
        out.blocker_states[id] =
            fab_status(str(obj(blocker, "state"), "type")) == "closed" ? "closed" : "open";
    }
    Json comments = nodes_of(n, "comments");
    if (!comments.empty()) {
        t.body += "\n## Notes\n";
        for (const auto& c : comments) {
            std::string who = str(obj(c, "user"), "email");
            t.body += "\n**" + str(c, "createdAt") + (who.empty() ? "" : " " + who) + "**\n\n" +
                      std::string(trim(str(c, "body"))) + "\n";
        }
    }
    return out;
}

Result<std::string> body_with_plan(const std::string& body, const std::string& plan) {
    auto edited = upsert_plan("---\nid: x\n---\n# x\n\n" + body, plan);
    if (!edited) return make_error(edited.error());
    Ticket t;
    ParseProblem problem;
    if (!parse_ticket("", *edited, t, problem)) return make_error(problem.message);
    return t.body;
}

struct Team {
    std::string id;
    std::map<std::string, std::string> state_of_type; // type → first state id by position
    std::string project_id;                           // "" = no project scope
};

class LinearBackend final : public Backend {
  public:
    LinearBackend(LinearSettings s, Transport t)
        : s_(std::move(s)), transport_(std::move(t)), wait_(s_.min_backoff_ms) {}

    const char* kind() const override { return "linear"; }
    std::string where() const override {
        return "linear team " + s_.team + (s_.project.empty() ? "" : " project " + s_.project);
    }

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
        if (!t.links.empty()) return make_error("links are not supported by the linear backend");
        auto team = team_info();
        if (!team) return make_error(team.error());
        std::vector<std::string> names = {"type:" + t.type};
        for (const auto& l : t.labels) names.push_back(l);
        auto labels = ensure_labels(team->id, names);
        if (!labels) return make_error(labels.error());
        std::vector<std::string> dep_ids;
        for (const auto& d : t.deps) {
            auto dn = fetch(d);
            if (!dn) return make_error("dependency " + d + ": " + dn.error());
            dep_ids.push_back(dn->node_id);
        }
        Json input = {{"teamId", team->id},
                      {"title", t.title},
                      {"description", t.description},
                      {"priority", linear_priority(t.priority)},
                      {"labelIds", *labels}};
        if (!team->project_id.empty()) input["projectId"] = team->project_id;
        if (!t.parent.empty()) {
            auto pn = fetch(t.parent);
            if (!pn) return make_error("parent " + t.parent + ": " + pn.error());
            input["parentId"] = pn->node_id;
        }
        auto made = graphql(R"(
mutation($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { id identifier } } })",
                            {{"input", input}});
        if (!made) return make_error(made.error());
        Json issue = obj(obj(*made, "issueCreate"), "issue");
        std::string new_id = str(issue, "id"), ident = str(issue, "identifier");
        for (const auto& dep : dep_ids)
            if (auto s = add_blocker(dep, new_id); !s)
                return make_error("created " + ident + ", but " + s.error());
        return get(ident);
    }

    Result<Ticket> update(const std::string& id, const TicketUpdate& u) override {
        if (auto s = validate(u); !s) return make_error(s.error());
        if (u.links && !u.links->empty())
            return make_error("links are not supported by the linear backend");
        auto cur = fetch(id);
        if (!cur) return make_error(cur.error());
        auto team = team_info();
        if (!team) return make_error(team.error());
        Json input = Json::object();
        if (u.title) input["title"] = *u.title;
        if (u.description) input["description"] = *u.description;
        if (u.priority) input["priority"] = linear_priority(*u.priority);
        if (u.status) {
            std::string type = *u.status == "closed"        ? "completed"
                               : *u.status == "in_progress" ? "started"
                                                            : "unstarted";
            auto st = team->state_of_type.find(type);
            if (st == team->state_of_type.end())
                return make_error("Linear team " + s_.team + " has no workflow state of type " +
                                  type);
            input["stateId"] = st->second;
        }
        if (u.type || u.labels || u.status) {
            std::vector<std::string> names;
            for (const auto& l : cur->label_names) {
                bool is_type = l.rfind("type:", 0) == 0, is_status = l.rfind("status:", 0) == 0;
                if ((is_type && u.type) || (is_status && u.status) ||
                    (!is_type && !is_status && u.labels))
                    continue;
                names.push_back(l);
            }
            if (u.type) names.push_back("type:" + *u.type);
            if (u.status && *u.status == "blocked") names.push_back("status:blocked");
            if (u.labels)
                for (const auto& l : *u.labels) names.push_back(l);
            auto ids = ensure_labels(team->id, names);
            if (!ids) return make_error(ids.error());
            input["labelIds"] = *ids;
        }
        if (u.parent) {
            if (u.parent->empty()) {
                input["parentId"] = nullptr;
            } else {
                auto pn = fetch(*u.parent);
                if (!pn) return make_error("parent " + *u.parent + ": " + pn.error());
                input["parentId"] = pn->node_id;
            }
        }
        if (!input.empty())
            if (auto s = issue_update(cur->node_id, input); !s) return make_error(s.error());
        if (u.deps) {
            std::set<std::string> want(u.deps->begin(), u.deps->end());
            for (const auto& d : want) {
                if (cur->blockers.count(d)) continue;
                auto dn = fetch(d);
                if (!dn) return make_error("dependency " + d + ": " + dn.error());
                if (auto s = add_blocker(dn->node_id, cur->node_id); !s)
                    return make_error(s.error());
            }
            for (const auto& [ident, relation] : cur->blockers) {
                if (want.count(ident)) continue;
                auto r =
                    graphql("mutation($id: String!) { issueRelationDelete(id: $id) { success } }",
                            {{"id", relation}});
                if (!r) return make_error(r.error());
            }
        }
        return get(id);
    }

    Result<Ticket> close(const std::string& id) override {
        auto cur = fetch(id);
        if (!cur) return make_error(cur.error());
        if (cur->ticket.status == "closed") return cur->ticket;
        TicketUpdate u;
        u.status = "closed";
        return update(id, u);
    }

    Result<Ticket> comment(const std::string& id, const std::string& body) override {
        if (trim(body).empty()) return make_error("empty comment");
        auto cur = fetch(id);
        if (!cur) return make_error(cur.error());
        auto r = graphql(R"(
mutation($input: CommentCreateInput!) { commentCreate(input: $input) { success } })",
                         {{"input", {{"issueId", cur->node_id}, {"body", body}}}});
        if (!r) return make_error(r.error());
        return get(id);
    }

    Result<Ticket> set_plan(const std::string& id, const std::string& plan) override {
        auto cur = fetch(id);
        if (!cur) return make_error(cur.error());
        auto body = body_with_plan(cur->raw_body, plan);
        if (!body) return make_error(body.error());
        if (auto s = issue_update(cur->node_id, {{"description", *body}}); !s)
            return make_error(s.error());
        return get(id);
    }

  private:
    Result<Json> graphql(const char* query, Json vars) {
        if (auto w = wait_.check("Linear"); !w) return make_error(w.error());
        std::string q = query;
        if (q.find("...F") != std::string::npos) q += kIssueFields;
        std::string body = Json{{"query", q}, {"variables", vars}}.dump(
            -1, ' ', false, Json::error_handler_t::replace);
        // A personal API key goes as it is; an OAuth token with "Bearer ".
        net::Headers headers = {{"Authorization", s_.api_key},
                                {"Content-Type", "application/json"},
                                {"User-Agent", "fab"}};
        auto r = transport_(s_.graphql_url, headers, std::move(body), s_.timeout_ms);
        if (!r) return make_error(wait_.back_off("Linear API unreachable: " + r.error()));
        const net::Response& resp = *r;
        Json j = Json::parse(resp.body, nullptr, false);
        std::string code, message;
        if (j.is_object() && j.contains("errors") && j["errors"].is_array() &&
            !j["errors"].empty()) {
            const Json& e = j["errors"][0];
            message = str(e, "message");
            code = str(obj(e, "extensions"), "code");
        }
        auto rate_wait = [&]() -> int64_t {
            if (int64_t ra = retry_after_ms(resp)) return ra;
            // Linear: the epoch milliseconds when the request quota refills.
            if (auto reset = parse_int(resp.header("X-RateLimit-Requests-Reset")); reset)
                return std::max<int64_t>(*reset - now_ms(), 1000);
            return wait_.min_backoff_ms();
        };
        if (resp.status == 401 || code == "AUTHENTICATION_ERROR")
            return make_error(
                wait_.back_off("Linear: bad API key (401): check the key in $" + s_.key_env));
        if (resp.status == 429 || code == "RATELIMITED") {
            int64_t ms = rate_wait();
            std::string why =
                "Linear: rate limited; waiting " + std::to_string((ms + 999) / 1000) + " s";
            wait_.wait(ms, why);
            return make_error(why);
        }
        if (resp.status == 403 || code == "FORBIDDEN")
            return make_error("Linear: forbidden: the API key in $" + s_.key_env + " lacks access" +
                              (message.empty() ? "" : " (" + message + ")"));
        if (resp.status >= 500)
            return make_error(
                wait_.back_off("Linear: server error " + std::to_string(resp.status)));
        if (!j.is_object())
            return make_error(resp.status == 200 ? wait_.back_off("Linear: the answer is not JSON")
                                                 : "Linear: HTTP " + std::to_string(resp.status));
        wait_.succeeded();
        if (!message.empty()) return make_error("Linear: " + message);
        if (resp.status != 200) return make_error("Linear: HTTP " + std::to_string(resp.status));
        auto d = j.find("data");
        if (d == j.end() || !d->is_object()) return make_error("Linear: an answer without data");
        return *d;
    }

    // The team (and project) ids and the team's workflow states; cached.
    Result<Team> team_info() {
        {
            std::lock_guard lock(mu_);
            if (!team_.id.empty()) return team_;
        }
        auto d = graphql(R"(
query($key: String!) {
  teams(filter: {key: {eq: $key}}) {
    nodes { id key states { nodes { id type position } } }
  }
})",
                         {{"key", s_.team}});
        if (!d) return make_error(d.error());
        Json teams = nodes_of(*d, "teams");
        if (teams.empty())
            return make_error("Linear: no team with key " + s_.team + " (or the API key in $" +
                              s_.key_env + " cannot see it)");
        Team t;
        t.id = str(teams[0], "id");
        std::map<std::string, double> best;
        for (const auto& st : nodes_of(teams[0], "states")) {
            std::string type = str(st, "type");
            double pos = st.value("position", 0.0);
            if (!best.count(type) || pos < best[type]) {
                best[type] = pos;
                t.state_of_type[type] = str(st, "id");
            }
        }
        if (!s_.project.empty()) {
            auto p = graphql(R"(
query($name: String!) { projects(filter: {name: {eq: $name}}) { nodes { id } } })",
                             {{"name", s_.project}});
            if (!p) return make_error(p.error());
            Json ps = nodes_of(*p, "projects");
            if (ps.empty()) return make_error("Linear: no project named " + s_.project);
            t.project_id = str(ps[0], "id");
        }
        std::lock_guard lock(mu_);
        team_ = t;
        return t;
    }

    Json scope_filter() const {
        Json f = {{"team", {{"key", {{"eq", s_.team}}}}}};
        if (!s_.project.empty()) f["project"] = {{"name", {{"eq", s_.project}}}};
        return f;
    }

    Result<Node> fetch(const std::string& id) {
        std::string ident(trim(id));
        if (ident.empty()) return make_error("no issue id");
        auto d = graphql(kIssueQuery, {{"id", ident}});
        if (!d) {
            if (d.error().find("not found") != std::string::npos ||
                d.error().find("Entity not found") != std::string::npos)
                return make_error("no issue " + ident + " in Linear");
            return make_error(d.error());
        }
        Json issue = obj(*d, "issue");
        if (issue.empty()) return make_error("no issue " + ident + " in Linear");
        Node n = to_node(issue);
        std::lock_guard lock(mu_);
        Node cached = n;
        cached.ticket.body = n.raw_body;
        cache_[n.ticket.id] = std::move(cached);
        return n;
    }

    Status refresh() {
        if (auto t = team_info(); !t) return make_error(t.error()); // unknown team: one clear line
        bool full;
        std::string since;
        {
            std::lock_guard lock(mu_);
            full = last_full_ms_ == 0 || now_ms() - last_full_ms_ >= 10 * 60 * 1000;
            since = cursor_;
        }
        Json filter = scope_filter();
        if (full || since.empty())
            filter["state"] = {{"type", {{"nin", Json::array({"completed", "canceled"})}}}};
        else
            filter["updatedAt"] = {{"gte", since}};
        std::vector<Node> got;
        std::string after;
        for (int page = 0; page < kMaxPages; ++page) {
            Json vars = {{"filter", filter}, {"after", after.empty() ? Json() : Json(after)}};
            auto d = graphql(kListQuery, vars);
            if (!d) return make_error(d.error());
            Json issues = obj(*d, "issues");
            for (const auto& n : nodes_of(*d, "issues")) got.push_back(to_node(n));
            Json pi = obj(issues, "pageInfo");
            if (!pi.value("hasNextPage", false)) break;
            after = str(pi, "endCursor");
            if (after.empty()) break;
        }
        std::lock_guard lock(mu_);
        if (full || since.empty()) {
            cache_.clear();
            last_full_ms_ = now_ms();
        }
        for (auto& n : got) {
            if (n.updated > cursor_) cursor_ = n.updated;
            cache_[n.ticket.id] = std::move(n);
        }
        return {};
    }

    Result<TicketSet> list_closed() {
        Json filter = scope_filter();
        filter["state"] = {{"type", {{"in", Json::array({"completed", "canceled"})}}}};
        auto d = graphql(kListQuery, {{"filter", filter}, {"after", Json()}});
        if (!d) return make_error(d.error());
        TicketSet set;
        for (const auto& n : nodes_of(*d, "issues")) set.tickets.push_back(to_node(n).ticket);
        std::sort(set.tickets.begin(), set.tickets.end(),
                  [](const Ticket& a, const Ticket& b) { return a.id < b.id; });
        return set;
    }

    Result<std::vector<std::string>> ensure_labels(const std::string& team_id,
                                                   const std::vector<std::string>& names) {
        std::vector<std::string> ids;
        for (const auto& name : names) {
            std::string id;
            {
                std::lock_guard lock(mu_);
                if (auto it = label_ids_.find(name); it != label_ids_.end()) id = it->second;
            }
            if (id.empty()) {
                auto d = graphql(R"(
query($name: String!) { issueLabels(filter: {name: {eq: $name}}) { nodes { id team { id } } } })",
                                 {{"name", name}});
                if (!d) return make_error(d.error());
                for (const auto& l : nodes_of(*d, "issueLabels")) {
                    std::string team = str(obj(l, "team"), "id");
                    if (team.empty() || team == team_id) id = str(l, "id");
                }
            }
            if (id.empty()) {
                auto made = graphql(R"(
mutation($input: IssueLabelCreateInput!) { issueLabelCreate(input: $input) { success issueLabel { id } } })",
                                    {{"input", {{"name", name}, {"teamId", team_id}}}});
                if (!made) return make_error("label " + name + ": " + made.error());
                id = str(obj(obj(*made, "issueLabelCreate"), "issueLabel"), "id");
                if (id.empty()) return make_error("Linear: label " + name + " was not created");
            }
            {
                std::lock_guard lock(mu_);
                label_ids_[name] = id;
            }
            if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
        }
        return ids;
    }

    Status issue_update(const std::string& node_id, Json input) {
        auto r = graphql(R"(
mutation($id: String!, $input: IssueUpdateInput!) { issueUpdate(id: $id, input: $input) { success } })",
                         {{"id", node_id}, {"input", input}});
        if (!r) return make_error(r.error());
        return {};
    }

    // `blocker` blocks `blocked`.
    Status add_blocker(const std::string& blocker, const std::string& blocked) {
        auto r = graphql(
            R"(
mutation($input: IssueRelationCreateInput!) { issueRelationCreate(input: $input) { success } })",
            {{"input", {{"issueId", blocker}, {"relatedIssueId", blocked}, {"type", "blocks"}}}});
        if (!r) return make_error("blocking relation: " + r.error());
        return {};
    }

    LinearSettings s_;
    Transport transport_;
    ApiWait wait_;
    std::mutex mu_; // guards what follows
    std::map<std::string, Node> cache_;
    std::string cursor_;
    int64_t last_full_ms_ = 0;
    Team team_;
    std::map<std::string, std::string> label_ids_;
};

} // namespace

int fab_priority(int linear) {
    switch (linear) {
    case 1:
        return 0;
    case 2:
        return 1;
    default:
        return 2; // 3 medium, 4 low, 0 none
    }
}

int linear_priority(int fab) {
    return fab <= 0 ? 1 : fab == 1 ? 2 : 3;
}

std::string fab_status(const std::string& state_type) {
    if (state_type == "started") return "in_progress";
    if (state_type == "completed" || state_type == "canceled") return "closed";
    return "open"; // triage, backlog, unstarted
}

std::unique_ptr<Backend> make_linear_backend(LinearSettings s, Transport transport) {
    return std::make_unique<LinearBackend>(std::move(s), std::move(transport));
}

} // namespace fab::issues
