#include "runs/run_state.hpp"

#include <array>

namespace fab::runs {

namespace {

using enum RunStatus;
using E = RunEvent;

// The whole lifecycle. Unarchive's target is the status the run had before
// archive (kept in RunPosition::archived_from); the row names succeeded and
// failed both.
constexpr std::array kTable{
    Transition{submitted, E::queue, queued},
    Transition{queued, E::start, starting},
    Transition{starting, E::requeue, queued},
    Transition{starting, E::launched, running},
    Transition{running, E::block, blocked},
    Transition{paused, E::block, paused}, // a question while paused: stays paused
    Transition{blocked, E::unblock, running},
    Transition{paused, E::unblock, paused},
    Transition{running, E::pause, paused},
    Transition{blocked, E::pause, paused},
    Transition{paused, E::unpause, running},
    Transition{running, E::succeed, succeeded},
    Transition{blocked, E::succeed, succeeded},
    Transition{paused, E::succeed, succeeded},
    Transition{submitted, E::fail, failed},
    Transition{queued, E::fail, failed},
    Transition{starting, E::fail, failed},
    Transition{running, E::fail, failed},
    Transition{blocked, E::fail, failed},
    Transition{paused, E::fail, failed},
    Transition{submitted, E::cancel, failed},
    Transition{queued, E::cancel, failed},
    Transition{starting, E::cancel, failed},
    Transition{running, E::cancel, failed},
    Transition{blocked, E::cancel, failed},
    Transition{paused, E::cancel, failed},
    Transition{succeeded, E::archive, archived},
    Transition{failed, E::archive, archived},
    Transition{archived, E::unarchive, succeeded},
    Transition{archived, E::unarchive, failed},
};

constexpr std::array kStatusNames{"submitted", "queued",    "starting", "running", "blocked",
                                  "paused",    "succeeded", "failed",   "archived"};
constexpr std::array kReasonNames{"",           "workflow_error", "cancelled",
                                  "terminated", "launch_failed",  "budget_exhausted"};
constexpr std::array kEventNames{"queue",   "start",   "requeue",  "launched", "block",
                                 "unblock", "pause",   "unpause",  "succeed",  "fail",
                                 "cancel",  "archive", "unarchive"};

} // namespace

const char* status_name(RunStatus s) {
    return kStatusNames[static_cast<size_t>(s)];
}

std::optional<RunStatus> parse_status(std::string_view s) {
    for (size_t i = 0; i < kStatusNames.size(); ++i)
        if (s == kStatusNames[i]) return static_cast<RunStatus>(i);
    return std::nullopt;
}

const char* reason_name(FailReason r) {
    return kReasonNames[static_cast<size_t>(r)];
}

std::optional<FailReason> parse_reason(std::string_view s) {
    for (size_t i = 0; i < kReasonNames.size(); ++i)
        if (s == kReasonNames[i]) return static_cast<FailReason>(i);
    return std::nullopt;
}

const char* event_name(RunEvent e) {
    return kEventNames[static_cast<size_t>(e)];
}

bool is_terminal(RunStatus s) {
    return s == succeeded || s == failed || s == archived;
}

bool is_active(RunStatus s) {
    return s == starting || s == running || s == blocked || s == paused;
}

std::span<const Transition> transition_table() {
    return kTable;
}

Result<RunPosition> transition(const RunPosition& at, RunEvent event, FailReason reason) {
    std::string allowed;
    for (const Transition& t : kTable) {
        if (t.event != event) continue;
        if (t.from == at.status) {
            if (event == E::unarchive && t.to != at.archived_from) continue;
            RunPosition next = at;
            next.status = t.to;
            if (event == E::archive) next.archived_from = at.status;
            if (event == E::cancel) next.reason = FailReason::cancelled;
            if (event == E::fail)
                next.reason = reason == FailReason::none ? FailReason::workflow_error : reason;
            if (event == E::unarchive) next.status = at.archived_from;
            return next;
        }
        std::string from = status_name(t.from);
        if (allowed.find(from) == std::string::npos)
            allowed += (allowed.empty() ? "" : " or ") + from;
    }
    return make_error(std::string("cannot ") + event_name(event) + " a run that is " +
                      status_name(at.status) + ": " + event_name(event) + " needs " +
                      (allowed.empty() ? "nothing" : allowed));
}

} // namespace fab::runs
