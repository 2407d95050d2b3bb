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
} // namespace

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
    }
    return "?";
}

std::vector<Action> Modes::normal(int k, const Context& ctx) {
    bool chat = focus_ == Focus::chat;
    switch (k) {
    case 'q':
    case key::kCtrlC:
        return {act(T::quit)};
    case key::kTab:
    case key::kBackTab:
        focus_ = chat ? Focus::agents : Focus::chat;
        return {};
    case 'j':
    case key::kDown:
        return {chat ? act(T::scroll, -1) : act(T::select, 1)};
    case 'k':
    case key::kUp:
        return {chat ? act(T::scroll, 1) : act(T::select, -1)};
    case 'g':
    case key::kHome:
        return {chat ? act(T::scroll_to, 1) : act(T::select, -kFar)};
    case 'G':
    case key::kEnd:
        return {chat ? act(T::scroll_to, 0) : act(T::select, kFar)};
    case key::kCtrlU:
    case key::kPageUp:
        return {act(T::scroll_page, 1)};
    case key::kCtrlD:
    case key::kPageDown:
        return {act(T::scroll_page, -1)};
    case 'o':
        return {act(T::toggle_expand)};
    case 'r':
        return {act(T::reconnect)};
    case '/':
        filter_ed_.set(filter_);
        enter(Mode::filter);
        return {};
    case key::kEsc:
        if (!filter_.empty()) {
            filter_.clear();
            return {with_id(T::filter, "", "")};
        }
        return {};
    case 's': {
        std::string p = !ctx.project.empty()   ? ctx.project
                        : ctx.projects.empty() ? std::string()
                                               : ctx.projects.front();
        if (p.empty()) return {message("no project: add one with fab project add")};
        Action a{T::manager};
        a.project = p;
        return {a};
    }
    case 'p':
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
    if (ctx.agent.empty()) {
        if (k == key::kEnter || k == 'i' || k == 'x' || k == 'y' || k == 'n' || k == 'a')
            return {message("no agent selected")};
        return {};
    }
    switch (k) {
    case key::kEnter:
        if (chat) return {act(T::toggle_expand)};
        if (ctx.pending_question) break; // answer it, as with y
        [[fallthrough]];
    case 'i':
        target_ = ctx.agent;
        editor_.clear();
        enter(Mode::input);
        return {};
    case 'x':
        if (ctx.agent_final) return {message("agent " + ctx.agent + " has already finished")};
        target_ = ctx.agent;
        enter(Mode::confirm_abort);
        return {};
    case 'y':
    case 'a':
    case 'n':
        if (ctx.pending_id.empty())
            return {message("nothing to approve for " + ctx.agent +
                            (ctx.other_waiting.empty()
                                 ? std::string()
                                 : "; " + ctx.other_waiting + " is waiting (j/k to select it)"))};
        if (k == 'n') return {respond(ctx.pending_id, false)};
        if (!ctx.pending_question) return {respond(ctx.pending_id, true, k == 'a')};
        break; // y on a question: choose an option
    default:
        return {};
    }
    // Answering a question.
    target_ = ctx.pending_id;
    choices_ = ctx.question_options + 1; // the options, then "Other"
    choice_ = 0;
    enter(Mode::question);
    return {};
}

std::vector<Action> Modes::key(int k, const Context& ctx) {
    switch (mode_) {
    case Mode::normal:
        return normal(k, ctx);

    case Mode::filter:
        if (k == key::kEnter) {
            enter(Mode::normal);
            return {};
        }
        if (k == key::kEsc || k == key::kCtrlC) {
            filter_.clear();
            enter(Mode::normal);
            return {with_id(T::filter, "", "")};
        }
        if (k == key::kUp || k == key::kDown) return {act(T::select, k == key::kUp ? -1 : 1)};
        if (filter_ed_.key(k) && filter_ed_.text() != filter_) {
            filter_ = filter_ed_.text();
            return {with_id(T::filter, "", filter_)};
        }
        return {};

    case Mode::input:
    case Mode::plan_prompt:
    case Mode::question_other:
        if (k == key::kEsc || k == key::kCtrlC) {
            enter(mode_ == Mode::question_other ? Mode::question : Mode::normal);
            return {};
        }
        if (k == key::kEnter) {
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
        if (k == 'y' || k == 'Y' || k == key::kEnter) return {with_id(T::abort, target_)};
        return {message("abort cancelled")};

    case Mode::question:
    case Mode::plan_project:
        if (k == key::kEsc || k == 'q' || k == key::kCtrlC) {
            enter(Mode::normal);
            return {};
        }
        if ((k == 'j' || k == key::kDown) && choice_ + 1 < choices_)
            ++choice_;
        else if ((k == 'k' || k == key::kUp) && choice_ > 0)
            --choice_;
        else if (k >= '1' && k <= '9' && static_cast<size_t>(k - '1') < choices_)
            choice_ = static_cast<size_t>(k - '1');
        else if (mode_ == Mode::question && k == 'n') {
            enter(Mode::normal);
            return {respond(target_, false)};
        } else if (k == key::kEnter || k == 'y') {
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
        }
        return {};
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
        h += "Tab focus  Enter type  x abort  p plan  s manager  / filter  r reconnect  q quit";
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
    }
    return {};
}

} // namespace fab::tui
