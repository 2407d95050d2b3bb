// The protocol table: every message the daemon, the agent hosts and their
// clients exchange, by name, with its family and payload fields. It is the
// one source for
//   - the names: the constants below, used by the daemon's handler tables, the
//     CLI, the TUI and the host link instead of string literals;
//   - start-up checks: the daemon (and each host) refuses to start when a
//     handler table names a message this table lacks, names one twice, or
//     leaves one of its requests without a handler (daemon/router.hpp);
//   - fab-protocol(7), which tests/docs compares with this table.
// Deprecated names (what a previous release called a message) stay in the
// table as aliases for one release: a `fab` of the previous version may talk
// to a new daemon after an upgrade. The router answers them with the
// canonical handler. Host messages are never renamed: hosts outlive daemons.
// Lean on purpose (no JSON here): `fab` links it.
#pragma once

#include <span>
#include <string_view>

namespace fab::proto {

enum class Kind {
    request,      // client → daemon, answered with a response
    event,        // daemon → attached client, unsolicited
    host_request, // daemon → agent host (fab-host), answered with a response
    host_event,   // agent host → attached daemon
};

struct Field {
    const char* name;
    const char* type; // string, int, bool, object, string[], any
    bool required;
    const char* doc; // one line
};

struct Message {
    const char* name;
    Kind kind;
    const char* family; // the fab design's family: server, agent, plan, …
    const char* doc;    // one line
    std::span<const Field> fields;
    const char* alias_of = nullptr; // deprecated: the canonical name it stands for
};

// Every message, canonical ones and deprecated aliases, grouped by family.
std::span<const Message> messages();

// The table entry of `name` for `kind`, or nullptr.
const Message* find_message(Kind kind, std::string_view name);

// `name` itself, or the canonical name when it is a deprecated alias; ""
// when the table does not know it.
std::string_view canonical_name(Kind kind, std::string_view name);

const char* kind_name(Kind kind); // "request", "event", "host request", "host event"

} // namespace fab::proto

// The names. Requests and events share a namespace; events are marked ev.
namespace fab::msg {

// server
inline constexpr const char* kPing = "ping";
inline constexpr const char* kStatus = "status";
inline constexpr const char* kStats = "stats";
inline constexpr const char* kShutdown = "shutdown";
// project (supervisor: start/stop orchestration)
inline constexpr const char* kProjectAdd = "project.add";
inline constexpr const char* kProjectList = "project.list";
inline constexpr const char* kProjectRemove = "project.remove";
inline constexpr const char* kProjectConfigShow = "project.config.show";
inline constexpr const char* kProjectConfigGet = "project.config.get";
inline constexpr const char* kProjectConfigSet = "project.config.set";
inline constexpr const char* kProjectStart = "project.start";
inline constexpr const char* kProjectStop = "project.stop";
// agent
inline constexpr const char* kAgentCreate = "agent.create";
inline constexpr const char* kAgentList = "agent.list";
inline constexpr const char* kAgentSendMessage = "agent.send_message";
inline constexpr const char* kAgentAbort = "agent.abort";
inline constexpr const char* kAgentDescribe = "agent.describe";
inline constexpr const char* kAgentChatHistory = "agent.chat_history";
inline constexpr const char* kAgentIdle = "agent.idle";
inline constexpr const char* kAgentDone = "agent.done";
inline constexpr const char* kAgentDelete = "agent.delete";
inline constexpr const char* kAgentClaim = "agent.claim";
inline constexpr const char* kHookEvent = "hook.event";
// TUI streaming
inline constexpr const char* kAttach = "attach";
inline constexpr const char* kDetach = "detach";
// permission, question
inline constexpr const char* kPermissionList = "permission.list";
inline constexpr const char* kPermissionRespond = "permission.respond";
inline constexpr const char* kQuestionList = "question.list";
inline constexpr const char* kQuestionRespond = "question.respond";
// plan
inline constexpr const char* kPlanStart = "plan.start";
inline constexpr const char* kPlanStop = "plan.stop";
inline constexpr const char* kPlanSendMessage = "plan.send_message";
inline constexpr const char* kPlanChatHistory = "plan.chat_history";
inline constexpr const char* kPlanWrite = "plan.write";
inline constexpr const char* kPlanList = "plan.list";
inline constexpr const char* kPlanRead = "plan.read";
inline constexpr const char* kPlanTickets = "plan.tickets";
inline constexpr const char* kPlanRun = "plan.run";
// manager, director
inline constexpr const char* kManagerStart = "manager.start";
inline constexpr const char* kManagerStop = "manager.stop";
inline constexpr const char* kManagerStatus = "manager.status";
inline constexpr const char* kManagerSendMessage = "manager.send_message";
inline constexpr const char* kManagerChatHistory = "manager.chat_history";
inline constexpr const char* kManagerClearHistory = "manager.clear_history";
inline constexpr const char* kDirectorStart = "director.start";
inline constexpr const char* kDirectorStop = "director.stop";
inline constexpr const char* kDirectorStatus = "director.status";
inline constexpr const char* kDirectorSendMessage = "director.send_message";
inline constexpr const char* kDirectorChatHistory = "director.chat_history";
inline constexpr const char* kDirectorClearHistory = "director.clear_history";
// claims, commits
inline constexpr const char* kClaimList = "claim.list";
inline constexpr const char* kCommitList = "commit.list";
inline constexpr const char* kBranchCleanup = "branch.cleanup";
inline constexpr const char* kGc = "gc";
inline constexpr const char* kPullRequestCheck = "pull_request.check";
// run (server mode: the run queue; the HTTP API's routes map onto these)
inline constexpr const char* kRunSubmit = "run.submit";
inline constexpr const char* kRunList = "run.list";
inline constexpr const char* kRunShow = "run.show";
inline constexpr const char* kRunCancel = "run.cancel";
inline constexpr const char* kRunPause = "run.pause";
inline constexpr const char* kRunUnpause = "run.unpause";
inline constexpr const char* kRunArchive = "run.archive";
inline constexpr const char* kRunUnarchive = "run.unarchive";
inline constexpr const char* kRunDelete = "run.delete";
inline constexpr const char* kRunEvents = "run.events";
inline constexpr const char* kRunSteer = "run.steer";
inline constexpr const char* kRunBilling = "run.billing";
inline constexpr const char* kRunFiles = "run.files";
inline constexpr const char* kRunBoard = "run.board";
inline constexpr const char* kRunQuestions = "run.questions";
inline constexpr const char* kRunAnswer = "run.answer";
// issue (tickets)
inline constexpr const char* kIssueList = "issue.list";
inline constexpr const char* kIssueShow = "issue.show";
inline constexpr const char* kIssueReady = "issue.ready";
inline constexpr const char* kIssueCreate = "issue.create";
inline constexpr const char* kIssueUpdate = "issue.update";
inline constexpr const char* kIssueClose = "issue.close";
inline constexpr const char* kIssueComment = "issue.comment";
inline constexpr const char* kIssuePlan = "issue.plan";
inline constexpr const char* kIssueCommit = "issue.commit";

// events (daemon → attached clients)
inline constexpr const char* kEvAgentCreated = "agent.created";
inline constexpr const char* kEvAgentState = "agent.state";
inline constexpr const char* kEvAgentDeleted = "agent.deleted";
inline constexpr const char* kEvAgentOutput = "agent.output";
inline constexpr const char* kEvPermissionRequest = "permission.request";
inline constexpr const char* kEvPermissionChecked = "permission.checked";
inline constexpr const char* kEvProjectState = "project.state";
inline constexpr const char* kEvClaim = "claim";
inline constexpr const char* kEvCommitMerged = "commit.merged";
inline constexpr const char* kEvPullRequestOpened = "pull_request.opened";
inline constexpr const char* kEvPlanWritten = "plan.written";
inline constexpr const char* kEvProgress = "progress";
inline constexpr const char* kEvResync = "resync";

// the agent host's socket (never renamed: hosts outlive daemons)
inline constexpr const char* kHostPing = "host.ping";
inline constexpr const char* kHostStatus = "host.status";
inline constexpr const char* kHostList = "host.list";
inline constexpr const char* kHostAttach = "host.attach";
inline constexpr const char* kHostDetach = "host.detach";
inline constexpr const char* kHostHistory = "host.history";
inline constexpr const char* kHostSend = "host.send";
inline constexpr const char* kHostRespond = "host.respond";
inline constexpr const char* kHostInterrupt = "host.interrupt";
inline constexpr const char* kHostStop = "host.stop";
inline constexpr const char* kHostAck = "host.ack";
inline constexpr const char* kHostRecord = "host.record"; // host event

// The previous release's names, answered for one more release (the router
// maps each to its canonical message; see the table). Remove after 0.x+1.
namespace deprecated {
inline constexpr const char* kServerStop = "server.stop";         // shutdown
inline constexpr const char* kAgentSend = "agent.send";           // agent.send_message
inline constexpr const char* kAgentHistory = "agent.history";     // agent.chat_history
inline constexpr const char* kQuestionAnswer = "question.answer"; // question.respond
inline constexpr const char* kAgentPlan = "agent.plan";           // plan.start
inline constexpr const char* kAgentPlanStop = "agent.plan.stop";  // plan.stop
inline constexpr const char* kManagerClear = "manager.clear";     // manager.clear_history
inline constexpr const char* kDirectorClear = "director.clear";   // director.clear_history
inline constexpr const char* kClaimsList = "claims.list";         // claim.list
} // namespace deprecated

} // namespace fab::msg
