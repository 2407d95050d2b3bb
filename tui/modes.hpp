// The TUI's modes as ONE state machine: a key in, the new mode and a list
// of actions out. It knows nothing of curses, sockets or the model's
// internals: the app tells it what is selected (Context) and carries out the
// actions (requests to the daemon, moving the selection, scrolling). Unit
// tested key by key.
#pragma once

#include "tui/editor.hpp"

#include <string>
#include <vector>

namespace fab::tui {

enum class Mode {
    normal,
    filter,         // `/`: typing the agent filter
    input,          // Enter/i: typing a message to the selected agent
    confirm_abort,  // x: y aborts, anything else cancels
    question,       // choosing an option of a pending question
    question_other, // typing a free-text answer
    plan_project,   // p: choosing the project for a planner
    plan_prompt,    // p: typing the planner's prompt
};
const char* mode_name(Mode m);

enum class Focus { agents, chat };

// What the machine needs to know about the world when a key arrives.
struct Context {
    std::string agent;   // the selected agent ("" when none)
    std::string project; // its project
    bool agent_final = false;
    std::string pending_id;            // its oldest pending request ("" when none)
    bool pending_question = false;     // that request is an AskUserQuestion
    size_t question_options = 0;       // how many options the question has
    std::string other_waiting;         // another agent with a pending request ("" = none)
    std::vector<std::string> projects; // for `p`
};

struct Action {
    enum class Type {
        quit,
        select,        // n: move the agent selection by n (±1000000: first/last)
        scroll,        // n: chat lines towards older (+) or newer (−)
        scroll_page,   // n: half pages, same direction
        scroll_to,     // n: 0 = the bottom (follow), 1 = the top
        toggle_expand, // tool results in full or summarised
        filter,        // text: the agent filter
        send,          // id, text
        abort,         // id
        respond,       // id (request), allow, always
        answer,        // id (request), text (an option number or free text)
        plan,          // project, text
        manager,       // project
        reconnect,
        message, // text: a one-line notice for the help bar
    };
    Type type;
    int n = 0;
    std::string id, text, project;
    bool allow = false, always = false;
};

class Modes {
  public:
    std::vector<Action> key(int k, const Context& ctx);
    // The world changed under the machine (a question answered elsewhere,
    // the agent finished): leave modes whose subject is gone.
    void sync(const Context& ctx);

    Mode mode() const { return mode_; }
    Focus focus() const { return focus_; }
    const Editor& editor() const { return editor_; }
    const std::string& filter() const { return filter_; }
    size_t choice() const { return choice_; }             // question option / project index
    const std::string& target() const { return target_; } // agent, request or project
    // The help bar for the current mode.
    std::string help(const Context& ctx) const;

  private:
    std::vector<Action> normal(int k, const Context& ctx);
    void enter(Mode m) { mode_ = m; }

    Mode mode_ = Mode::normal;
    Focus focus_ = Focus::agents;
    Editor editor_;    // the message / prompt / answer being typed
    Editor filter_ed_; // the filter being typed
    std::string filter_;
    std::string target_;
    size_t choice_ = 0;
    size_t choices_ = 0;
};

} // namespace fab::tui
