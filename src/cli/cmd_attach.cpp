// fab attach [projects…] [--agent ID] [--since OFFSET] [--json]: follow every
// agent's output live; with --since, each agent's records from that
// transcript offset are replayed first (the daemon's attach `since`).
//
// A client that falls behind gets one `resync` event from the daemon and
// nothing more (its queue is bounded). attach then attaches again with
// `since` = the next offset of every agent it follows, so the daemon replays
// what was skipped from the transcripts; an offset already shown is dropped,
// so nothing shows twice. If attaching again fails, attach says why and exits
// non-zero: it never goes silent.
#include "cli/chat_format.hpp"
#include "cli/daemon_link.hpp"
#include "cli/handlers.hpp"
#include "cli/tty_text.hpp"
#include "protocol/messages.hpp"
#include "util/strings.hpp"

#include <cstdio>
#include <map>
#include <set>

namespace fab::cli {

namespace {

class Follower {
  public:
    Follower(Connection& c, Json payload, bool json)
        : c_(c), payload_(std::move(payload)), json_(json) {}

    // --since: the agents the attach will follow (agent.list, filtered as
    // attach filters), each replayed from `offset`.
    Status replay_from(int64_t offset) {
        auto list = c_.request(msg::kAgentList, Json::object());
        if (!list) return make_error(list.error());
        std::set<std::string> projects;
        for (const auto& p : payload_.value("projects", Json::array()))
            if (p.is_string()) projects.insert(p.get<std::string>());
        std::string only = payload_.value("agent", "");
        Json since = Json::object();
        for (const auto& a : (*list)["agents"]) {
            std::string id = a.value("id", "");
            if ((!projects.empty() && !projects.count(a.value("project", ""))) ||
                (!only.empty() && id != only))
                continue;
            since[id] = offset;
            next_[id] = offset;
        }
        payload_["since"] = since;
        return {};
    }

    int run() {
        auto snap = c_.request(msg::kAttach, payload_);
        if (!snap) return fail(snap.error());
        follow((*snap)["agents"]);
        if (json_)
            print(dump_json({{"type", "snapshot"}, {"agents", (*snap)["agents"]}}));
        else
            print("attached: " + std::to_string((*snap)["agents"].size()) +
                  " agent(s); Ctrl-C to stop");
        for (;;) {
            auto line = c_.read_line(-1);
            if (!line) {
                if (json_) return fail(line.error());
                print("daemon connection closed");
                return Exit::failure;
            }
            Json msg = Json::parse(*line, nullptr, false);
            if (!msg.is_object()) continue;
            if (msg.value("type", "") != "event") {
                if (int rc = on_response(msg); rc >= 0) return rc;
                continue;
            }
            if (int rc = on_event(msg, *line); rc >= 0) return rc;
        }
    }

  private:
    // Agents of a snapshot are followed from their newest record on (what
    // came before is `fab agent history`); ones already followed keep theirs.
    void follow(const Json& agents) {
        if (!agents.is_array()) return;
        for (const auto& a : agents)
            if (a.is_object())
                next_.emplace(a.value("id", ""), a.value("last_offset", int64_t{-1}) + 1);
    }

    // The answer to a re-attach; -1 to go on, else the exit code.
    int on_response(const Json& msg) {
        if (reattach_id_.empty() || msg.value("id", "") != reattach_id_) return -1;
        reattach_id_.clear();
        if (!msg.value("success", false))
            return fail("fell behind and could not attach again: " +
                        msg.value("error", std::string("request failed")));
        Json payload = msg.value("payload", Json::object());
        Json agents = payload.is_object() ? payload.value("agents", Json::array()) : Json::array();
        follow(agents);
        if (json_)
            print(dump_json({{"type", "snapshot"}, {"agents", agents}, {"resync", true}}));
        else
            print("(attached again: " + std::to_string(agents.size()) + " agent(s))");
        return -1;
    }

    // Asks for everything after what was shown; the replay comes as
    // agent.output events with "replay": true.
    int reattach() {
        Json since = Json::object();
        for (const auto& [id, next] : next_) since[id] = next;
        Json p = payload_;
        p["since"] = since;
        reattach_id_ = "resync" + std::to_string(++reattaches_);
        if (auto s = c_.send_line(encode_request(msg::kAttach, reattach_id_, p)); !s)
            return fail("fell behind and could not attach again: " + s.error());
        return -1;
    }

    int on_event(const Json& ev, const std::string& line) {
        std::string kind = ev.value("event", "");
        std::string id = ev.value("agent_id", "");
        Json agent = ev.value("agent", Json::object());
        if (kind == msg::kEvResync) {
            if (json_)
                print(line);
            else
                print("(fell behind the daemon; catching up from where output stopped)");
            return reattach();
        }
        if (kind == msg::kEvAgentOutput) {
            int64_t offset = ev.value("offset", int64_t{-1});
            auto [it, fresh] = next_.emplace(id, 0);
            if (offset >= 0) {
                if (!fresh && offset < it->second) return -1; // shown already (a replay)
                it->second = offset + 1;
            }
        } else if (kind == msg::kEvAgentCreated && agent.is_object()) {
            next_.emplace(agent.value("id", ""), 0);
        }
        if (json_) {
            print(line);
            return -1;
        }
        if (kind == msg::kEvAgentOutput) {
            for (const auto& e : ev.value("entries", Json::array()))
                print(format_entry(id, chat_entry_from_json(e)));
        } else if (kind == msg::kEvAgentState) {
            std::string error = ev.value("error", "");
            print("[" + id + "] state: " + ev.value("state", "") +
                  (error.empty() ? "" : " — " + error));
        } else if (kind == msg::kEvAgentCreated && agent.is_object()) {
            print("[" + agent.value("id", "") + "] created (" + agent.value("backend", "") + ")");
        }
        return -1;
    }

    // JSON lines are already escaped; text is shown escaped on a terminal.
    void print(const std::string& s) {
        std::string out = json_ ? s : tty_safe(s);
        std::fwrite(out.data(), 1, out.size(), stdout);
        std::fputc('\n', stdout);
        std::fflush(stdout);
    }

    Connection& c_;
    Json payload_;
    bool json_;
    std::map<std::string, int64_t> next_; // agent → next offset to show
    std::string reattach_id_;             // the re-attach in flight
    int reattaches_ = 0;
};

} // namespace

int cmd_attach(Invocation& inv) {
    int rc = Exit::ok;
    auto c = open_daemon(inv, rc);
    if (!c) return rc;
    Json payload = {{"projects", inv.args}};
    if (inv.has("agent")) payload["agent"] = inv.flag("agent");
    Follower f(*c, payload, inv.has("json"));
    if (inv.has("since")) {
        auto offset = parse_int(inv.flag("since"));
        if (!offset || *offset < 0)
            return fail("--since needs a transcript offset: 0 or more (0: from the start)",
                        Exit::usage);
        if (auto s = f.replay_from(*offset); !s) return fail(s.error());
    }
    return f.run();
}

} // namespace fab::cli
