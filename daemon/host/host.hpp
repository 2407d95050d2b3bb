// The agent host (`fab-host --spec FILE`): one small detached process per
// agent. It owns the agent CLI's pipes, appends every line to the transcript
// before serving it, and answers host.* requests on hosts/<id>.sock, so the
// daemon can die and come back with nothing lost. It exits once the agent
// has exited and the daemon has acknowledged the final offset (or after a
// grace period). Loop thread only.
#pragma once

#include "agents/backend.hpp"
#include "config/paths.hpp"
#include "daemon/host/spec.hpp"
#include "daemon/host/transcript.hpp"
#include "daemon/router.hpp"
#include "daemon/server.hpp"
#include "ev/process.hpp"
#include "ev/timer.hpp"
#include "protocol/framing.hpp"

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>

namespace fab {

class AgentHost {
  public:
    explicit AgentHost(HostSpec spec) : spec_(std::move(spec)) {}
    ~AgentHost();
    int run();

  private:
    Status start();
    Status register_handlers(); // an error when they and the protocol table disagree

    // The CLI.
    Status launch(const std::string& message); // persistent: start; per-turn: one turn
    void on_output(LineBuffer& buf, const char* src, const char* data, size_t len);
    void on_cli_exit(const ev::ProcessResult& r);
    void record(const std::string& src, const std::string& data);
    void forward(const TranscriptRecord& r); // to attached daemons, live
    void on_append_failed();
    void close_gap();
    void sync_transcript();
    void note(const Json& j); // a host record: {"type":"fab_host",…}
    void deliver(const std::string& text);
    void send_now(const std::string& text);
    void turn_finished();
    SessionState session_state() const;
    // Writes the answer to a pending request and records it; false when the
    // request is not pending or the CLI is gone.
    bool answer(const std::string& request_id, bool allow, Json input, const std::string& message);
    // Backends without hooks (codex): a request no daemon is attached to
    // decide, and the rules did not, is denied after kNoDaemonMs, as the
    // hook denies for claude.
    void check_orphan_requests();
    // Backends without hooks, no daemon attached: the permission rules still
    // decide the request here (host_rules.cpp), as `fab hook PreToolUse`
    // does for claude without the daemon; what they leave to a human waits
    // for a daemon (check_orphan_requests).
    void decide_by_rules(const ChatEntry& e);

    // Stopping and exiting.
    // During a silent turn: a note when the CLI's descendants (its tools)
    // computed or wrote since the last check (kToolCheckMs, kToolQuietMs).
    void check_tool_activity();
    void stop(bool force);
    void escalate(int step);
    void maybe_exit();
    void shutdown();

    HostSpec spec_;
    uv_loop_t loop_{};
    std::unique_ptr<Backend> backend_;
    std::unique_ptr<OutputParser> parser_;
    std::optional<Transcript> transcript_;
    Router router_{proto::Kind::host_request};
    std::unique_ptr<IpcServer> server_;
    std::unique_ptr<ev::Process> cli_;
    LineBuffer out_buf_, err_buf_;
    std::unique_ptr<ev::Timer> stop_timer_, grace_timer_, turn_timer_, reap_timer_, gap_timer_,
        orphan_timer_, activity_timer_;
    std::unique_ptr<ev::Signal> sigterm_, sigchld_;

    std::set<uint64_t> attached_;         // clients receiving live records
    std::deque<std::string> queued_;      // messages waiting for the turn to end
    std::map<std::string, Json> pending_; // request_id → can_use_tool request
    std::optional<Paths> rule_paths_;     // decide_by_rules: fab's dirs, once known
    std::string session_id_;
    bool turn_running_ = false;
    bool ready_ = true;            // handshake backends: the session (codex thread) is open
    bool session_retried_ = false; // a failed thread/resume fell back to a new thread
    bool stopping_ = false;
    bool exited_ = false; // final: the CLI will not run again
    int64_t acked_ = -1;
    int64_t exit_status_ = -1;
    int term_signal_ = 0;
    bool grace_over_ = false;
    int64_t last_line_ms_ = 0; // monotonic: the CLI's last line (out or err)
    int64_t last_note_ms_ = 0; // monotonic: the last tool_activity note
    uint64_t tool_work_ = 0;   // proc_tree::tree_activity at the last check (0: none yet)
    bool shut_down_ = false;
};

int host_main(const std::string& spec_path);

} // namespace fab
