#include "tui/modes.hpp"

#include "tui/keys.hpp"

namespace fab::tui {

namespace {
using T = Action::Type;

Action act(T t, int n = 0) {
    Action a{t};
    a.n = n;
    return a;
}
Action with_id(T t, std::string id, std::string text = {}) {
    Action a{t};
    a.id = std::move(id);
    a.text = std::move(text);
    return a;
}
Action message(std::string text) {
    Action a{T::message};
    a.text = std::move(text);
    return a;
}
Action respond(const std::string& id, bool allow, bool always = false) {
    Action a{T::respond};
    a.id = id;
    a.allow = allow;
    a.always = always;
    return a;
}
constexpr int kFar = 1000000;

using K = std::array<int32_t, 3>;
constexpr Binding kNormalKeys[] = {
    {K{'j', key::kDown}, "j ↓", "select the next agent (chat focus: scroll down)", Cmd::down},
    {K{'k', key::kUp}, "k ↑", "select the previous agent (chat focus: scroll up)", Cmd::up},
    {K{'g', key::kHome}, "g Home", "the first agent (chat focus: the top)", Cmd::top},
    {K{'G', key::kEnd}, "G End", "the last agent (chat focus: the bottom, following)", Cmd::bottom},
    {K{key::kCtrlU, key::kPageUp}, "Ctrl-U PgUp", "scroll the chat up half a page", Cmd::page_up},
    {K{key::kCtrlD, key::kPageDown}, "Ctrl-D PgDn", "scroll the chat down half a page",
     Cmd::page_down},
    {K{key::kTab, key::kBackTab}, "Tab", "focus the agent list or the chat", Cmd::focus},
    {K{key::kEnter, 'i'}, "Enter i", "type a message to the agent (chat focus: Enter expands)",
     Cmd::type},
    {K{'y'}, "y", "allow the pending tool call, or answer the question", Cmd::allow},
    {K{'a'}, "a", "always allow it (adds a project rule)", Cmd::always},
    {K{'n'}, "n", "deny the tool call, or decline the question", Cmd::deny},
    {K{'x'}, "x", "abort the agent (asks first)", Cmd::abort},
    {K{'o'}, "o", "expand or summarise tool output", Cmd::expand},
    {K{'p'}, "p", "start a planner", Cmd::plan},
    {K{'P'}, "P", "browse the stored plans", Cmd::plans},
    {K{'R'}, "R", "the runs (server mode): status, stage, age, events", Cmd::runs},
    {K{'s'}, "s", "the project's manager (started when none runs)", Cmd::manager},
    {K{'S'}, "S", "stop the project's manager", Cmd::manager_stop},
    {K{'d'}, "d", "the director (started when none runs)", Cmd::director},
    {K{'D'}, "D", "stop the director", Cmd::director_stop},
    {K{'O'}, "O", "start the project's orchestrator", Cmd::orchestrator_start},
    {K{'X'}, "X", "stop the project's orchestrator", Cmd::orchestrator_stop},
    {K{'/'}, "/", "filter the agents", Cmd::filter},
    {K{key::kEsc}, "Esc", "clear the filter", Cmd::clear_filter},
    {K{'r'}, "r", "reconnect to the daemon now", Cmd::reconnect},
    {K{'?'}, "?", "this help", Cmd::help},
    {K{'q', key::kCtrlC}, "q Ctrl-C", "quit", Cmd::quit},
};
constexpr Binding kFilterKeys[] = {
    {K{key::kEnter}, "Enter", "keep the filter", Cmd::keep},
    {K{key::kEsc, key::kCtrlC}, "Esc Ctrl-C", "clear the filter", Cmd::cancel},
    {K{key::kDown}, "↓", "select the next agent", Cmd::down},
    {K{key::kUp}, "↑", "select the previous agent", Cmd::up},
};
constexpr Binding kTypingKeys[] = {
    {K{key::kEnter}, "Enter", "send it (the prompt: start the planner)", Cmd::send},
    {K{key::kEsc, key::kCtrlC}, "Esc Ctrl-C", "cancel", Cmd::cancel},
};
constexpr Binding kConfirmKeys[] = {
    {K{'y', 'Y', key::kEnter}, "y Enter", "abort the agent", Cmd::yes},
    {K{}, "any other key", "keep it running", Cmd::no},
};
constexpr Binding kQuestionKeys[] = {
    {K{'j', key::kDown}, "j ↓", "the next option", Cmd::down},
    {K{'k', key::kUp}, "k ↑", "the previous option", Cmd::up},
    {K{'1'}, "1-9", "that option", Cmd::number},
    {K{key::kEnter, 'y'}, "Enter y", "answer with it (Other: type an answer)", Cmd::choose},
    {K{'n'}, "n", "decline the question", Cmd::decline},
    {K{key::kEsc, 'q', key::kCtrlC}, "Esc q", "back", Cmd::cancel},
};
constexpr Binding kProjectKeys[] = {
    {K{'j', key::kDown}, "j ↓", "the next project", Cmd::down},
    {K{'k', key::kUp}, "k ↑", "the previous project", Cmd::up},
    {K{'1'}, "1-9", "that project", Cmd::number},
    {K{key::kEnter, 'y'}, "Enter", "type the planner's prompt", Cmd::choose},
    {K{key::kEsc, 'q', key::kCtrlC}, "Esc q", "cancel", Cmd::cancel},
};
constexpr Binding kPlansKeys[] = {
    {K{'j', key::kDown}, "j ↓", "the next plan", Cmd::down},
    {K{'k', key::kUp}, "k ↑", "the previous plan", Cmd::up},
    {K{key::kEnter}, "Enter", "read the plan", Cmd::read},
    {K{'t'}, "t", "turn the plan into tickets (an epic and its steps)", Cmd::tickets},
    {K{'R'}, "R", "run it: a task agent carries the plan out", Cmd::run},
    {K{'r'}, "r", "list the plans again", Cmd::plans},
    {K{key::kEsc, 'q', key::kCtrlC}, "Esc q", "back", Cmd::close},
};
constexpr Binding kPlanReadKeys[] = {
    {K{'j', key::kDown}, "j ↓", "scroll down", Cmd::down},
    {K{'k', key::kUp}, "k ↑", "scroll up", Cmd::up},
    {K{key::kCtrlD, key::kPageDown, ' '}, "Ctrl-D PgDn Space", "half a page down", Cmd::page_down},
    {K{key::kCtrlU, key::kPageUp}, "Ctrl-U PgUp", "half a page up", Cmd::page_up},
    {K{'t'}, "t", "turn the plan into tickets", Cmd::tickets},
    {K{'R'}, "R", "run it: a task agent carries the plan out", Cmd::run},
    {K{key::kEsc, 'q', key::kCtrlC}, "Esc q", "back to the plans", Cmd::close},
};
constexpr Binding kRunsKeys[] = {
    {K{'j', key::kDown}, "j ↓", "the next run", Cmd::down},
    {K{'k', key::kUp}, "k ↑", "the previous run", Cmd::up},
    {K{key::kEnter}, "Enter", "the run's events (live)", Cmd::read},
    {K{'r'}, "r", "list the runs again", Cmd::runs},
    {K{key::kEsc, 'q', key::kCtrlC}, "Esc q", "back", Cmd::close},
};
constexpr Binding kRunReadKeys[] = {
    {K{'j', key::kDown}, "j ↓", "scroll down", Cmd::down},
    {K{'k', key::kUp}, "k ↑", "scroll up", Cmd::up},
    {K{key::kCtrlD, key::kPageDown, ' '}, "Ctrl-D PgDn Space", "half a page down", Cmd::page_down},
    {K{key::kCtrlU, key::kPageUp}, "Ctrl-U PgUp", "half a page up", Cmd::page_up},
    {K{key::kEsc, 'q', key::kCtrlC}, "Esc q", "back to the runs", Cmd::close},
};
constexpr Binding kHelpKeys[] = {
    {K{'j', key::kDown}, "j ↓", "scroll down", Cmd::down},
    {K{'k', key::kUp}, "k ↑", "scroll up", Cmd::up},
    {K{key::kCtrlD, key::kPageDown, ' '}, "Ctrl-D PgDn Space", "half a page down", Cmd::page_down},
    {K{key::kCtrlU, key::kPageUp}, "Ctrl-U PgUp", "half a page up", Cmd::page_up},
    {K{key::kEsc, 'q', '?'}, "Esc q ?", "close the help", Cmd::close},
};

const std::vector<KeyTable>& tables() {
    static const std::vector<KeyTable> t = {
        {"Agents and chat", {Mode::normal}, kNormalKeys},
        {"Filter (/)", {Mode::filter}, kFilterKeys},
        {"Message, planner prompt, free-text answer",
         {Mode::input, Mode::plan_prompt, Mode::question_other},
         kTypingKeys},
        {"Abort confirmation (x)", {Mode::confirm_abort}, kConfirmKeys},
        {"Question (y on a question)", {Mode::question}, kQuestionKeys},
        {"Planner's project (p)", {Mode::plan_project}, kProjectKeys},
        {"Plans (P)", {Mode::plans}, kPlansKeys},
        {"Reading a plan (Enter in Plans)", {Mode::plan_read}, kPlanReadKeys},
        {"Runs (R)", {Mode::runs}, kRunsKeys},
        {"A run's events (Enter in Runs)", {Mode::run_read}, kRunReadKeys},
        {"Help (?)", {Mode::help}, kHelpKeys},
    };
    return t;
}

// The command of key `k` in mode `m`; `fallback` when the table has no line for it.
Cmd lookup(Mode m, int k, Cmd fallback) {
    for (const KeyTable& t : tables()) {
        bool ours = false;
        for (Mode tm : t.modes) ours = ours || tm == m;
        if (!ours) continue;
        for (const Binding& b : t.keys) {
            if (b.cmd == Cmd::number && k >= '1' && k <= '9') return Cmd::number;
            for (int32_t bk : b.keys)
                if (bk != 0 && bk == k) return b.cmd;
        }
    }
    return fallback;
}
} // namespace

std::span<const KeyTable> key_tables() {
    return tables();
}

std::vector<HelpSection> help_sections() {
    std::vector<HelpSection> out;
    for (const KeyTable& t : tables()) {
        HelpSection h{t.title, {}};
        for (const Binding& b : t.keys) h.keys.emplace_back(b.label, b.what);
        out.push_back(std::move(h));
    }
    HelpSection ed{"Typing (message, prompt, answer, filter)", {}};
    for (const EditBinding& b : edit_keys()) ed.keys.emplace_back(b.label, b.what);
    ed.keys.emplace_back("other keys", "typed");
    out.push_back(std::move(ed));
    return out;
}

const char* mode_name(Mode m) {
    switch (m) {
    case Mode::normal:
        return "normal";
    case Mode::filter:
        return "filter";
    case Mode::input:
        return "input";
    case Mode::confirm_abort:
        return "confirm_abort";
    case Mode::question:
        return "question";
    case Mode::question_other:
        return "question_other";
    case Mode::plan_project:
        return "plan_project";
    case Mode::plan_prompt:
        return "plan_prompt";
    case Mode::help:
        return "help";
    case Mode::plans:
        return "plans";
    case Mode::plan_read:
        return "plan_read";
    case Mode::runs:
        return "runs";
    case Mode::run_read:
        return "run_read";
    }
    return "?";
}

std::vector<Action> Modes::normal(Cmd c, int k, const Context& ctx) {
    bool chat = focus_ == Focus::chat;
    auto project_action = [&](T t) -> std::vector<Action> {
        std::string p = !ctx.project.empty()   ? ctx.project
                        : ctx.projects.empty() ? std::string()
                                               : ctx.projects.front();
        if (p.empty()) return {message("no project: add one with fab project add")};
        Action a{t};
        a.project = p;
        return {a};
    };
    switch (c) {
    case Cmd::quit:
        return {act(T::quit)};
    case Cmd::focus:
        focus_ = chat ? Focus::agents : Focus::chat;
        return {};
    case Cmd::down:
        return {chat ? act(T::scroll, -1) : act(T::select, 1)};
    case Cmd::up:
        return {chat ? act(T::scroll, 1) : act(T::select, -1)};
    case Cmd::top:
        return {chat ? act(T::scroll_to, 1) : act(T::select, -kFar)};
    case Cmd::bottom:
        return {chat ? act(T::scroll_to, 0) : act(T::select, kFar)};
    case Cmd::page_up:
        return {act(T::scroll_page, 1)};
    case Cmd::page_down:
        return {act(T::scroll_page, -1)};
    case Cmd::expand:
        return {act(T::toggle_expand)};
    case Cmd::reconnect:
        return {act(T::reconnect)};
    case Cmd::filter:
        filter_ed_.set(filter_);
        enter(Mode::filter);
        return {};
    case Cmd::clear_filter:
        if (!filter_.empty()) {
            filter_.clear();
            return {with_id(T::filter, "", "")};
        }
        return {};
    case Cmd::help:
        back_ = Mode::normal;
        scroll_ = 0;
        enter(Mode::help);
        return {};
    case Cmd::manager:
        return project_action(T::manager);
    case Cmd::manager_stop:
        return project_action(T::manager_stop);
    case Cmd::orchestrator_start:
    case Cmd::orchestrator_stop: {
        auto out = project_action(T::orchestrator);
        if (out.front().type == T::orchestrator) out.front().allow = c == Cmd::orchestrator_start;
        return out;
    }
    case Cmd::director:
        return {act(T::director)};
    case Cmd::director_stop:
        return {act(T::director_stop)};
    case Cmd::plans:
        choice_ = 0;
        scroll_ = 0;
        enter(Mode::plans);
        return {act(T::plans)};
    case Cmd::runs:
        choice_ = 0;
        scroll_ = 0;
        enter(Mode::runs);
        return {act(T::runs)};
    case Cmd::plan:
        if (ctx.projects.empty()) return {message("no project: add one with fab project add")};
        editor_.clear();
        choice_ = 0;
        for (size_t i = 0; i < ctx.projects.size(); ++i)
            if (ctx.projects[i] == ctx.project) choice_ = i;
        if (ctx.projects.size() == 1) {
            target_ = ctx.projects[0];
            enter(Mode::plan_prompt);
        } else {
            choices_ = ctx.projects.size();
            enter(Mode::plan_project);
        }
        return {};
    default:
        break;
    }
    // The rest act on the selected agent.
    if (c != Cmd::type && c != Cmd::abort && c != Cmd::allow && c != Cmd::always && c != Cmd::deny)
        return {};
    if (ctx.agent.empty()) return {message("no agent selected")};
    switch (c) {
    case Cmd::type:
        if (k == key::kEnter && chat) return {act(T::toggle_expand)};
        if (k == key::kEnter && ctx.pending_question) break; // answer it, as with y
        target_ = ctx.agent;
        editor_.clear();
        enter(Mode::input);
        return {};
    case Cmd::abort:
        if (ctx.agent_final) return {message("agent " + ctx.agent + " has already finished")};
        target_ = ctx.agent;
        enter(Mode::confirm_abort);
        return {};
    default: // allow, always, deny
        if (ctx.pending_id.empty())
            return {message("nothing to approve for " + ctx.agent +
                            (ctx.other_waiting.empty()
                                 ? std::string()
                                 : "; " + ctx.other_waiting + " is waiting (j/k to select it)"))};
        if (c == Cmd::deny) return {respond(ctx.pending_id, false)};
        if (!ctx.pending_question) return {respond(ctx.pending_id, true, c == Cmd::always)};
        break; // y on a question: choose an option
    }
    // Answering a question.
    target_ = ctx.pending_id;
    choices_ = ctx.question_options + 1; // the options, then "Other"
    choice_ = 0;
    enter(Mode::question);
    return {};
}

// question, plan_project and plans: a list to choose from.
std::vector<Action> Modes::choosing(Cmd c, int k, const Context& ctx) {
    size_t n = mode_ == Mode::plans  ? ctx.plans.size()
               : mode_ == Mode::runs ? ctx.runs.size()
                                     : choices_;
    switch (c) {
    case Cmd::cancel:
    case Cmd::close:
        enter(Mode::normal);
        return {};
    case Cmd::down:
        if (choice_ + 1 < n) ++choice_;
        return {};
    case Cmd::up:
        if (choice_ > 0) --choice_;
        return {};
    case Cmd::number:
        if (static_cast<size_t>(k - '1') < n) choice_ = static_cast<size_t>(k - '1');
        return {};
    case Cmd::decline:
        enter(Mode::normal);
        return {respond(target_, false)};
    case Cmd::plans:
        return {act(T::plans)};
    case Cmd::runs:
        return {act(T::runs)};
    case Cmd::read:
        if (mode_ == Mode::runs) {
            if (n == 0) return {message("no runs (fab run submit queues one)")};
            target_ = ctx.runs[std::min(choice_, n - 1)];
            scroll_ = 0;
            enter(Mode::run_read);
            return {with_id(T::run_events, target_)};
        }
        [[fallthrough]];
    case Cmd::tickets:
    case Cmd::run: {
        if (n == 0) return {message("no stored plans (p starts a planner)")};
        std::string id = ctx.plans[std::min(choice_, n - 1)];
        if (c == Cmd::read) {
            target_ = id;
            scroll_ = 0;
            enter(Mode::plan_read);
            return {with_id(T::plan_read, id)};
        }
        return {with_id(c == Cmd::run ? T::plan_run : T::plan_tickets, id)};
    }
    case Cmd::choose:
        if (mode_ == Mode::plan_project) {
            target_ = ctx.projects.empty()
                          ? ""
                          : ctx.projects[std::min(choice_, ctx.projects.size() - 1)];
            editor_.clear();
            enter(Mode::plan_prompt);
            return {};
        }
        if (choice_ + 1 == choices_) { // "Other": a free-text answer
            editor_.clear();
            enter(Mode::question_other);
            return {};
        }
        enter(Mode::normal);
        return {with_id(T::answer, target_, std::to_string(choice_ + 1))};
    default:
        return {};
    }
}

std::vector<Action> Modes::key(int k, const Context& ctx) {
    // A key no table lists: typed into an editor, or ignored (or, in the
    // abort confirmation, "any other key").
    Cmd c = lookup(mode_, k, mode_ == Mode::confirm_abort ? Cmd::no : Cmd::none);
    switch (mode_) {
    case Mode::normal:
        return c == Cmd::none ? std::vector<Action>{} : normal(c, k, ctx);

    case Mode::filter:
        if (c == Cmd::keep) {
            enter(Mode::normal);
            return {};
        }
        if (c == Cmd::cancel) {
            filter_.clear();
            enter(Mode::normal);
            return {with_id(T::filter, "", "")};
        }
        if (c == Cmd::up || c == Cmd::down) return {act(T::select, c == Cmd::up ? -1 : 1)};
        if (filter_ed_.key(k) && filter_ed_.text() != filter_) {
            filter_ = filter_ed_.text();
            return {with_id(T::filter, "", filter_)};
        }
        return {};

    case Mode::input:
    case Mode::plan_prompt:
    case Mode::question_other:
        if (c == Cmd::cancel) {
            enter(mode_ == Mode::question_other ? Mode::question : Mode::normal);
            return {};
        }
        if (c == Cmd::send) {
            std::string text = editor_.text();
            if (text.find_first_not_of(" \n\t") == std::string::npos)
                return {message("type something first (Esc cancels)")};
            editor_.remember(text);
            editor_.clear();
            Mode was = mode_;
            enter(Mode::normal);
            if (was == Mode::input) return {with_id(T::send, target_, text)};
            if (was == Mode::question_other) return {with_id(T::answer, target_, text)};
            Action a{T::plan};
            a.project = target_;
            a.text = text;
            return {a};
        }
        editor_.key(k);
        return {};

    case Mode::confirm_abort:
        enter(Mode::normal);
        if (c == Cmd::yes) return {with_id(T::abort, target_)};
        return {message("abort cancelled")};

    case Mode::question:
    case Mode::plan_project:
    case Mode::plans:
    case Mode::runs:
        return choosing(c, k, ctx);

    case Mode::plan_read:
    case Mode::run_read:
    case Mode::help:
        switch (c) {
        case Cmd::close:
            enter(mode_ == Mode::help ? back_ : mode_ == Mode::run_read ? Mode::runs : Mode::plans);
            return {};
        case Cmd::down:
            ++scroll_;
            return {};
        case Cmd::up:
            scroll_ = scroll_ > 0 ? scroll_ - 1 : 0;
            return {};
        case Cmd::page_down:
            scroll_ += 10;
            return {};
        case Cmd::page_up:
            scroll_ = scroll_ > 10 ? scroll_ - 10 : 0;
            return {};
        case Cmd::tickets:
        case Cmd::run:
            return {with_id(c == Cmd::run ? T::plan_run : T::plan_tickets, target_)};
        default:
            return {};
        }
    }
    return {};
}

void Modes::sync(const Context& ctx) {
    switch (mode_) {
    case Mode::question:
    case Mode::question_other:
        if (ctx.pending_id != target_) enter(Mode::normal);
        break;
    case Mode::confirm_abort:
    case Mode::input:
        if (ctx.agent != target_) enter(Mode::normal);
        break;
    default:
        break;
    }
}

std::string Modes::help(const Context& ctx) const {
    switch (mode_) {
    case Mode::normal: {
        std::string h;
        if (!ctx.pending_id.empty())
            h = ctx.pending_question ? "y answer  n decline  " : "y allow  a always  n deny  ";
        h += focus_ == Focus::chat ? "j/k scroll  o expand  " : "j/k select  ";
        h += "Tab focus  Enter type  x abort  p plan  s manager  ? help  q quit";
        return h;
    }
    case Mode::filter:
        return "filter: type to narrow the agents  Enter keep  Esc clear";
    case Mode::input:
        return "Enter send  Alt-Enter new line  ↑/↓ history  Esc cancel";
    case Mode::confirm_abort:
        return "abort agent " + target_ + "?  y yes  any other key: no";
    case Mode::question:
        return "j/k choose  Enter/y answer  n decline  Esc back";
    case Mode::question_other:
        return "type the answer  Enter send  Esc back";
    case Mode::plan_project:
        return "choose the project for the planner  j/k  Enter  Esc cancel";
    case Mode::plan_prompt:
        return "planner for " + target_ + ": what should it plan?  Enter start  Esc cancel";
    case Mode::help:
        return "j/k scroll  Esc/q/? close";
    case Mode::plans:
        return "j/k choose  Enter read  t tickets  R run  r refresh  Esc back";
    case Mode::plan_read:
        return "plan " + target_ + "  j/k scroll  t tickets  R run  Esc back";
    case Mode::runs:
        return "j/k choose  Enter events  r refresh  Esc back";
    case Mode::run_read:
        return "run " + target_ + "  j/k scroll  Esc back";
    }
    return {};
}

} // namespace fab::tui
