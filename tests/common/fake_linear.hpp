// A fake Linear GraphQL API for the tests (on FakeHttpServer, 127.0.0.1):
// one team (key, workflow states of every type), its issues with states,
// priorities, labels, "blocks" relations, parents and comments, answering
// the queries and mutations fab sends in the shapes Linear uses
// ({"data": …}; errors with extensions.code AUTHENTICATION_ERROR,
// RATELIMITED). Every request is recorded. Used by
// tests/unit/linear_backend_test.cpp.
#pragma once

#include "fake_http_server.hpp"

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace fab::test {

class FakeLinear {
  public:
    struct Issue {
        std::string identifier; // set by add_issue: <team>-<n>
        std::string title, description, creator = "alice@example.com";
        std::string state = "unstarted"; // a state type
        int priority = 3;
        std::vector<std::string> labels;
        std::string parent;                  // identifier
        std::vector<std::string> blocked_by; // identifiers
        std::vector<std::string> comments;
        int updated = 0;
    };
    struct Call {
        std::string op;
        nlohmann::json variables;
    };

    FakeLinear(std::string team, std::string key);

    std::string url() const { return server_.url() + "/graphql"; }
    std::string add_issue(Issue i); // its identifier
    Issue issue(const std::string& identifier) const;
    std::vector<Call> calls(const std::string& op = "") const;
    std::set<std::string> labels() const;
    void set_state(const std::string& identifier, const std::string& type);
    // The next `count` requests answer `status` with `body` and `headers`.
    void fail_next(int count, int status, std::vector<std::pair<std::string, std::string>> headers,
                   std::string body);

  private:
    std::optional<std::string> handle(const std::string& raw);
    nlohmann::json node(const Issue& i, bool comments) const;

    std::string team_, key_;
    mutable std::mutex mu_;
    std::map<std::string, Issue> issues_; // identifier → issue
    std::map<std::string, std::string> labels_;
    std::map<std::string, std::string> relations_; // relation id → "blocker>blocked"
    std::vector<Call> calls_;
    int next_ = 1, clock_ = 1;
    int fail_count_ = 0, fail_status_ = 0;
    std::vector<std::pair<std::string, std::string>> fail_headers_;
    std::string fail_body_;
    FakeHttpServer server_;
};

} // namespace fab::test
