// The chat of the selected agent: wrapped text, tool calls on one line with
// their result summarised (all of it when expanded), code blocks set apart.
// Only the visible window is wrapped; wrapped lines are cached per item, so
// a frame costs the same with 10 or 10,000 entries loaded.
#include "tui/text.hpp"
#include "tui/views.hpp"

#include <algorithm>

namespace fab::tui {

namespace {

using Lines = std::vector<std::pair<std::string, uint16_t>>;

void add_wrapped(Lines& out, std::string_view text, const std::string& first_prefix,
                 const std::string& prefix, uint16_t attr, int width, size_t max_lines) {
    int pw = display_width(prefix);
    auto ls = wrap(text, std::max(8, width - pw));
    for (size_t i = 0; i < ls.size(); ++i) {
        if (i == max_lines) {
            out.emplace_back(prefix + "… (+" + std::to_string(ls.size() - i) + " lines, o expands)",
                             kDim);
            return;
        }
        out.emplace_back((i == 0 ? first_prefix : prefix) + ls[i], attr);
    }
}

// Assistant text: prose wrapped, ``` fenced blocks set apart with a bar.
void add_markdown(Lines& out, const std::string& text, int width, const Glyphs& g) {
    bool code = false;
    std::string prose;
    auto flush = [&] {
        if (!prose.empty()) add_wrapped(out, prose, "", "", kPlain, width, 100000);
        prose.clear();
    };
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t nl = text.find('\n', pos);
        std::string_view line(text.data() + pos,
                              (nl == std::string::npos ? text.size() : nl) - pos);
        std::string_view t = line;
        while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
        if (t.substr(0, 3) == "```") {
            flush();
            code = !code;
            std::string lang(t.substr(3));
            out.emplace_back(std::string(code ? g.code_top : g.code_bottom) +
                                 (code && !lang.empty() ? " " + lang : ""),
                             kDim | fg(Color::cyan));
        } else if (code) {
            add_wrapped(out, line, g.code, g.code, fg(Color::cyan), width, 100000);
        } else {
            if (!prose.empty()) prose += '\n';
            prose += line;
        }
        if (nl == std::string::npos) break;
        pos = nl + 1;
    }
    flush();
}

} // namespace

const Lines& item_lines(const ChatItem& it, int width, bool expanded, const Glyphs& g) {
    WrapCache& wc = it.wrapped;
    if (wc.width == width && wc.expanded == expanded) return wc.lines;
    wc.width = width;
    wc.expanded = expanded;
    Lines& out = wc.lines;
    out.clear();
    switch (it.kind) {
    case ChatKind::assistant_text:
        add_markdown(out, it.text, width, g);
        break;
    case ChatKind::user_input:
        out.emplace_back("", kPlain);
        add_wrapped(out, it.text, std::string(g.user) + " ", "  ", kBold, width, 100000);
        break;
    case ChatKind::tool_use: {
        std::string head = std::string(g.tool) + " " + it.tool;
        if (!expanded || it.detail.find('\n') == std::string::npos) {
            int more = 0;
            std::string d = first_line(it.detail, &more);
            std::string suffix = more ? " (+" + std::to_string(more) + " lines)" : "";
            out.emplace_back(
                head + "  " + truncate(d, width - display_width(head) - 2 - display_width(suffix)) +
                    suffix,
                fg(Color::yellow));
        } else {
            out.emplace_back(head, fg(Color::yellow));
            add_wrapped(out, it.detail, "    ", "    ", fg(Color::yellow), width, 500);
        }
        break;
    }
    case ChatKind::tool_result: {
        std::string prefix = std::string("  ") + g.result + " ";
        uint16_t attr = it.is_error ? fg(Color::red) : kDim;
        if (it.text.empty()) {
            out.emplace_back(prefix + "(no output)", attr);
        } else if (!expanded) {
            int more = 0;
            std::string first = first_line(it.text, &more);
            std::string suffix = more ? " (+" + std::to_string(more) + " lines)" : "";
            out.emplace_back(
                prefix + truncate(first, width - display_width(prefix) - display_width(suffix)) +
                    suffix,
                attr);
        } else {
            add_wrapped(out, it.text, prefix, "    ", attr, width, 500);
        }
        break;
    }
    case ChatKind::system:
        if (it.text.empty()) break;
        if (expanded)
            add_wrapped(out, it.text, "· ", "  ", kDim, width, 50);
        else
            out.emplace_back(truncate("· " + first_line(it.text), width), kDim);
        break;
    case ChatKind::turn_result:
        out.emplace_back(truncate(std::string(g.hline) + g.hline + " " + it.text, width),
                         it.is_error ? fg(Color::red) : kDim);
        break;
    case ChatKind::error:
        add_wrapped(out, it.text, std::string(g.error) + " ", "  ", fg(Color::red) | kBold, width,
                    expanded ? 1000 : 6);
        break;
    case ChatKind::permission:
        out.emplace_back(truncate("? permission " + it.tool + ": " + first_line(it.detail), width),
                         fg(Color::magenta));
        break;
    }
    return out;
}

bool draw_chat(Canvas& c, const Rect& r, Frame& f) {
    if (r.empty()) return false;
    const AgentInfo* a = f.ctx.agent.empty() ? nullptr : f.model.find(f.ctx.agent);
    bool focused = f.modes.focus() == Focus::chat;
    if (!a) {
        draw_title(c, r, "Chat", focused, f.g);
        if (r.rows > 1) c.put(r.row + 1, r.col + 2, "select an agent (j/k)", kDim, r.col + r.cols);
        return false;
    }
    std::string title = a->id + " " + (a->kind.empty() ? "task" : a->kind) + " " + a->project +
                        " " + a->backend + " " + a->state;
    std::string right;
    if (a->history_pending)
        right = "loading…";
    else if (f.vs.scroll > 0)
        right = "↑ " + std::to_string(f.vs.scroll) + " lines  G: latest";
    draw_title(c, r, title, focused, f.g, right);

    int H = r.rows - 1, W = r.cols - 2;
    if (H <= 0 || W <= 0) return false;
    // Walk back from the newest item until the window is covered.
    int need = f.vs.scroll + H;
    int total = 0;
    size_t i = a->chat.size();
    while (i > 0 && total < need) {
        --i;
        total += static_cast<int>(item_lines(a->chat[i], W, f.vs.expanded, f.g).size());
    }
    bool at_top = i == 0 && total <= need;
    if (at_top) f.vs.scroll = std::max(0, std::min(f.vs.scroll, total - H));
    int start = total - f.vs.scroll - H; // index of the first visible line
    int line = 0;
    int end_col = r.col + r.cols;
    for (size_t k = i; k < a->chat.size(); ++k) {
        const auto& ls = item_lines(a->chat[k], W, f.vs.expanded, f.g);
        for (const auto& [text, attr] : ls) {
            int row = line - std::max(start, 0);
            if (line >= start && row < H) c.put(r.row + 1 + row, r.col + 1, text, attr, end_col);
            ++line;
        }
        if (line - std::max(start, 0) >= H) break;
    }
    if (a->chat.empty() && !a->history_pending && !a->has_older())
        c.put(r.row + 1, r.col + 2, "nothing yet", kDim, end_col);
    return at_top && a->has_older() && !a->history_pending;
}

} // namespace fab::tui
