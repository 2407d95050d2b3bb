#include "daemon/orchestrator/pr_watch.hpp"

#include "daemon/daemon.hpp"
#include "ev/stream.hpp"
#include "protocol/fields.hpp"
#include "protocol/messages.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/subprocess.hpp"
#include "util/time.hpp"

#include <algorithm>

namespace fab {

namespace prwatch {

Result<View> parse_view(const std::string& text) {
    Json j = Json::parse(text, nullptr, false);
    if (!j.is_object()) return make_error("gh pr view printed no JSON object");
    View v;
    v.state = str_or(j, "state");
    if (v.state.empty()) return make_error("gh pr view printed no state");
    auto read = [&v](const Json& j2, const char* key, const char* kind, const char* when) {
        const Json* list = j2.contains(key) && j2[key].is_array() ? &j2[key] : nullptr;
        if (!list) return;
        for (const auto& e : *list) {
            if (!e.is_object()) continue;
            Feedback f;
            f.kind = kind;
            f.id = str_or(e, "id");
            if (f.id.empty()) f.id = std::string(kind) + ":" + str_or(e, when); // older gh
            if (const Json* a = obj_ptr(e, "author")) f.author = str_or(*a, "login");
            f.state = str_or(e, "state");
            f.body = str_or(e, "body");
            // An approval without text says nothing to act on; kept as seen.
            v.feedback.push_back(std::move(f));
        }
    };
    read(j, "reviews", "review", "submittedAt");
    read(j, "comments", "comment", "createdAt");
    return v;
}

std::string feedback_message(const std::string& url, const std::vector<Feedback>& items) {
    std::string m = "New feedback on your pull request " + url + ":\n";
    for (const auto& f : items) {
        m += "\n- " + (f.author.empty() ? std::string("someone") : f.author);
        if (f.kind == "review")
            m += " (review" + (f.state.empty() ? std::string() : ", " + f.state) + ")";
        m += ": " + (f.body.empty() ? std::string("(no text)") : f.body) + "\n";
    }
    m += "\nAddress it in your worktree, commit, then run `fab agent done` again: the new "
         "commits go to the same pull request.";
    return m;
}

} // namespace prwatch

namespace {

// A Reply for requests the daemon makes of itself (issue.close and
// issue.commit when a pull request is merged): the same handlers as a user's.
class InternalResponder final : public Responder {
  public:
    explicit InternalResponder(std::function<void(Result<Json>)> done) : done_(std::move(done)) {}
    void send_ok(const Json& payload) override { done_(payload); }
    void send_error(const std::string& error) override { done_(make_error(error)); }
    bool send_event(const Json&) override { return true; }
    uint64_t client() const override { return 0; }

  private:
    std::function<void(Result<Json>)> done_;
};

void call(Daemon& d, const char* type, Json payload, std::function<void(Result<Json>)> done) {
    Request q{type, "", std::move(payload)};
    d.router().dispatch(q, Reply(std::make_shared<InternalResponder>(std::move(done))));
}

} // namespace

PrWatch::PrWatch(Daemon& d) : d_(d), file_(d.paths().fab_dir + "/pull-requests.json") {}

PrWatch::~PrWatch() {
    *alive_ = false;
}

void PrWatch::start() {
    // A small file, read once at start-up, before the loop serves anyone.
    if (auto text = read_file(file_)) {
        Json j = Json::parse(*text, nullptr, false);
        if (j.is_object())
            for (auto& [id, e] : j.items()) {
                if (!e.is_object()) continue;
                Pr& pr = prs_[id];
                pr.agent_id = id;
                pr.project = str_or(e, "project");
                pr.url = str_or(e, "url");
                pr.state = str_or(e, "state", "OPEN");
                if (auto seen = field_list(e, "seen")) pr.seen.insert(seen->begin(), seen->end());
            }
        else
            log::warn(file_ + " is not a JSON object; watching pull requests from the store");
    }
    // Pull requests opened before this file existed (or before a crash).
    if (auto cs = d_.store().recent_commits("", 1000); cs)
        for (const auto& c : *cs)
            if (c.strategy == "pull-request" && !c.pr_url.empty() && !prs_.count(c.agent_id))
                watch(c.project, c.agent_id, c.pr_url);
    // Agents that are gone (agent rm) or ended need no polling.
    for (auto it = prs_.begin(); it != prs_.end();) {
        Agent* a = d_.supervisor().find(it->first);
        if (!a)
            it = prs_.erase(it);
        else
            ++it;
    }
    timer_ = std::make_unique<ev::Timer>(d_.loop());
    timer_->start(1000, 1000, [this] { tick(); });
    timer_->unref();
}

void PrWatch::stop() {
    timer_.reset();
}

void PrWatch::watch(const std::string& project, const std::string& agent_id,
                    const std::string& url) {
    Pr& pr = prs_[agent_id];
    bool fresh = pr.url != url || pr.state != "OPEN";
    pr.project = project;
    pr.agent_id = agent_id;
    pr.url = url;
    if (fresh) pr.state = "OPEN";
    pr.interval_ms = prwatch::kFirstPollMs; // pushed again: feedback may come soon
    pr.due_ms = now_ms() + pr.interval_ms;
    save();
}

void PrWatch::tick() {
    int64_t now = now_ms();
    std::vector<std::string> due;
    for (auto& [id, pr] : prs_)
        if (pr.state == "OPEN" && !pr.polling && pr.due_ms <= now) due.push_back(id);
    for (const auto& id : due) {
        Agent* a = d_.supervisor().find(id);
        if (!a || is_final(a->state)) continue; // nobody to tell; polled when it is resumed
        poll(prs_[id]);
    }
}

void PrWatch::check_now(const std::string& agent_id, std::function<void(Result<Json>)> done) {
    std::vector<std::string> ids;
    for (auto& [id, pr] : prs_)
        if ((agent_id.empty() || id == agent_id)) ids.push_back(id);
    if (!agent_id.empty() && ids.empty())
        return done(make_error("agent " + agent_id + " has no pull request fab knows of"));
    auto results = std::make_shared<Json>(Json::array());
    auto left = std::make_shared<size_t>(ids.size());
    if (ids.empty()) return done(Json{{"pull_requests", *results}});
    for (const auto& id : ids) {
        Pr& pr = prs_[id];
        pr.waiters.push_back([results, left, done](Json one) {
            results->push_back(std::move(one));
            if (--*left == 0) done(Json{{"pull_requests", *results}});
        });
        if (pr.state != "OPEN") {
            auto w = std::move(pr.waiters);
            pr.waiters.clear();
            for (auto& f : w) f(pr_json(pr));
            continue;
        }
        if (!pr.polling) poll(pr);
    }
}

Json PrWatch::pr_json(const Pr& pr) const {
    return {{"agent_id", pr.agent_id},
            {"project", pr.project},
            {"url", pr.url},
            {"state", pr.state},
            {"new_feedback", pr.last_new},
            {"next_poll_s",
             pr.state == "OPEN" ? std::max<int64_t>(0, pr.due_ms - now_ms()) / 1000 : -1}};
}

void PrWatch::poll(Pr& pr) {
    pr.polling = true;
    RunSpec spec;
    spec.argv = {"gh", "pr", "view", pr.url, "--json", "state,reviews,comments"};
    // gh runs git itself: in the clone, with the daemon's git settings.
    spec.cwd = d_.paths().project_repo(pr.project);
    spec.env = d_.git().env();
    spec.timeout_ms = 60000;
    auto out = std::make_shared<Result<std::string>>(make_error("not run"));
    std::string id = pr.agent_id;
    ev::queue_work(
        d_.loop(),
        [spec, out] {
            auto r = run_process(spec);
            if (!r) {
                *out = make_error(r.error());
            } else if (r->exit_code == 127 || (!r->ok() && r->out.empty() && r->err.empty())) {
                *out = make_error("gh (the GitHub CLI) could not run: " +
                                  r->describe(spec.timeout_ms));
            } else if (!r->ok()) {
                std::string err = r->err.substr(0, r->err.find('\n'));
                *out =
                    make_error("gh pr view: " + (err.empty() ? r->describe(spec.timeout_ms) : err));
            } else {
                *out = std::move(r->out);
            }
        },
        [this, alive = alive_, id, out] {
            if (*alive) polled(id, std::move(*out));
        });
}

void PrWatch::polled(const std::string& agent_id, Result<std::string> out) {
    auto it = prs_.find(agent_id);
    if (it == prs_.end()) return;
    Pr& pr = it->second;
    pr.polling = false;
    pr.last_new = 0;
    auto view = out ? prwatch::parse_view(*out) : Result<prwatch::View>(make_error(out.error()));
    bool changed = false;
    if (!view) {
        log::warn("agent " + agent_id + ": pull request " + pr.url + ": " + view.error());
    } else {
        std::vector<prwatch::Feedback> fresh;
        for (const auto& f : view->feedback)
            if (pr.seen.insert(f.id).second && !(f.body.empty() && f.state == "APPROVED"))
                fresh.push_back(f);
        pr.last_new = fresh.size();
        if (!fresh.empty()) {
            changed = true;
            log::info("agent " + agent_id + ": " + std::to_string(fresh.size()) +
                      " new comment(s) on " + pr.url);
            d_.supervisor().send(
                agent_id, prwatch::feedback_message(pr.url, fresh), [agent_id](Status s) {
                    if (!s) log::warn("agent " + agent_id + ": review message: " + s.error());
                });
        }
        if (view->state == "MERGED") {
            changed = true;
            merged(pr);
        } else if (view->state == "CLOSED") {
            changed = true;
            closed(pr);
        }
    }
    // Backoff: a quiet (or failing) pull request is asked less often.
    pr.interval_ms = changed ? prwatch::kFirstPollMs
                             : std::min<int64_t>(pr.interval_ms * 2, prwatch::kMaxPollMs);
    pr.due_ms = now_ms() + pr.interval_ms;
    save();
    auto waiters = std::move(pr.waiters);
    pr.waiters.clear();
    Json j = pr_json(pr);
    if (!view) j["error"] = view.error();
    for (auto& w : waiters) w(j);
}

void PrWatch::merged(Pr& pr) {
    pr.state = "MERGED";
    std::string id = pr.agent_id, project = pr.project;
    log::info("agent " + id + ": pull request " + pr.url + " was merged; ending the agent");
    (void)d_.store().record_event("pull_request.merged", id + " " + pr.url);
    std::vector<std::string> tickets;
    if (auto cl = d_.store().claims(project); cl)
        for (const auto& c : *cl)
            if (c.agent_id == id) tickets.push_back(c.ticket);
    d_.orchestrators().release_claims(project, id); // publishes `claim` events
    close_tickets(project, std::move(tickets));
    d_.supervisor().retire(id); // ends after its turn, in state done: its slot is free
}

void PrWatch::closed(Pr& pr) {
    pr.state = "CLOSED";
    std::string id = pr.agent_id, project = pr.project;
    std::vector<std::string> tickets;
    if (auto cl = d_.store().claims(project); cl)
        for (const auto& c : *cl)
            if (c.agent_id == id) tickets.push_back(c.ticket);
    log::info("agent " + id + ": pull request " + pr.url + " was closed without merging");
    (void)d_.store().record_event("pull_request.closed", id + " " + pr.url);
    d_.orchestrators().release_claims(project, id);
    std::string msg = "Your pull request " + pr.url + " was closed without being merged.";
    if (!tickets.empty()) {
        msg += " Your ticket(s) ";
        for (size_t i = 0; i < tickets.size(); ++i) msg += (i ? ", " : "") + tickets[i];
        msg += " were released: another agent may take them.";
    }
    msg += " Stop working on it unless a human asks you to go on.";
    d_.supervisor().send(id, msg, [id](Status s) {
        if (!s) log::warn("agent " + id + ": closed-PR message: " + s.error());
    });
}

void PrWatch::close_tickets(const std::string& project, std::vector<std::string> tickets) {
    if (tickets.empty()) return;
    auto left = std::make_shared<size_t>(tickets.size());
    for (const auto& t : tickets)
        call(d_, msg::kIssueClose, {{"project", project}, {"id", t}},
             [this, alive = alive_, project, t, left](Result<Json> r) {
                 if (!r)
                     log::warn("project " + project + ": closing ticket " + t + ": " + r.error());
                 if (--*left != 0 || !*alive) return;
                 call(d_, msg::kIssueCommit,
                      {{"project", project}, {"message", "tickets: close (pull request merged)"}},
                      [project](Result<Json> c) {
                          if (!c) log::warn("project " + project + ": ticket commit: " + c.error());
                      });
             });
}

void PrWatch::save() {
    if (writing_) {
        write_again_ = true;
        return;
    }
    Json j = Json::object();
    for (const auto& [id, pr] : prs_)
        j[id] = {{"project", pr.project},
                 {"url", pr.url},
                 {"state", pr.state},
                 {"seen", std::vector<std::string>(pr.seen.begin(), pr.seen.end())}};
    writing_ = true;
    auto err = std::make_shared<Status>();
    ev::queue_work(
        d_.loop(),
        [file = file_, text = dump_json(j), err] { *err = write_file_atomic(file, text + "\n"); },
        [this, alive = alive_, err] {
            if (!*alive) return;
            writing_ = false;
            if (!*err) log::warn("pull requests: " + err->error());
            if (write_again_) {
                write_again_ = false;
                save();
            }
        });
}

} // namespace fab
