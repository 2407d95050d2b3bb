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

namespace {
constexpr EditBinding kEditKeys[] = {
    {{key::kLeft}, "←", "move the cursor left", Edit::left},
    {{key::kRight}, "→", "move the cursor right", Edit::right},
    {{key::kHome, key::ctrl('a')}, "Home Ctrl-A", "go to the start", Edit::home},
    {{key::kEnd, key::ctrl('e')}, "End Ctrl-E", "go to the end", Edit::end},
    {{key::kBackspace, 0x7F, key::ctrl('h')},
     "Backspace",
     "delete the character before",
     Edit::backspace},
    {{key::kDelete}, "Delete", "delete the character under the cursor", Edit::del},
    {{key::ctrl('k')}, "Ctrl-K", "delete to the end", Edit::kill_end},
    {{key::ctrl('w')}, "Ctrl-W", "delete the word before", Edit::kill_word},
    {{key::kAltEnter}, "Alt-Enter", "a new line", Edit::newline},
    {{key::kUp}, "↑", "the previous line sent", Edit::older},
    {{key::kDown}, "↓", "the next line sent", Edit::newer},
};
} // namespace

std::span<const EditBinding> edit_keys() {
    return kEditKeys;
}

bool Editor::key(int k) {
    const EditBinding* b = nullptr;
    for (const EditBinding& e : kEditKeys)
        for (int32_t bk : e.keys)
            if (bk != 0 && bk == k) b = &e;
    if (b) switch (b->cmd) {
        case Edit::left:
            if (cur_ > 0) do
                    --cur_;
                while (cur_ > 0 && is_cont(text_[cur_]));
            return true;
        case Edit::right:
            if (cur_ < text_.size()) do
                    ++cur_;
                while (cur_ < text_.size() && is_cont(text_[cur_]));
            return true;
        case Edit::home:
            cur_ = 0;
            return true;
        case Edit::end:
            cur_ = text_.size();
            return true;
        case Edit::backspace: {
            if (cur_ == 0) return true;
            size_t start = cur_;
            do --start;
            while (start > 0 && is_cont(text_[start]));
            text_.erase(start, cur_ - start);
            cur_ = start;
            return true;
        }
        case Edit::del: {
            if (cur_ >= text_.size()) return true;
            size_t end = cur_;
            do ++end;
            while (end < text_.size() && is_cont(text_[end]));
            text_.erase(cur_, end - cur_);
            return true;
        }
        case Edit::kill_end:
            text_.erase(cur_);
            return true;
        case Edit::kill_word: { // delete the word before the cursor
            size_t start = cur_;
            while (start > 0 && text_[start - 1] == ' ') --start;
            while (start > 0 && text_[start - 1] != ' ') --start;
            text_.erase(start, cur_ - start);
            cur_ = start;
            return true;
        }
        case Edit::newline:
            text_.insert(cur_, "\n");
            ++cur_;
            return true;
        case Edit::older:
            if (hpos_ == 0) return true;
            if (hpos_ == history_.size()) draft_ = text_;
            set(history_[--hpos_]);
            return true;
        case Edit::newer:
            if (hpos_ >= history_.size()) return true;
            ++hpos_;
            set(hpos_ == history_.size() ? draft_ : history_[hpos_]);
            return true;
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
