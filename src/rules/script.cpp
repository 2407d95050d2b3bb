#include "rules/script.hpp"

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

namespace fab::rules {

namespace {

constexpr size_t kMaxOutput = 4096; // more than any verdict needs; the rest is dropped

std::string first_word(std::string_view s) {
    s = trim(s);
    size_t end = s.find_first_of(" \t\r\n");
    return std::string(s.substr(0, end));
}

} // namespace

ScriptOutcome run_rule_script(const std::string& script, const std::string& tool,
                              const std::string& input_json, int timeout_ms) {
    ScriptOutcome out;
    // stdin is a socket so that writes can use MSG_NOSIGNAL: a script that
    // exits without reading must not kill the hook with SIGPIPE, and changing
    // the process-wide SIGPIPE disposition is not this module's business.
    int in[2], outp[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0) {
        out.detail = "socketpair: " + errno_string(errno);
        return out;
    }
    UniqueFd in_parent(in[0]), in_child(in[1]);
    if (::pipe2(outp, O_CLOEXEC) != 0) {
        out.detail = "pipe: " + errno_string(errno);
        return out;
    }
    UniqueFd out_parent(outp[0]), out_child(outp[1]);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in_child.get(), 0);
    posix_spawn_file_actions_adddup2(&fa, out_child.get(), 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    std::string arg0 = script, arg1 = tool;
    char* argv[] = {arg0.data(), arg1.data(), nullptr};
    pid_t pid = 0;
    int rc = ::posix_spawn(&pid, script.c_str(), &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    in_child.reset();
    out_child.reset();
    if (rc != 0) {
        out.detail = "could not run " + script + ": " + errno_string(rc);
        return out;
    }

    ::fcntl(in_parent.get(), F_SETFL, O_NONBLOCK);
    size_t written = 0;
    if (input_json.empty()) ::shutdown(in_parent.get(), SHUT_WR);
    std::string output;
    bool timed_out = false;
    int64_t deadline = monotonic_ms() + timeout_ms;
    while (out_parent.valid()) {
        int64_t left = deadline - monotonic_ms();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        bool writing = in_parent.valid() && written < input_json.size();
        pollfd p[2] = {{out_parent.get(), POLLIN, 0}, {writing ? in_parent.get() : -1, POLLOUT, 0}};
        int n = ::poll(p, 2, static_cast<int>(left));
        if (n < 0 && errno != EINTR) break;
        if (n <= 0) continue;
        if (p[1].revents & (POLLOUT | POLLERR | POLLHUP)) {
            ssize_t w = ::send(in_parent.get(), input_json.data() + written,
                               input_json.size() - written, MSG_NOSIGNAL);
            if (w > 0) written += static_cast<size_t>(w);
            if (w < 0 && errno != EAGAIN && errno != EINTR)
                in_parent.reset(); // script closed it
            else if (written == input_json.size())
                ::shutdown(in_parent.get(), SHUT_WR);
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            char buf[1024];
            ssize_t r = ::read(out_parent.get(), buf, sizeof buf);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) {
                out_parent.reset(); // EOF: the script (and its children) closed stdout
                break;
            }
            if (output.size() < kMaxOutput) output.append(buf, static_cast<size_t>(r));
        }
    }
    if (timed_out) ::kill(-pid, SIGKILL); // the whole group: children too
    int status = 0;
    // EOF came first; a script that closed stdout but keeps running is
    // waited for only until the deadline.
    while (!timed_out) {
        pid_t w = ::waitpid(pid, &status, WNOHANG);
        if (w == pid || (w < 0 && errno != EINTR)) break;
        if (monotonic_ms() >= deadline) {
            timed_out = true;
            ::kill(-pid, SIGKILL);
            break;
        }
        ::usleep(1000);
    }
    if (timed_out) {
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        out.detail = "timed out after " + std::to_string(timeout_ms) + " ms";
        return out;
    }
    std::string word = first_word(output);
    auto action = parse_action(word);
    // A deny is honoured whatever the exit status (failing closed costs
    // nothing); an allow only from a script that exited 0.
    if (action != Action::deny && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
        out.detail = WIFEXITED(status) ? "exited with " + std::to_string(WEXITSTATUS(status))
                                       : "killed by signal " + std::to_string(WTERMSIG(status));
        return out;
    }
    if (!action) {
        out.detail = word.empty() ? "printed nothing" : "printed \"" + word + "\"";
        return out;
    }
    out.action = *action;
    out.detail = "printed " + word;
    return out;
}

} // namespace fab::rules
