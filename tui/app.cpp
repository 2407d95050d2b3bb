#include "tui/app.hpp"
#include "protocol/messages.hpp"

#include "tui/keys.hpp"
#include "util/time.hpp"

#include <algorithm>
#include <csignal>
#include <poll.h>
#include <unistd.h>

namespace fab::tui {

namespace {
constexpr int kBackoffMin = 500, kBackoffMax = 8000; // ms
constexpr int kSpinnerMs = 120;
constexpr size_t kPage = 300; // transcript records per history request
} // namespace

App::App(uv_loop_t* loop, Screen& screen, Options opts)
    : loop_(loop), screen_(screen), opts_(std::move(opts)), client_(loop, opts_.socket),
      reconnect_(loop), spinner_(loop), clock_(loop), runs_poll_(loop), winch_(loop), term_(loop),
      hup_(loop), prepare_(loop), input_(loop, STDIN_FILENO) {}

void App::start() {
    canvas_.resize(screen_.rows(), screen_.cols());
    prepare_.start([this] { draw(); });
    input_.start([this](int status) {
        if (status < 0) return quit(); // the terminal went away
        on_keys();
    });
    winch_.start(SIGWINCH, [this](int) {
        screen_.resize();
        canvas_.resize(screen_.rows(), screen_.cols());
        dirty_ = true;
    });
    term_.start(SIGTERM, [this](int) { quit(); });
    hup_.start(SIGHUP, [this](int) { quit(); });
    // Signals alone must not keep the loop alive after quit.
    winch_.unref();
    term_.unref();
    hup_.unref();
    connect();
}

void App::quit() {
    quitting_ = true;
    client_.close();
    uv_stop(loop_);
}

void App::notify(const std::string& text, bool error) {
    vs_.message = text;
    vs_.message_is_error = error;
    dirty_ = true;
}

// ---- connection ---------------------------------------------------------

void App::connect() {
    reconnect_.stop();
    client_.connect([this](Result<Json>) { on_up(); }, [this](const Json& ev) { on_event(ev); },
                    [this](const std::string& why) { on_down(why); });
}

void App::on_down(const std::string& why) {
    if (quitting_) return;
    model_.conn = Conn::reconnecting;
    model_.conn_error = why;
    for (const auto& a : model_.agents()) a->history_pending = false;
    dirty_ = true;
    reconnect_.start(static_cast<uint64_t>(backoff_ms_), 0, [this] { connect(); });
    backoff_ms_ = std::min(backoff_ms_ * 2, kBackoffMax);
}

void App::on_up() {
    backoff_ms_ = kBackoffMin;
    model_.conn = Conn::connected;
    model_.conn_error.clear();
    dirty_ = true;
    // Subscribe first, then the snapshots: nothing falls between the two.
    // `since` resumes every chat we hold exactly after its last record.
    client_.request(msg::kAttach, {{"since", model_.since_offsets()}}, [this](Result<Json> r) {
        if (!r) return notify("attach: " + r.error(), true);
        model_.set_agents(r->value("agents", Json::array()));
        after_change();
    });
    client_.request(msg::kStatus, Json::object(), [this](Result<Json> r) {
        if (!r) return notify("status: " + r.error(), true);
        model_.set_status(*r);
        after_change();
    });
    client_.request(msg::kPermissionList, Json::object(), [this](Result<Json> r) {
        if (r) model_.set_pending(r->value("requests", Json::array()), false);
        after_change();
    });
    client_.request(msg::kQuestionList, Json::object(), [this](Result<Json> r) {
        if (r) model_.set_pending(r->value("questions", Json::array()), true);
        after_change();
    });
}

void App::on_event(const Json& ev) {
    Model::Applied a = Model::Applied::nothing;
    // Reading back in the chat while the agent writes: keep the text still.
    const AgentInfo* sel = vs_.scroll > 0 ? model_.find(vs_.selected) : nullptr;
    int64_t before = sel ? sel->chat_last : -1;
    try {
        a = model_.apply_event(ev);
        if (a == Model::Applied::changed && ev.value("event", "") == msg::kEvAgentCreated) {
            // The daemon announces an agent before its host starts, so this
            // finds nothing to fetch; it stays as a safety net: an agent we meet
            // with output already written (e.g. one announced while we were
            // re-attaching) gets its history into the chat and the activity.
            const AgentInfo* n = model_.find(ev.at("agent").value("id", ""));
            if (n && n->chat_first < 0 && n->last_offset >= 0) request_older(n->id);
        }
    } catch (const std::exception& e) { // a malformed event must not end the TUI
        notify(std::string("bad event from the daemon: ") + e.what(), true);
        return;
    }
    if (a == Model::Applied::resync) {
        // We fell behind and the daemon stopped sending: attach again from
        // our offsets (the chat windows stay, the gaps are replayed).
        notify("caught up after falling behind");
        client_.close();
        connect();
        return;
    }
    if (sel && chat_width_ > 0 && sel->chat_last > before) {
        int added = 0;
        for (auto it = sel->chat.rbegin(); it != sel->chat.rend() && it->offset > before; ++it)
            added += static_cast<int>(
                item_lines(*it, chat_width_, vs_.expanded, glyphs(screen_.unicode())).size());
        vs_.scroll += added;
    }
    if (a == Model::Applied::changed) after_change();
}

void App::after_change() {
    ensure_selection();
    modes_.sync(context());
    dirty_ = true;
}

// ---- selection and history -----------------------------------------------

void App::ensure_selection() {
    visible_ = filter_agents(model_, modes_.filter());
    for (const auto* a : visible_)
        if (a->id == vs_.selected) return;
    if (!visible_.empty())
        select(visible_.front()->id);
    else
        vs_.selected.clear();
}

void App::select(const std::string& id) {
    if (vs_.selected != id) vs_.scroll = 0;
    vs_.selected = id;
    model_.set_focus(id);
    dirty_ = true;
}

void App::request_older(const std::string& id) {
    AgentInfo* a = model_.find(id);
    if (!a || a->history_pending || !client_.up() || history_failed_ == id) return;
    int64_t since = 0, until = 0;
    if (!model_.next_page(*a, kPage, since, until)) return;
    a->history_pending = true;
    // `before` makes the daemon read from the end of the transcript; `since`
    // gives the same records from a daemon that does not know `before`.
    client_.request(msg::kAgentChatHistory,
                    {{"id", id}, {"since", since}, {"before", until}, {"limit", until - since}},
                    [this, id, since, until](Result<Json> r) {
                        AgentInfo* ag = model_.find(id);
                        if (!ag) return;
                        if (!r) {
                            ag->history_pending = false;
                            // Not retried by itself (that would spin): a
                            // scroll or another selection asks again.
                            history_failed_ = id;
                            return notify("history of " + id + ": " + r.error(), true);
                        }
                        model_.add_history(id, r->value("records", Json::array()), since, until);
                        dirty_ = true;
                    });
}

Context App::context() const {
    Context c;
    c.projects = model_.projects();
    for (const PlanRow& p : vs_.plans) c.plans.push_back(p.id);
    for (const RunRow& r : vs_.runs) c.runs.push_back(r.id);
    const AgentInfo* a = model_.find(vs_.selected);
    if (!a) return c;
    c.agent = a->id;
    c.project = a->project;
    c.agent_final = a->final();
    if (const PendingRequest* p = model_.pending_for(a->id)) {
        c.pending_id = p->id;
        c.pending_question = p->question;
        c.question_options = p->options.size();
    }
    for (const auto& other : model_.agents())
        if (other->id != a->id && model_.pending_for(other->id)) {
            c.other_waiting = other->id;
            break;
        }
    return c;
}

// ---- keys and actions ------------------------------------------------------

void App::on_keys() {
    int k = screen_.read_key();
    if (k == -1) {
        // Readable but no key: a hung-up terminal would wake us forever.
        pollfd p{STDIN_FILENO, POLLIN, 0};
        if (::poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL))) quit();
        return;
    }
    for (; k != -1; k = screen_.read_key()) {
        if (k == -2) continue;
        if (k == key::kResize) {
            canvas_.resize(screen_.rows(), screen_.cols());
            dirty_ = true;
            continue;
        }
        vs_.message.clear();
        history_failed_.clear();
        dirty_ = true;
        for (const Action& a : modes_.key(k, context())) apply(a);
        if (quitting_) return;
    }
}

void App::apply(const Action& a) {
    using T = Action::Type;
    auto report = [this](std::string what) {
        return [this, what](Result<Json> r) {
            if (!r)
                notify(what + ": " + r.error(), true);
            else
                notify(what + ": done");
        };
    };
    switch (a.type) {
    case T::quit:
        quit();
        return;
    case T::select: {
        if (visible_.empty()) return;
        int cur = 0;
        for (size_t i = 0; i < visible_.size(); ++i)
            if (visible_[i]->id == vs_.selected) cur = static_cast<int>(i);
        int next = std::clamp(cur + a.n, 0, static_cast<int>(visible_.size()) - 1);
        select(visible_[static_cast<size_t>(next)]->id);
        return;
    }
    case T::scroll:
        vs_.scroll = std::max(0, vs_.scroll + a.n);
        return;
    case T::scroll_page: {
        int half = std::max(1, (canvas_.rows() - 6) / 2);
        vs_.scroll = std::max(0, vs_.scroll + a.n * half);
        return;
    }
    case T::scroll_to:
        vs_.scroll = a.n == 0 ? 0 : 1 << 28; // clamped by the chat view
        return;
    case T::toggle_expand:
        vs_.expanded = !vs_.expanded;
        return;
    case T::filter:
        vs_.list_top = 0;
        after_change();
        return;
    case T::send:
        client_.request(msg::kAgentSendMessage, {{"id", a.id}, {"text", a.text}},
                        report("message to " + a.id));
        vs_.scroll = 0;
        return;
    case T::abort:
        client_.request(msg::kAgentAbort, {{"id", a.id}}, report("abort " + a.id));
        return;
    case T::respond: {
        Json p = {{"id", a.id}, {"allow", a.allow}, {"always", a.always}};
        std::string id = a.id;
        client_.request(msg::kPermissionRespond, p, [this, id, allow = a.allow](Result<Json> r) {
            if (!r) return notify("permission " + id + ": " + r.error(), true);
            notify(std::string(allow ? "allowed" : "denied") + " (" + id + ")");
        });
        return;
    }
    case T::answer:
        client_.request(msg::kQuestionRespond, {{"id", a.id}, {"answer", a.text}},
                        report("answer"));
        return;
    case T::plan:
        client_.request(msg::kPlanStart, {{"project", a.project}, {"prompt", a.text}},
                        [this](Result<Json> r) {
                            if (!r) return notify("planner: " + r.error(), true);
                            std::string id = r->value("agent", Json::object()).value("id", "");
                            notify("planner " + id + " started");
                            if (!id.empty()) select(id);
                        });
        return;
    case T::manager: {
        // The project's manager if it runs; else ask the daemon for one.
        for (const auto& ag : model_.agents())
            if (ag->kind == "manager" && ag->project == a.project && !ag->final()) {
                if (!modes_.filter().empty()) notify("the filter may hide the manager");
                select(ag->id);
                return;
            }
        client_.request(msg::kManagerStart, {{"project", a.project}}, [this](Result<Json> r) {
            if (!r) return notify("manager: " + r.error(), true);
            std::string id = r->value("agent", Json::object()).value("id", "");
            if (id.empty()) id = r->value("id", "");
            notify("manager " + id);
            if (!id.empty()) select(id);
        });
        return;
    }
    case T::manager_stop:
        client_.request(
            msg::kManagerStop, {{"project", a.project}}, [this, p = a.project](Result<Json> r) {
                if (!r) return notify("manager of " + p + ": " + r.error(), true);
                notify(r->value("stopped", false) ? "stopping the manager of " + p
                                                  : "the manager of " + p + " is not running");
            });
        return;
    case T::director: {
        for (const auto& ag : model_.agents())
            if (ag->kind == "director" && !ag->final()) {
                if (!modes_.filter().empty()) notify("the filter may hide the director");
                select(ag->id);
                return;
            }
        client_.request(msg::kDirectorStart, Json::object(), [this](Result<Json> r) {
            if (!r) return notify("director: " + r.error(), true);
            std::string id = r->value("agent", Json::object()).value("id", "");
            notify("director " + id);
            if (!id.empty()) select(id);
        });
        return;
    }
    case T::director_stop:
        client_.request(msg::kDirectorStop, Json::object(), [this](Result<Json> r) {
            if (!r) return notify("director: " + r.error(), true);
            notify(r->value("stopped", false) ? "stopping the director"
                                              : "the director is not running");
        });
        return;
    case T::orchestrator: {
        std::string what = std::string(a.allow ? "start" : "stop");
        client_.request(
            "project." + what, {{"name", a.project}}, [this, what, p = a.project](Result<Json> r) {
                if (!r) return notify(what + " " + p + ": " + r.error(), true);
                std::string state = p;
                for (const auto& pj : r->value("projects", Json::array()))
                    state = pj.value("name", p) + ": orchestrator " + pj.value("state", "?");
                notify(state);
            });
        return;
    }
    case T::plans:
        vs_.plans_note = "loading…";
        client_.request(msg::kPlanList, Json::object(), [this](Result<Json> r) {
            vs_.plans.clear();
            dirty_ = true;
            if (!r) {
                vs_.plans_note = "plans: " + r.error();
                return;
            }
            for (const auto& p : r->value("plans", Json::array()))
                vs_.plans.push_back({p.value("id", ""), p.value("title", ""),
                                     p.value("project", ""), p.value("created", "")});
            vs_.plans_note = vs_.plans.empty() ? "no stored plans: p starts a planner" : "";
        });
        return;
    case T::plan_read:
        vs_.plan_text.clear();
        vs_.plans_note = "loading…";
        client_.request(msg::kPlanRead, {{"id", a.id}}, [this, id = a.id](Result<Json> r) {
            dirty_ = true;
            if (!r) {
                vs_.plans_note = "plan " + id + ": " + r.error();
                return;
            }
            vs_.plan_text = r->value("plan", Json::object()).value("body", "");
            if (vs_.plan_text.empty()) vs_.plans_note = "(the plan is empty)";
        });
        return;
    case T::runs:
        vs_.runs_note = "loading…";
        return fetch_runs();
    case T::run_events:
        return fetch_run_events(a.id, true);
    case T::plan_tickets:
        client_.request(msg::kPlanTickets, {{"id", a.id}}, [this, id = a.id](Result<Json> r) {
            if (!r) return notify("tickets from plan " + id + ": " + r.error(), true);
            std::string epic = r->value("epic", Json::object()).value("id", "");
            notify("plan " + id + ": epic " + epic + " and " +
                   std::to_string(r->value("children", Json::array()).size()) + " ticket(s)");
        });
        return;
    case T::plan_run:
        client_.request(msg::kPlanRun, {{"id", a.id}}, [this, id = a.id](Result<Json> r) {
            if (!r) return notify("run plan " + id + ": " + r.error(), true);
            std::string agent = r->value("agent", Json::object()).value("id", "");
            notify("plan " + id + ": agent " + agent + " started");
            if (!agent.empty()) select(agent);
        });
        return;
    case T::reconnect:
        backoff_ms_ = kBackoffMin;
        model_.conn = Conn::connecting;
        client_.close();
        connect();
        return;
    case T::message:
        notify(a.text);
        return;
    }
}

// ---- drawing ---------------------------------------------------------------

void App::draw() {
    if (!dirty_ || quitting_) return;
    dirty_ = false;
    vs_.now_ms = now_ms();
    visible_ = filter_agents(model_, modes_.filter());
    Context ctx = context();
    Frame f{model_, modes_, ctx, vs_, glyphs(screen_.unicode()), visible_};
    RenderInfo info = render(canvas_, f);
    chat_width_ = info.layout.chat.cols - 2; // as draw_chat wraps
    screen_.draw(canvas_);
    ++frames_;
    // The chat reached the top of what is loaded: fetch the page before it.
    if (info.wants_older && !ctx.agent.empty()) {
        const AgentInfo* a = model_.find(ctx.agent);
        if (a && a->has_older()) request_older(ctx.agent);
    }
    bool spin = model_.any_running();
    if (spin != spinning_) {
        spinning_ = spin;
        if (spin)
            spinner_.start(kSpinnerMs, kSpinnerMs, [this] {
                ++vs_.spinner;
                dirty_ = true;
            });
        else
            spinner_.stop();
    }
    // Running times of idle agents: a redraw every 30 s (no request, no
    // polling), only while some agent is alive and the spinner is not running.
    bool live = false;
    for (const auto& ag : model_.agents()) live = live || !ag->final();
    bool tick = live && !spin;
    if (tick != ticking_) {
        ticking_ = tick;
        if (tick)
            clock_.start(30000, 30000, [this] { dirty_ = true; });
        else
            clock_.stop();
    }
    poll_runs();
    if (opts_.frames >= 0 && frames_ >= opts_.frames) quit();
}

} // namespace fab::tui
