// host.ping|status|list|attach|detach|history|send|respond|interrupt|stop|ack:
// the agent host's requests, same framing as the daemon's socket.
#include "daemon/host/host.hpp"
#include "ev/stream.hpp"
#include "protocol/version.hpp"

#include <unistd.h>

namespace fab {

Status AgentHost::register_handlers() {
    auto host_ping = [this](const Request&, const Reply& r) {
        r.ok({{"agent_id", spec_.agent_id},
              {"pid", ::getpid()},
              {"protocol", kProtocolMajor},
              {"backend", spec_.backend}});
    };

    auto host_status = [this](const Request&, const Reply& r) {
        r.ok({{"agent_id", spec_.agent_id},
              {"pid", ::getpid()},
              {"backend", spec_.backend},
              {"cli_pid", cli_ ? cli_->pid() : 0},
              {"cli_running", cli_ != nullptr},
              {"turn_running", turn_running_},
              {"stopping", stopping_},
              {"exited", exited_},
              {"exit_status", exit_status_},
              {"signal", term_signal_},
              {"next_offset", transcript_->next_offset()},
              {"session_id", session_id_},
              {"queued", queued_.size()},
              {"pending", pending_.size()}});
    };

    auto host_list = [this](const Request&, const Reply& r) {
        Json pending = Json::array();
        for (auto& [id, e] : pending_) pending.push_back(e);
        r.ok({{"pending", pending}});
    };

    auto host_attach = [this](const Request&, const Reply& r) {
        // Live records follow this reply on the same connection; anything
        // before next_offset is fetched with host.history.
        attached_.insert(r.client());
        r.ok({{"next_offset", transcript_->next_offset()}, {"session_id", session_id_}});
    };

    auto host_detach = [this](const Request&, const Reply& r) {
        attached_.erase(r.client());
        r.ok();
    };

    auto host_history = [this](const Request& q, const Reply& r) {
        int64_t since = q.payload.value("since", int64_t{0});
        size_t limit = std::min<size_t>(q.payload.value("limit", size_t{1000}), 2000);
        auto result = std::make_shared<Result<std::vector<TranscriptRecord>>>(make_error("unread"));
        std::string path = transcript_->path();
        int64_t next = transcript_->next_offset();
        ev::queue_work(
            &loop_,
            [result, path, since, limit] { *result = Transcript::read(path, since, limit); },
            [result, r, next] {
                if (!result->ok()) return r.fail(result->error());
                Json recs = Json::array();
                for (const auto& rec : result->value())
                    recs.push_back({{"o", rec.offset},
                                    {"ts", rec.ts_ms},
                                    {"src", rec.src},
                                    {"data", rec.data}});
                r.ok({{"records", recs}, {"next_offset", next}});
            });
    };

    auto host_send = [this](const Request& q, const Reply& r) {
        std::string text = q.payload.value("text", "");
        if (text.empty()) return r.fail("empty message");
        if (exited_ || stopping_) return r.fail("agent " + spec_.agent_id + " has stopped");
        bool queued = turn_running_ || !ready_ || (!backend_->persistent() && cli_);
        // "now": into the running turn (claude folds it in) — the heartbeat's
        // "continue" for a stalled turn must not wait for that turn to end.
        if (q.payload.value("now", false) && backend_->persistent() && cli_ && ready_) {
            record("in", dump_json({{"type", "user_message"}, {"text", text}}));
            cli_->write_stdin(backend_->format_input(text, session_state()));
            return r.ok({{"queued", false}});
        }
        deliver(text);
        r.ok({{"queued", queued}});
    };

    auto host_respond = [this](const Request& q, const Reply& r) {
        std::string id = q.payload.value("request_id", "");
        if (!pending_.count(id)) return r.fail("no pending request \"" + id + "\"");
        if (!cli_) return r.fail("agent " + spec_.agent_id + " is not running");
        answer(id, q.payload.value("allow", false), q.payload.value("updated_input", Json()),
               q.payload.value("message", ""));
        r.ok();
    };

    auto host_interrupt = [this](const Request&, const Reply& r) {
        if (!cli_) return r.fail("agent " + spec_.agent_id + " is not running");
        record("in", dump_json({{"type", "interrupt"}}));
        if (backend_->persistent()) {
            std::string line = backend_->interrupt_line(
                "int-" + std::to_string(transcript_->next_offset()), session_state());
            if (!line.empty()) cli_->write_stdin(line);
        } else
            cli_->kill_group(SIGINT);
        r.ok();
    };

    auto host_stop = [this](const Request& q, const Reply& r) {
        r.ok();
        stop(q.payload.value("force", false));
    };

    auto host_ack = [this](const Request& q, const Reply& r) {
        acked_ = std::max(acked_, q.payload.value("offset", int64_t{-1}));
        r.ok({{"next_offset", transcript_->next_offset()}, {"exited", exited_}});
        maybe_exit();
    };

    if (auto s = router_.add({
            {msg::kHostPing, host_ping},
            {msg::kHostStatus, host_status},
            {msg::kHostList, host_list},
            {msg::kHostAttach, host_attach},
            {msg::kHostDetach, host_detach},
            {msg::kHostHistory, host_history},
            {msg::kHostSend, host_send},
            {msg::kHostRespond, host_respond},
            {msg::kHostInterrupt, host_interrupt},
            {msg::kHostStop, host_stop},
            {msg::kHostAck, host_ack},
        });
        !s)
        return s;
    return router_.check_complete();
}

} // namespace fab
