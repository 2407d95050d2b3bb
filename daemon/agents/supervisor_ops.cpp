// Requests on agents: send, abort, describe, history, hook events, catch-up
// for attaching clients, and the JSON views used by list/status.
#include "agents/record_entries.hpp"
#include "daemon/agents/supervisor.hpp"
#include "daemon/daemon.hpp"
#include "daemon/host/transcript.hpp"
#include "ev/stream.hpp"
#include "protocol/fields.hpp"
#include "protocol/messages.hpp"
#include "util/log.hpp"
#include "util/time.hpp"

namespace fab {

namespace {
// history and history_before: `read` runs on the thread pool, the records
// come back as {"records": [...]} on the loop.
using TranscriptReader =
    std::function<Result<std::vector<TranscriptRecord>>(const std::string& path)>;
void read_records(uv_loop_t* loop, std::string path, TranscriptReader read,
                  std::function<void(Result<Json>)> done) {
    auto out = std::make_shared<Result<std::vector<TranscriptRecord>>>(make_error("unread"));
    ev::queue_work(
        loop, [out, path = std::move(path), read = std::move(read)] { *out = read(path); },
        [out, done = std::move(done)] {
            if (!*out) return done(make_error(out->error()));
            Json recs = Json::array();
            for (const auto& r : out->value())
                recs.push_back(
                    {{"o", r.offset}, {"ts", r.ts_ms}, {"src", r.src}, {"data", r.data}});
            done(Json{{"records", recs}});
        });
}

// A damaged transcript line comes back as a synthesized host record
// (daemon/host/transcript.hpp): said once in the log per agent and run.
void log_damage_once(Agent* a, const Result<Json>& r) {
    if (!a || a->damage_logged || !r) return;
    for (const auto& rec : (*r)["records"]) {
        if (rec.value("src", "") != "host") continue;
        Json note = Json::parse(rec.value("data", ""), nullptr, false);
        if (!note.is_object() || note.value("event", "") != "transcript_damaged") continue;
        a->damage_logged = true;
        log::warn("agent " + a->rec.id + ": transcript damaged before offset " +
                  std::to_string(rec.value("o", int64_t{0}) + 1) + ": " +
                  std::to_string(note.value("lines", int64_t{0})) + " line(s), " +
                  std::to_string(note.value("bytes", int64_t{0})) +
                  " bytes skipped (kept in the file)");
        return;
    }
}
} // namespace

void Supervisor::send(const std::string& id, const std::string& text,
                      std::function<void(Status)> done) {
    Agent* a = find(id);
    if (!a) return done(make_error("no agent \"" + id + "\""));
    if (a->state == AgentState::done || a->state == AgentState::aborted)
        return done(make_error("agent " + id + " has " + a->rec.state));
    if (a->link && a->link->connected() && !a->cli_exited) {
        a->link->request(msg::kHostSend, {{"text", text}}, [done](Result<Json> r) {
            done(r ? Status{} : Status(make_error(r.error())));
        });
        return;
    }
    // No live CLI: resume the session in the same worktree with a new host.
    if (a->rec.session_id.empty() && a->rec.backend != "codex")
        return done(make_error("agent " + id + " has no session to resume"));
    log::info("agent " + id + ": resuming session " + a->rec.session_id);
    set_state(*a, AgentState::starting);
    a->rec.error.clear();
    spawn_host(*a, text, true, std::move(done));
}

void Supervisor::resume(const std::string& id, std::function<void(Status)> done) {
    Agent* a = find(id);
    if (!a) return done(make_error("no agent \"" + id + "\""));
    if (a->state != AgentState::failed || (a->link && a->link->connected() && !a->cli_exited))
        return done(make_error("agent " + id + " is " + a->rec.state + ", not resumable"));
    if (a->rec.session_id.empty())
        return done(make_error("agent " + id + " has no session to resume"));
    log::info("agent " + id + ": resuming session " + a->rec.session_id + " (no message)");
    set_state(*a, AgentState::starting);
    a->rec.error.clear();
    spawn_host(*a, "", true, std::move(done));
}

void Supervisor::abort(const std::string& id, bool force, std::function<void(Status)> done) {
    Agent* a = find(id);
    if (!a) return done(make_error("no agent \"" + id + "\""));
    if (is_final(a->state) && a->state != AgentState::failed)
        return done(make_error("agent " + id + " has already " + a->rec.state));
    a->stop_requested = true;
    if (a->link && a->link->connected() && !a->cli_exited) {
        log::info("agent " + id + ": stopping" + (force ? " (force)" : ""));
        a->link->request(msg::kHostStop, {{"force", force}}, [done](Result<Json> r) {
            done(r ? Status{} : Status(make_error(r.error())));
        });
        return;
    }
    finish(*a, AgentState::aborted);
    done({});
}

Status Supervisor::describe(const std::string& id, const std::string& text) {
    Agent* a = find(id);
    if (!a) return make_error("no agent \"" + id + "\"");
    a->rec.description = text.substr(0, 200);
    a->rec.updated_ms = now_ms();
    a->dirty = true;
    hub_.publish(a->rec.project, id,
                 {{"event", msg::kEvAgentState},
                  {"agent_id", id},
                  {"state", a->rec.state},
                  {"error", a->rec.error},
                  {"description", a->rec.description}});
    return {};
}

void Supervisor::history(const std::string& id, int64_t since, size_t limit,
                         std::function<void(Result<Json>)> done) {
    if (!find(id)) return done(make_error("no agent \"" + id + "\""));
    read_records(
        d_.loop(), d_.paths().agents_dir + "/" + id + "/transcript.jsonl",
        [since, limit](const std::string& path) { return Transcript::read(path, since, limit); },
        [this, id, done = std::move(done)](Result<Json> r) {
            log_damage_once(find(id), r);
            done(std::move(r));
        });
}

void Supervisor::history_before(const std::string& id, int64_t before, size_t limit,
                                std::function<void(Result<Json>)> done) {
    if (!find(id)) return done(make_error("no agent \"" + id + "\""));
    read_records(
        d_.loop(), d_.paths().agents_dir + "/" + id + "/transcript.jsonl",
        [before, limit](const std::string& path) {
            return Transcript::read_before(path, before, limit);
        },
        [this, id, done = std::move(done)](Result<Json> r) {
            log_damage_once(find(id), r);
            done(std::move(r));
        });
}

Status Supervisor::hook_event(const Json& p) {
    std::string id = field_string(p, "agent_id");
    Agent* a = find(id);
    if (!a) return make_error("unknown agent \"" + id + "\"");
    if (is_final(a->state) && a->state != AgentState::failed)
        return make_error("agent " + id + " has " + a->rec.state);
    std::string ev = field_string(p, "event");
    a->last_activity_ms = now_ms();
    if (ev == "Stop" && a->state == AgentState::running && !a->stop_requested) {
        a->turn_running = false;
        set_state(*a, AgentState::idle);
    } else if (ev == "StopFailure") {
        log::warn("agent " + id + ": turn failed: " + field_string(p, "error"));
    }
    return {};
}

void Supervisor::catch_up(uint64_t client, const std::string& id, int64_t since) {
    Agent* a = find(id);
    if (!a) return;
    // Replay up to what the daemon has processed now; newer records arrive
    // live and are held for this client until the replay is done.
    hub_.hold(client, id);
    auto backend = make_backend(a->rec.backend);
    std::shared_ptr<OutputParser> parser(backend ? backend->make_parser().release() : nullptr);
    replay_page(client, id, since, a->rec.last_offset, parser);
}

void Supervisor::replay_page(uint64_t client, const std::string& id, int64_t from, int64_t until,
                             std::shared_ptr<OutputParser> parser) {
    constexpr size_t kPage = 500; // bounded memory per step, whatever the backlog
    if (from > until) return hub_.release(client, id, until);
    history(id, from, kPage, [this, client, id, until, parser](Result<Json> r) {
        Agent* a = find(id);
        if (!r || !a || (*r)["records"].empty()) return hub_.release(client, id, until);
        int64_t last = until;
        for (const auto& rec : (*r)["records"]) {
            int64_t o = rec.value("o", int64_t{0});
            if (o > until) break;
            last = o;
            std::vector<ChatEntry> es;
            record_entries(rec.value("src", ""), rec.value("data", ""), parser.get(), es);
            Json entries = Json::array();
            for (const auto& e : es) entries.push_back(to_json(e));
            bool sent = hub_.send_to(client, {{"event", msg::kEvAgentOutput},
                                              {"agent_id", id},
                                              {"project", a->rec.project},
                                              {"offset", o},
                                              {"ts", rec["ts"]},
                                              {"src", rec["src"]},
                                              {"replay", true},
                                              {"entries", entries}});
            if (!sent) return; // lagging: the client got a resync and must attach again
        }
        if (last >= until) return hub_.release(client, id, until);
        replay_page(client, id, last + 1, until, parser);
    });
}

Json Supervisor::agent_json(const Agent& a) const {
    const AgentRecord& r = a.rec;
    int64_t now = now_ms();
    return {{"id", r.id},
            {"kind", r.kind},
            {"project", r.project},
            {"backend", r.backend},
            {"model", r.model},
            {"state", r.state},
            {"description", r.description},
            {"worktree", r.worktree},
            {"branch", r.branch},
            {"session_id", r.session_id},
            {"error", r.error},
            {"created_ms", r.created_ms},
            {"running_s", (now - r.created_ms) / 1000},
            {"last_offset", r.last_offset},
            {"pending_permissions", a.pending_permissions.size()},
            {"usage",
             {{"input_tokens", r.input_tokens},
              {"output_tokens", r.output_tokens},
              {"cache_read_tokens", r.cache_read_tokens},
              {"cache_creation_tokens", r.cache_creation_tokens},
              {"cost_usd", r.cost_usd}}}};
}

Json Supervisor::list_json(const std::string& project) const {
    Json out = Json::array();
    for (const auto& [id, a] : agents_)
        if (project.empty() || a->rec.project == project) out.push_back(agent_json(*a));
    return out;
}

Json Supervisor::usage_json(const std::string& project) const {
    int64_t in = 0, out = 0, cr = 0, cc = 0;
    double cost = 0;
    for (const auto& [id, a] : agents_) {
        if (!project.empty() && a->rec.project != project) continue;
        in += a->rec.input_tokens;
        out += a->rec.output_tokens;
        cr += a->rec.cache_read_tokens;
        cc += a->rec.cache_creation_tokens;
        cost += a->rec.cost_usd;
    }
    return {{"input_tokens", in},
            {"output_tokens", out},
            {"cache_read_tokens", cr},
            {"cache_creation_tokens", cc},
            {"cost_usd", cost}};
}

size_t Supervisor::running_count(const std::string& project) const {
    size_t n = 0;
    for (const auto& [id, a] : agents_)
        if (a->rec.project == project && a->rec.kind == "task" && !is_final(a->state)) ++n;
    return n;
}

} // namespace fab
