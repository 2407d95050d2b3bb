// The protocol table (src/protocol/messages.*) and the daemon's handler
// tables agree: every request the table names has exactly one handler, every
// handler's name is in the table, and deprecated names reach the canonical
// handler.
#include "daemon/daemon.hpp"
#include "daemon/router.hpp"
#include "protocol/messages.hpp"

#include <boost/test/unit_test.hpp>

#include <set>
#include <string>

using namespace fab;
using proto::Kind;

namespace {

std::set<std::string> canonical(Kind kind) {
    std::set<std::string> out;
    for (const auto& m : proto::messages())
        if (m.kind == kind && !m.alias_of) out.insert(m.name);
    return out;
}

// Remembers the answer instead of sending it anywhere.
struct Captured : Responder {
    std::string error;
    bool ok = false;
    void send_ok(const Json&) override { ok = true; }
    void send_error(const std::string& e) override { error = e; }
    bool send_event(const Json&) override { return true; }
    uint64_t client() const override { return 0; }
};

Request request(const std::string& type) {
    Request q;
    q.type = type;
    return q;
}

} // namespace

BOOST_AUTO_TEST_SUITE(protocol_table)

BOOST_AUTO_TEST_CASE(names_are_unique_and_aliases_point_at_canonical_messages) {
    std::set<std::pair<Kind, std::string>> seen;
    const std::set<std::string> types = {"string", "int",      "bool",    "object",
                                         "any",    "string[]", "object[]"};
    for (const auto& m : proto::messages()) {
        BOOST_TEST(seen.insert({m.kind, m.name}).second, "twice in the table: " << m.name);
        BOOST_TEST(std::string(m.family).size() > 0, m.name);
        BOOST_TEST(std::string(m.doc).size() > 0, m.name);
        if (m.alias_of) {
            const auto* target = proto::find_message(m.kind, m.alias_of);
            BOOST_TEST_REQUIRE(target != nullptr, m.name << " stands for an unknown message");
            BOOST_TEST(!target->alias_of, m.name << " is an alias of an alias");
            BOOST_TEST(proto::canonical_name(m.kind, m.name) == m.alias_of);
        }
        std::set<std::string> fields;
        for (const auto& f : m.fields) {
            BOOST_TEST(fields.insert(f.name).second, m.name << ": field twice: " << f.name);
            BOOST_TEST(types.count(f.type) == 1, m.name << "." << f.name << ": type " << f.type);
        }
    }
    // Host messages keep their names: hosts started by a previous daemon
    // survive its restart and must still understand the new one.
    for (const auto& m : proto::messages())
        if (m.kind == Kind::host_request || m.kind == Kind::host_event)
            BOOST_TEST(!m.alias_of, m.name);
}

BOOST_AUTO_TEST_CASE(every_request_has_one_daemon_handler_and_every_handler_a_request) {
    Daemon d(DaemonOptions{}); // not started: handlers only keep the reference
    Router router;
    auto s = register_daemon_handlers(router, d);
    BOOST_TEST_REQUIRE(static_cast<bool>(s), (s ? "" : s.error()));
    auto names = router.names();
    std::set<std::string> registered(names.begin(), names.end());
    BOOST_TEST(registered.size() == names.size());
    auto table = canonical(Kind::request);
    for (const auto& n : table) BOOST_TEST(registered.count(n) == 1, "no handler for " << n);
    for (const auto& n : registered) BOOST_TEST(table.count(n) == 1, "not in the table: " << n);
}

BOOST_AUTO_TEST_CASE(a_duplicate_or_unknown_or_deprecated_name_is_refused) {
    auto noop = [](const Request&, const Reply&) {};
    Router r;
    BOOST_TEST(static_cast<bool>(r.add({{msg::kPing, noop}})));
    auto dup = r.add({{msg::kPing, noop}});
    BOOST_TEST_REQUIRE(!dup);
    BOOST_TEST(dup.error() == "two handlers for \"ping\"");
    auto unknown = r.add({{"agent.teleport", noop}});
    BOOST_TEST_REQUIRE(!unknown);
    BOOST_TEST(unknown.error().find("not a request of the protocol table") != std::string::npos);
    auto alias = r.add({{"agent.send", noop}});
    BOOST_TEST_REQUIRE(!alias);
    BOOST_TEST(alias.error().find("deprecated name of \"agent.send_message\"") !=
               std::string::npos);
    // A host message is not a daemon request, and the other way round.
    BOOST_TEST(!r.add({{msg::kHostPing, noop}}));
    Router host(Kind::host_request);
    BOOST_TEST(!host.add({{msg::kAgentList, noop}}));
    auto missing = r.check_complete();
    BOOST_TEST_REQUIRE(!missing);
    BOOST_TEST(missing.error().find("agent.list") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(deprecated_names_reach_the_canonical_handler) {
    std::string seen;
    Router r;
    BOOST_TEST(
        static_cast<bool>(r.add({{msg::kAgentSendMessage, [&](const Request& q, const Reply& p) {
                                      seen = q.type;
                                      p.ok();
                                  }}})));
    auto out = std::make_shared<Captured>();
    r.dispatch(request("agent.send"), Reply(out));
    BOOST_TEST(out->ok);
    BOOST_TEST(seen == "agent.send"); // the response echoes the name the client used
    auto unknown = std::make_shared<Captured>();
    r.dispatch(request("agent.teleport"), Reply(unknown));
    BOOST_TEST(unknown->error == "unknown request type \"agent.teleport\"");
}

BOOST_AUTO_TEST_SUITE_END()
