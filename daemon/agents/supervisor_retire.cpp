// Retiring an agent whose work is merged (`fab agent done`). The answer to
// `fab agent done` reaches the agent first; the agent is stopped once its
// turn is over (or after a grace period) and ends in state done, so the
// orchestrator sees it end and finish() recycles its worktree.
#include "daemon/agents/supervisor.hpp"
#include "daemon/daemon.hpp"
#include "protocol/messages.hpp"
#include "util/log.hpp"
#include "util/time.hpp"

namespace fab {

namespace {
constexpr int64_t kRetireGraceMs = 60000;
}

void Supervisor::retire(const std::string& id) {
    Agent* a = find(id);
    if (!a || is_final(a->state) || a->stop_requested) return;
    if (!a->retire_timer) { // first call, or the first since a daemon restart
        if (!a->rec.retiring) {
            a->rec.retiring = true; // persisted now: a restarted daemon still ends it
            a->dirty = true;
            flush();
            log::info("agent " + id + ": work merged; ending it after this turn");
        }
        a->retire_ms = now_ms();
        a->retire_timer = std::make_unique<ev::Timer>(d_.loop());
        a->retire_timer->start(static_cast<uint64_t>(kRetireGraceMs), 0,
                               [this, id] { retire(id); });
        a->retire_timer->unref(); // never holds up the daemon's shutdown
    }
    bool turn_over =
        a->state == AgentState::idle || a->state == AgentState::starting || !a->turn_running;
    if (!turn_over && now_ms() - a->retire_ms < kRetireGraceMs)
        return; // the turn's result calls again (apply_entry)
    a->stop_requested = true;
    if (a->link && a->link->connected() && !a->cli_exited) {
        a->link->request(msg::kHostStop, {{"force", false}}, [this, id](Result<Json> r) {
            if (r) return;
            log::warn("agent " + id + ": stop after done: " + r.error());
            if (Agent* ag = find(id)) finish(*ag, AgentState::done);
        });
        return;
    }
    finish(*a, AgentState::done);
}

} // namespace fab
