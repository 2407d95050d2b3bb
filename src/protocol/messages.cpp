// The protocol table (see messages.hpp). One entry per message; field lists
// are the payload a handler reads (requests) or the object a sender builds
// (events). Responses are described in each message's doc line and in
// fab-protocol(7).
#include "protocol/messages.hpp"

#include <array>

namespace fab::proto {

namespace {

using K = Kind;

constexpr bool req = true, opt = false;

// Fields shared by several messages.
constexpr std::span<const Field> kNone; // no payload
constexpr Field kById[] = {{"id", "string", req, "the agent's id"}};
constexpr Field kAbort[] = {
    {"id", "string", req, "the agent's id"},
    {"force", "bool", opt, "SIGKILL now instead of the CLI's interrupt, SIGTERM, then SIGKILL"}};
constexpr Field kSend[] = {{"id", "string", req, "the agent's id"},
                           {"text", "string", req, "the message, as the user typed it"}};
constexpr Field kHistory[] = {
    {"id", "string", req, "the agent's id"},
    {"since", "int", opt, "transcript offset to start after (default 0: from the start)"},
    {"before", "int", opt, "the last `limit` records before this offset instead (paging back)"},
    {"limit", "int", opt, "at most this many records (default and cap 100000)"}};
constexpr Field kProjectOnly[] = {{"project", "string", opt, "only this project"}};
constexpr Field kStartStop[] = {{"name", "string", opt, "the project (default: the only one)"},
                                {"all", "bool", opt, "every project"}};
constexpr Field kManager[] = {
    {"project", "string", req, "the project whose manager it is"},
    {"model", "string", opt, "model for a new session (start, clear_history)"}};
constexpr Field kManagerSend[] = {{"project", "string", req, "the project whose manager it is"},
                                  {"text", "string", req, "the message"}};
constexpr Field kManagerHistory[] = {{"project", "string", req, "the project whose manager it is"},
                                     {"since", "int", opt, "transcript offset to start after"},
                                     {"limit", "int", opt, "at most this many records"}};
constexpr Field kDirector[] = {
    {"model", "string", opt, "model for a new session (start, clear_history)"}};
constexpr Field kDirectorSend[] = {{"text", "string", req, "the message"}};
constexpr Field kDirectorHistory[] = {{"since", "int", opt, "transcript offset to start after"},
                                      {"limit", "int", opt, "at most this many records"}};
constexpr Field kPlanStart[] = {
    {"project", "string", req, "the project to plan in"},
    {"prompt", "string", req, "what to plan"},
    {"backend", "string", opt, "claude or codex (default: the project's planner-backend)"},
    {"model", "string", opt, "the model"}};
constexpr Field kPlanById[] = {{"id", "string", req, "the plan's id"}};
constexpr Field kTicketTarget[] = {
    {"project", "string", opt, "the project (default: the agent's, else the only one)"},
    {"agent_id", "string", opt, "the calling agent: its worktree's .tickets"}};
constexpr Field kTicketId[] = {
    {"id", "string", req, "the ticket's id"},
    {"project", "string", opt, "the project (default: the agent's, else the only one)"},
    {"agent_id", "string", opt, "the calling agent: its worktree's .tickets"}};
constexpr Field kTicketBody[] = {
    {"id", "string", req, "the ticket's id"},
    {"body", "string", opt, "the text"},
    {"project", "string", opt, "the project (default: the agent's, else the only one)"},
    {"agent_id", "string", opt, "the calling agent: its worktree's .tickets"}};
constexpr Field kTicketFields[] = {
    {"id", "string", opt, "the ticket's id (update: required)"},
    {"title", "string", opt, "title (create: required)"},
    {"status", "string", opt, "open, in_progress, closed or blocked (update)"},
    {"type", "string", opt, "task, bug, feature, epic or chore"},
    {"priority", "int", opt, "0 (highest) to 4"},
    {"deps", "string[]", opt, "ids this ticket waits for"},
    {"links", "string[]", opt, "related ids"},
    {"labels", "string[]", opt, "labels"},
    {"parent", "string", opt, "the parent ticket's id"},
    {"description", "string", opt, "the body"},
    {"project", "string", opt, "the project (default: the agent's, else the only one)"},
    {"agent_id", "string", opt, "the calling agent: its worktree's .tickets"}};

constexpr Field kPing[] = {
    {"protocol", "int", opt, "the client's major protocol version (another one is refused)"},
    {"client", "string", opt, "the client's name, for the log"}};
constexpr Field kStatus[] = {{"all", "bool", opt, "finished agents and recent events too"}};
constexpr Field kProjectAdd[] = {
    {"source", "string", req, "a git URL or an absolute path to a repository"},
    {"name", "string", opt, "the project's name (default: from the source)"},
    {"settings", "object", opt, "project settings, key → value (as in config.ini)"},
    {"progress", "bool", opt, "send the clone's progress as \"progress\" events"}};
constexpr Field kProjectRemove[] = {
    {"name", "string", req, "the project"},
    {"force", "bool", opt, "even with unmerged or uncommitted work (saved first)"},
    {"keep_files", "bool", opt, "unregister only; leave the clone and worktrees"}};
constexpr Field kConfigShow[] = {{"name", "string", req, "the project"}};
constexpr Field kConfigGet[] = {{"name", "string", req, "the project"},
                                {"key", "string", req, "the setting (kebab-case)"}};
constexpr Field kConfigSet[] = {{"name", "string", req, "the project"},
                                {"key", "string", req, "the setting (kebab-case)"},
                                {"value", "string", req, "its new value"}};
constexpr Field kAgentCreate[] = {
    {"project", "string", req, "the project"},
    {"backend", "string", opt, "claude or codex (default: the project's coding-backend)"},
    {"model", "string", opt, "the model"},
    {"prompt", "string", opt, "the first message"},
    {"kind", "string", opt, "task (default), plan, manager or director"}};
constexpr Field kDescribe[] = {{"id", "string", req, "the agent's id"},
                               {"text", "string", opt, "what it is doing (empty clears)"}};
constexpr Field kAgentIdle[] = {{"agent_id", "string", req, "the agent (FAB_AGENT_ID)"}};
constexpr Field kClaim[] = {{"agent_id", "string", req, "the claiming agent (FAB_AGENT_ID)"},
                            {"ticket", "string", req, "the ticket's id"}};
constexpr Field kHookEvent[] = {
    {"event", "string", req, "the hook's event: PreToolUse, Stop, StopFailure, …"},
    {"agent_id", "string", req, "the agent (FAB_AGENT_ID)"},
    {"error", "string", opt, "StopFailure: what failed"}};
constexpr Field kAttach[] = {
    {"projects", "string[]", opt, "only these projects' events"},
    {"agent", "string", opt, "only this agent's events"},
    {"since", "object", opt, "agent id → offset: replay records after it first"}};
constexpr Field kPermissionRespond[] = {
    {"id", "string", req, "the request's id"},
    {"allow", "bool", opt, "allow (default: deny)"},
    {"always", "bool", opt, "and add a rule that allows it from now on"},
    {"reason", "string", opt, "why it was denied (the model reads it)"}};
constexpr Field kQuestionRespond[] = {
    {"id", "string", req, "the question's id"},
    {"answer", "string", req, "an option's number (1-based) or free text"}};
constexpr Field kPlanWrite[] = {
    {"text", "string", req, "the plan (markdown)"},
    {"title", "string", opt, "its title"},
    {"agent_id", "string", opt, "the planner writing it (FAB_AGENT_ID)"},
    {"project", "string", opt, "the project, when no agent writes it"}};
constexpr Field kPlanTickets[] = {{"id", "string", req, "the plan's id"},
                                  {"project", "string", opt, "the project (default: the plan's)"}};
constexpr Field kPlanRun[] = {{"id", "string", req, "the plan's id"},
                              {"project", "string", opt, "the project (default: the plan's)"},
                              {"backend", "string", opt, "claude or codex"},
                              {"model", "string", opt, "the model"}};
constexpr Field kCommitList[] = {{"project", "string", opt, "only this project"},
                                 {"limit", "int", opt, "at most this many (default 50)"}};
constexpr Field kBranchCleanup[] = {{"project", "string", opt, "only this project"},
                                    {"dry_run", "bool", opt, "say what would go, delete nothing"}};
constexpr Field kIssueList[] = {
    {"status", "string", opt, "only open, in_progress, closed or blocked tickets"},
    {"project", "string", opt, "the project (default: the agent's, else the only one)"},
    {"agent_id", "string", opt, "the calling agent: its worktree's .tickets"}};
constexpr Field kIssueCommit[] = {
    {"message", "string", opt, "the commit message (default \"tickets: update\")"},
    {"project", "string", opt, "the project (default: the agent's, else the only one)"},
    {"agent_id", "string", opt, "the calling agent: its worktree's .tickets"}};
constexpr Field kRunSubmit[] = {
    {"project", "string", req, "the project"},
    {"goal", "string", opt, "what the run is to achieve (required without a workflow)"},
    {"workflow", "string", opt, "task (default), a workflow's name, or its DOT source"},
    {"workflow_file", "string", opt, "the absolute path the DOT source came from"},
    {"inputs", "object", opt, "values for the prompts' {{ inputs.NAME }}"},
    {"backend", "string", opt, "claude, codex or scripted"},
    {"model", "string", opt, "the model"}};
constexpr Field kRunList[] = {{"status", "string[]", opt, "only runs in these statuses"},
                              {"project", "string[]", opt, "only runs of these projects"},
                              {"limit", "int", opt, "page size, 1-100 (default 20)"},
                              {"offset", "int", opt, "runs to skip (default 0)"}};
constexpr Field kRunId[] = {{"id", "string", req, "the run"}};
constexpr Field kRunEvents[] = {{"id", "string", req, "the run"},
                                {"since_seq", "int", opt, "events after this seq (default 0)"},
                                {"limit", "int", opt, "at most this many, 1-1000 (default 1000)"}};
constexpr Field kRunFiles[] = {
    {"id", "string", req, "the run"},
    {"max_patch_bytes", "int", opt, "cut the patch at this size, 0-4194304 (default 524288)"}};
constexpr Field kRunSteer[] = {{"id", "string", req, "the run"},
                               {"guidance", "string", req, "a user message for its agent"}};
constexpr Field kRunAnswer[] = {
    {"id", "string", req, "the run"},
    {"question", "string", req, "the question's id"},
    {"answer", "object", req, "{value} | {selected_option_key} | {selected_option_keys}"}};

// events
constexpr Field kAgentDelete[] = {
    {"id", "string", req, "the agent's id (an ended agent: done, failed or aborted)"},
    {"force", "bool", opt,
     "save uncommitted or unmerged work in $FAB_DIR/attic first instead of refusing"}};
constexpr Field kGc[] = {{"dry_run", "bool", opt, "list what would be reclaimed, remove nothing"}};
constexpr Field kPrCheck[] = {
    {"agent_id", "string", opt, "only this agent's pull request (default: every open one)"}};
constexpr Field kEvDeleted[] = {{"agent_id", "string", req, "the agent"},
                                {"project", "string", req, "its project"}};
constexpr Field kEvAgent[] = {{"agent", "object", req, "the agent, as agent.list shows it"}};
constexpr Field kEvState[] = {{"agent_id", "string", req, "the agent"},
                              {"state", "string", req, "starting, running, idle, done, …"},
                              {"error", "string", opt, "why it failed"},
                              {"description", "string", opt, "what it is doing"}};
constexpr Field kEvOutput[] = {
    {"agent_id", "string", req, "the agent"},
    {"project", "string", req, "its project"},
    {"offset", "int", req, "the record's transcript offset (attach's since)"},
    {"ts", "int", req, "when the host read it (ms since the epoch)"},
    {"src", "string", req, "out, err, in or fab"},
    {"entries", "object[]", req, "the record as parsed chat entries"},
    {"replay", "bool", opt, "true when sent to catch up after attach's since"}};
constexpr Field kEvPermission[] = {{"agent_id", "string", req, "the asking agent"},
                                   {"request", "object", req, "id, tool_name, tool_input, …"}};
constexpr Field kEvChecked[] = {{"agent_id", "string", req, "the agent"},
                                {"project", "string", req, "its project"},
                                {"request_id", "string", req, "the permission request"},
                                {"tool_name", "string", req, "the tool"},
                                {"checker", "string", req, "llm"},
                                {"model", "string", req, "the checker's model"},
                                {"verdict", "string", req, "the checker's verdict, or error"},
                                {"action", "string", req, "allowed, denied, ask or none"},
                                {"elapsed_ms", "int", req, "how long the check took"}};
constexpr Field kEvProjectState[] = {{"project", "string", req, "the project"},
                                     {"state", "string", req, "started or stopped"}};
constexpr Field kEvClaim[] = {{"project", "string", req, "the project"},
                              {"ticket", "string", req, "the ticket"},
                              {"agent_id", "string", req, "the agent"},
                              {"released", "bool", req, "false: claimed; true: released"}};
constexpr Field kEvCommit[] = {{"project", "string", req, "the project"},
                               {"agent_id", "string", req, "the agent whose work it is"},
                               {"sha", "string", req, "the commit"},
                               {"subject", "string", req, "its subject line"},
                               {"ticket", "string", opt, "tickets it names"},
                               {"ts_ms", "int", req, "when it was merged"}};
constexpr Field kEvPullRequest[] = {{"project", "string", req, "the project"},
                                    {"agent_id", "string", req, "the agent whose work it is"},
                                    {"sha", "string", req, "the branch's head"},
                                    {"subject", "string", req, "its subject line"},
                                    {"pr_url", "string", req, "the pull request"},
                                    {"ts_ms", "int", req, "when it was opened"}};
constexpr Field kEvPlan[] = {{"plan_id", "string", req, "the plan"},
                             {"agent_id", "string", opt, "the planner that wrote it"},
                             {"project", "string", req, "its project"},
                             {"title", "string", opt, "its title"}};
constexpr Field kEvProgress[] = {{"text", "string", req, "git's progress line"}};

// host
constexpr Field kHostHistory[] = {
    {"since", "int", opt, "offset to start after (default 0)"},
    {"limit", "int", opt, "at most this many (default 1000, cap 2000)"}};
constexpr Field kHostSend[] = {
    {"text", "string", req, "the user message"},
    {"now", "bool", opt, "interrupt the running turn rather than queue behind it"}};
constexpr Field kHostRespond[] = {
    {"request_id", "string", req, "the agent's can_use_tool request"},
    {"allow", "bool", opt, "allow (default: deny)"},
    {"updated_input", "object", opt, "the tool input to run with (answers, edits)"},
    {"message", "string", opt, "why it was denied"}};
constexpr Field kHostStop[] = {{"force", "bool", opt, "SIGKILL now"}};
constexpr Field kHostAck[] = {{"offset", "int", req, "the daemon has stored records up to here"}};
constexpr Field kHostRecord[] = {{"agent_id", "string", req, "the agent"},
                                 {"record", "object", req, "o (offset), ts, src, data"}};

constexpr Message kTable[] = {
    // server
    {msg::kPing, K::request, "server", "first exchange: version, protocol, pid", kPing},
    {msg::kStatus, K::request, "server",
     "the daemon, projects, agents, usage and recent work (fab status)", kStatus},
    {msg::kStats, K::request, "server",
     "aggregated usage: tokens and cost, agents by state, commits merged", kProjectOnly},
    {msg::kShutdown, K::request, "server", "stop the daemon (agent hosts keep running)", kNone},
    {msg::deprecated::kServerStop, K::request, "server", "stop the daemon", kNone, msg::kShutdown},
    // project (and the supervisor's start/stop)
    {msg::kProjectAdd, K::request, "project", "register a project: clone or adopt a repository",
     kProjectAdd},
    {msg::kProjectList, K::request, "project", "the registered projects", kNone},
    {msg::kProjectRemove, K::request, "project", "unregister a project (refuses to lose work)",
     kProjectRemove},
    {msg::kProjectConfigShow, K::request, "project", "every setting of a project", kConfigShow},
    {msg::kProjectConfigGet, K::request, "project", "one setting of a project", kConfigGet},
    {msg::kProjectConfigSet, K::request, "project",
     "change one setting (config.ini written atomically, comments kept)", kConfigSet},
    {msg::kProjectStart, K::request, "supervisor", "start orchestration of a project", kStartStop},
    {msg::kProjectStop, K::request, "supervisor", "stop orchestration of a project", kStartStop},
    // agent
    {msg::kAgentCreate, K::request, "agent", "start an agent in a new worktree", kAgentCreate},
    {msg::kAgentList, K::request, "agent", "the agents, newest last", kProjectOnly},
    {msg::kAgentSendMessage, K::request, "agent", "send a user message to an agent", kSend},
    {msg::deprecated::kAgentSend, K::request, "agent", "send a user message", kSend,
     msg::kAgentSendMessage},
    {msg::kAgentAbort, K::request, "agent", "stop an agent", kAbort},
    {msg::kAgentDescribe, K::request, "agent", "set what an agent says it is doing", kDescribe},
    {msg::kAgentChatHistory, K::request, "agent",
     "an agent's transcript as parsed chat entries (records, next_offset)", kHistory},
    {msg::deprecated::kAgentHistory, K::request, "agent", "an agent's transcript", kHistory,
     msg::kAgentChatHistory},
    {msg::kAgentDelete, K::request, "agent",
     "remove an ended agent: its worktree, branch, transcript and record (refuses live agents "
     "and unsaved work)",
     kAgentDelete},
    {msg::kAgentIdle, K::request, "agent",
     "the agent finished its turn (what the Stop hook reports)", kAgentIdle},
    {msg::kAgentDone, K::request, "orchestrator",
     "the agent's work is finished: merge its branch (or open a pull request)", kById},
    {msg::kAgentClaim, K::request, "claims", "claim a ticket for an agent", kClaim},
    {msg::kHookEvent, K::request, "permission", "from `fab hook`: a hook event of a known agent",
     kHookEvent},
    // TUI streaming
    {msg::kAttach, K::request, "streaming",
     "snapshot of the agents, then this connection receives events", kAttach},
    {msg::kDetach, K::request, "streaming", "stop receiving events", kNone},
    // permission, question
    {msg::kPermissionList, K::request, "permission", "pending permission requests", kNone},
    {msg::kPermissionRespond, K::request, "permission", "allow or deny a pending request",
     kPermissionRespond},
    {msg::kQuestionList, K::request, "question", "pending AskUserQuestion questions", kNone},
    {msg::kQuestionRespond, K::request, "question", "answer a pending question", kQuestionRespond},
    {msg::deprecated::kQuestionAnswer, K::request, "question", "answer a question",
     kQuestionRespond, msg::kQuestionRespond},
    // plan
    {msg::kPlanStart, K::request, "plan", "start a planning agent", kPlanStart},
    {msg::deprecated::kAgentPlan, K::request, "plan", "start a planner", kPlanStart,
     msg::kPlanStart},
    {msg::kPlanStop, K::request, "plan", "stop a planning agent", kAbort},
    {msg::deprecated::kAgentPlanStop, K::request, "plan", "stop a planner", kAbort, msg::kPlanStop},
    {msg::kPlanSendMessage, K::request, "plan", "send a user message to a planning agent", kSend},
    {msg::kPlanChatHistory, K::request, "plan", "a planning agent's transcript", kHistory},
    {msg::kPlanWrite, K::request, "plan", "store a plan (from `fab plan write`)", kPlanWrite},
    {msg::kPlanList, K::request, "plan", "the stored plans", kProjectOnly},
    {msg::kPlanRead, K::request, "plan", "one stored plan with its text", kPlanById},
    {msg::kPlanTickets, K::request, "plan", "tickets made from a plan's task list", kPlanTickets},
    {msg::kPlanRun, K::request, "plan", "start a task agent whose prompt is the plan", kPlanRun},
    // manager, director
    {msg::kManagerStart, K::request, "manager", "start (or resume) a project's manager", kManager},
    {msg::kManagerStop, K::request, "manager", "stop a project's manager", kManager},
    {msg::kManagerStatus, K::request, "manager", "a project's manager agent, if any", kManager},
    {msg::kManagerSendMessage, K::request, "manager", "send a user message to the manager",
     kManagerSend},
    {msg::kManagerChatHistory, K::request, "manager", "the manager's transcript", kManagerHistory},
    {msg::kManagerClearHistory, K::request, "manager", "start the manager with a fresh session",
     kManager},
    {msg::deprecated::kManagerClear, K::request, "manager", "fresh session", kManager,
     msg::kManagerClearHistory},
    {msg::kDirectorStart, K::request, "manager", "start (or resume) the director", kDirector},
    {msg::kDirectorStop, K::request, "manager", "stop the director", kDirector},
    {msg::kDirectorStatus, K::request, "manager", "the director agent, if any", kDirector},
    {msg::kDirectorSendMessage, K::request, "manager", "send a user message to the director",
     kDirectorSend},
    {msg::kDirectorChatHistory, K::request, "manager", "the director's transcript",
     kDirectorHistory},
    {msg::kDirectorClearHistory, K::request, "manager", "start the director with a fresh session",
     kDirector},
    {msg::deprecated::kDirectorClear, K::request, "manager", "fresh session", kDirector,
     msg::kDirectorClearHistory},
    // claims, commits
    {msg::kClaimList, K::request, "claims", "tickets claimed by agents", kProjectOnly},
    {msg::deprecated::kClaimsList, K::request, "claims", "claimed tickets", kProjectOnly,
     msg::kClaimList},
    {msg::kCommitList, K::request, "commits", "commits merged by fab, newest first", kCommitList},
    {msg::kBranchCleanup, K::request, "commits", "delete fab/ branches whose work is merged",
     kBranchCleanup},
    {msg::kPullRequestCheck, K::request, "commits",
     "poll agents' pull requests now (gh pr view): merged ends the agent, closed tells it, "
     "review comments are sent to it",
     kPrCheck},
    {msg::kGc, K::request, "server",
     "reclaim disk: old ended agents, orphaned transcripts and worktrees, merged branches", kGc},
    // run
    {msg::kRunSubmit, K::request, "run", "queue a run", kRunSubmit},
    {msg::kRunList, K::request, "run", "runs, newest first, a page at a time", kRunList},
    {msg::kRunShow, K::request, "run", "one run", kRunId},
    {msg::kRunCancel, K::request, "run", "cancel a run (its agent is aborted)", kRunId},
    {msg::kRunPause, K::request, "run", "pause a run at its next turn boundary", kRunId},
    {msg::kRunUnpause, K::request, "run", "resume a paused run", kRunId},
    {msg::kRunArchive, K::request, "run", "archive a finished run", kRunId},
    {msg::kRunUnarchive, K::request, "run", "bring an archived run back", kRunId},
    {msg::kRunDelete, K::request, "run", "delete a finished run and its events", kRunId},
    {msg::kRunEvents, K::request, "run", "a run's event log, a page at a time", kRunEvents},
    {msg::kRunSteer, K::request, "run", "send guidance to a run's agent", kRunSteer},
    {msg::kRunBilling, K::request, "run", "a run's tokens and cost", kRunId},
    {msg::kRunFiles, K::request, "run", "the files a run's branch changed, with the patch",
     kRunFiles},
    {msg::kRunBoard, K::request, "run", "runs by board column", kNone},
    {msg::kRunQuestions, K::request, "run", "what a run waits for", kRunId},
    {msg::kRunAnswer, K::request, "run", "answer a run's question", kRunAnswer},
    // issue (tickets)
    {msg::kIssueList, K::request, "issue", "a project's tickets", kIssueList},
    {msg::kIssueShow, K::request, "issue", "one ticket", kTicketId},
    {msg::kIssueReady, K::request, "issue", "open tickets whose dependencies are closed",
     kTicketTarget},
    {msg::kIssueCreate, K::request, "issue", "create a ticket", kTicketFields},
    {msg::kIssueUpdate, K::request, "issue", "change a ticket", kTicketFields},
    {msg::kIssueClose, K::request, "issue", "close a ticket", kTicketId},
    {msg::kIssueComment, K::request, "issue", "add a comment to a ticket", kTicketBody},
    {msg::kIssuePlan, K::request, "issue", "set a ticket's plan section", kTicketBody},
    {msg::kIssueCommit, K::request, "issue", "commit the ticket files", kIssueCommit},

    // events
    {msg::kEvAgentCreated, K::event, "streaming", "an agent was created", kEvAgent},
    {msg::kEvAgentState, K::event, "streaming", "an agent changed state", kEvState},
    {msg::kEvAgentDeleted, K::event, "streaming",
     "an ended agent was removed (agent rm, retention, gc)", kEvDeleted},
    {msg::kEvAgentOutput, K::event, "streaming", "a transcript record of an agent", kEvOutput},
    {msg::kEvPermissionRequest, K::event, "permission",
     "an agent waits for a permission or a question's answer", kEvPermission},
    {msg::kEvPermissionChecked, K::event, "permission",
     "the LLM checker decided a permission request", kEvChecked},
    {msg::kEvProjectState, K::event, "supervisor", "orchestration started or stopped",
     kEvProjectState},
    {msg::kEvClaim, K::event, "claims", "a ticket was claimed or released", kEvClaim},
    {msg::kEvCommitMerged, K::event, "commits", "an agent's commit reached main", kEvCommit},
    {msg::kEvPullRequestOpened, K::event, "commits", "an agent's branch became a pull request",
     kEvPullRequest},
    {msg::kEvPlanWritten, K::event, "plan", "a plan was stored", kEvPlan},
    {msg::kEvProgress, K::event, "project",
     "project.add's clone progress (only to the requesting client, with request_id)", kEvProgress},
    {msg::kEvResync, K::event, "streaming",
     "the client fell behind: events were dropped, attach again for a snapshot", kNone},

    // agent host
    {msg::kHostPing, K::host_request, "host", "agent id, pid, protocol, backend", kNone},
    {msg::kHostStatus, K::host_request, "host", "the CLI process, turn, offsets and queues", kNone},
    {msg::kHostList, K::host_request, "host", "pending can_use_tool requests", kNone},
    {msg::kHostAttach, K::host_request, "host",
     "records follow on this connection as host.record events (next_offset)", kNone},
    {msg::kHostDetach, K::host_request, "host", "stop sending records", kNone},
    {msg::kHostHistory, K::host_request, "host", "transcript records after an offset",
     kHostHistory},
    {msg::kHostSend, K::host_request, "host", "a user message for the agent's stdin", kHostSend},
    {msg::kHostRespond, K::host_request, "host", "answer a can_use_tool request", kHostRespond},
    {msg::kHostInterrupt, K::host_request, "host", "interrupt the running turn", kNone},
    {msg::kHostStop, K::host_request, "host", "stop the agent, then exit", kHostStop},
    {msg::kHostAck, K::host_request, "host", "the daemon stored records up to an offset", kHostAck},
    {msg::kHostRecord, K::host_event, "host", "a transcript record, as it is appended",
     kHostRecord},
};

} // namespace

std::span<const Message> messages() {
    return kTable;
}

const Message* find_message(Kind kind, std::string_view name) {
    for (const Message& m : kTable)
        if (m.kind == kind && name == m.name) return &m;
    return nullptr;
}

std::string_view canonical_name(Kind kind, std::string_view name) {
    const Message* m = find_message(kind, name);
    if (!m) return {};
    return m->alias_of ? m->alias_of : m->name;
}

const char* kind_name(Kind kind) {
    switch (kind) {
    case Kind::request:
        return "request";
    case Kind::event:
        return "event";
    case Kind::host_request:
        return "host request";
    case Kind::host_event:
        return "host event";
    }
    return "?";
}

} // namespace fab::proto
