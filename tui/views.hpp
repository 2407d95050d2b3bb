// The views: each draws one part of the screen into the canvas from the
// model, the mode machine and the view state. No curses here: tests render
// whole screens to text (golden screens) and the benchmark times them.
#pragma once

#include "tui/canvas.hpp"
#include "tui/layout.hpp"
#include "tui/model.hpp"
#include "tui/modes.hpp"

#include <string>
#include <vector>

namespace fab::tui {

// Glyphs: Unicode by default, ASCII when the locale cannot show it.
struct Glyphs {
    bool unicode = true;
    const char* spinner(int frame) const;
    const char *idle, *done, *failed, *aborted, *attention, *hline, *vline, *tool, *result, *user,
        *error, *code, *code_top, *code_bottom, *more, *ellipsis;
};
const Glyphs& glyphs(bool unicode);

// A stored plan as the plans page lists it (plan.list).
struct PlanRow {
    std::string id, title, project, created;
};

// A run as the runs page lists it (run.list); created_ms for its age.
struct RunRow {
    std::string id, project, status, stage, goal;
    int64_t created_ms = 0;
};

// What the app keeps between frames, apart from the model and the modes.
struct ViewState {
    std::string selected; // agent id
    int list_top = 0;     // first visible row of the agent list
    int scroll = 0;       // chat: lines up from the bottom (0 = follow new output)
    bool expanded = false;
    int spinner = 0;
    int64_t now_ms = 0;
    std::string message; // a one-line notice in the help bar until the next key
    bool message_is_error = false;
    std::vector<PlanRow> plans;   // the plans page: newest first
    std::string plan_text;        // the plan being read
    std::string plans_note;       // "loading…", or why there is nothing to show
    std::vector<RunRow> runs;     // the runs page: newest first
    std::vector<Json> run_events; // the run being read: its events, oldest first
    std::string runs_note;        // "loading…", or why there is nothing to show
};

struct Frame {
    const Model& model;
    const Modes& modes;
    const Context& ctx;
    ViewState& vs;
    const Glyphs& g;
    std::vector<const AgentInfo*> visible; // agents passing the filter, in list order
};

// Agents passing the filter (case-insensitive, on id, kind, project, backend,
// description and activity).
std::vector<const AgentInfo*> filter_agents(const Model& m, const std::string& filter);

struct RenderInfo {
    Layout layout;
    bool wants_older = false; // the chat is scrolled to the top of what is loaded
    int chat_rows = 0;        // rows of chat text (for page scrolling)
};
RenderInfo render(Canvas& c, Frame& f);

// The parts, for tests and for render().
void draw_header(Canvas& c, const Rect& r, const Frame& f);
void draw_agents(Canvas& c, const Rect& r, Frame& f);
// Returns true when the view reached the top of the loaded chat and older
// records exist (the app then asks the daemon for them).
bool draw_chat(Canvas& c, const Rect& r, Frame& f);
void draw_recent(Canvas& c, const Rect& r, const Frame& f);
void draw_input(Canvas& c, const Rect& r, const Frame& f);
void draw_help(Canvas& c, const Rect& r, const Frame& f);
void draw_overlay(Canvas& c, const Rect& chat, const Frame& f);
// The help page (every key of every mode) and the plans page (the list, or
// one plan), drawn in `r` instead of the panes they cover.
void draw_help_page(Canvas& c, const Rect& r, const Frame& f);
void draw_plans(Canvas& c, const Rect& r, const Frame& f);
// The runs page: the runs (status, stage, age), or one run's events.
void draw_runs(Canvas& c, const Rect& r, const Frame& f);
// The help page's lines at `width` columns (tests check every key is there).
std::vector<std::pair<std::string, uint16_t>> help_lines(int width);
// Lines of the input line's text (for the layout).
int input_lines(const Modes& m);

// One chat item as display lines at `width` (cached in the item).
const std::vector<std::pair<std::string, uint16_t>>& item_lines(const ChatItem& it, int width,
                                                                bool expanded, const Glyphs& g);
// A pane's title bar: "─ Agents 3 ──────".
void draw_title(Canvas& c, const Rect& r, const std::string& title, bool focused, const Glyphs& g,
                const std::string& right = {});

} // namespace fab::tui
