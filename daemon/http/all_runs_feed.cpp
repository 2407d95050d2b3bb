// The feed of GET /api/v1/attach: the events of every run (or of the runs
// named by run_id=a,b), live, in the order they happen. Runs have no common
// seq, so the `id:` of an event is a cursor "T;run=seq;…": T is the event
// time (ms) and the pairs name, per run, the last seq sent with exactly that
// time. A client that resumes (Last-Event-ID, as browsers send it, or
// ?last_event_id=) gets every stored event at or after T except those the
// pairs cover — nothing missing and nothing twice, as long as the daemon's
// clock does not step back. The stream does not end by itself.
#include "daemon/daemon.hpp"
#include "daemon/http/sse.hpp"
#include "daemon/runs/run_engine.hpp"
#include "util/iso_time.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <map>

namespace fab::http {

namespace {

struct Cursor {
    int64_t ts = 0;
    std::map<std::string, int64_t> at_ts; // run → last seq sent with time ts

    std::string text() const {
        std::string out = std::to_string(ts);
        for (const auto& [run, seq] : at_ts) out += ";" + run + "=" + std::to_string(seq);
        return out;
    }
    static Result<Cursor> parse(const std::string& s) {
        Cursor c;
        auto parts = split(s, ';', false);
        auto bad = [&] { return make_error("a malformed event id \"" + s + "\""); };
        if (parts.empty()) return bad();
        auto ts = parse_int(parts[0]);
        if (!ts || *ts < 0) return bad();
        c.ts = *ts;
        for (size_t i = 1; i < parts.size(); ++i) {
            auto eq = parts[i].find('=');
            if (eq == std::string::npos || eq == 0) return bad();
            auto seq = parse_int(parts[i].substr(eq + 1));
            if (!seq || *seq < 0) return bad();
            c.at_ts[parts[i].substr(0, eq)] = *seq;
        }
        return c;
    }
};

class AllRunsFeed final : public SseFeed {
  public:
    AllRunsFeed(Daemon& d, std::set<std::string> run_ids, Cursor from, bool resume)
        : d_(d), runs_(std::move(run_ids)), from_(from), cursor_(std::move(from)),
          replaying_(resume), key_ts_(cursor_.ts) {}

    Result<std::vector<Json>> replay(int64_t page) override {
        std::vector<Json> out;
        if (!replaying_) return out; // no Last-Event-ID: live only
        auto got = d_.store().run_events_after(key_ts_, key_run_, key_seq_, page);
        if (!got) return Error{got.error()};
        for (const auto& e : *got) out.push_back(RunEngine::event_json(e));
        if (!got->empty()) {
            key_ts_ = got->back().ts_ms;
            key_run_ = got->back().run_id;
            key_seq_ = got->back().seq;
        }
        if (static_cast<int64_t>(got->size()) < page) replaying_ = false;
        return out;
    }
    bool goes_live() const override { return true; }
    uint64_t listen(std::function<void(const Json&)> fn) override {
        return d_.runs().listen("", std::move(fn)); // "" = every run
    }
    bool fresh(const Json& ev) const override {
        std::string run = ev.value("run_id", "");
        if (!runs_.empty() && !runs_.count(run)) return false;
        if (parse_iso8601_ms(ev.value("ts", "")) != from_.ts) return true;
        auto it = from_.at_ts.find(run);
        return it == from_.at_ts.end() || ev.value("seq", int64_t{0}) > it->second;
    }
    std::string advance(const Json& ev) override {
        int64_t ts = parse_iso8601_ms(ev.value("ts", ""));
        std::string run = ev.value("run_id", "");
        int64_t seq = ev.value("seq", int64_t{0});
        if (ts > cursor_.ts) {
            cursor_.ts = ts;
            cursor_.at_ts.clear();
        }
        if (ts == cursor_.ts) cursor_.at_ts[run] = std::max(cursor_.at_ts[run], seq);
        return cursor_.text();
    }
    std::string initial_id() const override { return cursor_.text(); }
    Json resync() const override { return {{"last_event_id", cursor_.text()}}; }

  private:
    Daemon& d_;
    std::set<std::string> runs_; // empty = every run
    const Cursor from_;          // where the client resumed (what it has)
    Cursor cursor_;              // what it has now
    bool replaying_;
    int64_t key_ts_; // the replay's position in (ts_ms, run_id, seq) order
    std::string key_run_;
    int64_t key_seq_ = 0;
};

} // namespace

Result<std::unique_ptr<SseFeed>> all_runs_feed(Daemon& d, std::set<std::string> run_ids,
                                               const std::string& last_event_id) {
    for (const auto& id : run_ids)
        if (!d.runs().find(id)) return make_error(not_found("no run \"" + id + "\""));
    Cursor from;
    from.ts = now_ms();
    bool resume = !last_event_id.empty();
    if (resume) {
        auto c = Cursor::parse(last_event_id);
        if (!c) return Error{c.error()};
        from = std::move(*c);
    }
    return std::unique_ptr<SseFeed>(
        std::make_unique<AllRunsFeed>(d, std::move(run_ids), std::move(from), resume));
}

} // namespace fab::http
