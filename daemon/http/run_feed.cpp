// The feed of GET /api/v1/runs/{id}/attach: one run's events after
// since_seq, each with its seq as `id:` (a client resumes with
// since_seq=<last id>); the stream ends after the run's terminal event.
#include "daemon/http/sse.hpp"

#include "daemon/runs/run_engine.hpp"

#include <algorithm>

namespace fab::http {

namespace {

class RunFeed final : public SseFeed {
  public:
    RunFeed(RunEngine& runs, std::string run_id, int64_t since)
        : runs_(runs), run_id_(std::move(run_id)), last_seq_(since), replayed_(since) {}

    Result<std::vector<Json>> replay(int64_t page) override {
        auto got = runs_.events(run_id_, replayed_, page);
        if (!got) return Error{got.error()};
        std::vector<Json> out;
        for (const auto& ev : (*got)["data"]) {
            replayed_ = std::max(replayed_, ev.value("seq", int64_t{0}));
            out.push_back(ev);
        }
        return out;
    }
    bool goes_live() const override {
        const Run* r = runs_.find(run_id_);
        return r && !runs::is_terminal(r->pos.status);
    }
    uint64_t listen(std::function<void(const Json&)> fn) override {
        return runs_.listen(run_id_, std::move(fn));
    }
    bool fresh(const Json& ev) const override {
        return ev.value("seq", int64_t{0}) > last_seq_; // replayed already
    }
    std::string advance(const Json& ev) override {
        last_seq_ = ev.value("seq", int64_t{0});
        return std::to_string(last_seq_);
    }
    Json resync() const override { return {{"resume_from_seq", last_seq_}, {"run_id", run_id_}}; }

  private:
    RunEngine& runs_;
    std::string run_id_;
    int64_t last_seq_; // the last seq put into the client's buffer
    int64_t replayed_; // the last seq read from the store
};

} // namespace

std::unique_ptr<SseFeed> run_feed(RunEngine& runs, std::string run_id, int64_t since_seq) {
    return std::make_unique<RunFeed>(runs, std::move(run_id), since_seq);
}

} // namespace fab::http
