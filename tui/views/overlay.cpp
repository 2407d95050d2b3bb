// Boxes drawn over the chat: a pending permission or question of the
// selected agent, the abort confirmation, the planner's project choice.
#include "tui/text.hpp"
#include "tui/views.hpp"

#include <algorithm>

namespace fab::tui {

namespace {

using Lines = std::vector<std::pair<std::string, uint16_t>>;

struct Box {
    std::string title;
    Lines lines;
    uint16_t border = kPlain;
    int height(const Rect& area) const {
        return lines.empty() ? 0 : std::min(static_cast<int>(lines.size()) + 2, area.rows);
    }
};

// A bordered box at the bottom of `area`, as tall as its lines need.
void draw_box(Canvas& c, const Rect& area, const Box& box, const Glyphs& g) {
    const std::string& title = box.title;
    const Lines& lines = box.lines;
    uint16_t border = box.border;
    if (area.rows < 3 || area.cols < 12 || lines.empty()) return;
    int w = std::min(area.cols - 2, 100);
    int h = box.height(area);
    Rect b{area.row + area.rows - h, area.col + 1, h, w};
    c.fill(b, ' ');
    const char* v = g.vline;
    std::string top = g.unicode ? "┌" : "+", bottom = g.unicode ? "└" : "+";
    std::string tr = g.unicode ? "┐" : "+", br = g.unicode ? "┘" : "+";
    int right = b.col + b.cols - 1;
    for (int x = b.col + 1; x < right; ++x) {
        c.put(b.row, x, g.hline, border);
        c.put(b.row + b.rows - 1, x, g.hline, border);
    }
    c.put(b.row, b.col, top, border);
    c.put(b.row, right, tr, border);
    c.put(b.row + b.rows - 1, b.col, bottom, border);
    c.put(b.row + b.rows - 1, right, br, border);
    c.put(b.row, b.col + 2, " " + truncate(title, b.cols - 6) + " ", border | kBold, right);
    for (int y = 1; y + 1 < b.rows; ++y) {
        c.put(b.row + y, b.col, v, border);
        c.put(b.row + y, right, v, border);
        const auto& [text, attr] = lines[static_cast<size_t>(y - 1)];
        c.put(b.row + y, b.col + 2, truncate(text, b.cols - 4), attr, right - 1);
    }
}

// What is drawn over the chat, if anything.
Box make_overlay(const Rect& area, const Frame& f) {
    const Modes& m = f.modes;
    Box box;
    Lines& lines = box.lines;
    int text_w = std::min(area.cols - 2, 100) - 4;
    if (text_w < 8) return box;
    auto done = [&](std::string title, uint16_t border) {
        box.title = std::move(title);
        box.border = border;
        return box;
    };
    if (m.mode() == Mode::confirm_abort) {
        const AgentInfo* a = f.model.find(m.target());
        lines.emplace_back("Abort agent " + m.target() +
                               (a && !a->project.empty() ? " (" + a->project + ")" : "") + "?",
                           kBold);
        lines.emplace_back("y: abort it   any other key: keep it running", kDim);
        return done("abort", fg(Color::red));
    }
    if (m.mode() == Mode::plan_project) {
        const auto& ps = f.ctx.projects;
        for (size_t i = 0; i < ps.size(); ++i)
            lines.emplace_back((i == m.choice() ? "> " : "  ") + ps[i],
                               i == m.choice() ? kRev : kPlain);
        lines.emplace_back("j/k choose   Enter: type the planner's prompt   Esc: cancel", kDim);
        return done("start a planner in", fg(Color::cyan));
    }
    if (f.ctx.pending_id.empty()) return box;
    const PendingRequest* p = f.model.pending_for(f.ctx.agent);
    if (!p) return box;
    if (!p->question) {
        auto ls = wrap(p->detail.empty() ? "(no input)" : p->detail, text_w);
        lines.emplace_back(p->tool + (p->project.empty() ? "" : "  in " + p->project), kBold);
        for (size_t i = 0; i < ls.size() && i < 4; ++i) lines.emplace_back(ls[i], kPlain);
        if (ls.size() > 4) lines.emplace_back("…", kDim);
        lines.emplace_back("y: allow   a: always allow   n: deny", fg(Color::yellow) | kBold);
        return done("permission for " + p->agent_id, fg(Color::yellow));
    }
    bool choosing = m.mode() == Mode::question || m.mode() == Mode::question_other;
    auto qs = wrap(p->question_text.empty() ? "(a question)" : p->question_text, text_w);
    for (size_t i = 0; i < qs.size() && i < 3; ++i) lines.emplace_back(qs[i], kBold);
    for (size_t i = 0; i <= p->options.size(); ++i) {
        std::string label = i < p->options.size() ? p->options[i] : "Other (type an answer)";
        bool cur = choosing && i == m.choice();
        lines.emplace_back((cur ? "> " : "  ") + std::to_string(i + 1) + ". " + label,
                           cur ? kRev : kPlain);
    }
    lines.emplace_back(choosing ? "j/k choose   Enter/y answer   n decline   Esc back"
                                : "y: answer   n: decline",
                       fg(Color::magenta) | kBold);
    return done("question from " + p->agent_id, fg(Color::magenta));
}

} // namespace

void draw_overlay(Canvas& c, const Rect& chat, const Frame& f) {
    Rect area{chat.row + 1, chat.col, chat.rows - 1, chat.cols};
    draw_box(c, area, make_overlay(area, f), f.g);
}

RenderInfo render(Canvas& c, Frame& f) {
    RenderInfo info;
    c.clear();
    info.layout = compute_layout(c.rows(), c.cols(), input_lines(f.modes), f.visible.size(),
                                 f.model.recent_work().size());
    const Layout& l = info.layout;
    draw_header(c, l.header, f);
    if (f.modes.mode() == Mode::help) { // the whole screen below the header
        draw_help_page(c, {l.header.row + 1, 0, c.rows() - l.header.rows - 1, c.cols()}, f);
        draw_help(c, {c.rows() - 1, 0, 1, c.cols()}, f);
        return info;
    }
    bool runs_page = f.modes.mode() == Mode::runs || f.modes.mode() == Mode::run_read;
    if (f.modes.mode() == Mode::plans || f.modes.mode() == Mode::plan_read || runs_page) {
        draw_agents(c, l.agents, f);
        // Stacked panes: the plans take recent work's rows too.
        Rect r = l.chat;
        if (!l.side_by_side && l.recent.row == r.row + r.rows) r.rows += l.recent.rows;
        if (runs_page)
            draw_runs(c, r, f);
        else
            draw_plans(c, r, f);
        if (r.rows == l.chat.rows) draw_recent(c, l.recent, f);
        if (l.side_by_side)
            for (int y = l.chat.row; y < l.chat.row + l.chat.rows; ++y)
                c.put(y, l.chat.col - 1, f.g.vline, kDim);
        draw_input(c, l.input, f);
        draw_help(c, l.help, f);
        return info;
    }
    draw_agents(c, l.agents, f);
    // A box over the chat takes rows from it, so the newest lines stay in
    // view above the question they lead to.
    Rect area{l.chat.row + 1, l.chat.col, l.chat.rows - 1, l.chat.cols};
    Box box = make_overlay(area, f);
    Rect chat = l.chat;
    chat.rows -= std::min(box.height(area), std::max(0, chat.rows - 3));
    info.wants_older = draw_chat(c, chat, f);
    info.chat_rows = std::max(0, chat.rows - 1);
    draw_box(c, area, box, f.g);
    draw_recent(c, l.recent, f);
    if (l.side_by_side)
        for (int y = l.chat.row; y < l.chat.row + l.chat.rows; ++y)
            c.put(y, l.chat.col - 1, f.g.vline, kDim);
    draw_input(c, l.input, f);
    draw_help(c, l.help, f);
    return info;
}

} // namespace fab::tui
