// The raw socket protocol, spoken byte by byte as a hostile or buggy client
// would: the daemon answers every request, survives every malformed one and
// keeps serving everyone else.
#include "harness.hpp"
#include "protocol/messages.hpp"

#include <boost/test/unit_test.hpp>
#include <sys/socket.h>

using namespace fab;
using namespace fab::test;

namespace {
Connection raw(const Sandbox& sb) {
    auto c = Connection::open(sb.socket());
    BOOST_TEST_REQUIRE(c.ok());
    return std::move(*c);
}

Json next_json(Connection& c) {
    auto line = c.read_line(10000);
    BOOST_TEST_REQUIRE(line.ok(), (line.ok() ? std::string() : line.error()));
    Json j = Json::parse(*line, nullptr, false);
    BOOST_TEST_REQUIRE(!j.is_discarded(), *line);
    return j;
}

struct Started {
    Sandbox sb;
    Started() { BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0); }
};
} // namespace

BOOST_FIXTURE_TEST_SUITE(protocol, Started)

BOOST_AUTO_TEST_CASE(ping_reports_version_and_echoes_the_id) {
    auto c = raw(sb);
    BOOST_TEST(
        c.send_line("{\"type\":\"ping\",\"id\":\"abc-1\",\"payload\":{\"protocol\":1}}\n").ok());
    Json j = next_json(c);
    BOOST_TEST(j["id"] == "abc-1");
    BOOST_TEST(j["type"] == "ping");
    BOOST_TEST(j["success"] == true);
    BOOST_TEST(j["payload"]["protocol"] == 1);
    BOOST_TEST(j["payload"]["version"].is_string());
}

BOOST_AUTO_TEST_CASE(other_protocol_major_is_refused_clearly) {
    auto c = raw(sb);
    BOOST_TEST(
        c.send_line("{\"type\":\"ping\",\"id\":\"v\",\"payload\":{\"protocol\":99}}\n").ok());
    Json j = next_json(c);
    BOOST_TEST(j["success"] == false);
    BOOST_TEST(j["error"].get<std::string>().find("protocol mismatch") != std::string::npos);
}

// A `fab` of the previous release talks to a new daemon after an upgrade:
// its names are answered by the new handlers, the response echoing the name
// it sent.
BOOST_AUTO_TEST_CASE(deprecated_names_are_answered_like_the_new_ones) {
    auto c = raw(sb);
    const std::pair<const char*, const char*> pairs[] = {
        {msg::deprecated::kClaimsList, msg::kClaimList},
        {msg::deprecated::kAgentHistory, msg::kAgentChatHistory},
        {msg::deprecated::kQuestionAnswer, msg::kQuestionRespond},
    };
    for (const auto& [old_name, new_name] : pairs) {
        Json old_answer, new_answer;
        for (const char* name : {old_name, new_name}) {
            BOOST_TEST(c.send_line(encode_request(name, "r", {{"id", "nobody"}})).ok());
            Json j = next_json(c);
            BOOST_TEST(j["type"] == name);
            j.erase("type");
            (name == old_name ? old_answer : new_answer) = j;
        }
        BOOST_TEST(old_answer == new_answer,
                   old_name << ": " << old_answer.dump() << " vs " << new_answer.dump());
    }
}

BOOST_AUTO_TEST_CASE(stats_sums_usage_agents_and_merged_commits) {
    auto c = raw(sb);
    BOOST_TEST(c.send_line(encode_request(msg::kStats, "s", Json::object())).ok());
    Json j = next_json(c);
    BOOST_TEST_REQUIRE(j["success"] == true, j.dump());
    BOOST_TEST(j["payload"]["commits_merged"] == 0);
    BOOST_TEST(j["payload"]["agents"].is_object());
    BOOST_TEST(j["payload"]["agents"].empty());
    BOOST_TEST(j["payload"]["usage"].is_object());
}

BOOST_AUTO_TEST_CASE(unknown_type_gets_an_error_naming_it) {
    auto c = raw(sb);
    BOOST_TEST(c.send_line("{\"type\":\"frobnicate\",\"id\":\"7\"}\n").ok());
    Json j = next_json(c);
    BOOST_TEST(j["success"] == false);
    BOOST_TEST(j["id"] == "7");
    BOOST_TEST(j["error"] == "unknown request type \"frobnicate\"");
}

BOOST_AUTO_TEST_CASE(malformed_json_gets_an_error_and_the_connection_lives_on) {
    auto c = raw(sb);
    BOOST_TEST(c.send_line("{this is not json\n").ok());
    Json j = next_json(c);
    BOOST_TEST(j["success"] == false);
    BOOST_TEST(j["error"] == "malformed JSON");
    std::string junk = "[1,2,3]\n{\"id\":\"n\"}\n";
    junk += std::string("\xff\xfe\0garbage\n", 11); // binary, with a NUL inside
    BOOST_TEST(c.send_line(junk).ok());
    BOOST_TEST(next_json(c)["error"] == "request must be a JSON object");
    Json missing = next_json(c);
    BOOST_TEST(missing["error"] == "missing \"type\"");
    BOOST_TEST(missing["id"] == "n");
    BOOST_TEST(next_json(c)["success"] == false);
    auto r = c.request("ping", {{"protocol", 1}});
    BOOST_TEST(r.ok());
}

BOOST_AUTO_TEST_CASE(requests_are_answered_in_order_when_pipelined) {
    auto c = raw(sb);
    std::string batch;
    for (int i = 0; i < 200; ++i)
        batch += "{\"type\":\"ping\",\"id\":\"p" + std::to_string(i) + "\"}\n";
    BOOST_TEST(c.send_line(batch).ok());
    for (int i = 0; i < 200; ++i) BOOST_TEST_REQUIRE(next_json(c)["id"] == "p" + std::to_string(i));
}

BOOST_AUTO_TEST_CASE(oversized_line_is_refused_and_closed_while_others_are_served) {
    auto bystander = raw(sb);
    auto c = raw(sb);
    // 17 MiB without a newline: the daemon must not wait for the end of it.
    std::string chunk(1024 * 1024, 'x');
    bool closed_early = false;
    for (int i = 0; i < 17 && !closed_early; ++i) closed_early = !c.send_line(chunk).ok();
    Json j = next_json(c);
    BOOST_TEST(j["success"] == false);
    BOOST_TEST(j["error"].get<std::string>().find("16 MiB") != std::string::npos);
    auto eof = c.read_line(10000);
    BOOST_TEST(!eof.ok());
    BOOST_TEST(bystander.request("ping", {{"protocol", 1}}).ok());
    BOOST_TEST(sb.fab({"status"}).code == 0);
}

BOOST_AUTO_TEST_CASE(client_vanishing_mid_request_does_not_hurt_the_daemon) {
    for (int i = 0; i < 50; ++i) {
        auto c = raw(sb);
        (void)c.send_line("{\"type\":\"status\",\"id\":\"x\"}\n{\"type\":\"pi");
    } // closed with a half-written line and an unread response
    auto c = raw(sb);
    BOOST_TEST(c.request("status").ok());
}

BOOST_AUTO_TEST_CASE(many_clients_at_once_each_get_their_answers) {
    std::vector<Connection> cs;
    for (int i = 0; i < 64; ++i) cs.push_back(raw(sb));
    for (size_t i = 0; i < cs.size(); ++i)
        BOOST_TEST(
            cs[i].send_line("{\"type\":\"ping\",\"id\":\"c" + std::to_string(i) + "\"}\n").ok());
    for (size_t i = 0; i < cs.size(); ++i)
        BOOST_TEST(next_json(cs[i])["id"] == "c" + std::to_string(i));
}

BOOST_AUTO_TEST_CASE(daemon_memory_is_not_leaked_by_a_burst_of_connections) {
    // Not a timing assertion: a crude check that 2,000 connections leave no
    // per-connection state behind (client count returns to 1: ourselves).
    for (int i = 0; i < 2000; ++i) {
        auto c = raw(sb);
        (void)c.send_line("{\"type\":\"ping\",\"id\":\"1\"}\n");
    }
    // A fresh connection per look: until the daemon has read the burst's
    // EOFs, the closed connections still count against the per-uid limit
    // (FAB_MAX_CLIENTS) and a new one may be refused.
    BOOST_TEST(wait_for([&] {
        auto c = raw(sb);
        auto s = c.request("status");
        return s.ok() && (*s)["daemon"]["clients"] == 1;
    }));
}

BOOST_AUTO_TEST_SUITE_END()
