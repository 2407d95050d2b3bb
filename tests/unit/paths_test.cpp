#include "config/paths.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <optional>
#include <vector>

using namespace fab;

namespace {
// Sets environment variables for one test and restores them after.
struct EnvGuard {
    std::vector<std::pair<std::string, std::optional<std::string>>> saved;
    void set(const char* k, const char* v) {
        const char* old = std::getenv(k);
        saved.emplace_back(k, old ? std::optional<std::string>(old) : std::nullopt);
        if (v)
            ::setenv(k, v, 1);
        else
            ::unsetenv(k);
    }
    ~EnvGuard() {
        for (auto it = saved.rbegin(); it != saved.rend(); ++it) {
            if (it->second)
                ::setenv(it->first.c_str(), it->second->c_str(), 1);
            else
                ::unsetenv(it->first.c_str());
        }
    }
};
} // namespace

BOOST_AUTO_TEST_SUITE(paths)

BOOST_AUTO_TEST_CASE(defaults_live_under_home_and_xdg) {
    EnvGuard g;
    g.set("FAB_DIR", nullptr);
    g.set("FAB_SOCKET_PATH", nullptr);
    g.set("FAB_PID_PATH", nullptr);
    g.set("HOME", "/home/u");
    g.set("XDG_CONFIG_HOME", nullptr);
    auto p = resolve_paths();
    BOOST_TEST_REQUIRE(p.ok());
    BOOST_TEST(p->fab_dir == "/home/u/.fab");
    BOOST_TEST(p->socket == "/home/u/.fab/fab.sock");
    BOOST_TEST(p->pid_file == "/home/u/.fab/fab.pid");
    BOOST_TEST(p->config_file == "/home/u/.config/fab/config.ini");
    g.set("XDG_CONFIG_HOME", "/xdg");
    BOOST_TEST(resolve_paths()->config_file == "/xdg/fab/config.ini");
}

BOOST_AUTO_TEST_CASE(fab_dir_moves_state_and_config_together) {
    EnvGuard g;
    g.set("FAB_DIR", "/tmp/x/../f");
    g.set("FAB_SOCKET_PATH", nullptr);
    g.set("FAB_PID_PATH", nullptr);
    g.set("XDG_CONFIG_HOME", "/xdg");
    auto p = resolve_paths();
    BOOST_TEST_REQUIRE(p.ok());
    BOOST_TEST(p->fab_dir == "/tmp/f");
    BOOST_TEST(p->config_file == "/tmp/f/config/config.ini");
    BOOST_TEST(p->project_repo("web") == "/tmp/f/projects/web/repo");
}

BOOST_AUTO_TEST_CASE(socket_and_pid_paths_can_be_overridden) {
    EnvGuard g;
    g.set("FAB_DIR", "/tmp/f");
    g.set("FAB_SOCKET_PATH", "/run/fab.sock");
    g.set("FAB_PID_PATH", "/run/fab.pid");
    auto p = resolve_paths();
    BOOST_TEST_REQUIRE(p.ok());
    BOOST_TEST(p->socket == "/run/fab.sock");
    BOOST_TEST(p->pid_file == "/run/fab.pid");
}

BOOST_AUTO_TEST_CASE(socket_path_too_long_is_an_error_not_a_truncation) {
    EnvGuard g;
    std::string dir = "/tmp/" + std::string(120, 'a');
    g.set("FAB_DIR", dir.c_str());
    g.set("FAB_SOCKET_PATH", nullptr);
    auto p = resolve_paths();
    BOOST_TEST(!p.ok());
    BOOST_TEST(p.error().find("socket path too long") != std::string::npos);
    BOOST_TEST(check_socket_path(std::string(107, 'x')).ok());
    BOOST_TEST(!check_socket_path(std::string(108, 'x')).ok());
}

BOOST_AUTO_TEST_SUITE_END()
