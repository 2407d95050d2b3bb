// tui::Client, the TUI's non-blocking daemon client, against the daemon's
// own socket server and router on a private loop: handshake, replies matched
// by id, events, errors, and what happens when the daemon goes away.
#include "daemon/router.hpp"
#include "daemon/server.hpp"
#include "ev/timer.hpp"
#include "protocol/version.hpp"
#include "tui/client.hpp"
#include "util/fd.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

using namespace fab;

namespace {

struct Loop {
    uv_loop_t loop;
    std::string dir;
    Loop() {
        uv_loop_init(&loop);
        char tmpl[] = "/tmp/fab-tui-client-XXXXXX";
        BOOST_TEST_REQUIRE(::mkdtemp(tmpl) != nullptr);
        dir = tmpl;
    }
    ~Loop() {
        BOOST_TEST(ev::close_loop(&loop) == 0); // nothing leaked
        std::filesystem::remove_all(dir);
    }
    // Runs the loop until `done` holds or 5 s pass; false on timeout.
    template <typename Pred>
    bool run_until(Pred done) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        bool ok = false;
        ev::Timer t(&loop);
        t.start(0, 2, [&] {
            if (done()) ok = true;
            if (ok || std::chrono::steady_clock::now() > deadline) uv_stop(&loop);
        });
        uv_run(&loop, UV_RUN_DEFAULT);
        return ok;
    }
};

struct FakeDaemon {
    Router router;
    std::unique_ptr<IpcServer> server;
    FakeDaemon(uv_loop_t* loop, const std::string& path) {
        router.add_unchecked("ping", [](const Request&, const Reply& r) {
            r.ok({{"protocol", kProtocolMajor}, {"version", "test"}});
        });
        router.add_unchecked("echo", [](const Request& q, const Reply& r) { r.ok(q.payload); });
        router.add_unchecked("boom", [](const Request&, const Reply& r) { r.fail("nope"); });
        router.add_unchecked("poke", [this](const Request&, const Reply& r) {
            server->send(
                r.client(),
                dump_json({{"type", "event"}, {"event", "agent.state"}, {"agent_id", "a1"}}) +
                    "\n");
            r.ok();
        });
        server = std::make_unique<IpcServer>(loop, router);
        BOOST_TEST_REQUIRE(server->listen(path).ok());
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(tui_client)

BOOST_AUTO_TEST_CASE(no_daemon_reports_down_without_blocking) {
    Loop l;
    tui::Client c(&l.loop, l.dir + "/fab.sock");
    std::string why;
    bool up = false;
    c.connect([&](Result<Json>) { up = true; }, [](const Json&) {},
              [&](const std::string& w) { why = w; });
    BOOST_TEST(l.run_until([&] { return !why.empty(); }));
    BOOST_TEST(!up);
    BOOST_TEST(why.find("daemon not running") != std::string::npos, why);
    bool failed = false;
    c.request("echo", Json::object(), [&](Result<Json> r) { failed = !r.ok(); });
    BOOST_TEST(failed); // at once: not connected
}

BOOST_AUTO_TEST_CASE(requests_events_and_the_daemon_going_away) {
    Loop l;
    std::string path = l.dir + "/fab.sock";
    auto daemon = std::make_unique<FakeDaemon>(&l.loop, path);
    tui::Client c(&l.loop, path);
    bool up = false;
    std::string down;
    std::vector<Json> events;
    c.connect([&](Result<Json> r) { up = r.ok(); }, [&](const Json& e) { events.push_back(e); },
              [&](const std::string& w) { down = w; });
    BOOST_TEST_REQUIRE(l.run_until([&] { return up; }));
    BOOST_TEST(c.up());

    Json echoed;
    std::string error;
    c.request("echo", {{"x", 1}}, [&](Result<Json> r) { echoed = *r; });
    c.request("boom", Json::object(), [&](Result<Json> r) { error = r.error(); });
    c.request("poke", Json::object(), [](Result<Json>) {});
    BOOST_TEST_REQUIRE(l.run_until([&] { return !error.empty() && !events.empty(); }));
    BOOST_TEST(echoed["x"] == 1);
    BOOST_TEST(error == "nope");
    BOOST_TEST(events[0]["event"] == "agent.state");

    // The daemon stops: down is reported once, a request in flight fails.
    bool pending_failed = false;
    daemon->server->close();
    c.request("echo", Json::object(), [&](Result<Json> r) { pending_failed = !r.ok(); });
    BOOST_TEST(l.run_until([&] { return !down.empty(); }));
    BOOST_TEST(pending_failed);
    BOOST_TEST(!c.up());

    // A new daemon: the same client connects again.
    daemon.reset();
    daemon = std::make_unique<FakeDaemon>(&l.loop, path);
    up = false;
    c.connect([&](Result<Json> r) { up = r.ok(); }, [](const Json&) {}, [](const std::string&) {});
    BOOST_TEST(l.run_until([&] { return up; }));
    c.close();
    daemon.reset();
}

// A daemon that is stopped (SIGSTOP) still has its listening socket: the
// kernel queues connections until the backlog is full, then refuses more
// with EAGAIN. Neither may leave the TUI "connecting" for ever.
BOOST_AUTO_TEST_CASE(a_stopped_daemon_is_reported_down_with_or_without_backlog_room) {
    Loop l;
    std::string path = l.dir + "/fab.sock";
    UniqueFd listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    BOOST_TEST_REQUIRE(::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) ==
                       0);
    BOOST_TEST_REQUIRE(::listen(listener.get(), 1) == 0);

    // Room in the backlog: connect succeeds, the ping is never answered.
    tui::Client c(&l.loop, path, 200);
    std::string why;
    bool up = false;
    c.connect([&](Result<Json>) { up = true; }, [](const Json&) {},
              [&](const std::string& w) { why = w; });
    BOOST_TEST(l.run_until([&] { return !why.empty(); }));
    BOOST_TEST(!up);
    BOOST_TEST(why.find("daemon not responding") != std::string::npos, why);

    // The backlog full: connect itself fails at once.
    std::vector<UniqueFd> fillers;
    for (int i = 0; i < 64; ++i) {
        UniqueFd f(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
        if (::connect(f.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) break;
        fillers.push_back(std::move(f));
    }
    why.clear();
    c.connect([&](Result<Json>) { up = true; }, [](const Json&) {},
              [&](const std::string& w) { why = w; });
    BOOST_TEST(l.run_until([&] { return !why.empty(); }));
    BOOST_TEST(!up);
    BOOST_TEST(why.find("listen backlog full") != std::string::npos, why);
    c.close();
}

BOOST_AUTO_TEST_SUITE_END()
