// The runs page of the TUI (R): the daemon's runs with their status, stage
// and age, and one run's events. Runs have no push over the socket, so the
// page asks again every second while it is shown (one request in flight at
// a time), and not at all otherwise.
#include "protocol/messages.hpp"
#include "tui/app.hpp"
#include "util/iso_time.hpp"

namespace fab::tui {

namespace {
constexpr uint64_t kRunsPollMs = 1000;
constexpr size_t kMaxRunEvents = 5000; // kept for the page; older ones are dropped
} // namespace

void App::fetch_runs() {
    if (runs_in_flight_) return;
    runs_in_flight_ = true;
    client_.request(msg::kRunList, {{"limit", 100}}, [this](Result<Json> r) {
        runs_in_flight_ = false;
        dirty_ = true;
        if (!r) {
            vs_.runs_note = "runs: " + r.error();
            return;
        }
        vs_.runs.clear();
        for (const auto& j : r->value("data", Json::array())) {
            std::string goal = j.value("goal", ""); // one line of it
            for (char& ch : goal)
                if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
            vs_.runs.push_back({j.value("id", ""), j.value("project", ""), j.value("status", ""),
                                j.value("stage", ""), goal,
                                parse_iso8601_ms(j.value("created_at", ""))});
        }
        vs_.runs_note = vs_.runs.empty() ? "no runs: fab run submit -p PROJECT \"goal\"" : "";
    });
}

void App::fetch_run_events(const std::string& id, bool fresh) {
    if (fresh) {
        vs_.run_events.clear();
        vs_.runs_note = "loading…";
    } else if (run_events_in_flight_) {
        return;
    }
    run_events_in_flight_ = true;
    int64_t since = vs_.run_events.empty() ? 0 : vs_.run_events.back().value("seq", int64_t{0});
    client_.request(
        msg::kRunEvents, {{"id", id}, {"since_seq", since}, {"limit", 1000}},
        [this, id, since](Result<Json> r) {
            run_events_in_flight_ = false;
            dirty_ = true;
            if (modes_.mode() != Mode::run_read || modes_.target() != id) return;
            if (!r) {
                vs_.runs_note = "run " + id + ": " + r.error();
                return;
            }
            int64_t last =
                vs_.run_events.empty() ? 0 : vs_.run_events.back().value("seq", int64_t{0});
            if (last != since) return; // an answer to an older request
            for (const auto& e : r->value("data", Json::array())) vs_.run_events.push_back(e);
            if (vs_.run_events.size() > kMaxRunEvents)
                vs_.run_events.erase(vs_.run_events.begin(), vs_.run_events.end() - kMaxRunEvents);
            if (vs_.run_events.empty()) vs_.runs_note = "(no events yet)";
        });
}

void App::poll_runs() {
    bool shown = modes_.mode() == Mode::runs || modes_.mode() == Mode::run_read;
    if (shown == polling_runs_) return;
    polling_runs_ = shown;
    if (!shown) return runs_poll_.stop();
    runs_poll_.start(kRunsPollMs, kRunsPollMs, [this] {
        fetch_runs();
        if (modes_.mode() == Mode::run_read) fetch_run_events(modes_.target(), false);
    });
}

} // namespace fab::tui
