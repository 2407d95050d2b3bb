#include "harness.hpp"

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <sys/stat.h>
#include <unistd.h>

using namespace fab::test;

BOOST_AUTO_TEST_SUITE(daemon_lifecycle)

BOOST_AUTO_TEST_CASE(start_status_stop_round_trip) {
    Sandbox sb;
    auto st = sb.fab({"server", "start"});
    BOOST_TEST_REQUIRE(st.code == 0, st.err);
    BOOST_TEST(st.out.find("daemon started (pid ") == 0u);
    int pid = sb.daemon_pid();
    BOOST_TEST_REQUIRE(pid > 0);

    auto s = sb.fab({"status"});
    BOOST_TEST(s.code == 0, s.err);
    BOOST_TEST(s.out.find("running, pid " + std::to_string(pid)) != std::string::npos, s.out);

    auto j = sb.fab({"status", "--json"});
    auto doc = fab::Json::parse(j.out);
    BOOST_TEST(doc["running"] == true);
    BOOST_TEST(doc["daemon"]["pid"] == pid);
    BOOST_TEST(doc["projects"].is_array());

    auto stop = sb.fab({"server", "stop"});
    BOOST_TEST(stop.code == 0, stop.err);
    BOOST_TEST(wait_for([&] { return !process_alive(pid); })); // exit follows the unlock
    struct stat sst {};
    BOOST_TEST(::stat(sb.socket().c_str(), &sst) != 0, "socket removed on stop");
    auto after = sb.fab({"status"});
    BOOST_TEST(after.code == 3);
    BOOST_TEST(after.err.find("daemon not running") != std::string::npos, after.err);
}

BOOST_AUTO_TEST_CASE(state_dir_and_socket_are_private) {
    Sandbox sb;
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    struct stat st {};
    BOOST_TEST_REQUIRE(::stat(sb.fab_dir().c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == 0700u);
    BOOST_TEST_REQUIRE(::stat(sb.socket().c_str(), &st) == 0);
    BOOST_TEST(S_ISSOCK(st.st_mode));
    BOOST_TEST((st.st_mode & 0777) == 0600u);
}

BOOST_AUTO_TEST_CASE(second_start_says_already_running_and_keeps_one_daemon) {
    Sandbox sb;
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    int pid = sb.daemon_pid();
    auto again = sb.fab({"server", "start"});
    BOOST_TEST(again.code == 0);
    BOOST_TEST(again.out.find("already running") != std::string::npos, again.out);
    BOOST_TEST(sb.daemon_pid() == pid);
}

BOOST_AUTO_TEST_CASE(concurrent_starts_leave_exactly_one_daemon) {
    Sandbox sb;
    // Both race through connect → spawn; the pid-file lock picks one winner.
    std::vector<std::string> cmd = {"/bin/sh", "-c",
                                    build_path("fab") + " server start & " + build_path("fab") +
                                        " server start & wait"};
    auto r = sb.run(cmd);
    BOOST_TEST(r.code == 0, r.err);
    int pid = sb.daemon_pid();
    BOOST_TEST(pid > 0);
    auto s = sb.fab({"status", "--json"});
    BOOST_TEST(fab::Json::parse(s.out)["daemon"]["pid"] == pid);
}

BOOST_AUTO_TEST_CASE(kill_9_then_start_again_recovers_stale_socket) {
    Sandbox sb;
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    int pid = sb.daemon_pid();
    ::kill(pid, SIGKILL);
    BOOST_TEST_REQUIRE(wait_for([&] { return sb.daemon_pid() == 0; }));
    struct stat st {};
    BOOST_TEST(::stat(sb.socket().c_str(), &st) == 0, "stale socket left behind by kill -9");
    auto s = sb.fab({"status"});
    BOOST_TEST(s.code == 3, "a stale socket is not a running daemon");
    auto again = sb.fab({"server", "start"});
    BOOST_TEST(again.code == 0, again.err);
    BOOST_TEST(sb.daemon_pid() > 0);
    BOOST_TEST(sb.daemon_pid() != pid);
    BOOST_TEST(sb.fab({"status"}).code == 0);
    BOOST_TEST(read_text(sb.fab_dir() + "/fab.log").find("removing stale socket") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(sigterm_stops_gracefully) {
    Sandbox sb;
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    int pid = sb.daemon_pid();
    ::kill(pid, SIGTERM);
    BOOST_TEST(wait_for([&] { return !process_alive(pid); }));
    struct stat st {};
    BOOST_TEST(::stat(sb.socket().c_str(), &st) != 0);
    std::string log = read_text(sb.fab_dir() + "/fab.log");
    BOOST_TEST(log.find("received SIGTERM") != std::string::npos);
    BOOST_TEST(log.find("stopped") != std::string::npos);
    BOOST_TEST(log.find("handles still open") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(restart_gives_a_new_daemon) {
    Sandbox sb;
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    int pid = sb.daemon_pid();
    auto r = sb.fab({"server", "restart"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(sb.daemon_pid() > 0);
    BOOST_TEST(sb.daemon_pid() != pid);
    BOOST_TEST(wait_for([&] { return !process_alive(pid); })); // exit follows the unlock
}

BOOST_AUTO_TEST_CASE(log_names_versions_of_fab_and_libraries) {
    Sandbox sb;
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    std::string log = read_text(sb.fab_dir() + "/fab.log");
    BOOST_TEST(log.find("fabd 0.") != std::string::npos);
    BOOST_TEST(log.find("libuv 1.") != std::string::npos);
    BOOST_TEST(log.find("SQLite 3.") != std::string::npos);
    BOOST_TEST(log.find("libgit2 1.") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(version_reports_client_and_daemon) {
    Sandbox sb;
    auto v = sb.fab({"version"});
    BOOST_TEST(v.code == 0);
    BOOST_TEST(v.out.find("fab 0.") == 0u);
    BOOST_TEST(v.out.find("fabd not running") != std::string::npos);
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    auto j = fab::Json::parse(sb.fab({"version", "--json"}).out);
    BOOST_TEST(j["daemon"]["pid"] == sb.daemon_pid());
    BOOST_TEST(j["fab"]["protocol"] == 1);
}

BOOST_AUTO_TEST_CASE(server_run_stays_in_the_foreground_until_signalled) {
    Sandbox sb;
    std::vector<std::string> cmd = {
        "/bin/sh", "-c",
        build_path("fab") + " server run & p=$!; " +
            "while [ ! -S \"$FAB_DIR/fab.sock\" ]; do sleep 0.01; done; " + build_path("fab") +
            " status >/dev/null && kill -TERM $p; wait $p"};
    auto r = sb.run(cmd, "", 20000);
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(r.err.find("listening on") != std::string::npos, "foreground logs to stderr");
    BOOST_TEST(sb.daemon_pid() == 0);
}

BOOST_AUTO_TEST_CASE(too_long_socket_path_is_an_error) {
    Sandbox sb;
    sb.set_env("FAB_SOCKET_PATH", sb.root() + "/" + std::string(110, 's'));
    auto r = sb.fab({"server", "start"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("socket path too long") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(broken_config_stops_start_with_file_and_line) {
    Sandbox sb;
    ::mkdir(sb.fab_dir().c_str(), 0700);
    ::mkdir((sb.fab_dir() + "/config").c_str(), 0700);
    FILE* f = std::fopen(sb.config_file().c_str(), "w");
    std::fputs("[defaults]\nmax-agents = 3\n\n[project \"web\"]\nmax-agents = 500\n", f);
    std::fclose(f);
    auto r = sb.fab({"server", "start"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find(sb.config_file() + ":5:") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("1 to 100") != std::string::npos, r.err);
    BOOST_TEST(sb.daemon_pid() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
