// Whole pages over the main screen: the help (every key of every mode, from
// the key tables the mode machine dispatches on), the stored plans (a list,
// or one plan's text) and the runs (a list, or one run's events) in place of
// the chat.
#include "tui/text.hpp"
#include "tui/views.hpp"

#include <algorithm>

namespace fab::tui {

namespace {

using Lines = std::vector<std::pair<std::string, uint16_t>>;

// Draws `lines` from `scroll` in the rows of `r`; returns the scroll used
// (clamped so the last page stays full).
int draw_lines(Canvas& c, const Rect& r, const Lines& lines, int scroll) {
    int max_top = std::max(0, static_cast<int>(lines.size()) - r.rows);
    int top = std::clamp(scroll, 0, max_top);
    for (int y = 0; y < r.rows && top + y < static_cast<int>(lines.size()); ++y) {
        const auto& [text, attr] = lines[static_cast<size_t>(top + y)];
        c.put(r.row + y, r.col, truncate(text, r.cols), attr, r.col + r.cols);
    }
    return top;
}

} // namespace

std::vector<std::pair<std::string, uint16_t>> help_lines(int width) {
    Lines out;
    size_t key_w = 0;
    auto sections = help_sections();
    for (const HelpSection& s : sections)
        for (const auto& [keys, what] : s.keys)
            key_w = std::max(key_w, static_cast<size_t>(display_width(keys)));
    for (const HelpSection& s : sections) {
        if (!out.empty()) out.emplace_back("", kPlain);
        out.emplace_back(s.title, kBold);
        for (const auto& [keys, what] : s.keys) {
            std::string first = "  " + fit(keys, static_cast<int>(key_w)) + "  ";
            auto wrapped = wrap(what, std::max(10, width - display_width(first)));
            for (size_t i = 0; i < wrapped.size(); ++i)
                out.emplace_back((i == 0 ? first : std::string(first.size(), ' ')) + wrapped[i],
                                 kPlain);
        }
    }
    return out;
}

void draw_help_page(Canvas& c, const Rect& r, const Frame& f) {
    if (r.rows < 2) return;
    draw_title(c, {r.row, r.col, 1, r.cols}, "Keys", true, f.g, "? or Esc closes");
    Rect body{r.row + 1, r.col + 1, r.rows - 1, r.cols - 2};
    draw_lines(c, body, help_lines(body.cols), f.modes.scroll());
}

void draw_plans(Canvas& c, const Rect& r, const Frame& f) {
    if (r.rows < 2) return;
    const Modes& m = f.modes;
    const ViewState& vs = f.vs;
    Rect body{r.row + 1, r.col + 1, r.rows - 1, r.cols - 2};
    Lines lines;
    if (m.mode() == Mode::plan_read) {
        std::string title = "Plan " + m.target();
        for (const PlanRow& p : vs.plans)
            if (p.id == m.target() && !p.title.empty()) title += ": " + p.title;
        draw_title(c, {r.row, r.col, 1, r.cols}, title, true, f.g, "t tickets  R run");
        if (vs.plan_text.empty()) lines.emplace_back(vs.plans_note, kDim);
        if (!vs.plan_text.empty())
            for (const std::string& w : wrap(vs.plan_text, std::max(10, body.cols)))
                lines.emplace_back(w, kPlain);
        draw_lines(c, body, lines, m.scroll());
        return;
    }
    draw_title(c, {r.row, r.col, 1, r.cols}, "Plans " + std::to_string(vs.plans.size()), true, f.g,
               "Enter read  t tickets  R run");
    if (vs.plans.empty()) lines.emplace_back(vs.plans_note, kDim);
    for (size_t i = 0; i < vs.plans.size(); ++i) {
        const PlanRow& p = vs.plans[i];
        bool sel = i == m.choice();
        std::string right = p.project + "  " + p.created.substr(0, 10);
        int w = std::max(10, body.cols - display_width(right) - 3);
        lines.emplace_back((sel ? "> " : "  ") + fit(p.id + "  " + p.title, w) + " " + right,
                           sel ? kRev : kPlain);
    }
    // Keep the chosen plan in view.
    int top = std::max(0, static_cast<int>(m.choice()) - body.rows + 1);
    draw_lines(c, body, lines, top);
}

void draw_runs(Canvas& c, const Rect& r, const Frame& f) {
    if (r.rows < 2) return;
    const Modes& m = f.modes;
    const ViewState& vs = f.vs;
    Rect body{r.row + 1, r.col + 1, r.rows - 1, r.cols - 2};
    Lines lines;
    if (m.mode() == Mode::run_read) {
        std::string title = "Run " + m.target();
        for (const RunRow& row : vs.runs)
            if (row.id == m.target()) title += ": " + row.status;
        draw_title(c, {r.row, r.col, 1, r.cols}, title, true, f.g,
                   std::to_string(vs.run_events.size()) + " events");
        if (vs.run_events.empty()) lines.emplace_back(vs.runs_note, kDim);
        for (const Json& e : vs.run_events) {
            std::string props = dump_json(e.value("properties", Json::object()));
            if (props == "{}") props.clear();
            std::string ts = e.value("ts", "");
            std::string line = std::to_string(e.value("seq", int64_t{0})) + " " +
                               (ts.size() >= 19 ? ts.substr(11, 8) : ts) + " " +
                               e.value("event", "") + " " + props;
            std::string name = e.value("event", "");
            uint16_t attr = name.rfind("run.", 0) == 0 ? fg(Color::cyan) : kPlain;
            if (name == "run.failed") attr = fg(Color::red);
            lines.emplace_back(fit(line, std::max(10, body.cols)), attr);
        }
        draw_lines(c, body, lines, m.scroll());
        return;
    }
    draw_title(c, {r.row, r.col, 1, r.cols}, "Runs " + std::to_string(vs.runs.size()), true, f.g,
               "Enter events  r refresh");
    if (vs.runs.empty()) lines.emplace_back(vs.runs_note, kDim);
    for (size_t i = 0; i < vs.runs.size(); ++i) {
        const RunRow& row = vs.runs[i];
        bool sel = i == m.choice();
        std::string age =
            row.created_ms > 0 ? short_duration((vs.now_ms - row.created_ms) / 1000) : "?";
        std::string left = fit(row.id, 14) + " " + fit(row.status, 10) + " " +
                           fit(row.stage.empty() ? "-" : row.stage, 12) + " " + fit(age, 5) + " ";
        int w = std::max(10, body.cols - display_width(left) - 2);
        uint16_t attr = sel                                                 ? kRev
                        : row.status == "failed"                            ? fg(Color::red)
                        : row.status == "blocked" || row.status == "paused" ? fg(Color::yellow)
                                                                            : kPlain;
        lines.emplace_back((sel ? "> " : "  ") + left + fit(row.project + ": " + row.goal, w),
                           attr);
    }
    int top = std::max(0, static_cast<int>(m.choice()) - body.rows + 1);
    draw_lines(c, body, lines, top);
}

} // namespace fab::tui
