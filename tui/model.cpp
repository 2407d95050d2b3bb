#include "tui/model.hpp"
#include "protocol/messages.hpp"

#include "agents/backend.hpp"
#include "agents/record_entries.hpp"
#include "protocol/fields.hpp"
#include "tui/text.hpp"

#include <algorithm>

namespace fab::tui {

namespace {

// Readers that never throw: a daemon newer or older than this TUI may send
// fields of other types, and a wrong type must not end the program.
// (str, i64, dbl: the lenient readers of protocol/fields.hpp.)
std::string str(const Json& j, const char* key) {
    return str_or(j, key);
}
int64_t i64(const Json& j, const char* key, int64_t fallback = 0) {
    return int_or(j, key, fallback);
}
double dbl(const Json& j, const char* key) {
    return double_or(j, key);
}
const Json& obj(const Json& j, const char* key) {
    static const Json empty = Json::object();
    auto it = j.find(key);
    return it != j.end() && it->is_object() ? *it : empty;
}
const Json& arr(const Json& j, const char* key) {
    static const Json empty = Json::array();
    auto it = j.find(key);
    return it != j.end() && it->is_array() ? *it : empty;
}

std::string money(double usd) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "$%.4f", usd);
    return buf;
}

WorkItem work_from(const Json& w) {
    WorkItem it;
    it.sha = str(w, "sha");
    it.subject = str(w, "subject");
    it.agent_id = str(w, "agent_id");
    it.project = str(w, "project");
    it.ticket = str(w, "ticket");
    it.strategy = str(w, "strategy");
    it.pr_url = str(w, "pr_url");
    it.ts_ms = i64(w, "ts_ms");
    return it;
}

} // namespace

std::string tool_detail(const Json& in) {
    if (!in.is_object()) return {};
    for (const char* k : {"command", "file_path", "pattern", "url", "query", "description",
                          "prompt", "skill", "notebook_path", "plan", "path"})
        if (auto it = in.find(k); it != in.end() && it->is_string()) return it->get<std::string>();
    if (auto q = in.find("questions"); q != in.end() && q->is_array() && !q->empty())
        if ((*q)[0].is_object()) return str((*q)[0], "question");
    return in.empty() ? std::string() : dump_json(in);
}

ChatItem make_item(const ChatEntry& e, int64_t offset) {
    ChatItem it;
    it.kind = e.kind;
    it.is_error = e.is_error;
    it.offset = offset;
    it.tool = e.tool_name;
    it.tool_id = e.tool_id;
    switch (e.kind) {
    case ChatKind::tool_use:
    case ChatKind::permission:
        it.detail = tool_detail(e.tool_input);
        break;
    case ChatKind::turn_result: {
        std::string s = std::string(e.is_error ? "turn failed" : "turn done") + ": " +
                        human_count(e.usage.input_tokens) + " in / " +
                        human_count(e.usage.output_tokens) + " out";
        if (e.usage.cost_usd > 0) s += ", " + money(e.usage.cost_usd);
        if (e.is_error && !e.text.empty()) s += " — " + first_line(e.text);
        it.text = s;
        return it;
    }
    case ChatKind::system:
        it.text = e.subtype.empty() ? e.text : e.subtype + (e.text.empty() ? "" : ": " + e.text);
        return it;
    default:
        break;
    }
    it.text = e.text;
    return it;
}

AgentInfo* Model::find(const std::string& id) {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : it->second;
}

const AgentInfo* Model::find(const std::string& id) const {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : it->second;
}

AgentInfo& Model::upsert(const Json& j) {
    std::string id = str(j, "id");
    AgentInfo* a = find(id);
    if (!a) {
        agents_.push_back(std::make_unique<AgentInfo>());
        a = agents_.back().get();
        a->id = id;
        by_id_[id] = a;
    }
    a->kind = str(j, "kind");
    a->project = str(j, "project");
    a->backend = str(j, "backend");
    a->state = str(j, "state");
    a->description = str(j, "description");
    a->error = str(j, "error");
    a->created_ms = i64(j, "created_ms");
    a->last_offset = std::max(a->last_offset, i64(j, "last_offset", -1));
    const Json& u = obj(j, "usage");
    a->tokens = i64(u, "input_tokens") + i64(u, "output_tokens");
    a->cost_usd = dbl(u, "cost_usd");
    return *a;
}

void Model::set_agents(const Json& list) {
    if (!list.is_array()) return;
    std::map<std::string, bool> seen;
    for (const auto& j : list)
        if (j.is_object() && !str(j, "id").empty()) {
            upsert(j);
            seen[str(j, "id")] = true;
        }
    // Agents the daemon no longer knows (a fresh FAB_DIR behind the same socket).
    std::erase_if(agents_, [&](const std::unique_ptr<AgentInfo>& a) {
        if (seen.count(a->id)) return false;
        by_id_.erase(a->id);
        return true;
    });
    std::stable_sort(agents_.begin(), agents_.end(),
                     [](const auto& x, const auto& y) { return x->created_ms < y->created_ms; });
}

void Model::set_status(const Json& s) {
    const Json& u = obj(s, "usage");
    tokens_ = i64(u, "input_tokens") + i64(u, "output_tokens");
    cost_ = dbl(u, "cost_usd");
    projects_.clear();
    for (const auto& p : arr(s, "projects"))
        if (p.is_object()) projects_.push_back(str(p, "name"));
    recent_.clear();
    for (const auto& w : arr(s, "recent_work"))
        if (w.is_object()) recent_.push_back(work_from(w));
    auto cm = s.find("commits_merged");
    if (cm != s.end() && cm->is_number())
        commits_merged_ = cm->get<long long>();
    else if (cm != s.end() && cm->is_object())
        commits_merged_ = i64(*cm, "total");
    else
        commits_merged_ = static_cast<long long>(recent_.size());
}

void Model::set_pending(const Json& list, bool questions) {
    std::erase_if(pending_, [&](const auto& kv) { return kv.second.question == questions; });
    if (!list.is_array()) return;
    for (const auto& r : list) {
        if (!r.is_object()) continue;
        PendingRequest p;
        p.id = str(r, "id");
        p.agent_id = str(r, "agent_id");
        p.project = str(r, "project");
        p.tool = str(r, "tool_name");
        p.created_ms = i64(r, "created_ms");
        const Json& in = obj(r, "tool_input");
        p.detail = tool_detail(in);
        p.question = p.tool == "AskUserQuestion";
        if (p.question) {
            const Json& qs = arr(in, "questions");
            if (!qs.empty() && qs[0].is_object()) {
                p.question_text = str(qs[0], "question");
                for (const auto& o : arr(qs[0], "options"))
                    if (o.is_object()) p.options.push_back(str(o, "label"));
            }
        }
        if (p.question == questions && !p.id.empty()) pending_[p.id] = std::move(p);
    }
}

void Model::note_activity(AgentInfo& a, const ChatItem& it) {
    switch (it.kind) {
    case ChatKind::tool_use:
        a.activity = it.tool + ": " + first_line(it.detail);
        break;
    case ChatKind::assistant_text:
        if (!first_line(it.text).empty()) a.activity = first_line(it.text);
        break;
    case ChatKind::error:
        a.activity = "error: " + first_line(it.text);
        break;
    default:
        break;
    }
}

void Model::trim(AgentInfo& a) {
    size_t cap = a.id == focus_ ? max_chat_items : max_background_items;
    while (a.chat.size() > cap) {
        int64_t o = a.chat.front().offset;
        while (!a.chat.empty() && a.chat.front().offset == o) a.chat.pop_front();
        a.chat_first = a.chat.empty() ? -1 : a.chat.front().offset;
        if (a.chat.empty()) a.chat_last = -1;
    }
}

void Model::append(AgentInfo& a, int64_t offset, const Json& entries, bool live) {
    if (offset < 0) return;
    a.last_offset = std::max(a.last_offset, offset);
    if (a.chat_last >= 0 && offset <= a.chat_last) return; // seen (a replay overlapping)
    if (a.chat_last >= 0 && offset > a.chat_last + 1) {
        // A gap (events were lost): start a new window here; paging back refills it.
        a.chat.clear();
        a.chat_first = -1;
    }
    if (a.chat_first < 0) a.chat_first = offset;
    a.chat_last = offset;
    for (const auto& j : entries) {
        if (!j.is_object()) continue;
        ChatEntry e = chat_entry_from_json(j);
        ChatItem it = make_item(e, offset);
        note_activity(a, it);
        if (e.kind == ChatKind::system && !e.request_id.empty()) pending_.erase(e.request_id);
        if (e.kind == ChatKind::turn_result && live) {
            long long t = e.usage.input_tokens + e.usage.output_tokens;
            a.tokens += t;
            tokens_ += t;
            a.cost_usd += e.usage.cost_usd;
            cost_ += e.usage.cost_usd;
        }
        a.chat.push_back(std::move(it));
    }
    ++a.chat_version;
    trim(a);
}

Model::Applied Model::apply_event(const Json& ev) {
    std::string name = str(ev, "event");
    if (name == msg::kEvResync) return Applied::resync;
    if (name == msg::kEvAgentCreated) {
        upsert(obj(ev, "agent"));
        return Applied::changed;
    }
    if (name == msg::kEvAgentState) {
        AgentInfo* a = find(str(ev, "agent_id"));
        if (!a) return Applied::nothing;
        a->state = str(ev, "state");
        a->error = str(ev, "error");
        if (ev.contains("description")) a->description = str(ev, "description");
        if (a->final())
            std::erase_if(pending_, [&](const auto& kv) { return kv.second.agent_id == a->id; });
        return Applied::changed;
    }
    if (name == msg::kEvAgentOutput) {
        AgentInfo* a = find(str(ev, "agent_id"));
        if (!a) return Applied::nothing;
        bool replay = ev.value("replay", false);
        append(*a, i64(ev, "offset", -1), arr(ev, "entries"), !replay);
        return Applied::changed;
    }
    if (name == msg::kEvPermissionRequest) {
        const Json& r = obj(ev, "request");
        ChatEntry e = chat_entry_from_json(r);
        PendingRequest p;
        p.id = e.request_id;
        p.agent_id = str(ev, "agent_id");
        if (const AgentInfo* a = find(p.agent_id)) p.project = a->project;
        p.tool = e.tool_name;
        p.detail = tool_detail(e.tool_input);
        p.question = p.tool == "AskUserQuestion";
        if (p.question && e.tool_input.is_object()) {
            const Json& qs = arr(e.tool_input, "questions");
            if (!qs.empty() && qs[0].is_object()) {
                p.question_text = str(qs[0], "question");
                for (const auto& o : arr(qs[0], "options"))
                    if (o.is_object()) p.options.push_back(str(o, "label"));
            }
        }
        if (p.id.empty()) return Applied::nothing;
        pending_[p.id] = std::move(p);
        return Applied::changed;
    }
    if (name == msg::kEvCommitMerged) {
        WorkItem w = work_from(ev.contains("commit") ? obj(ev, "commit") : ev);
        recent_.insert(recent_.begin(), w);
        if (recent_.size() > 50) recent_.pop_back();
        ++commits_merged_;
        return Applied::changed;
    }
    // permission.checked, claim, project.state and what a newer daemon adds:
    // nothing mirrored yet, but a redraw is cheap.
    return Applied::changed;
}

void Model::add_history(const std::string& id, const Json& records, int64_t since, int64_t until) {
    AgentInfo* a = find(id);
    if (!a) return;
    a->history_pending = false;
    // Only the gap before the window (or the whole tail when nothing is loaded).
    int64_t limit = a->chat_first >= 0 ? a->chat_first : until;
    auto backend = make_backend(a->backend);
    auto parser = backend ? backend->make_parser() : nullptr;
    std::vector<ChatItem> items;
    int64_t first = -1, last = -1;
    std::vector<ChatEntry> es;
    for (const auto& r : records) {
        if (!r.is_object()) continue;
        int64_t o = i64(r, "o", -1);
        if (o < since || o >= limit) continue;
        es.clear();
        record_entries(str(r, "src"), str(r, "data"), parser.get(), es);
        if (first < 0) first = o;
        last = o;
        for (const auto& e : es) items.push_back(make_item(e, o));
    }
    if (first < 0) {
        // Nothing before what is loaded (or an empty transcript): the start.
        if (a->chat_first < 0 || since == 0)
            a->chat_first = 0;
        else
            a->chat_first = since;
        ++a->chat_version;
        return;
    }
    if (a->chat_first < 0) a->chat_last = last;
    // Also when live output came first: it may have had no activity in it
    // (a turn's end) while what came before (dropped, see App::on_event) has.
    if (a->activity.empty())
        for (const auto& it : items) note_activity(*a, it);
    a->chat_first = since; // records in [since, first) produced no entries
    a->chat.insert(a->chat.begin(), std::make_move_iterator(items.begin()),
                   std::make_move_iterator(items.end()));
    ++a->chat_version;
    a->last_offset = std::max(a->last_offset, last);
}

bool Model::next_page(const AgentInfo& a, size_t page, int64_t& since, int64_t& until) const {
    until = a.chat_first >= 0 ? a.chat_first : a.last_offset + 1;
    if (until <= 0) return false;
    since = std::max<int64_t>(0, until - static_cast<int64_t>(page));
    return true;
}

const PendingRequest* Model::pending_for(const std::string& agent_id) const {
    const PendingRequest* best = nullptr;
    for (const auto& [id, p] : pending_)
        if (p.agent_id == agent_id && (!best || p.created_ms < best->created_ms)) best = &p;
    return best;
}

bool Model::needs_attention(const std::string& agent_id) const {
    return pending_for(agent_id) != nullptr;
}

Counts Model::counts() const {
    Counts c;
    std::map<std::string, bool> waiting;
    for (const auto& [id, p] : pending_) waiting[p.agent_id] = true;
    for (const auto& a : agents_) {
        if (waiting.count(a->id))
            ++c.waiting;
        else if (a->running())
            ++c.running;
        else if (a->state == "idle")
            ++c.idle;
        else
            ++c.done;
    }
    return c;
}

bool Model::any_running() const {
    for (const auto& a : agents_)
        if (a->running()) return true;
    return false;
}

Json Model::since_offsets() const {
    Json s = Json::object();
    for (const auto& a : agents_)
        if (a->chat_last >= 0) s[a->id] = a->chat_last + 1;
    return s;
}

} // namespace fab::tui
