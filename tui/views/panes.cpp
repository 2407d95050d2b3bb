// Header, agent list, recent work, input line and help bar.
#include "tui/text.hpp"
#include "tui/views.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace fab::tui {

namespace {

const Glyphs kUnicode{true, "○", "✓", "✗",  "■",  "!",  "─", "│", "▸",
                      "⎿",  "›", "✗", "│ ", "┌─", "└─", "…", "…"};
const Glyphs kAscii{false, "o", "+", "x",  "#",  "!",  "-",   "|",  ">",
                    "`-",  ">", "x", "| ", ",-", "`-", "...", "..."};
const char* const kSpinU[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
const char* const kSpinA[] = {"|", "/", "-", "\\"};

std::string lower(std::string s) {
    for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

std::string kind_label(const std::string& k) {
    if (k == "manager") return "mgr";
    if (k == "director") return "dir";
    return k.empty() ? "task" : k;
}

// The director belongs to no project: it works across all of them.
std::string project_label(const AgentInfo& a) {
    return a.project.empty() ? "(all)" : a.project;
}

} // namespace

const char* Glyphs::spinner(int frame) const {
    if (unicode) return kSpinU[static_cast<unsigned>(frame) % 10];
    return kSpinA[static_cast<unsigned>(frame) % 4];
}

const Glyphs& glyphs(bool unicode) {
    return unicode ? kUnicode : kAscii;
}

std::vector<const AgentInfo*> filter_agents(const Model& m, const std::string& filter) {
    std::vector<const AgentInfo*> out;
    std::string f = lower(filter);
    for (const auto& a : m.agents()) {
        if (!f.empty()) {
            std::string hay = lower(a->id + " " + a->kind + " " + a->project + " " + a->backend +
                                    " " + a->state + " " + a->description + " " + a->activity);
            if (hay.find(f) == std::string::npos) continue;
        }
        out.push_back(a.get());
    }
    return out;
}

void draw_title(Canvas& c, const Rect& r, const std::string& title, bool focused, const Glyphs& g,
                const std::string& right) {
    if (r.empty()) return;
    uint16_t line = kDim;
    for (int x = r.col; x < r.col + r.cols; ++x) c.put(r.row, x, g.hline, line);
    int end = r.col + r.cols;
    int x = c.put(r.row, r.col + 1, " " + title + " ", focused ? kBold | kRev : kBold, end);
    if (!right.empty()) {
        std::string rt = " " + truncate(right, std::max(0, end - x - 3)) + " ";
        int w = display_width(rt);
        if (w > 2) c.put(r.row, end - w - 1, rt, kDim, end);
    }
}

void draw_header(Canvas& c, const Rect& r, const Frame& f) {
    if (r.empty()) return;
    c.fill(r, ' ', kRev);
    const Model& m = f.model;
    Counts n = m.counts();
    int end = r.col + r.cols;
    // Right side first: the connection state must always be visible.
    std::string conn;
    uint16_t conn_attr = kRev;
    switch (m.conn) {
    case Conn::connected:
        conn = "connected";
        break;
    case Conn::connecting:
        conn = "connecting…";
        break;
    case Conn::reconnecting:
        conn = "reconnecting…";
        conn_attr = kRev | kBold | fg(Color::yellow);
        break;
    }
    int cw = display_width(conn);
    int right = end - cw - 1;
    c.put(r.row, right, conn, conn_attr, end);
    int x = c.put(r.row, r.col + 1, "fab", kRev | kBold, right);
    // Each part has a compact form; when the full forms do not fit (80
    // columns, a DEMO label, "reconnecting…"), every part is compact, so that
    // tokens and cost stay on screen rather than the last parts falling off.
    struct Part {
        std::string full, compact;
        uint16_t attr = kRev;
    };
    std::vector<Part> parts;
    // Scripted agents (tests, `make demo`) follow a script: say so, so that
    // nobody mistakes their output, tokens or cost for a model's.
    bool scripted = std::any_of(m.agents().begin(), m.agents().end(),
                                [](const auto& a) { return a->backend == "scripted"; });
    if (scripted) parts.push_back({"DEMO", "DEMO", kRev | kBold | fg(Color::cyan)});
    std::string spin = n.running ? f.g.spinner(f.vs.spinner) : f.g.idle;
    parts.push_back({spin + " " + std::to_string(n.running) + " running",
                     spin + " " + std::to_string(n.running) + " run"});
    parts.push_back({std::to_string(n.idle) + " idle", std::to_string(n.idle) + " idle"});
    if (n.waiting)
        parts.push_back({std::string(f.g.attention) + " " + std::to_string(n.waiting) + " waiting",
                         std::string(f.g.attention) + " " + std::to_string(n.waiting) + " wait",
                         kRev | kBold | fg(Color::yellow)});
    else
        parts.push_back({"0 waiting", "0 wait"});
    std::string merged = std::to_string(m.commits_merged());
    parts.push_back({merged + " merged", merged + " merged"});
    char cost[32];
    std::snprintf(cost, sizeof cost, "$%.2f", m.cost_usd());
    std::string usage = human_count(m.tokens()) + " tok " + cost;
    parts.push_back({usage, usage});
    int full = x;
    for (const auto& p : parts) full += 2 + display_width(p.full);
    bool compact = full > right - 1;
    for (const auto& p : parts) {
        const std::string& s = compact ? p.compact : p.full;
        if (x + 2 + display_width(s) > right - 1) break;
        x = c.put(r.row, x + 2, s, p.attr, right);
    }
}

void draw_agents(Canvas& c, const Rect& r, Frame& f) {
    if (r.empty()) return;
    const auto& list = f.visible;
    std::string right = f.modes.filter().empty() ? std::string() : "/" + f.modes.filter();
    draw_title(c, r,
               "Agents " + std::to_string(list.size()) +
                   (list.size() != f.model.agents().size()
                        ? "/" + std::to_string(f.model.agents().size())
                        : ""),
               f.modes.focus() == Focus::agents, f.g, right);
    int rows = r.rows - 1;
    if (rows <= 0) return;
    if (list.empty()) {
        c.put(r.row + 1, r.col + 2,
              f.model.agents().empty() ? "no agents yet (p starts a planner)" : "no agent matches",
              kDim, r.col + r.cols);
        return;
    }
    int sel = 0;
    for (size_t i = 0; i < list.size(); ++i)
        if (list[i]->id == f.vs.selected) sel = static_cast<int>(i);
    // Keep the selection in view.
    if (sel < f.vs.list_top) f.vs.list_top = sel;
    if (sel >= f.vs.list_top + rows) f.vs.list_top = sel - rows + 1;
    f.vs.list_top = std::clamp(f.vs.list_top, 0, std::max(0, static_cast<int>(list.size()) - rows));

    // Columns: marker, attention, id, kind, project, backend, what, time.
    size_t pw = 4, bw = 6;
    for (const auto* a : list) {
        pw = std::max(pw, static_cast<size_t>(display_width(project_label(*a))));
        bw = std::max(bw, a->backend.size());
    }
    int W = r.cols;
    int proj_w = static_cast<int>(std::min<size_t>(pw, W >= 100 ? 16 : 10));
    int back_w = static_cast<int>(std::min<size_t>(bw, 8));
    int end = r.col + r.cols;
    for (int i = 0; i < rows; ++i) {
        size_t idx = static_cast<size_t>(f.vs.list_top + i);
        if (idx >= list.size()) break;
        const AgentInfo& a = *list[idx];
        int y = r.row + 1 + i;
        bool selected = static_cast<int>(idx) == sel;
        const char* mark = f.g.idle;
        uint16_t mattr = kDim;
        if (a.running()) {
            mark = f.g.spinner(f.vs.spinner);
            mattr = fg(Color::green) | kBold;
        } else if (a.state == "done") {
            mark = f.g.done;
            mattr = fg(Color::green);
        } else if (a.state == "failed") {
            mark = f.g.failed;
            mattr = fg(Color::red) | kBold;
        } else if (a.state == "aborted") {
            mark = f.g.aborted;
        }
        bool attention = f.model.needs_attention(a.id);
        int x = r.col;
        x = c.put(y, x + 1, mark, mattr, end);
        x = c.put(y, x, attention ? f.g.attention : " ",
                  attention ? kBold | fg(Color::yellow) : kPlain, end);
        x = c.put(y, x + 1, fit(a.id, 6), kBold, end);
        x = c.put(y, x + 1, fit(kind_label(a.kind), 4), fg(Color::cyan), end);
        if (W >= 60)
            x = c.put(y, x + 1, fit(project_label(a), proj_w), a.project.empty() ? kDim : kPlain,
                      end);
        if (W >= 72) x = c.put(y, x + 1, fit(a.backend, back_w), kDim, end);
        // Right: running time (or the final state).
        std::string when;
        if (a.final())
            when = a.state;
        else if (a.created_ms > 0)
            when = short_duration((f.vs.now_ms - a.created_ms) / 1000);
        int ww = display_width(when);
        int when_x = end - ww - 1;
        c.put(y, when_x, when, a.state == "failed" ? fg(Color::red) : kDim, end);
        std::string what = a.description.empty() ? a.activity : a.description;
        if (a.kind == "plan" && what.rfind("plan:", 0) != 0) what = "plan: " + what;
        if (a.state == "failed" && !a.error.empty()) what = a.error;
        if (attention) {
            if (const PendingRequest* p = f.model.pending_for(a.id))
                what = (p->question ? "asks: " + p->question_text
                                    : "wants " + p->tool + ": " + first_line(p->detail));
        }
        for (char& ch : what)
            if (ch == '\n' || ch == '\t') ch = ' ';
        c.put(y, x + 1, truncate(what, when_x - x - 2), attention ? fg(Color::yellow) : kPlain,
              when_x - 1);
        if (selected)
            c.add_attr(y, r.col, r.cols, f.modes.focus() == Focus::agents ? kRev : kUnder);
    }
}

void draw_recent(Canvas& c, const Rect& r, const Frame& f) {
    if (r.empty()) return;
    const auto& w = f.model.recent_work();
    draw_title(c, r, "Recent work", false, f.g,
               std::to_string(f.model.commits_merged()) + " merged");
    int end = r.col + r.cols;
    for (int i = 0; i + 1 < r.rows && static_cast<size_t>(i) < w.size(); ++i) {
        const WorkItem& it = w[static_cast<size_t>(i)];
        int y = r.row + 1 + i;
        int x = c.put(y, r.col + 1, it.sha.substr(0, 7), fg(Color::yellow), end);
        std::string who = it.agent_id.empty() ? it.project : it.project + " " + it.agent_id;
        if (it.ts_ms > 0) who += " " + short_duration((f.vs.now_ms - it.ts_ms) / 1000) + " ago";
        int ww = display_width(who);
        int who_x = std::max(x + 10, end - ww - 1);
        c.put(y, x + 1, truncate(it.subject, who_x - x - 2), kPlain, who_x - 1);
        c.put(y, who_x, who, kDim, end);
    }
}

int input_lines(const Modes& m) {
    if (m.mode() != Mode::input && m.mode() != Mode::plan_prompt &&
        m.mode() != Mode::question_other)
        return 1;
    const std::string& t = m.editor().text();
    return 1 + static_cast<int>(std::count(t.begin(), t.end(), '\n'));
}

void draw_input(Canvas& c, const Rect& r, const Frame& f) {
    if (r.empty()) return;
    const Modes& m = f.modes;
    int end = r.col + r.cols;
    std::string prompt;
    switch (m.mode()) {
    case Mode::input:
        prompt = "to " + m.target() + "> ";
        break;
    case Mode::plan_prompt:
        prompt = "plan for " + m.target() + "> ";
        break;
    case Mode::question_other:
        prompt = "answer> ";
        break;
    case Mode::filter:
        prompt = "/";
        break;
    default:
        break;
    }
    if (prompt.empty()) {
        std::string hint = f.ctx.agent.empty() ? "" : "Enter: message " + f.ctx.agent;
        if (!m.filter().empty())
            hint = "filter /" + m.filter() + (hint.empty() ? "" : "   " + hint);
        c.put(r.row, r.col + 1, hint, kDim, end);
        return;
    }
    std::string text = m.mode() == Mode::filter ? m.filter() : m.editor().text();
    size_t cursor = m.mode() == Mode::filter ? text.size() : m.editor().cursor();
    // Split into lines; show the last r.rows of them, the cursor's line in view.
    std::vector<std::string> lines{""};
    int cur_line = 0, cur_col = 0;
    for (size_t i = 0; i <= text.size(); ++i) {
        if (i == cursor) {
            cur_line = static_cast<int>(lines.size()) - 1;
            cur_col = display_width(lines.back());
        }
        if (i == text.size()) break;
        if (text[i] == '\n')
            lines.emplace_back();
        else
            lines.back() += text[i];
    }
    int first = std::max(0, std::min(cur_line, static_cast<int>(lines.size()) - r.rows));
    if (cur_line >= first + r.rows) first = cur_line - r.rows + 1;
    int pw = display_width(prompt);
    int avail = std::max(1, r.cols - pw - 1);
    for (int i = 0; i < r.rows && first + i < static_cast<int>(lines.size()); ++i) {
        int y = r.row + i;
        const std::string& line = lines[static_cast<size_t>(first + i)];
        c.put(y, r.col, i == 0 && first == 0 ? prompt : std::string(static_cast<size_t>(pw), ' '),
              kBold | fg(Color::cyan), end);
        // A line longer than the row scrolls so the cursor stays visible.
        int shift = 0;
        if (first + i == cur_line && cur_col >= avail) shift = cur_col - avail + 1;
        c.put(y, r.col + pw - shift, line, kPlain, end);
        if (shift > 0) { // the prompt stays; the text scrolled under it is covered
            c.fill({y, r.col, 1, pw}, ' ');
            c.put(y, r.col, prompt, kBold | fg(Color::cyan), end);
        }
        if (first + i == cur_line) {
            c.cursor_row = y;
            c.cursor_col = std::min(r.col + pw + cur_col - shift, end - 1);
        }
    }
}

void draw_help(Canvas& c, const Rect& r, const Frame& f) {
    if (r.empty()) return;
    int end = r.col + r.cols;
    if (!f.vs.message.empty()) {
        c.put(r.row, r.col + 1, truncate(f.vs.message, r.cols - 2),
              f.vs.message_is_error ? kBold | fg(Color::red) : kBold, end);
        return;
    }
    if (f.model.conn != Conn::connected && !f.model.conn_error.empty() &&
        f.modes.mode() == Mode::normal) {
        c.put(r.row, r.col + 1,
              truncate(f.model.conn_error + " - retrying (r: now, q: quit)", r.cols - 2),
              kBold | fg(Color::yellow), end);
        return;
    }
    std::string h = f.modes.help(f.ctx);
    c.put(r.row, r.col + 1, truncate(h, r.cols - 2), kDim, end);
}

} // namespace fab::tui
