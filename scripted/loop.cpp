#include "loop.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

namespace scripted {

namespace {

int g_sig_write = -1;

void on_sig(int sig) {
    int saved = errno;
    unsigned char b = static_cast<unsigned char>(sig);
    if (write(g_sig_write, &b, 1) < 0) {} // full pipe: a wakeup is already pending
    errno = saved;
}

// A line longer than this without a newline is not a protocol message.
constexpr size_t kMaxLine = 64u << 20;

} // namespace

Loop::Loop() {
    int p[2];
    if (pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0) {
        std::perror("fab-scripted-agent: pipe");
        std::exit(1);
    }
    sig_read_ = p[0];
    g_sig_write = p[1];
    struct sigaction sa {};
    sa.sa_handler = on_sig;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (int s : {SIGCHLD, SIGINT, SIGTERM}) sigaction(s, &sa, nullptr);
    signal(SIGPIPE, SIG_IGN);
}

void Loop::add(Child* c) {
    children_.push_back(c);
}

void Loop::remove(Child* c) {
    children_.erase(std::remove(children_.begin(), children_.end(), c), children_.end());
}

void Loop::run_once(int timeout_ms) {
    std::vector<pollfd> fds;
    fds.push_back({sig_read_, POLLIN, 0});
    fds.push_back({eof_ ? -1 : STDIN_FILENO, POLLIN, 0}); // -1: ignored by poll
    std::vector<std::pair<Child*, size_t>> owners;        // child, first pollfd index
    for (Child* c : children_) {
        owners.push_back({c, fds.size()});
        c->add_pollfds(fds);
    }
    int n = poll(fds.data(), fds.size(), timeout_ms);
    if (n < 0 && errno != EINTR) {
        std::perror("fab-scripted-agent: poll");
        std::exit(1);
    }
    std::vector<int> signals;
    if (n > 0 && (fds[0].revents & POLLIN)) {
        unsigned char b[64];
        ssize_t r;
        while ((r = read(sig_read_, b, sizeof b)) > 0)
            for (ssize_t i = 0; i < r; ++i) signals.push_back(b[i]);
    }
    // Children first: output read before exit is checked, so none is lost.
    for (size_t i = 0; i < owners.size(); ++i) {
        size_t end = i + 1 < owners.size() ? owners[i + 1].second : fds.size();
        for (size_t k = owners[i].second; k < end; ++k) owners[i].first->on_poll(fds[k]);
    }
    // Reaped on every round, not only on SIGCHLD: cheap, and never misses one.
    for (Child* c : children_) c->check_exit();
    for (int s : signals)
        if (s != SIGCHLD && on_signal) on_signal(s);
    if (n > 0 && !eof_ && fds[1].revents) read_stdin();
}

void Loop::read_stdin() {
    char b[65536];
    ssize_t r = read(STDIN_FILENO, b, sizeof b);
    if (r < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (r <= 0) {
        eof_ = true;
        if (!buf_.empty()) { // a last line without '\n' still counts
            std::string last = std::move(buf_);
            buf_.clear();
            if (on_line) on_line(std::move(last));
        }
        if (on_eof) on_eof();
        return;
    }
    buf_.append(b, static_cast<size_t>(r));
    size_t start = 0, nl;
    while ((nl = buf_.find('\n', start)) != std::string::npos) {
        std::string line = buf_.substr(start, nl - start);
        start = nl + 1;
        if (on_line) on_line(std::move(line));
    }
    buf_.erase(0, start);
    if (buf_.size() > kMaxLine) {
        std::fprintf(stderr, "Error: stdin line longer than %zu bytes\n", kMaxLine);
        std::exit(1);
    }
}

} // namespace scripted
