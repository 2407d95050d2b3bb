// The HTTP API's test fixture: the real fabd with its HTTP API on a free
// loopback port, driven with the curl program, scripted agents doing the
// runs (http_runs_test.cpp, http_attach_test.cpp).
#pragma once

#include "harness.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "util/strings.hpp"

namespace fab::test {

struct Response {
    int status = 0;
    Json body;
    std::string text, request_id;
};

struct Server : AgentsFixture {
    int port = free_port();
    std::string base = "http://127.0.0.1:" + std::to_string(port);

    void start(int max_runs) {
        sb.allow_all_bash();
        auto r = sb.fab({"server", "start", "--http", "127.0.0.1:" + std::to_string(port),
                         "--max-concurrent-runs", std::to_string(max_runs)});
        BOOST_TEST_REQUIRE(r.code == 0, r.err);
    }
    void add_project() {
        std::string repo = sb.make_repo("web");
        auto r = sb.fab({"project", "add", repo, "--max-agents", "10"});
        BOOST_TEST_REQUIRE(r.code == 0, r.err);
    }
    // One request with curl: status, JSON body (null when none), x-request-id.
    Response http(const std::string& method, const std::string& path, const std::string& body = "",
                  const std::vector<std::string>& headers = {}) {
        std::vector<std::string> argv = {"curl", "-gsS", "-X",
                                         method, "-w",   "\n%{http_code}\n%header{x-request-id}"};
        for (const auto& h : headers) {
            argv.push_back("-H");
            argv.push_back(h);
        }
        if (!body.empty()) {
            argv.push_back("--data-binary");
            argv.push_back(body);
        }
        argv.push_back(base + path);
        auto r = sb.run(argv, "", 30000);
        Response out;
        auto lines = split(r.out, '\n', false);
        if (lines.size() < 2) return out;
        out.request_id = lines.back();
        out.status = std::atoi(lines[lines.size() - 2].c_str());
        lines.resize(lines.size() - 2);
        out.text = join(lines, "\n");
        out.body = Json::parse(out.text, nullptr, false);
        if (out.body.is_discarded()) out.body = nullptr;
        return out;
    }
    std::string submit(const std::string& goal) {
        auto r = http("POST", "/api/v1/runs",
                      dump_json({{"project", "web"}, {"goal", goal}, {"backend", "scripted"}}));
        BOOST_TEST_REQUIRE(r.status == 201, r.text);
        return r.body.value("id", "");
    }
    Json run(const std::string& id) {
        auto r = http("GET", "/api/v1/runs/" + id);
        return r.status == 200 ? r.body : Json::object();
    }
    std::string status(const std::string& id) { return run(id).value("status", ""); }
    bool wait_status(const std::string& id, const std::string& want, int ms = 30000) {
        return wait_for([&] { return status(id) == want; }, ms);
    }
    Json events(const std::string& id, int64_t since = 0) {
        return http("GET", "/api/v1/runs/" + id + "/events?since_seq=" + std::to_string(since))
            .body["data"];
    }
    // The SSE stream from since_seq, read until it ends (or `max_s` seconds).
    std::string attach(const std::string& id, int64_t since, int max_s = 60) {
        return sb
            .run({"curl", "-sN", "--max-time", std::to_string(max_s),
                  base + "/api/v1/runs/" + id + "/attach?since_seq=" + std::to_string(since)},
                 "", (max_s + 5) * 1000)
            .out;
    }
};

// The seqs of the `data:` lines of an SSE stream, in order.
inline std::vector<int64_t> sse_seqs(const std::string& stream,
                                     std::vector<std::string>* names = nullptr) {
    std::vector<int64_t> out;
    for (const auto& line : split(stream, '\n')) {
        if (line.rfind("data: ", 0) != 0) continue;
        Json e = Json::parse(line.substr(6), nullptr, false);
        if (!e.is_object() || !e.contains("seq")) continue;
        out.push_back(e["seq"].get<int64_t>());
        if (names) names->push_back(e.value("event", ""));
    }
    return out;
}

} // namespace fab::test
