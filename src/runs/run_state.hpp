// The run lifecycle (Fabro's): statuses, failure reasons and the one table
// of legal transitions. Pure: no daemon, no store; the daemon's run engine
// asks `transition` before every change and answers an illegal request with
// the error it returns (HTTP 409, naming both states).
#pragma once

#include "util/result.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace fab::runs {

enum class RunStatus {
    submitted,
    queued,
    starting,
    running,
    blocked,
    paused,
    succeeded,
    failed,
    archived
};

// Why a run failed (failed{reason}).
enum class FailReason {
    none,
    workflow_error,
    cancelled,
    terminated,
    launch_failed,
    budget_exhausted
};

// What happens to a run: requests from people (cancel, pause, unpause,
// archive, unarchive) and facts from the engine (the rest).
enum class RunEvent {
    queue,     // submitted → queued: accepted into the FIFO
    start,     // queued → starting: the scheduler gave it a slot
    requeue,   // starting → queued: the daemon died before its agent existed
    launched,  // starting → running: its agent exists
    block,     // running → blocked: a question or permission waits for a person
    unblock,   // blocked → running: answered
    pause,     // running | blocked → paused (at the next turn boundary; nothing is killed)
    unpause,   // paused → running
    succeed,   // its work is done
    fail,      // the workflow failed (reason given by the engine)
    cancel,    // failed{cancelled}
    archive,   // succeeded | failed → archived
    unarchive, // archived → the terminal status it had
};

constexpr RunStatus kAllStatuses[] = {
    RunStatus::submitted, RunStatus::queued,  RunStatus::starting,
    RunStatus::running,   RunStatus::blocked, RunStatus::paused,
    RunStatus::succeeded, RunStatus::failed,  RunStatus::archived};
constexpr RunEvent kAllEvents[] = {
    RunEvent::queue,   RunEvent::start,   RunEvent::requeue,  RunEvent::launched, RunEvent::block,
    RunEvent::unblock, RunEvent::pause,   RunEvent::unpause,  RunEvent::succeed,  RunEvent::fail,
    RunEvent::cancel,  RunEvent::archive, RunEvent::unarchive};

const char* status_name(RunStatus s);
std::optional<RunStatus> parse_status(std::string_view s);
const char* reason_name(FailReason r);
std::optional<FailReason> parse_reason(std::string_view s);
const char* event_name(RunEvent e); // "cancel", …
// succeeded, failed (and archived, which only holds terminal runs).
bool is_terminal(RunStatus s);
// The statuses that hold a scheduler slot: starting, running, blocked, paused.
bool is_active(RunStatus s);

// A run's lifecycle position: its status, why it failed, and for an
// archived run the terminal status it had (unarchive returns there).
struct RunPosition {
    RunStatus status = RunStatus::submitted;
    FailReason reason = FailReason::none;
    RunStatus archived_from = RunStatus::succeeded;
    bool operator==(const RunPosition&) const = default;
};

// One row of the table: `event` moves a run in `from` to `to`.
struct Transition {
    RunStatus from;
    RunEvent event;
    RunStatus to;
};
std::span<const Transition> transition_table();

// The position after `event`, or an error naming both states ("cannot
// pause a run that is queued: pause needs running or blocked"). `reason`
// applies to fail (default workflow_error); cancel always gives cancelled.
Result<RunPosition> transition(const RunPosition& at, RunEvent event,
                               FailReason reason = FailReason::workflow_error);

} // namespace fab::runs
