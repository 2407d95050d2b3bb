// The TUI's modes as ONE state machine: a key in, the new mode and a list
// of actions out. It knows nothing of curses, sockets or the model's
// internals: the app tells it what is selected (Context) and carries out the
// actions (requests to the daemon, moving the selection, scrolling). Unit
// tested key by key.
#pragma once

#include "tui/editor.hpp"

#include <array>
#include <cstdint>
#include <span>
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
    help,           // ?: every key of every mode
    plans,          // P: the stored plans
    plan_read,      // Enter on a plan: reading it
    runs,           // R: the runs (server mode), with status, stage and age
    run_read,       // Enter on a run: its events, live
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
    std::vector<std::string> plans;    // stored plan ids, in the order shown (P)
    std::vector<std::string> runs;     // run ids, in the order shown (R)
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
        manager,       // project: show its manager, starting it when none runs
        manager_stop,  // project
        director,      // show the director, starting it when none runs
        director_stop, //
        orchestrator,  // project; allow: start (true) or stop (false)
        plans,         // fetch the stored plans (the plans mode shows them)
        plan_read,     // id: fetch the plan's text
        plan_tickets,  // id: turn the plan into tickets
        plan_run,      // id, project: a task agent carries it out
        runs,          // fetch the runs (the runs mode shows them, refreshed while shown)
        run_events,    // id: fetch the run's events (run_read shows them)
        reconnect,
        message, // text: a one-line notice for the help bar
    };
    Type type;
    int n = 0;
    std::string id, text, project;
    bool allow = false, always = false;
};

// What a key does, as the key tables below name it.
enum class Cmd {
    none, // not in the mode's table: typed into an editor, or ignored
    quit,
    focus,
    down,
    up,
    top,
    bottom,
    page_up,
    page_down,
    expand,
    reconnect,
    filter,
    clear_filter,
    type,
    abort,
    allow,
    always,
    deny,
    plan,
    plans,
    manager,
    manager_stop,
    director,
    director_stop,
    orchestrator_start,
    orchestrator_stop,
    help,
    keep,
    cancel,
    send,
    yes,
    no,
    choose,
    number,
    decline,
    read,
    tickets,
    run,
    close,
    runs,
};

// One line of a key table: the keys (0 = unused), how the help screen names
// them, and what they do. `Modes::key` finds a key's command in the table of
// the mode (the digits 1-9 match a `number` line), so the help screen, which
// lists these same tables, cannot drift from what the keys do.
struct Binding {
    std::array<int32_t, 3> keys;
    const char* label;
    const char* what;
    Cmd cmd;
};

struct KeyTable {
    const char* title; // the mode, as the help screen heads it
    std::vector<Mode> modes;
    std::span<const Binding> keys;
};
// Every mode's keys, in the help screen's order; the last table is the
// line editor's (typing a message, a prompt, an answer or the filter).
std::span<const KeyTable> key_tables();

// The help screen's text: each table's title and (keys, what they do) lines,
// the line editor's keys last.
struct HelpSection {
    std::string title;
    std::vector<std::pair<std::string, std::string>> keys;
};
std::vector<HelpSection> help_sections();

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
    size_t choice() const { return choice_; } // question option / project / plan / run index
    int scroll() const { return scroll_; }    // help and plan_read: lines scrolled down
    const std::string& target() const { return target_; } // agent, request or project
    // The help bar for the current mode.
    std::string help(const Context& ctx) const;

  private:
    std::vector<Action> normal(Cmd c, int k, const Context& ctx);
    std::vector<Action> choosing(Cmd c, int k, const Context& ctx);
    void enter(Mode m) { mode_ = m; }

    Mode mode_ = Mode::normal;
    Focus focus_ = Focus::agents;
    Editor editor_;    // the message / prompt / answer being typed
    Editor filter_ed_; // the filter being typed
    std::string filter_;
    std::string target_;
    size_t choice_ = 0;
    size_t choices_ = 0;
    int scroll_ = 0;
    Mode back_ = Mode::normal; // where help returns to
};

} // namespace fab::tui
