#include "tui/editor.hpp"

#include "tui/keys.hpp"
#include "tui/text.hpp"

namespace fab::tui {

namespace {
bool is_cont(char c) {
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}
} // namespace

void Editor::set(std::string s) {
    text_ = std::move(s);
    cur_ = text_.size();
}

void Editor::remember(const std::string& s) {
    if (!s.empty() && (history_.empty() || history_.back() != s)) history_.push_back(s);
    if (history_.size() > 100) history_.erase(history_.begin());
    hpos_ = history_.size();
    draft_.clear();
}

bool Editor::key(int k) {
    switch (k) {
    case key::kLeft:
        if (cur_ > 0) do
                --cur_;
            while (cur_ > 0 && is_cont(text_[cur_]));
        return true;
    case key::kRight:
        if (cur_ < text_.size()) do
                ++cur_;
            while (cur_ < text_.size() && is_cont(text_[cur_]));
        return true;
    case key::kHome:
    case key::ctrl('a'):
        cur_ = 0;
        return true;
    case key::kEnd:
    case key::ctrl('e'):
        cur_ = text_.size();
        return true;
    case key::kBackspace:
    case 0x7F:
    case key::ctrl('h'): {
        if (cur_ == 0) return true;
        size_t start = cur_;
        do --start;
        while (start > 0 && is_cont(text_[start]));
        text_.erase(start, cur_ - start);
        cur_ = start;
        return true;
    }
    case key::kDelete: {
        if (cur_ >= text_.size()) return true;
        size_t end = cur_;
        do ++end;
        while (end < text_.size() && is_cont(text_[end]));
        text_.erase(cur_, end - cur_);
        return true;
    }
    case key::ctrl('k'):
        text_.erase(cur_);
        return true;
    case key::ctrl('w'): { // delete the word before the cursor
        size_t start = cur_;
        while (start > 0 && text_[start - 1] == ' ') --start;
        while (start > 0 && text_[start - 1] != ' ') --start;
        text_.erase(start, cur_ - start);
        cur_ = start;
        return true;
    }
    case key::kAltEnter:
        text_.insert(cur_, "\n");
        ++cur_;
        return true;
    case key::kUp:
        if (hpos_ == 0) return true;
        if (hpos_ == history_.size()) draft_ = text_;
        set(history_[--hpos_]);
        return true;
    case key::kDown:
        if (hpos_ >= history_.size()) return true;
        ++hpos_;
        set(hpos_ == history_.size() ? draft_ : history_[hpos_]);
        return true;
    default:
        break;
    }
    if (k >= 0x20 && k < key::kBase && k != 0x7F) {
        std::string s;
        append_utf8(s, static_cast<char32_t>(k));
        text_.insert(cur_, s);
        cur_ += s.size();
        return true;
    }
    return false;
}

} // namespace fab::tui
