// The TUI's mirror of the daemon: agents, their chats (a window of the
// transcript, paged on demand), pending permissions and questions, usage and
// recent work. Filled by a snapshot after each (re)connect, then only by
// events: nothing here polls. Pure (no libuv, no curses) so it is tested
// with JSON alone. Loop thread only.
#pragma once

#include "agents/chat.hpp"
#include "protocol/envelope.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace fab::tui {

// The chat view's wrapped lines of one item, kept with the item so they
// follow it when pages are prepended or old items dropped. Mutable: a
// cache of the view, not model state.
struct WrapCache {
    int width = -1;
    bool expanded = false;
    std::vector<std::pair<std::string, uint16_t>> lines; // text, canvas attributes
};

// One chat entry, reduced to what is drawn (the full tool input is not kept).
struct ChatItem {
    ChatKind kind = ChatKind::system;
    bool is_error = false;
    int64_t offset = -1; // transcript record it came from
    std::string text;    // what was said; a tool result's content; a turn's summary
    std::string tool;    // tool_use / permission: the tool's name
    std::string detail;  // tool_use / permission: what the call does (command, path…)
    std::string tool_id;
    mutable WrapCache wrapped;
};
ChatItem make_item(const ChatEntry& e, int64_t offset);
// The field of a tool input that says what the call does.
std::string tool_detail(const Json& input);

struct AgentInfo {
    std::string id, kind, project, backend, state, description, error;
    int64_t created_ms = 0;
    int64_t last_offset = -1; // newest transcript record the daemon processed
    long long tokens = 0;     // input + output
    double cost_usd = 0;
    std::string activity; // what it is doing: its last tool call or words

    // The loaded window of the chat: records [chat_first, chat_last], contiguous.
    std::deque<ChatItem> chat;
    int64_t chat_first = -1, chat_last = -1;
    bool history_pending = false; // a page request is in flight
    uint64_t chat_version = 0;    // bumped on every change (view caches)

    bool running() const { return state == "running" || state == "starting"; }
    bool final() const { return state == "done" || state == "failed" || state == "aborted"; }
    bool has_older() const { return chat_first != 0 && last_offset >= 0; }
};

struct PendingRequest {
    std::string id, agent_id, project, tool, detail;
    bool question = false;
    std::string question_text;        // the first question (the daemon answers all alike)
    std::vector<std::string> options; // its option labels
    int64_t created_ms = 0;
};

struct WorkItem {
    std::string sha, subject, agent_id, project, ticket, strategy, pr_url;
    int64_t ts_ms = 0;
};

enum class Conn { connecting, connected, reconnecting };

struct Counts {
    int running = 0, idle = 0, waiting = 0, done = 0;
};

class Model {
  public:
    // Snapshots. set_agents keeps the chats of agents it already knew.
    void set_agents(const Json& list);
    void set_status(const Json& status);
    void set_pending(const Json& list, bool questions);

    enum class Applied { nothing, changed, resync };
    Applied apply_event(const Json& ev);

    // An agent.history reply for records [since, until): turned into items
    // with the backend's parser and put before what is loaded. Records
    // outside the gap are ignored (they arrived live meanwhile).
    void add_history(const std::string& id, const Json& records, int64_t since, int64_t until);
    // What the next older page is: records [since, until) of at most `page`.
    bool next_page(const AgentInfo& a, size_t page, int64_t& since, int64_t& until) const;

    const std::vector<std::unique_ptr<AgentInfo>>& agents() const { return agents_; }
    AgentInfo* find(const std::string& id);
    const AgentInfo* find(const std::string& id) const;
    const PendingRequest* pending_for(const std::string& agent_id) const; // the oldest
    bool needs_attention(const std::string& agent_id) const;
    Counts counts() const;
    bool any_running() const;
    // For attach after a reconnect: agent → first record not yet seen.
    Json since_offsets() const;

    long long tokens() const { return tokens_; }
    double cost_usd() const { return cost_; }
    long long commits_merged() const { return commits_merged_; }
    const std::vector<WorkItem>& recent_work() const { return recent_; }
    const std::vector<std::string>& projects() const { return projects_; }

    Conn conn = Conn::connecting;
    std::string conn_error; // why the last connection failed or ended
    // Bounded memory: older items are dropped and paged back from the daemon
    // on demand. The agent on screen keeps more than the others, which need
    // only their latest lines (and what they are doing) until selected.
    size_t max_chat_items = 20000;
    size_t max_background_items = 200;
    void set_focus(const std::string& agent_id) { focus_ = agent_id; }

  private:
    AgentInfo& upsert(const Json& a);
    void append(AgentInfo& a, int64_t offset, const Json& entries, bool live);
    void note_activity(AgentInfo& a, const ChatItem& it);
    void trim(AgentInfo& a);

    std::vector<std::unique_ptr<AgentInfo>> agents_; // in creation order
    std::map<std::string, AgentInfo*> by_id_;
    std::map<std::string, PendingRequest> pending_; // request id → request
    long long tokens_ = 0;
    double cost_ = 0;
    long long commits_merged_ = 0;
    std::vector<WorkItem> recent_;
    std::vector<std::string> projects_;
    std::string focus_; // the selected agent
};

} // namespace fab::tui
