// The fake GitHub GraphQL API of fake_github.hpp. The operation is told from
// the query text (fab's queries name their root fields), the way a test
// double can; the answers follow the GitHub GraphQL schema.
#include "fake_github.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>

namespace fab::test {

using nlohmann::json;

namespace {

std::string reason(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 429:
        return "Too Many Requests";
    case 502:
        return "Bad Gateway";
    default:
        return "Status";
    }
}

std::string response(int status, const std::string& body,
                     const std::vector<std::pair<std::string, std::string>>& headers) {
    std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) +
                      "\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\nConnection: close\r\n";
    for (const auto& [k, v] : headers) out += k + ": " + v + "\r\n";
    return out + "\r\n" + body;
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string header_of(const std::string& head, const std::string& name) {
    std::string l = lower(head);
    auto at = l.find("\r\n" + lower(name) + ":");
    if (at == std::string::npos) return "";
    at += name.size() + 3;
    auto end = head.find("\r\n", at);
    std::string v = head.substr(at, end - at);
    while (!v.empty() && v.front() == ' ') v.erase(0, 1);
    return v;
}

int number_of(const json& id) { // "I_12" → 12
    std::string s = id.is_string() ? id.get<std::string>() : "";
    return s.rfind("I_", 0) == 0 ? std::atoi(s.c_str() + 2) : 0;
}

} // namespace

FakeGithub::FakeGithub(std::string owner, std::string repo, std::string token)
    : owner_(std::move(owner)), repo_(std::move(repo)), token_(std::move(token)),
      server_([this](const std::string& raw) { return handle(raw); }) {}

std::string FakeGithub::stamp(int tick) const {
    char buf[32];
    std::snprintf(buf, sizeof buf, "2026-12-01T%02d:%02d:%02dZ", (tick / 3600) % 24,
                  (tick / 60) % 60, tick % 60);
    return buf;
}

int FakeGithub::add_issue(Issue i) {
    std::lock_guard lock(mu_);
    i.number = next_number_++;
    i.created = i.updated = ++clock_;
    for (const auto& l : i.labels)
        if (!labels_.count(l)) labels_[l] = "LA_" + std::to_string(labels_.size() + 1);
    issues_[i.number] = i;
    return i.number;
}

FakeGithub::Issue FakeGithub::issue(int number) const {
    std::lock_guard lock(mu_);
    auto it = issues_.find(number);
    return it == issues_.end() ? Issue{} : it->second;
}

std::vector<FakeGithub::Call> FakeGithub::calls() const {
    std::lock_guard lock(mu_);
    return calls_;
}

std::vector<FakeGithub::Call> FakeGithub::calls(const std::string& op) const {
    std::vector<Call> out;
    for (auto& c : calls())
        if (c.op == op) out.push_back(c);
    return out;
}

std::set<std::string> FakeGithub::labels() const {
    std::lock_guard lock(mu_);
    std::set<std::string> out;
    for (const auto& [name, id] : labels_) out.insert(name);
    return out;
}

void FakeGithub::set_open(int number, bool open) {
    std::lock_guard lock(mu_);
    issues_[number].open = open;
    issues_[number].updated = ++clock_;
}

void FakeGithub::fail_next(int count, int status,
                           std::vector<std::pair<std::string, std::string>> headers,
                           std::string body) {
    std::lock_guard lock(mu_);
    fail_count_ = count;
    fail_status_ = status;
    fail_headers_ = std::move(headers);
    fail_body_ = std::move(body);
}

void FakeGithub::drop_next(int count) {
    std::lock_guard lock(mu_);
    drop_count_ = count;
}

void FakeGithub::fail_op(const std::string& op, int count) {
    std::lock_guard lock(mu_);
    fail_ops_[op] = count;
}

void FakeGithub::clear_faults() {
    std::lock_guard lock(mu_);
    fail_count_ = drop_count_ = 0;
}

json FakeGithub::node(const Issue& i, bool comments) const {
    json labels = json::array();
    for (const auto& l : i.labels) labels.push_back({{"name", l}});
    json blockers = json::array();
    for (int b : i.blocked_by) {
        auto it = issues_.find(b);
        bool open = it == issues_.end() || it->second.open;
        blockers.push_back(
            {{"id", "I_" + std::to_string(b)}, {"number", b}, {"state", open ? "OPEN" : "CLOSED"}});
    }
    json n = {
        {"id", "I_" + std::to_string(i.number)},
        {"number", i.number},
        {"title", i.title},
        {"body", i.body},
        {"state", i.open ? "OPEN" : "CLOSED"},
        {"createdAt", stamp(i.created)},
        {"updatedAt", stamp(i.updated)},
        {"url",
         "https://github.com/" + owner_ + "/" + repo_ + "/issues/" + std::to_string(i.number)},
        {"author", {{"login", i.author}}},
        {"labels", {{"nodes", labels}}},
        {"parent",
         i.parent ? json{{"id", "I_" + std::to_string(i.parent)}, {"number", i.parent}} : json()},
        {"blockedBy", {{"nodes", blockers}}}};
    if (comments) {
        json cs = json::array();
        int k = 0;
        for (const auto& [who, body] : i.comments)
            cs.push_back({{"author", {{"login", who}}},
                          {"createdAt", stamp(i.created + ++k)},
                          {"body", body}});
        n["comments"] = {{"nodes", cs}};
    }
    return n;
}

std::optional<std::string> FakeGithub::handle(const std::string& raw) {
    auto split = raw.find("\r\n\r\n");
    std::string head = raw.substr(0, split),
                body = split == std::string::npos ? "" : raw.substr(split + 4);
    json req = json::parse(body, nullptr, false);
    std::string query = req.is_object() ? req.value("query", "") : "";
    json vars = req.is_object() && req.contains("variables") ? req["variables"] : json::object();
    std::string auth = header_of(head, "Authorization");

    std::string op = "unknown";
    for (const char* m : {"createIssue(", "updateIssue(", "closeIssue(", "addComment(",
                          "addBlockedBy(", "removeBlockedBy(", "addSubIssue(", "removeSubIssue(",
                          "createLabel(", "label(name:", "issue(number:", "issues(first:"}) {
        if (query.find(m) != std::string::npos) {
            op = std::string(m).substr(0, std::string(m).find('('));
            break;
        }
    }
    if (op == "issues") op = "list";
    if (op == "unknown" && query.find("{ id }") != std::string::npos) op = "repository";

    std::lock_guard lock(mu_);
    calls_.push_back({op, vars, auth});
    if (drop_count_ != 0) {
        if (drop_count_ > 0) --drop_count_;
        // A promise of 4000 bytes, then the connection goes.
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
               "4000\r\n\r\n{\"data\": {\"repos";
    }
    if (auto f = fail_ops_.find(op); f != fail_ops_.end() && f->second > 0) {
        --f->second;
        return response(502, R"({"message":"Server Error"})", {});
    }
    if (fail_count_ != 0) {
        if (fail_count_ > 0) --fail_count_;
        return response(fail_status_, fail_body_, fail_headers_);
    }
    if (lower(auth) != "bearer " + token_)
        return response(
            401,
            R"({"message":"Bad credentials","documentation_url":"https://docs.github.com/graphql"})",
            {});
    std::vector<std::pair<std::string, std::string>> rl = {
        {"X-RateLimit-Limit", "5000"},
        {"X-RateLimit-Remaining", "4990"},
        {"X-RateLimit-Reset",
         std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count() +
                        3600)}};
    auto ok = [&](json data) { return response(200, json{{"data", data}}.dump(), rl); };
    auto not_found = [&](json data, json path, const std::string& msg) {
        return response(
            200,
            json{{"data", data},
                 {"errors", {{{"type", "NOT_FOUND"}, {"path", path}, {"message", msg}}}}}
                .dump(),
            rl);
    };
    if (vars.value("owner", owner_) != owner_ || vars.value("name", repo_) != repo_)
        return not_found({{"repository", nullptr}}, {"repository"},
                         "Could not resolve to a Repository with the name '" +
                             vars.value("owner", "") + "/" + vars.value("name", "") + "'.");
    json input = vars.contains("input") ? vars["input"] : json::object();
    auto touch = [&](Issue& i) { i.updated = ++clock_; };
    auto label_names = [&](const json& ids) {
        std::vector<std::string> out;
        for (const auto& id : ids)
            for (const auto& [name, lid] : labels_)
                if (lid == id) out.push_back(name);
        return out;
    };

    if (op == "repository") return ok({{"repository", {{"id", "R_1"}}}});
    if (op == "label") {
        std::string name = vars.value("label", "");
        auto it = labels_.find(name);
        return ok(
            {{"repository", {{"label", it == labels_.end() ? json() : json{{"id", it->second}}}}}});
    }
    if (op == "createLabel") {
        std::string name = input.value("name", "");
        std::string id = "LA_" + std::to_string(labels_.size() + 1);
        labels_[name] = id;
        return ok({{"createLabel", {{"label", {{"id", id}, {"name", name}}}}}});
    }
    if (op == "issue") {
        int n = vars.value("number", 0);
        auto it = issues_.find(n);
        if (it == issues_.end())
            return not_found({{"repository", {{"issue", nullptr}}}}, {"repository", "issue"},
                             "Could not resolve to an issue or pull request with the number of " +
                                 std::to_string(n) + ".");
        return ok({{"repository", {{"issue", node(it->second, true)}}}});
    }
    if (op == "list") {
        std::set<std::string> states;
        for (const auto& s : vars.value("states", json::array()))
            states.insert(s.get<std::string>());
        std::string since = vars.contains("since") && vars["since"].is_string()
                                ? vars["since"].get<std::string>()
                                : "";
        std::vector<const Issue*> hit;
        for (const auto& [n, i] : issues_) {
            if (!states.empty() && !states.count(i.open ? "OPEN" : "CLOSED")) continue;
            if (!since.empty() && stamp(i.updated) < since) continue;
            hit.push_back(&i);
        }
        std::sort(hit.begin(), hit.end(),
                  [](const Issue* a, const Issue* b) { return a->updated < b->updated; });
        json nodes = json::array();
        for (const Issue* i : hit) nodes.push_back(node(*i, false));
        return ok({{"repository",
                    {{"issues",
                      {{"pageInfo", {{"hasNextPage", false}, {"endCursor", nullptr}}},
                       {"nodes", nodes}}}}}});
    }
    if (op == "createIssue") {
        Issue i;
        i.number = next_number_++;
        i.title = input.value("title", "");
        i.body = input.value("body", "");
        i.author = "fab-bot";
        i.labels = label_names(input.value("labelIds", json::array()));
        i.created = i.updated = ++clock_;
        issues_[i.number] = i;
        return ok({{"createIssue",
                    {{"issue", {{"id", "I_" + std::to_string(i.number)}, {"number", i.number}}}}}});
    }
    int target = number_of(input.contains("id")        ? input["id"]
                           : input.contains("issueId") ? input["issueId"]
                                                       : input.value("subjectId", json()));
    auto it = issues_.find(target);
    if (it == issues_.end())
        return not_found(json{{op, nullptr}}, {op},
                         "Could not resolve to a node with the global id of '" +
                             std::to_string(target) + "'");
    Issue& i = it->second;
    json result = {{"issue", {{"id", "I_" + std::to_string(i.number)}}}};
    if (op == "updateIssue") {
        if (input.contains("title")) i.title = input["title"];
        if (input.contains("body")) i.body = input["body"];
        if (input.contains("state")) i.open = input["state"] == "OPEN";
        if (input.contains("labelIds")) i.labels = label_names(input["labelIds"]);
    } else if (op == "closeIssue") {
        i.open = false;
        result["issue"]["state"] = "CLOSED";
    } else if (op == "addComment") {
        i.comments.emplace_back("fab-bot", input.value("body", ""));
        result = {{"subject", {{"id", "I_" + std::to_string(i.number)}}}};
    } else if (op == "addBlockedBy") {
        i.blocked_by.push_back(number_of(input["blockingIssueId"]));
    } else if (op == "removeBlockedBy") {
        std::erase(i.blocked_by, number_of(input["blockingIssueId"]));
    } else if (op == "addSubIssue") {
        int child = number_of(input["subIssueId"]);
        if (issues_.count(child)) {
            issues_[child].parent = i.number;
            issues_[child].updated = ++clock_;
        }
    } else if (op == "removeSubIssue") {
        int child = number_of(input["subIssueId"]);
        if (issues_.count(child)) issues_[child].parent = 0;
    } else {
        return response(400, R"({"message":"fake: unknown operation"})", {});
    }
    touch(i);
    return ok({{op, result}});
}

} // namespace fab::test
