// The fake Linear GraphQL API of fake_linear.hpp. The operation is told from
// the query text; node ids are "id-<identifier>", state ids "S_<type>".
#include "fake_linear.hpp"

#include <algorithm>
#include <cstdio>

namespace fab::test {

using nlohmann::json;

namespace {

std::string respond(int status, const std::string& body,
                    const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    std::string out =
        "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Error") +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\nConnection: close\r\n";
    for (const auto& [k, v] : headers) out += k + ": " + v + "\r\n";
    return out + "\r\n" + body;
}

std::string ident_of(const json& id) { // "id-ENG-3" or "ENG-3" → "ENG-3"
    std::string s = id.is_string() ? id.get<std::string>() : "";
    return s.rfind("id-", 0) == 0 ? s.substr(3) : s;
}

std::string stamp(int tick) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "2026-12-01T%02d:%02d:%02d.000Z", (tick / 3600) % 24,
                  (tick / 60) % 60, tick % 60);
    return buf;
}

} // namespace

FakeLinear::FakeLinear(std::string team, std::string key)
    : team_(std::move(team)), key_(std::move(key)),
      server_([this](const std::string& raw) { return handle(raw); }) {}

std::string FakeLinear::add_issue(Issue i) {
    std::lock_guard lock(mu_);
    i.identifier = team_ + "-" + std::to_string(next_++);
    i.updated = ++clock_;
    for (const auto& l : i.labels)
        if (!labels_.count(l)) labels_[l] = "L_" + l;
    for (const auto& b : i.blocked_by)
        relations_["R_" + std::to_string(relations_.size() + 1)] = b + ">" + i.identifier;
    issues_[i.identifier] = i;
    return i.identifier;
}

FakeLinear::Issue FakeLinear::issue(const std::string& identifier) const {
    std::lock_guard lock(mu_);
    auto it = issues_.find(identifier);
    if (it == issues_.end()) return {};
    Issue i = it->second;
    i.blocked_by.clear();
    for (const auto& [id, rel] : relations_)
        if (rel.substr(rel.find('>') + 1) == identifier)
            i.blocked_by.push_back(rel.substr(0, rel.find('>')));
    return i;
}

std::vector<FakeLinear::Call> FakeLinear::calls(const std::string& op) const {
    std::lock_guard lock(mu_);
    std::vector<Call> out;
    for (const auto& c : calls_)
        if (op.empty() || c.op == op) out.push_back(c);
    return out;
}

std::set<std::string> FakeLinear::labels() const {
    std::lock_guard lock(mu_);
    std::set<std::string> out;
    for (const auto& [n, id] : labels_) out.insert(n);
    return out;
}

void FakeLinear::set_state(const std::string& identifier, const std::string& type) {
    std::lock_guard lock(mu_);
    issues_[identifier].state = type;
    issues_[identifier].updated = ++clock_;
}

void FakeLinear::fail_next(int count, int status,
                           std::vector<std::pair<std::string, std::string>> headers,
                           std::string body) {
    std::lock_guard lock(mu_);
    fail_count_ = count;
    fail_status_ = status;
    fail_headers_ = std::move(headers);
    fail_body_ = std::move(body);
}

json FakeLinear::node(const Issue& i, bool comments) const {
    json labels = json::array();
    for (const auto& l : i.labels) labels.push_back({{"id", labels_.at(l)}, {"name", l}});
    json inverse = json::array();
    for (const auto& [id, rel] : relations_) {
        std::string blocker = rel.substr(0, rel.find('>'));
        if (rel.substr(rel.find('>') + 1) != i.identifier) continue;
        auto b = issues_.find(blocker);
        inverse.push_back(
            {{"id", id},
             {"type", "blocks"},
             {"issue",
              {{"id", "id-" + blocker},
               {"identifier", blocker},
               {"state", {{"type", b == issues_.end() ? "unstarted" : b->second.state}}}}}});
    }
    json n = {{"id", "id-" + i.identifier},
              {"identifier", i.identifier},
              {"title", i.title},
              {"description", i.description},
              {"priority", i.priority},
              {"createdAt", stamp(1)},
              {"updatedAt", stamp(i.updated)},
              {"url", "https://linear.app/acme/issue/" + i.identifier},
              {"state", {{"id", "S_" + i.state}, {"type", i.state}, {"name", i.state}}},
              {"creator", {{"email", i.creator}}},
              {"labels", {{"nodes", labels}}},
              {"parent", i.parent.empty()
                             ? json()
                             : json{{"id", "id-" + i.parent}, {"identifier", i.parent}}},
              {"inverseRelations", {{"nodes", inverse}}}};
    if (comments) {
        json cs = json::array();
        for (const auto& c : i.comments)
            cs.push_back(
                {{"body", c}, {"createdAt", stamp(2)}, {"user", {{"email", "fab@example.com"}}}});
        n["comments"] = {{"nodes", cs}};
    }
    return n;
}

std::optional<std::string> FakeLinear::handle(const std::string& raw) {
    auto split = raw.find("\r\n\r\n");
    std::string head = raw.substr(0, split),
                body = split == std::string::npos ? "" : raw.substr(split + 4);
    json req = json::parse(body, nullptr, false);
    std::string query = req.is_object() ? req.value("query", "") : "";
    json vars = req.is_object() && req.contains("variables") ? req["variables"] : json::object();
    std::string op = "unknown";
    for (const char* m : {"issueCreate(", "issueUpdate(", "commentCreate(", "issueRelationCreate(",
                          "issueRelationDelete(", "issueLabelCreate(", "issueLabels(", "teams(",
                          "projects(", "issue(id:", "issues(first:"}) {
        if (query.find(m) != std::string::npos) {
            op = std::string(m).substr(0, std::string(m).find('('));
            break;
        }
    }
    std::lock_guard lock(mu_);
    calls_.push_back({op, vars});
    if (fail_count_ != 0) {
        if (fail_count_ > 0) --fail_count_;
        return respond(fail_status_, fail_body_, fail_headers_);
    }
    if (head.find("\r\nAuthorization: " + key_ + "\r\n") == std::string::npos &&
        head.find("\r\nauthorization: " + key_ + "\r\n") == std::string::npos)
        return respond(
            400,
            R"({"errors":[{"message":"Authentication required, not authenticated","extensions":{"type":"authentication error","code":"AUTHENTICATION_ERROR","userPresentableMessage":"You need to authenticate to access this operation."}}]})");
    auto ok = [](json data) { return respond(200, json{{"data", data}}.dump()); };
    json input = vars.contains("input") ? vars["input"] : json::object();

    if (op == "teams") {
        json teams = json::array();
        if (vars.value("key", "") == team_) {
            json states = json::array();
            double pos = 0;
            for (const char* t : {"backlog", "unstarted", "started", "completed", "canceled"})
                states.push_back({{"id", std::string("S_") + t}, {"type", t}, {"position", pos++}});
            teams.push_back({{"id", "T_1"}, {"key", team_}, {"states", {{"nodes", states}}}});
        }
        return ok({{"teams", {{"nodes", teams}}}});
    }
    if (op == "projects") return ok({{"projects", {{"nodes", json::array({{{"id", "P_1"}}})}}}});
    if (op == "issueLabels") {
        json nodes = json::array();
        std::string name = vars.value("name", "");
        if (labels_.count(name))
            nodes.push_back({{"id", labels_[name]}, {"team", {{"id", "T_1"}}}});
        return ok({{"issueLabels", {{"nodes", nodes}}}});
    }
    if (op == "issueLabelCreate") {
        std::string name = input.value("name", "");
        labels_[name] = "L_" + name;
        return ok(
            {{"issueLabelCreate", {{"success", true}, {"issueLabel", {{"id", labels_[name]}}}}}});
    }
    auto label_names = [&](const json& ids) {
        std::vector<std::string> out;
        for (const auto& id : ids)
            for (const auto& [n, lid] : labels_)
                if (lid == id) out.push_back(n);
        return out;
    };
    if (op == "issue") {
        auto it = issues_.find(ident_of(vars["id"]));
        if (it == issues_.end())
            return respond(
                200,
                R"({"data":null,"errors":[{"message":"Entity not found: Issue","extensions":{"type":"invalid input","code":"INVALID_INPUT"}}]})");
        return ok({{"issue", node(it->second, true)}});
    }
    if (op == "issues") {
        json f = vars.value("filter", json::object());
        std::string gte = f.contains("updatedAt") ? f["updatedAt"].value("gte", "") : "";
        std::vector<std::string> nin, in;
        if (f.contains("state")) {
            nin = f["state"]["type"].value("nin", std::vector<std::string>{});
            in = f["state"]["type"].value("in", std::vector<std::string>{});
        }
        json nodes = json::array();
        for (const auto& [id, i] : issues_) {
            if (std::find(nin.begin(), nin.end(), i.state) != nin.end()) continue;
            if (!in.empty() && std::find(in.begin(), in.end(), i.state) == in.end()) continue;
            if (!gte.empty() && stamp(i.updated) < gte) continue;
            nodes.push_back(node(i, false));
        }
        return ok(
            {{"issues",
              {{"pageInfo", {{"hasNextPage", false}, {"endCursor", nullptr}}}, {"nodes", nodes}}}});
    }
    if (op == "issueCreate") {
        Issue i;
        i.identifier = team_ + "-" + std::to_string(next_++);
        i.title = input.value("title", "");
        i.description = input.value("description", "");
        i.priority = input.value("priority", 0);
        i.creator = "fab@example.com";
        i.labels = label_names(input.value("labelIds", json::array()));
        if (input.contains("parentId")) i.parent = ident_of(input["parentId"]);
        i.updated = ++clock_;
        issues_[i.identifier] = i;
        return ok({{"issueCreate",
                    {{"success", true},
                     {"issue", {{"id", "id-" + i.identifier}, {"identifier", i.identifier}}}}}});
    }
    if (op == "issueRelationCreate") {
        relations_["R_" + std::to_string(relations_.size() + 1)] =
            ident_of(input["issueId"]) + ">" + ident_of(input["relatedIssueId"]);
        issues_[ident_of(input["relatedIssueId"])].updated = ++clock_;
        return ok({{"issueRelationCreate", {{"success", true}}}});
    }
    if (op == "issueRelationDelete") {
        relations_.erase(vars.value("id", ""));
        return ok({{"issueRelationDelete", {{"success", true}}}});
    }
    std::string target = ident_of(op == "commentCreate" ? input["issueId"] : vars["id"]);
    auto it = issues_.find(target);
    if (it == issues_.end())
        return respond(
            200,
            R"({"data":null,"errors":[{"message":"Entity not found","extensions":{"code":"INVALID_INPUT"}}]})");
    Issue& i = it->second;
    i.updated = ++clock_;
    if (op == "commentCreate") {
        i.comments.push_back(input.value("body", ""));
        return ok({{"commentCreate", {{"success", true}}}});
    }
    if (op == "issueUpdate") {
        if (input.contains("title")) i.title = input["title"];
        if (input.contains("description")) i.description = input["description"];
        if (input.contains("priority")) i.priority = input["priority"];
        if (input.contains("stateId")) i.state = input["stateId"].get<std::string>().substr(2);
        if (input.contains("labelIds")) i.labels = label_names(input["labelIds"]);
        if (input.contains("parentId"))
            i.parent = input["parentId"].is_null() ? "" : ident_of(input["parentId"]);
        return ok({{"issueUpdate", {{"success", true}}}});
    }
    return respond(400, R"({"errors":[{"message":"fake: unknown operation"}]})");
}

} // namespace fab::test
