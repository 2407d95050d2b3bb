#include "daemon/host/host.hpp"

#include "daemon/host/git_dirs.hpp"
#include "daemon/host/proc_tree.hpp"
#include "ev/handle.hpp"
#include "protocol/messages.hpp"
#include "protocol/version.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/time.hpp"

#include <algorithm>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

extern char** environ;

namespace fab {

namespace {
constexpr uint64_t kStopStepMs = 5000; // interrupt → TERM → KILL, this far apart
constexpr uint64_t kGapRetryMs = 1000; // a full disk: try to mark the gap this often
// A turn silent this long while the agent's tools work (a test run printing
// as it goes) gets a tool_activity note, one per such stretch: the daemon's
// heartbeat counts every record as a sign of life, and claude prints nothing
// until the tool ends. The tools are looked at every kToolCheckMs.
constexpr int64_t kToolQuietMs = 5000;
constexpr uint64_t kToolCheckMs = 2000;
// A codex approval request the rules leave to a human, with no daemon
// attached, is denied after this long (a restarting daemon re-attaches well
// within it).
constexpr int64_t kNoDaemonMs = 10000;

// The host's environment with `extra` (KEY=VALUE) added or replacing.
std::vector<std::string> merged_env(const std::vector<std::string>& extra) {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string kv = *e;
        auto eq = kv.find('=');
        if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const auto& kv : extra) {
        auto eq = kv.find('=');
        if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    std::vector<std::string> out;
    for (auto& [k, v] : env) out.push_back(k + "=" + v);
    return out;
}
} // namespace

AgentHost::~AgentHost() {
    cli_.reset();
    server_.reset();
    stop_timer_.reset();
    grace_timer_.reset();
    turn_timer_.reset();
    reap_timer_.reset();
    gap_timer_.reset();
    orphan_timer_.reset();
    activity_timer_.reset();
    sigterm_.reset();
    sigchld_.reset();
    if (loop_.data == this) ev::close_loop(&loop_);
}

Status AgentHost::start() {
    if (!proc_tree::become_subreaper())
        log::warn("PR_SET_CHILD_SUBREAPER failed: leftovers may escape");
    backend_ = make_backend(spec_.backend);
    if (!backend_) return make_error("unknown backend \"" + spec_.backend + "\"");
    parser_ = backend_->make_parser();
    auto t = Transcript::open(spec_.transcript_path, spec_.first_offset);
    if (!t) return make_error(t.error());
    transcript_.emplace(std::move(*t));
    if (transcript_->damaged_lines() > 0)
        log::warn("transcript: " + std::to_string(transcript_->damaged_lines()) +
                  " damaged line(s) (" + std::to_string(transcript_->damaged_bytes()) +
                  " bytes) kept in the file; readers skip and report them");
    if (transcript_->gap().records > 0)
        log::warn("transcript: offsets " + std::to_string(transcript_->gap().first_offset) + ".." +
                  std::to_string(transcript_->gap().last_offset) +
                  " were forwarded by the previous host but never written");
    session_id_ = spec_.params.session_id;

    if (auto s = register_handlers(); !s) return make_error("protocol table: " + s.error());
    uv_loop_init(&loop_);
    loop_.data = this;
    server_ = std::make_unique<IpcServer>(&loop_, router_);
    server_->on_disconnect([this](uint64_t id) { attached_.erase(id); });
    if (auto s = server_->listen(spec_.socket_path); !s) return s;

    sigterm_ = std::make_unique<ev::Signal>(&loop_);
    sigterm_->start(SIGTERM, [this](int) {
        // Told to go: after the agent stops, wait only briefly for a daemon's
        // ack (the transcript on disk holds everything it has not read).
        spec_.grace_ms = std::min<int64_t>(spec_.grace_ms, 2000);
        stop(false);
    });
    // Orphans re-parented to us (we are a subreaper) are reaped here; libuv
    // reaps only the processes it spawned.
    activity_timer_ = std::make_unique<ev::Timer>(&loop_);
    activity_timer_->start(kToolCheckMs, kToolCheckMs, [this] { check_tool_activity(); });
    activity_timer_->unref(); // never keeps the host alive
    sigchld_ = std::make_unique<ev::Signal>(&loop_);
    sigchld_->start(SIGCHLD, [this](int) {
        std::set<int> owned;
        if (cli_) owned.insert(cli_->pid());
        proc_tree::reap_orphans(owned);
    });
    ::signal(SIGPIPE, SIG_IGN);

    note({{"event", "host_started"}, {"pid", ::getpid()}, {"backend", spec_.backend}});
    if (backend_->persistent()) {
        if (auto s = launch(""); !s) return s;
        if (!spec_.prompt.empty()) deliver(spec_.prompt);
    } else if (!spec_.prompt.empty()) {
        deliver(spec_.prompt);
    }
    return {};
}

Status AgentHost::launch(const std::string& message) {
    AgentParams p = spec_.params;
    p.session_id = session_id_;
    if (!backend_->persistent()) p.resume = !session_id_.empty();
    if (!backend_->has_hooks()) {
        p.writable_roots = git_writable_roots(p.worktree);
        spec_.params.writable_roots = p.writable_roots; // for each turn's sandbox
    }
    auto ls = backend_->launch(p, message);
    if (!ls) return make_error(ls.error());
    ev::SpawnOptions o;
    o.argv = ls->argv;
    o.env = merged_env(ls->env);
    o.cwd = p.worktree;
    o.stdin_pipe = ls->stdin_pipe;
    o.detached = true; // own process group, so the group can be signalled
    o.on_stdout = [this](const char* d, size_t n) { on_output(out_buf_, "out", d, n); };
    o.on_stderr = [this](const char* d, size_t n) { on_output(err_buf_, "err", d, n); };
    cli_ = std::make_unique<ev::Process>(&loop_);
    int rc = cli_->spawn(o, [this](ev::ProcessResult r) { on_cli_exit(r); });
    if (rc != 0) {
        cli_.reset();
        std::string why = o.argv[0] + ": " + uv_strerror(rc);
        if (rc == UV_ENOENT)
            why = "agent program \"" + o.argv[0] + "\" not found in PATH (is the " + spec_.backend +
                  " CLI installed?)";
        note({{"event", "spawn_failed"}, {"error", why}});
        return make_error(why);
    }
    log::info("started " + o.argv[0] + " pid " + std::to_string(cli_->pid()));
    note({{"event", "cli_started"}, {"pid", cli_->pid()}, {"program", o.argv[0]}});
    if (backend_->persistent()) {
        std::string hello = backend_->startup_lines(p);
        ready_ = !backend_->handshake();
        if (!hello.empty()) {
            record("in", dump_json({{"type", "session_start"}, {"resume", p.resume}}));
            cli_->write_stdin(hello);
        }
    }
    if (!backend_->persistent()) {
        turn_running_ = true;
        turn_timer_ = std::make_unique<ev::Timer>(&loop_);
        turn_timer_->start(static_cast<uint64_t>(spec_.turn_timeout_ms), 0, [this] {
            note({{"event", "turn_timeout"}, {"after_ms", spec_.turn_timeout_ms}});
            if (cli_) cli_->kill_group(SIGINT);
            stop_timer_ = std::make_unique<ev::Timer>(&loop_);
            stop_timer_->start(kStopStepMs, 0, [this] {
                if (cli_) cli_->kill_group(SIGKILL);
            });
        });
    }
    return {};
}

void AgentHost::on_output(LineBuffer& buf, const char* src, const char* data, size_t len) {
    buf.append(data, len);
    std::string line;
    for (;;) {
        auto next = buf.next(line);
        if (next == LineBuffer::Next::need_more) return;
        if (next == LineBuffer::Next::too_long) {
            buf.clear();
            note({{"event", "line_dropped"}, {"src", src}, {"reason", "over 16 MiB"}});
            continue;
        }
        record(src, line);
    }
}

void AgentHost::check_tool_activity() {
    if (!cli_ || !turn_running_ || stopping_) {
        tool_work_ = 0;
        return;
    }
    proc_tree::Activity a = proc_tree::tree_activity(cli_->pid());
    bool working = a.processes > 0 && tool_work_ != 0 && a.work != tool_work_;
    tool_work_ = a.work;
    int64_t now = monotonic_ms();
    if (!working || now - std::max(last_line_ms_, last_note_ms_) < kToolQuietMs) return;
    last_note_ms_ = now;
    note({{"event", "tool_activity"}, {"processes", a.processes}});
}

void AgentHost::note(const Json& j) {
    Json n = j;
    n["type"] = "fab_host";
    record("host", dump_json(n));
}

void AgentHost::record(const std::string& src, const std::string& data) {
    if (transcript_->gap().records > 0) close_gap(); // space may be back: mark the gap first
    bool written = false;
    TranscriptRecord r = transcript_->append(src, data, written);
    if (!written) on_append_failed();
    std::vector<ChatEntry> entries;
    if (src == "out") parser_->parse_line(data, entries);
    bool turn_ended = false;
    for (const auto& e : entries)
        turn_ended = turn_ended || (e.kind == ChatKind::turn_result && backend_->persistent());
    if (turn_ended) sync_transcript(); // on disk before anyone hears the turn is over
    // Published before anything below reacts to the line: a reaction may
    // record a line of its own (the next queued message, an answer), which
    // must reach the daemon after this one (it drops an offset below one seen).
    forward(r);
    if (src == "out" || src == "err") last_line_ms_ = monotonic_ms();
    if (src != "out") return;
    if (data.find("\"control_cancel_request\"") != std::string::npos) {
        Json j = Json::parse(data, nullptr, false);
        if (j.is_object()) pending_.erase(j.value("request_id", ""));
    }
    for (const auto& e : entries) {
        if (!e.session_id.empty()) session_id_ = e.session_id;
        if (e.kind == ChatKind::permission) {
            pending_[e.request_id] = to_json(e);
            pending_[e.request_id]["created_ms"] = r.ts_ms;
            if (!backend_->has_hooks() && !orphan_timer_) {
                orphan_timer_ = std::make_unique<ev::Timer>(&loop_);
                orphan_timer_->start(1000, 1000, [this] { check_orphan_requests(); });
            }
            if (!backend_->has_hooks() && attached_.empty()) decide_by_rules(e);
        }
        if (e.kind == ChatKind::system && e.subtype == "control_cancel_request")
            pending_.erase(e.request_id);
        if (e.kind == ChatKind::system && e.subtype == "control_request" && cli_) {
            std::string reply = backend_->unsupported_request_response(e.request_id);
            if (!reply.empty()) cli_->write_stdin(reply);
        }
        if (e.kind == ChatKind::system && e.subtype == "session_ready" && !ready_) {
            ready_ = true;
            if (!turn_running_ && !queued_.empty() && !stopping_) {
                std::string next = std::move(queued_.front());
                queued_.pop_front();
                send_now(next);
            }
        }
        if (e.kind == ChatKind::error && e.subtype == "session_failed" && !ready_ && cli_ &&
            !session_retried_) {
            // The thread to resume is gone (another CODEX_HOME, deleted
            // rollouts): a new thread in the same worktree, said so.
            session_retried_ = true;
            note({{"event", "session_lost"}, {"session_id", session_id_}});
            AgentParams p = spec_.params;
            p.resume = false;
            p.session_id.clear();
            cli_->write_stdin(backend_->startup_lines(p));
        }
        if (e.kind == ChatKind::turn_result && backend_->persistent()) turn_finished();
    }
}

void AgentHost::forward(const TranscriptRecord& r) {
    if (attached_.empty()) return;
    std::string ev =
        dump_json(
            {{"type", "event"},
             {"event", msg::kHostRecord},
             {"agent_id", spec_.agent_id},
             {"record", {{"o", r.offset}, {"ts", r.ts_ms}, {"src", r.src}, {"data", r.data}}}}) +
        "\n";
    for (uint64_t c : attached_) server_->send(c, ev);
}

SessionState AgentHost::session_state() const {
    SessionState s;
    s.session_id = session_id_;
    s.turn_id = parser_ ? parser_->turn_id() : std::string();
    s.turn_running = turn_running_;
    s.params = &spec_.params;
    return s;
}

bool AgentHost::answer(const std::string& request_id, bool allow, Json input,
                       const std::string& message) {
    auto it = pending_.find(request_id);
    if (it == pending_.end() || !cli_) return false;
    if (allow && input.is_null()) input = it->second.value("tool_input", Json::object());
    if (!allow && input.is_null() && it->second.value("tool_name", "") == "AskUserQuestion")
        input = it->second.value("tool_input", Json::object());
    record("in", dump_json({{"type", "permission_response"},
                            {"request_id", request_id},
                            {"allow", allow},
                            {"updated_input", input},
                            {"message", message}}));
    cli_->write_stdin(
        backend_->permission_response(request_id, allow, input, message, session_state()));
    pending_.erase(request_id);
    return true;
}

void AgentHost::check_orphan_requests() {
    if (pending_.empty()) {
        orphan_timer_.reset(); // safe: ev::Timer runs a copy of its callback
        return;
    }
    if (!attached_.empty()) return; // a daemon is there to decide
    int64_t now = now_ms();
    std::vector<std::string> expired;
    for (const auto& [id, req] : pending_)
        if (now - req.value("created_ms", now) >= kNoDaemonMs) expired.push_back(id);
    for (const auto& id : expired) {
        log::warn("request " + id + ": no fab daemon attached; denied");
        answer(id, false, Json(),
               "fab daemon is not reachable; no human can approve this call. Ask the user to "
               "run: fab server start");
    }
}

void AgentHost::on_append_failed() {
    // A full disk must not stop the agent: records still reach the daemon
    // live, and the gap is marked in the transcript once space returns
    // (tried at each record and on this timer, for an agent gone quiet).
    if (gap_timer_) return;
    const TranscriptGap& g = transcript_->gap();
    log::error("transcript: " + g.error + " from offset " + std::to_string(g.first_offset) +
               ": records are forwarded live but not kept until space returns");
    gap_timer_ = std::make_unique<ev::Timer>(&loop_);
    gap_timer_->start(kGapRetryMs, kGapRetryMs, [this] { close_gap(); });
}

void AgentHost::sync_transcript() {
    if (!transcript_->sync()) log::error("transcript: fdatasync: " + transcript_->last_error());
}

void AgentHost::close_gap() {
    auto marker = transcript_->close_gap();
    if (!marker) return;
    gap_timer_.reset(); // safe: ev::Timer runs a copy of its callback
    log::warn("transcript: writing again; the gap is marked at offset " +
              std::to_string(marker->offset));
    forward(*marker);
}

void AgentHost::deliver(const std::string& text) {
    if (turn_running_ || !ready_ || (!backend_->persistent() && cli_)) {
        queued_.push_back(text);
        return;
    }
    send_now(text);
}

void AgentHost::send_now(const std::string& text) {
    record("in", dump_json({{"type", "user_message"}, {"text", text}}));
    if (backend_->persistent()) {
        if (!cli_ || !cli_->write_stdin(backend_->format_input(text, session_state()))) {
            note({{"event", "send_failed"}, {"error", "agent stdin is closed"}});
            return;
        }
        turn_running_ = true;
        return;
    }
    if (auto s = launch(text); !s) {
        log::error(s.error());
        turn_running_ = false;
    }
}

void AgentHost::turn_finished() { // the caller syncs the transcript
    turn_running_ = false;
    turn_timer_.reset();
    if (!queued_.empty() && !stopping_) {
        std::string next = std::move(queued_.front());
        queued_.pop_front();
        send_now(next);
    }
}

void AgentHost::on_cli_exit(const ev::ProcessResult& r) {
    for (auto* b : {&out_buf_, &err_buf_}) {
        std::string rest = b->take_rest();
        if (!rest.empty()) record(b == &out_buf_ ? "out" : "err", rest);
    }
    exit_status_ = r.exit_status;
    term_signal_ = r.term_signal;
    note({{"event", "cli_exited"}, {"exit_status", r.exit_status}, {"signal", r.term_signal}});
    log::info("agent CLI exited: status " + std::to_string(r.exit_status) + ", signal " +
              std::to_string(r.term_signal));
    // Whatever the CLI left running (Bash tools run in their own sessions)
    // dies with it: nothing of an agent may outlive it.
    proc_tree::signal_descendants(SIGKILL);
    cli_.reset(); // safe: Process::maybe_finish touches nothing after calling us
    pending_.clear();
    sync_transcript();
    if (backend_->persistent()) {
        turn_running_ = false;
        exited_ = true;
    } else {
        turn_finished();
        if (stopping_) exited_ = true;
    }
    maybe_exit();
}

void AgentHost::stop(bool force) {
    if (!stopping_) log::info(force ? "force stop requested" : "stop requested");
    stopping_ = true;
    queued_.clear();
    if (!cli_) {
        exited_ = true;
        maybe_exit();
        return;
    }
    if (force) {
        escalate(2);
        return;
    }
    if (backend_->persistent()) {
        if (turn_running_) {
            record("in", dump_json({{"type", "interrupt"}}));
            std::string line =
                backend_->interrupt_line("stop-" + std::to_string(now_ms()), session_state());
            if (!line.empty()) cli_->write_stdin(line);
        }
        cli_->close_stdin(); // EOF: claude finishes (the interrupted) turn and exits
    } else {
        cli_->kill_group(SIGINT);
    }
    stop_timer_ = std::make_unique<ev::Timer>(&loop_);
    stop_timer_->start(kStopStepMs, 0, [this] { escalate(1); });
}

void AgentHost::escalate(int step) {
    if (!cli_) return;
    if (step == 1) {
        log::warn("agent did not stop; sending SIGTERM");
        cli_->kill_group(SIGTERM);
        proc_tree::signal_descendants(SIGTERM);
        stop_timer_ = std::make_unique<ev::Timer>(&loop_);
        stop_timer_->start(kStopStepMs, 0, [this] { escalate(2); });
        return;
    }
    log::warn("killing the agent's process tree");
    cli_->kill_group(SIGKILL);
    proc_tree::signal_descendants(SIGKILL);
}

void AgentHost::maybe_exit() {
    if (!exited_ || shut_down_) return;
    if (acked_ >= transcript_->next_offset() - 1 || grace_over_) {
        // Deferred: we may be inside a request handler whose reply is queued.
        shut_down_ = true;
        stop_timer_ = std::make_unique<ev::Timer>(&loop_);
        stop_timer_->start(0, 0, [this] { shutdown(); });
        return;
    }
    if (!grace_timer_) {
        grace_timer_ = std::make_unique<ev::Timer>(&loop_);
        grace_timer_->start(static_cast<uint64_t>(spec_.grace_ms), 0, [this] {
            log::warn("no acknowledgement from the daemon within the grace period; exiting");
            grace_over_ = true;
            maybe_exit();
        });
    }
}

void AgentHost::shutdown() {
    log::info("host exiting");
    close_gap(); // a last try: the gap marker tells readers what the file lacks
    gap_timer_.reset();
    server_->close();
    stop_timer_.reset(); // safe: ev::Timer runs a copy of its callback
    grace_timer_.reset();
    turn_timer_.reset();
    orphan_timer_.reset();
    activity_timer_.reset();
    sigterm_.reset();
    sigchld_.reset();
}

int AgentHost::run() {
    if (auto s = start(); !s) {
        log::error(s.error());
        return 1;
    }
    uv_run(&loop_, UV_RUN_DEFAULT);
    // The activity timer is unref'd, so the loop can end with it still open
    // (a path that skipped shutdown()): close it and let its close run.
    activity_timer_.reset();
    uv_run(&loop_, UV_RUN_DEFAULT);
    server_.reset();
    int rc = ev::close_loop(&loop_);
    loop_.data = nullptr;
    return rc == 0 ? 0 : 1;
}

int host_main(const std::string& spec_path) {
    auto text = read_file(spec_path);
    if (!text) {
        std::fprintf(stderr, "fab-host: %s\n", text.error().c_str());
        return 1;
    }
    auto spec = decode_spec(*text);
    if (!spec) {
        std::fprintf(stderr, "fab-host: %s: %s\n", spec_path.c_str(), spec.error().c_str());
        return 1;
    }
    int log_fd = ::open(spec->log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    log::init("fab-host", log_fd, false);
    log::info("host for agent " + spec->agent_id + " (" + spec->backend + "), fab " + kVersion);
    AgentHost host(std::move(*spec));
    return host.run();
}

} // namespace fab
