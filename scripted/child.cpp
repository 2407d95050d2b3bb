#include "child.hpp"

#include "util/strings.hpp"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace scripted {

namespace {

bool make_pipe(int fds[2]) {
    if (pipe2(fds, O_CLOEXEC) != 0) return false;
    return true;
}

void set_nonblock(int fd) {
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

} // namespace

fab::Result<std::unique_ptr<Child>> Child::spawn(const ChildSpec& spec) {
    int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
    auto close_all = [&] {
        for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]})
            if (fd >= 0) ::close(fd);
    };
    if (!make_pipe(in) || !make_pipe(out) || (!spec.merge_stderr && !make_pipe(err))) {
        int e = errno;
        close_all();
        return fab::make_error("pipe: " + fab::errno_string(e));
    }
    // Everything exec needs is built before fork: the child only calls
    // async-signal-safe functions.
    std::vector<char*> argv, envp;
    for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);

    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close_all();
        return fab::make_error("fork: " + fab::errno_string(e));
    }
    if (pid == 0) {
        setsid();
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGCHLD}) signal(s, SIG_DFL);
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(spec.merge_stderr ? out[1] : err[1], 2);
        if (!spec.cwd.empty() && chdir(spec.cwd.c_str()) != 0) _exit(127);
        execve(argv[0], argv.data(), envp.data());
        _exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    if (err[1] >= 0) ::close(err[1]);

    std::unique_ptr<Child> c(new Child());
    c->pid_ = pid;
    c->in_ = in[1];
    c->out_fd_ = out[0];
    c->err_fd_ = err[0];
    c->input_ = spec.input;
    c->limit_ = spec.limit;
    for (int fd : {c->in_, c->out_fd_, c->err_fd_})
        if (fd >= 0) set_nonblock(fd);
    if (c->input_.empty()) c->close_fd(c->in_);
    return c;
}

Child::~Child() {
    if (!exited_ && pid_ > 0) {
        ::kill(-pid_, SIGKILL);
        ::kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    close_fd(in_);
    close_fd(out_fd_);
    close_fd(err_fd_);
}

void Child::close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

void Child::add_pollfds(std::vector<pollfd>& fds) const {
    if (in_ >= 0) fds.push_back({in_, POLLOUT, 0});
    if (out_fd_ >= 0) fds.push_back({out_fd_, POLLIN, 0});
    if (err_fd_ >= 0) fds.push_back({err_fd_, POLLIN, 0});
}

void Child::read_fd(int& fd, std::string& into, int max_chunks) {
    char buf[16384];
    for (int i = 0; i < max_chunks; ++i) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        if (n <= 0) {
            close_fd(fd);
            return;
        }
        size_t room = into.size() < limit_ ? limit_ - into.size() : 0;
        if (static_cast<size_t>(n) > room) truncated_ = true;
        into.append(buf, std::min(room, static_cast<size_t>(n)));
    }
}

void Child::on_poll(const pollfd& p) {
    if (p.revents == 0) return;
    if (p.fd == in_) {
        if (p.revents & (POLLERR | POLLHUP)) {
            close_fd(in_); // the child does not read its input: fine
            return;
        }
        while (input_off_ < input_.size()) {
            ssize_t n = ::write(in_, input_.data() + input_off_, input_.size() - input_off_);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
            if (n <= 0) break;
            input_off_ += static_cast<size_t>(n);
        }
        close_fd(in_);
    } else if (p.fd == out_fd_) {
        read_fd(out_fd_, out_, 16);
    } else if (p.fd == err_fd_) {
        read_fd(err_fd_, err_, 16);
    }
}

void Child::check_exit() {
    if (exited_ || pid_ <= 0) return;
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r != pid_) return;
    exited_ = true;
    code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    // A background grandchild may keep the pipes open forever: take what is
    // there now and stop listening, as a finished command's output is final.
    if (out_fd_ >= 0) read_fd(out_fd_, out_, 64);
    if (err_fd_ >= 0) read_fd(err_fd_, err_, 64);
    close_fd(in_);
    close_fd(out_fd_);
    close_fd(err_fd_);
}

void Child::kill() {
    if (exited_ || pid_ <= 0) return;
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
}

} // namespace scripted
