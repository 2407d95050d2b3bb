#include "ev/process.hpp"

#include "util/strings.hpp"

#include <csignal>
#include <signal.h>

namespace fab::ev {

std::string ProcessResult::last_error_line() const {
    auto lines = split(err, '\n');
    if (!lines.empty()) return lines.back();
    if (term_signal) return "killed by signal " + std::to_string(term_signal);
    return "exit status " + std::to_string(exit_status);
}

Process::~Process() {
    // The child is not killed here: an owner that wants it gone kills it
    // first. The handle is closed so the loop can exit cleanly.
    in_.reset();
    out_.reset();
    err_.reset();
    close_and_free(h_);
}

int Process::spawn(const SpawnOptions& o, DoneFn on_done) {
    on_done_ = std::move(on_done);
    max_capture_ = o.max_capture;
    std::vector<char*> argv, env;
    for (auto& a : o.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (auto& e : o.env) env.push_back(const_cast<char*>(e.c_str()));
    env.push_back(nullptr);

    uv_stdio_container_t stdio[3];
    stdio[0].flags = UV_IGNORE; // /dev/null
    if (o.stdin_pipe) {
        in_ = std::make_unique<Stream>(loop_);
        stdio[0].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_READABLE_PIPE);
        stdio[0].data.stream = in_->raw();
    }
    on_out_ = o.on_stdout;
    on_err_ = o.on_stderr;
    auto capture = [&](bool on, std::unique_ptr<Stream>& s, uv_stdio_container_t& c) {
        if (!on) {
            c.flags = UV_IGNORE;
            return;
        }
        s = std::make_unique<Stream>(loop_);
        c.flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_WRITABLE_PIPE);
        c.data.stream = s->raw();
    };
    capture(o.capture_stdout, out_, stdio[1]);
    capture(o.capture_stderr, err_, stdio[2]);

    uv_process_options_t opts{};
    opts.file = argv[0];
    opts.args = argv.data();
    opts.env = o.env.empty() ? nullptr : env.data();
    opts.cwd = o.cwd.empty() ? nullptr : o.cwd.c_str();
    opts.stdio = stdio;
    opts.stdio_count = 3;
    opts.flags = o.detached ? UV_PROCESS_DETACHED : 0;
    opts.exit_cb = [](uv_process_t* p, int64_t status, int sig) {
        auto* self = static_cast<Process*>(p->data);
        if (!self) return;
        self->exited_ = true;
        self->result_.exit_status = status;
        self->result_.term_signal = sig;
        self->maybe_finish();
    };
    h_ = new uv_process_t;
    h_->data = this;
    int rc = uv_spawn(loop_, h_, &opts);
    if (rc != 0) {
        // uv_spawn requires the handle to be closed even on failure.
        close_and_free(h_);
        in_.reset();
        out_.reset();
        err_.reset();
        return rc;
    }
    pid_ = h_->pid;
    auto watch = [this](std::unique_ptr<Stream>& s, std::string& sink,
                        std::function<void(const char*, size_t)>& stream_cb) {
        if (!s) return;
        ++open_streams_;
        s->read_start(
            [this, &sink, &stream_cb](const char* d, size_t n) {
                if (stream_cb) {
                    stream_cb(d, n);
                    return;
                }
                if (sink.size() < max_capture_)
                    sink.append(d, std::min(n, max_capture_ - sink.size()));
            },
            [this](int) {
                --open_streams_;
                maybe_finish();
            });
    };
    watch(out_, result_.out, on_out_);
    watch(err_, result_.err, on_err_);
    return 0;
}

void Process::kill(int signum) {
    if (h_ && !exited_) uv_process_kill(h_, signum);
}

void Process::kill_group(int signum) {
    if (pid_ > 0 && !exited_) ::kill(-pid_, signum);
}

bool Process::write_stdin(std::string data) {
    return in_ && in_->write(std::move(data));
}

void Process::close_stdin() {
    in_.reset();
}

void Process::maybe_finish() {
    if (!exited_ || open_streams_ > 0 || !on_done_) return;
    auto done = std::move(on_done_);
    on_done_ = nullptr;
    done(std::move(result_)); // may destroy *this: nothing after this line
}

void run_process(uv_loop_t* loop, const SpawnOptions& opts, Process::DoneFn done) {
    auto* p = new Process(loop);
    // Shared: when the spawn fails, `done` is still needed here (it would
    // otherwise have been moved into the callback that never runs).
    auto fn = std::make_shared<Process::DoneFn>(std::move(done));
    int rc = p->spawn(opts, [p, fn](ProcessResult r) {
        (*fn)(std::move(r));
        // Safe: maybe_finish() touches nothing after calling us, and closing
        // a handle from inside its own callback is allowed by libuv.
        delete p;
    });
    if (rc != 0) {
        delete p;
        ProcessResult r;
        r.exit_status = 127;
        r.err = std::string(opts.argv.empty() ? "?" : opts.argv[0]) + ": " + uv_strerror(rc);
        (*fn)(std::move(r));
    }
}

} // namespace fab::ev
