// Tests for util/subprocess: run_process captures stdout and stderr apart
// and bounded, feeds stdin (also to a program that never reads it), reports
// exit codes and signals, kills the whole process group at the deadline,
// honours cwd and env, and fails clearly when the program cannot start.
#include "util/subprocess.hpp"
#include "util/time.hpp"

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <filesystem>

using namespace fab;

namespace {

RunResult run(std::vector<std::string> argv, RunSpec spec = {}) {
    spec.argv = std::move(argv);
    auto r = run_process(spec);
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error()));
    return *r;
}

RunResult sh(const std::string& script, RunSpec spec = {}) {
    return run({"/bin/sh", "-c", script}, std::move(spec));
}

} // namespace

BOOST_AUTO_TEST_SUITE(subprocess)

BOOST_AUTO_TEST_CASE(captures_stdout_and_stderr_apart_and_the_exit_code) {
    auto r = sh("echo out; echo err >&2; exit 3");
    BOOST_TEST(r.out == "out\n");
    BOOST_TEST(r.err == "err\n");
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(!r.ok());
    BOOST_TEST(r.describe(100) == "exited with 3");
    BOOST_TEST(sh("true").ok());
}

BOOST_AUTO_TEST_CASE(argv_is_passed_as_is_never_through_a_shell) {
    auto r = run({"printf", "%s|", "a b", "$HOME", "'; rm -rf /'"});
    BOOST_TEST(r.out == "a b|$HOME|'; rm -rf /'|");
}

BOOST_AUTO_TEST_CASE(feeds_stdin_and_closes_it) {
    RunSpec s;
    s.input = std::string(200000, 'x') + "\nend";
    auto r = run({"wc", "-c"}, s);
    BOOST_TEST(r.ok());
    BOOST_TEST(std::stoul(r.out) == 200004u);
    // No input: stdin is /dev/null, so a reader sees EOF at once.
    BOOST_TEST(run({"cat"}).out == "");
}

BOOST_AUTO_TEST_CASE(a_program_that_never_reads_stdin_costs_no_sigpipe) {
    RunSpec s;
    s.input = std::string(4 * 1024 * 1024, 'x'); // more than any socket buffer
    auto r = sh("echo done", s);
    BOOST_TEST(r.ok());
    BOOST_TEST(r.out == "done\n");
}

BOOST_AUTO_TEST_CASE(output_is_bounded_and_the_rest_drained) {
    RunSpec s;
    s.max_output = 1000;
    auto r = sh("head -c 3000000 /dev/zero | tr '\\0' x; echo tail >&2", s);
    BOOST_TEST(r.ok(), "the program was not blocked on a full pipe");
    BOOST_TEST(r.out.size() == 1000u);
    BOOST_TEST(r.out_truncated);
    BOOST_TEST(r.err == "tail\n");
    BOOST_TEST(!r.err_truncated);
}

BOOST_AUTO_TEST_CASE(the_deadline_kills_the_whole_group) {
    RunSpec s;
    s.timeout_ms = 300;
    // The shell leaves a child behind that holds stdout open.
    auto r = sh("sleep 30 & echo started; wait", s);
    BOOST_TEST(r.timed_out);
    BOOST_TEST(r.signal == SIGKILL);
    BOOST_TEST(r.out == "started\n");
    BOOST_TEST(r.describe(300) == "timed out after 300 ms");
}

BOOST_AUTO_TEST_CASE(a_program_that_closes_its_streams_is_still_waited_for) {
    RunSpec s;
    s.timeout_ms = 300;
    auto r = sh("exec >&- 2>&-; sleep 30", s);
    BOOST_TEST(r.timed_out, "EOF alone does not end the run");
    auto ok = sh("exec >&- 2>&-; exit 4");
    BOOST_TEST(!ok.timed_out);
    BOOST_TEST(ok.exit_code == 4);
}

BOOST_AUTO_TEST_CASE(a_signal_is_reported) {
    auto r = sh("kill -TERM $$");
    BOOST_TEST(r.exit_code == -1);
    BOOST_TEST(r.signal == SIGTERM);
    BOOST_TEST(r.describe(0) == "killed by signal 15");
}

BOOST_AUTO_TEST_CASE(cwd_and_env) {
    RunSpec s;
    s.cwd = "/";
    s.env = std::vector<std::string>{"ONLY=this"};
    auto r = run({"/bin/sh", "-c", "pwd; env | sort | grep -v '^PWD=\\|^SHLVL=\\|^_='"}, s);
    BOOST_TEST(r.out == "/\nONLY=this\n");
}

BOOST_AUTO_TEST_CASE(a_program_that_cannot_start_is_an_error) {
    RunSpec s;
    s.argv = {"/nonexistent/program"};
    auto r = run_process(s);
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().find("/nonexistent/program") != std::string::npos, r.error());
    s.argv = {"fab-no-such-program-on-path"};
    BOOST_TEST(!run_process(s).ok());
    s.argv = {};
    BOOST_TEST(!run_process(s).ok());
}

BOOST_AUTO_TEST_SUITE_END()
