#include "util/subprocess.hpp"

#include "util/fd.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace fab {

namespace {

// posix_spawn's attribute and file-action objects, destroyed on every path.
struct SpawnSetup {
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    SpawnSetup() {
        posix_spawn_file_actions_init(&fa);
        posix_spawnattr_init(&attr);
    }
    ~SpawnSetup() {
        posix_spawn_file_actions_destroy(&fa);
        posix_spawnattr_destroy(&attr);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
};

// One captured stream: appended up to `max`, then read and dropped (a
// program blocked on a full pipe would never exit).
void take(int fd, std::string& into, bool& truncated, size_t max, bool& open) {
    char buf[16384];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (n <= 0) {
        open = false;
        return;
    }
    size_t room = max > into.size() ? max - into.size() : 0;
    size_t keep = std::min(room, static_cast<size_t>(n));
    into.append(buf, keep);
    if (keep < static_cast<size_t>(n)) truncated = true;
}

} // namespace

std::string RunResult::describe(int timeout_ms) const {
    if (timed_out) return "timed out after " + std::to_string(timeout_ms) + " ms";
    if (signal != 0) return "killed by signal " + std::to_string(signal);
    return "exited with " + std::to_string(exit_code);
}

Result<RunResult> run_process(const RunSpec& spec) {
    if (spec.argv.empty() || spec.argv[0].empty()) return make_error("run_process: no program");
    int out[2], err[2] = {-1, -1}, in[2] = {-1, -1};
    if (::pipe2(out, O_CLOEXEC) != 0) return make_error("pipe: " + errno_string(errno));
    UniqueFd out_r(out[0]), out_w(out[1]);
    if (spec.capture_stderr && ::pipe2(err, O_CLOEXEC) != 0)
        return make_error("pipe: " + errno_string(errno));
    UniqueFd err_r(err[0]), err_w(err[1]);
    if (spec.input && ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0)
        return make_error("socketpair: " + errno_string(errno));
    UniqueFd in_w(in[0]), in_r(in[1]);

    SpawnSetup s;
    if (spec.input)
        posix_spawn_file_actions_adddup2(&s.fa, in_r.get(), 0); // dup2 clears CLOEXEC
    else
        posix_spawn_file_actions_addopen(&s.fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&s.fa, out_w.get(), 1);
    if (spec.capture_stderr)
        posix_spawn_file_actions_adddup2(&s.fa, err_w.get(), 2);
    else
        posix_spawn_file_actions_addopen(&s.fa, 2, "/dev/null", O_WRONLY, 0);
    if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&s.fa, spec.cwd.c_str());
    if (spec.own_process_group) {
        posix_spawnattr_setflags(&s.attr, POSIX_SPAWN_SETPGROUP);
        posix_spawnattr_setpgroup(&s.attr, 0);
    }
    std::vector<std::string> args = spec.argv, envs = spec.env.value_or(std::vector<std::string>{});
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : envs) envp.push_back(e.data());
    envp.push_back(nullptr);
    char** env = spec.env ? envp.data() : environ;
    pid_t pid = 0;
    int rc = spec.argv[0].find('/') == std::string::npos
                 ? ::posix_spawnp(&pid, argv[0], &s.fa, &s.attr, argv.data(), env)
                 : ::posix_spawn(&pid, argv[0], &s.fa, &s.attr, argv.data(), env);
    out_w.reset();
    err_w.reset();
    in_r.reset();
    if (rc != 0) return make_error("cannot run " + spec.argv[0] + ": " + errno_string(rc));

    RunResult r;
    const std::string& input = spec.input ? *spec.input : std::string();
    size_t written = 0;
    if (in_w.valid()) {
        ::fcntl(in_w.get(), F_SETFL, O_NONBLOCK);
        if (input.empty()) in_w.reset();
    }
    bool out_open = true, err_open = err_r.valid();
    int64_t deadline = monotonic_ms() + std::max(spec.timeout_ms, 0);
    auto kill_it = [&] {
        r.timed_out = true;
        ::kill(spec.own_process_group ? -pid : pid, SIGKILL);
    };
    while (out_open || err_open) {
        int64_t left = deadline - monotonic_ms();
        if (left <= 0) {
            kill_it();
            break;
        }
        pollfd p[3] = {{out_open ? out_r.get() : -1, POLLIN, 0},
                       {err_open ? err_r.get() : -1, POLLIN, 0},
                       {in_w.valid() ? in_w.get() : -1, POLLOUT, 0}};
        int n = ::poll(p, 3, static_cast<int>(left));
        if (n < 0 && errno != EINTR) {
            kill_it();
            break;
        }
        if (n <= 0) continue;
        if (p[2].revents & (POLLOUT | POLLERR | POLLHUP)) {
            ssize_t w =
                ::send(in_w.get(), input.data() + written, input.size() - written, MSG_NOSIGNAL);
            if (w > 0) written += static_cast<size_t>(w);
            if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == input.size())
                in_w.reset(); // done, or the program closed its stdin: EOF either way
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
            take(out_r.get(), r.out, r.out_truncated, spec.max_output, out_open);
        if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
            take(err_r.get(), r.err, r.err_truncated, spec.max_output, err_open);
    }
    in_w.reset();
    // Both streams are closed; a program that closed them but keeps running
    // is waited for only until the deadline.
    int status = 0;
    for (;;) {
        pid_t w = ::waitpid(pid, &status, r.timed_out ? 0 : WNOHANG);
        if (w == pid) break;
        if (w < 0 && errno != EINTR) return make_error("waitpid: " + errno_string(errno));
        if (w == 0 && monotonic_ms() >= deadline) kill_it();
        if (w == 0 && !r.timed_out) ::usleep(1000);
    }
    if (WIFEXITED(status)) {
        r.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        r.signal = WTERMSIG(status);
    }
    return r;
}

} // namespace fab
