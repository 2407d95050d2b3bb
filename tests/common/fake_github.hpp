// A fake GitHub GraphQL API for the tests (on FakeHttpServer, 127.0.0.1):
// one repository's issues, labels, blocked-by relations, sub-issues and
// comments, answering the queries and mutations fab sends in the shapes the
// real API uses ({"data": …}, {"errors": [{"type": "NOT_FOUND", …}]}, 401
// "Bad credentials", rate-limit headers). Every request is recorded (the
// operation fab asked for and its variables) so tests can check what was
// sent. Faults on demand: a status with headers for the next requests (401,
// 403 + Retry-After), or the connection dropped mid-answer (network down).
//
// Used by tests/unit/github_backend_test.cpp and
// tests/integration/github_issues_test.cpp.
#pragma once

#include "fake_http_server.hpp"

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace fab::test {

class FakeGithub {
  public:
    struct Issue {
        int number = 0;
        std::string title, body, author = "alice";
        bool open = true;
        std::vector<std::string> labels;
        int parent = 0;
        std::vector<int> blocked_by;
        std::vector<std::pair<std::string, std::string>> comments; // author, body
        int created = 0, updated = 0;                              // clock ticks
    };
    struct Call {
        std::string op; // "list", "issue", "createIssue", "closeIssue", …
        nlohmann::json variables;
        std::string authorization;
    };
    enum class Fault { none, drop };

    FakeGithub(std::string owner, std::string repo, std::string token);

    std::string api_url() const { return server_.url(); } // GITHUB_API_URL-style base
    std::string graphql_url() const { return server_.url() + "/graphql"; }

    // Setup and inspection (any thread).
    int add_issue(Issue i); // returns its number
    Issue issue(int number) const;
    std::vector<Call> calls() const;
    std::vector<Call> calls(const std::string& op) const;
    std::set<std::string> labels() const;
    void set_open(int number, bool open); // as a human would, on the web
    // The next `count` requests get `status` with `headers` and `body`
    // (count < 0: until cleared with count 0).
    void fail_next(int count, int status, std::vector<std::pair<std::string, std::string>> headers,
                   std::string body);
    void drop_next(int count); // the connection drops mid-answer
    // The next `count` requests of operation `op` get a 502.
    void fail_op(const std::string& op, int count);
    void clear_faults();

  private:
    std::optional<std::string> handle(const std::string& raw);
    nlohmann::json node(const Issue& i, bool comments) const;
    std::string stamp(int tick) const;

    std::string owner_, repo_, token_;
    mutable std::mutex mu_;
    std::map<int, Issue> issues_;
    std::map<std::string, std::string> labels_; // name → id
    std::vector<Call> calls_;
    int clock_ = 1, next_number_ = 1;
    int fail_count_ = 0, fail_status_ = 0, drop_count_ = 0;
    std::vector<std::pair<std::string, std::string>> fail_headers_;
    std::string fail_body_;
    std::map<std::string, int> fail_ops_;
    FakeHttpServer server_; // last: its thread calls handle()
};

} // namespace fab::test
