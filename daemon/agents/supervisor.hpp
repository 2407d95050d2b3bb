// The supervisor: every agent the daemon knows, its host connection, its
// state machine and its usage. Agents are persisted in the store; on start
// the supervisor re-attaches to every live host and reads the transcript
// after the last offset it had, so a daemon restart loses nothing and counts
// nothing twice. Loop thread only.
#pragma once

#include "agents/backend.hpp"
#include "daemon/agents/host_link.hpp"
#include "daemon/events.hpp"
#include "daemon/permissions/llm_checker.hpp"
#include "ev/process.hpp"
#include "ev/timer.hpp"
#include "store/store.hpp"

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

namespace fab {

class Daemon;

// starting → running ⇄ idle → done | failed | aborted
enum class AgentState { starting, running, idle, done, failed, aborted };
const char* state_name(AgentState s);
bool parse_state(const std::string& s, AgentState& out);
bool is_final(AgentState s);

Json usage_to_json(const Usage& u);
Usage usage_from_json(const std::string& text);

struct Agent {
    AgentRecord rec;
    AgentState state = AgentState::starting;
    std::unique_ptr<OutputParser> parser;
    // The model the CLI said it runs (prices codex usage); kept in the
    // store's parser_state, since a restarted daemon's parser has not seen
    // the line that said it.
    std::string model;
    std::unique_ptr<HostLink> link;
    int64_t last_activity_ms = 0;
    bool turn_running = false;
    bool nudged = false; // heartbeat "continue" sent for this silence
    bool dirty = false;  // rec changed since the last flush
    bool stop_requested = false;
    int64_t retire_ms = 0;                   // when retire() was first called
    std::unique_ptr<ev::Timer> retire_timer; // stops it anyway when the turn goes on
    std::unique_ptr<ev::Timer> relink_timer; // re-attach after the host dropped our link
    int relinks = 0;                         // re-attaches since the last record
    bool cli_exited = false;
    bool turn_result_seen = true; // per-turn backends: the running process ended its turn
    bool catching_up = false;     // reading history after (re)attach
    bool damage_logged = false;   // a damaged transcript line was logged once
    std::vector<Json> held;       // live records that arrived during catch-up
    std::map<std::string, Json> pending_permissions; // request_id → entry
    std::deque<std::string> recent_context; // last chat entries, one line each (llm checker)
};

struct CreateAgent {
    std::string project, backend, prompt, kind = "task", model, permission_mode = "default";
    // Roles with a place of their own (daemon/roles: manager, director): a
    // directory that already exists and outlives the agent (never removed),
    // instead of a new worktree; "" = projects/<name>/worktrees/wt-<id>.
    std::string worktree, branch;
    std::string resume_session; // continue this session in the new agent ("" = new one)
};

class Supervisor {
  public:
    explicit Supervisor(Daemon& d);
    ~Supervisor();

    void start(); // load from the store, re-attach, report orphans, timers
    void stop();  // flush; hosts keep running (they outlive the daemon)

    void create(const CreateAgent& c, std::function<void(Result<Json>)> done);
    void send(const std::string& id, const std::string& text, std::function<void(Status)> done);
    // A failed agent whose host is gone (a reboot): a new host resumes its
    // session, with no message (daemon/roles: manager and director start).
    void resume(const std::string& id, std::function<void(Status)> done);
    void abort(const std::string& id, bool force, std::function<void(Status)> done);
    // Ends an agent whose work is merged (`fab agent done`, after its answer):
    // once its current turn is over (at most kRetireGraceMs later) it is
    // stopped and ends in state done; its worktree is then removed when clean
    // (supervisor_retire.cpp).
    void retire(const std::string& id);
    Status describe(const std::string& id, const std::string& text);
    void history(const std::string& id, int64_t since, size_t limit,
                 std::function<void(Result<Json>)> done);
    // The last `limit` records before offset `before` (paging back: the TUI).
    void history_before(const std::string& id, int64_t before, size_t limit,
                        std::function<void(Result<Json>)> done);
    Status hook_event(const Json& payload);

    // Pending tool permissions and questions (AskUserQuestion), answered by a
    // human (`fab permission`, `fab question`, the TUI) or timed out.
    Json pending_json(bool questions) const;
    void respond(const std::string& request_id, bool allow, const Json& updated_input,
                 const std::string& message, std::function<void(Status)> done);
    Agent* owner_of(const std::string& request_id);
    // One of the last 1000 requests answered (answered once: a second answer
    // from another channel is refused with "answered already").
    bool was_answered(const std::string& request_id) const;
    // Sends the catch-up for `since` (agent → offset) to `client`, then live.
    void catch_up(uint64_t client, const std::string& id, int64_t since);

    // The LLM permission checker's queue and cancel flag (llm_checker.cpp).
    llm_checker::Queue& llm_checks() { return llm_checks_; }
    // Role agents being created, by "<kind>/<project>": a second start while
    // the first still makes the worktree is refused (daemon/roles/roles.cpp).
    std::set<std::string>& roles_starting() { return roles_starting_; }

    Agent* find(const std::string& id);
    // Drops an ended agent from memory once daemon/agents/agent_delete has
    // removed its files and its record.
    void forget(const std::string& id) { agents_.erase(id); }
    Json agent_json(const Agent& a) const;
    Json list_json(const std::string& project) const;
    Json usage_json(const std::string& project) const; // "" = all projects
    size_t running_count(const std::string& project) const;
    EventHub& events() { return hub_; }
    // Called after every state change with the state before it (the
    // orchestrator releases claims when an agent ends and nudges idle task
    // agents). Listeners must not destroy the agent.
    using StateListener = std::function<void(Agent&, AgentState from)>;
    void add_state_listener(StateListener l) { state_listeners_.push_back(std::move(l)); }

  private:
    friend class RecordProcessor;
    void spawn_host(Agent& a, const std::string& prompt, bool resume,
                    std::function<void(Status)> done);
    void attach(Agent& a, std::function<void(Status)> done);
    void replay_page(uint64_t client, const std::string& id, int64_t from, int64_t until,
                     std::shared_ptr<OutputParser> parser);
    void recover_from_transcript(Agent& a, const std::string& why);
    void fetch_history(Agent& a, int64_t from, int64_t until, std::function<void()> done);
    void on_record(Agent& a, const Json& rec);
    void apply_entry(Agent& a, const ChatEntry& e, int64_t ts_ms);
    double turn_cost(const Agent& a, const Usage& u);
    void on_host_note(Agent& a, const Json& note);
    void on_link_closed(Agent& a);
    void set_state(Agent& a, AgentState s, const std::string& error = {});
    void finish(Agent& a, AgentState s, const std::string& error = {});
    void flush();
    void heartbeat();
    void expire_permissions();
    // Codex approval requests: the rules (rules/tool_decision.hpp) on the
    // thread pool, then an answer, or the request goes on to the LLM checker
    // and a human (supervisor_permissions.cpp).
    bool needs_rule_check(const Agent& a, const ChatEntry& e) const;
    void rule_check(Agent& a, const ChatEntry& e);
    void log_decision(const Agent& a, const Json& req, const std::string& decision,
                      const std::string& rule);
    void report_orphans();
    std::string new_agent_id() const;

    Daemon& d_;
    EventHub hub_;
    std::map<std::string, std::unique_ptr<Agent>> agents_;
    std::map<std::string, std::unique_ptr<ev::Process>> host_procs_; // hosts we spawned
    std::unique_ptr<ev::Timer> tick_;
    std::unique_ptr<ev::Timer> retention_; // daemon/agents/disk_gc.hpp
    bool sweeping_ = false;
    std::vector<StateListener> state_listeners_;
    llm_checker::Queue llm_checks_;
    std::set<std::string> roles_starting_;
    std::set<std::string> unpriced_models_; // warned about once per daemon
    std::deque<std::string> answered_;      // request ids, newest last (bounded)
};

} // namespace fab
