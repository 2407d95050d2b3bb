#include "tui/canvas.hpp"

#include "tui/text.hpp"

#include <algorithm>

namespace fab::tui {

void Canvas::resize(int rows, int cols) {
    rows_ = std::max(rows, 0);
    cols_ = std::max(cols, 0);
    cells_.assign(static_cast<size_t>(rows_) * static_cast<size_t>(cols_), Cell{});
    cursor_row = cursor_col = -1;
}

void Canvas::clear() {
    std::fill(cells_.begin(), cells_.end(), Cell{});
    cursor_row = cursor_col = -1;
}

// Keeps wide characters whole: overwriting either half blanks the other.
void Canvas::set(int row, int col, char32_t ch, uint16_t attr) {
    Cell& c = cells_[idx(row, col)];
    if (c.ch == 0 && col > 0) cells_[idx(row, col - 1)].ch = ' ';
    if (c.ch != 0 && col + 1 < cols_ && cells_[idx(row, col + 1)].ch == 0)
        cells_[idx(row, col + 1)].ch = ' ';
    c.ch = ch;
    c.attr = attr;
}

int Canvas::put(int row, int col, std::string_view text, uint16_t attr, int max_col) {
    if (row < 0 || row >= rows_) return col;
    int end = max_col < 0 ? cols_ : std::min(max_col, cols_);
    for (size_t i = 0; i < text.size() && col < end;) {
        char32_t ch = next_codepoint(text, i);
        if (ch < 0x20 || (ch >= 0x7F && ch < 0xA0)) ch = '?'; // C0, DEL, C1: never to the tty
        int w = cp_width(ch);
        if (w == 0) continue; // combining marks: dropped rather than misplaced
        if (col < 0) {
            col += w;
            continue;
        }
        if (col + w > end) break;
        set(row, col, ch, attr);
        if (w == 2) set(row, col + 1, 0, attr);
        col += w;
    }
    return col;
}

void Canvas::fill(const Rect& r, char32_t ch, uint16_t attr) {
    for (int y = std::max(r.row, 0); y < std::min(r.row + r.rows, rows_); ++y)
        for (int x = std::max(r.col, 0); x < std::min(r.col + r.cols, cols_); ++x)
            set(y, x, ch, attr);
}

void Canvas::add_attr(int row, int col, int n, uint16_t attr) {
    if (row < 0 || row >= rows_) return;
    for (int x = std::max(col, 0); x < std::min(col + n, cols_); ++x)
        cells_[idx(row, x)].attr |= attr;
}

bool Canvas::row_equal(const Canvas& o, int row) const {
    if (o.cols_ != cols_ || row >= o.rows_ || row >= rows_) return false;
    return std::equal(cells_.begin() + static_cast<long>(idx(row, 0)),
                      cells_.begin() + static_cast<long>(idx(row, 0) + static_cast<size_t>(cols_)),
                      o.cells_.begin() + static_cast<long>(o.idx(row, 0)));
}

std::string Canvas::row_text(int row) const {
    std::string out;
    for (int x = 0; x < cols_; ++x) {
        char32_t ch = at(row, x).ch;
        if (ch != 0) append_utf8(out, ch);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::string Canvas::text() const {
    std::string out;
    for (int y = 0; y < rows_; ++y) {
        out += row_text(y);
        out += '\n';
    }
    return out;
}

} // namespace fab::tui
