// A small line editor for the input line: UTF-8 aware cursor moves, a
// newline with Alt-Enter (multi-line messages), and a history walked with
// ↑/↓ like a shell's. Pure; the mode machine owns one.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace fab::tui {

// The editor's keys, one table: Editor::key dispatches on it and the help
// screen lists it. Any other printable key is typed.
enum class Edit {
    left,
    right,
    home,
    end,
    backspace,
    del,
    kill_end,
    kill_word,
    newline,
    older,
    newer
};
struct EditBinding {
    std::array<int32_t, 3> keys;
    const char* label;
    const char* what;
    Edit cmd;
};
std::span<const EditBinding> edit_keys();

class Editor {
  public:
    // True when the key was an editing key (and handled).
    bool key(int k);
    const std::string& text() const { return text_; }
    size_t cursor() const { return cur_; }
    void set(std::string s);
    void clear() { set({}); }
    // Remembers a sent line (newest last; bounded).
    void remember(const std::string& s);

  private:
    std::string text_;
    size_t cur_ = 0;
    std::vector<std::string> history_;
    size_t hpos_ = 0;   // == history_.size(): editing a new line
    std::string draft_; // the new line while browsing history
};

} // namespace fab::tui
