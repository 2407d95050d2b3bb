// The text canvas every view draws into: a grid of cells, each one code
// point with attributes, wide characters taking two cells. Views never touch
// curses, so a test renders a whole screen to text and compares it with a
// golden one; the screen copies only the rows that changed to the terminal.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fab::tui {

// Attributes: style bits, and a colour in the high byte (0 = default). The
// screen drops colours on monochrome terminals and with NO_COLOR.
constexpr uint16_t kPlain = 0, kBold = 1, kDim = 2, kRev = 4, kUnder = 8;
enum class Color : uint8_t { none, red, green, yellow, blue, magenta, cyan, gray };
constexpr uint16_t fg(Color c) {
    return static_cast<uint16_t>(static_cast<uint16_t>(c) << 8);
}
constexpr Color color_of(uint16_t attr) {
    return static_cast<Color>(attr >> 8);
}

struct Cell {
    char32_t ch = ' '; // 0: the right half of the wide character to its left
    uint16_t attr = kPlain;
    bool operator==(const Cell&) const = default;
};

struct Rect {
    int row = 0, col = 0, rows = 0, cols = 0;
    bool empty() const { return rows <= 0 || cols <= 0; }
};

class Canvas {
  public:
    Canvas(int rows = 0, int cols = 0) { resize(rows, cols); }
    void resize(int rows, int cols);
    int rows() const { return rows_; }
    int cols() const { return cols_; }
    void clear();

    // Writes UTF-8 text at (row, col), clipped at `max_col` (exclusive;
    // -1 = the right edge). Returns the column after the text. A wide
    // character that does not fit whole is not drawn; control characters
    // show as '?'.
    int put(int row, int col, std::string_view text, uint16_t attr = kPlain, int max_col = -1);
    void fill(const Rect& r, char32_t ch = ' ', uint16_t attr = kPlain);
    // Adds style bits to a span of cells (selection highlight).
    void add_attr(int row, int col, int n, uint16_t attr);

    const Cell& at(int row, int col) const { return cells_[idx(row, col)]; }
    bool row_equal(const Canvas& o, int row) const;

    // Where the terminal cursor goes (-1: hidden).
    int cursor_row = -1, cursor_col = -1;

    // For tests: one row as UTF-8 with trailing spaces cut, or all of them.
    std::string row_text(int row) const;
    std::string text() const;

  private:
    size_t idx(int r, int c) const {
        return static_cast<size_t>(r) * static_cast<size_t>(cols_) + static_cast<size_t>(c);
    }
    void set(int row, int col, char32_t ch, uint16_t attr);
    int rows_ = 0, cols_ = 0;
    std::vector<Cell> cells_;
};

} // namespace fab::tui
