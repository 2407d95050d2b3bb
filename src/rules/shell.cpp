#include "rules/shell.hpp"

#include "util/strings.hpp"
#include "util/utf8.hpp"

#include <array>

namespace fab::rules {

namespace {

// Nesting of $( ), ` `, sh -c '…' beyond this is not followed; the line then
// counts as incomplete (which no allow rule accepts).
constexpr int kMaxDepth = 16;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Reads commands from `s` into `out`. One Reader per nesting level: $( … )
// and ` … ` get a child reader over the rest of the text.
class Reader {
  public:
    Reader(std::string_view s, ShellLine& out, int depth) : s_(s), out_(out), depth_(depth) {}

    // Reads until the end or, when `close` is ')', the ')' that closes the
    // substitution this reader was started for. Returns the position after it.
    size_t run(char close) {
        if (depth_ > kMaxDepth) {
            out_.complete = false;
            return s_.size();
        }
        int parens = 0;
        while (i_ < s_.size()) {
            char c = s_[i_];
            switch (c) {
            case ' ':
            case '\t':
                end_word();
                ++i_;
                break;
            case '\n':
                end_command();
                ++i_;
                read_heredocs();
                break;
            case '\\':
                if (i_ + 1 < s_.size() && s_[i_ + 1] == '\n') {
                    i_ += 2; // line continuation
                } else if (i_ + 1 < s_.size()) {
                    word_ += s_[i_ + 1];
                    mark_quoted();
                    i_ += 2;
                } else {
                    ++i_;
                }
                break;
            case '\'': {
                size_t end = s_.find('\'', i_ + 1);
                if (end == std::string_view::npos) {
                    out_.complete = false;
                    end = s_.size();
                }
                word_ += s_.substr(i_ + 1, end - i_ - 1);
                mark_quoted();
                i_ = end + 1;
                break;
            }
            case '"':
                ++i_;
                double_quoted();
                mark_quoted();
                break;
            case '$':
                dollar(false);
                break;
            case '`':
                backtick();
                in_word_ = true;
                break;
            case '#':
                if (in_word_) {
                    word_ += c;
                    ++i_;
                } else {
                    while (i_ < s_.size() && s_[i_] != '\n') ++i_; // a comment
                }
                break;
            case ';':
            case '|':
                end_command();
                ++i_;
                break;
            case '&':
                if (i_ + 1 < s_.size() && s_[i_ + 1] == '>') { // &> file, &>> file
                    end_word();
                    i_ += (i_ + 2 < s_.size() && s_[i_ + 2] == '>') ? 3 : 2;
                    redirect_next_ = true;
                } else {
                    end_command();
                    ++i_;
                }
                break;
            case '(':
                end_command();
                ++parens;
                ++i_;
                break;
            case ')':
                end_command();
                ++i_;
                if (parens == 0 && close == ')') return i_;
                if (parens > 0) --parens;
                break;
            case '<':
            case '>':
                redirect();
                break;
            default:
                word_ += c;
                in_word_ = true;
                ++i_;
            }
        }
        end_command();
        if (close == ')' || !heredocs_.empty()) out_.complete = false;
        return i_;
    }

  private:
    struct Heredoc {
        std::string delimiter;
        bool strip_tabs = false;
        bool expands = true; // an unquoted delimiter: $( ) in the body runs
    };

    void mark_quoted() {
        in_word_ = true;
        quoted_ = true;
    }

    void end_word() {
        if (!in_word_) return;
        if (heredoc_next_) {
            heredocs_.push_back({word_, heredoc_strip_, !quoted_});
        } else if (redirect_next_) {
            if (!herestring_) current_.redirects.push_back(word_);
        } else {
            current_.words.push_back(word_);
        }
        redirect_next_ = heredoc_next_ = herestring_ = false;
        word_.clear();
        in_word_ = quoted_ = false;
    }

    void end_command() {
        end_word();
        redirect_next_ = heredoc_next_ = herestring_ = false;
        if (!current_.words.empty() || !current_.redirects.empty())
            out_.commands.push_back(std::move(current_));
        current_ = {};
    }

    bool at(size_t k, char c) const { return k < s_.size() && s_[k] == c; }

    // Runs a child reader over the text after `from` up to its closing ')'.
    void substitution(size_t from) {
        Reader child(s_.substr(from), out_, depth_ + 1);
        i_ = from + child.run(')');
    }

    // A child reader over `text` (a backtick body, a here-document line …).
    void nested(std::string_view text) {
        Reader child(text, out_, depth_ + 1);
        child.run(0);
    }

    void backtick() {
        std::string inner;
        size_t k = i_ + 1;
        for (; k < s_.size() && s_[k] != '`'; ++k) {
            if (s_[k] == '\\' && k + 1 < s_.size() &&
                (s_[k + 1] == '`' || s_[k + 1] == '\\' || s_[k + 1] == '$'))
                ++k;
            inner += s_[k];
        }
        if (k >= s_.size()) out_.complete = false;
        i_ = k + 1;
        nested(inner);
    }

    void double_quoted() {
        while (i_ < s_.size()) {
            char c = s_[i_];
            if (c == '"') {
                ++i_;
                return;
            }
            if (c == '\\' && i_ + 1 < s_.size()) {
                char n = s_[i_ + 1];
                if (n == '\n') {
                } else if (n == '$' || n == '`' || n == '"' || n == '\\') {
                    word_ += n;
                } else {
                    word_ += '\\';
                    word_ += n;
                }
                i_ += 2;
            } else if (c == '$') {
                dollar(true);
            } else if (c == '`') {
                backtick();
            } else {
                word_ += c;
                ++i_;
            }
        }
        out_.complete = false; // no closing quote
    }

    void dollar(bool in_double_quotes) {
        in_word_ = true;
        if (at(i_ + 1, '(')) { // $( … ) and $(( … )): both may run commands
            substitution(i_ + 2);
        } else if (!in_double_quotes && at(i_ + 1, '\'')) {
            i_ += 2;
            ansi_c_quoted();
            quoted_ = true;
        } else if (!in_double_quotes && at(i_ + 1, '"')) {
            ++i_; // $"…" is a "…" string
        } else if (at(i_ + 1, '{')) {
            size_t end = s_.find('}', i_ + 2);
            if (end == std::string_view::npos) {
                out_.complete = false;
                end = s_.size() - 1;
            }
            word_ += s_.substr(i_, end + 1 - i_); // unknown value: kept as written
            i_ = end + 1;
        } else {
            word_ += '$';
            ++i_;
        }
    }

    // $'…': bash decodes escapes, so $'\x73udo' is sudo.
    void ansi_c_quoted() {
        while (i_ < s_.size() && s_[i_] != '\'') {
            char c = s_[i_++];
            if (c != '\\' || i_ >= s_.size()) {
                word_ += c;
                continue;
            }
            char e = s_[i_++];
            switch (e) {
            case 'a':
                word_ += '\a';
                break;
            case 'b':
                word_ += '\b';
                break;
            case 'e':
            case 'E':
                word_ += '\x1b';
                break;
            case 'f':
                word_ += '\f';
                break;
            case 'n':
                word_ += '\n';
                break;
            case 'r':
                word_ += '\r';
                break;
            case 't':
                word_ += '\t';
                break;
            case 'v':
                word_ += '\v';
                break;
            case 'c':
                if (i_ < s_.size()) word_ += static_cast<char>(s_[i_++] & 0x1F);
                break;
            case 'x':
            case 'u':
            case 'U': {
                size_t max = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                uint32_t v = 0;
                size_t n = 0;
                for (; n < max && i_ < s_.size() && is_hex(s_[i_]); ++n, ++i_) {
                    char h = s_[i_];
                    v = v * 16 +
                        static_cast<uint32_t>(is_digit(h) ? h - '0' : (h | 0x20) - 'a' + 10);
                }
                if (n == 0) {
                    word_ += '\\';
                    word_ += e;
                } else if (e == 'x') {
                    word_ += static_cast<char>(v);
                } else {
                    append_utf8(word_, static_cast<char32_t>(v));
                }
                break;
            }
            default:
                if (e >= '0' && e <= '7') {
                    uint32_t v = static_cast<uint32_t>(e - '0');
                    for (int n = 1; n < 3 && i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '7'; ++n)
                        v = v * 8 + static_cast<uint32_t>(s_[i_++] - '0');
                    word_ += static_cast<char>(v);
                } else {
                    word_ += e; // \\ \' \" \? and unknown escapes
                }
            }
        }
        if (i_ >= s_.size()) out_.complete = false;
        ++i_;
    }

    void redirect() {
        // Digits right before the operator are its file descriptor: 2>x.
        bool fd_number = in_word_ && !quoted_ && !word_.empty();
        for (char d : word_) fd_number = fd_number && is_digit(d);
        if (fd_number) {
            word_.clear();
            in_word_ = false;
        } else {
            end_word();
        }
        if (at(i_ + 1, '(')) { // <( … ) and >( … ): a command, read as a /dev/fd path
            substitution(i_ + 2);
            word_ = "/dev/fd/63";
            in_word_ = true;
            return;
        }
        if (s_[i_] == '<') {
            if (at(i_ + 1, '<') && at(i_ + 2, '<')) {
                i_ += 3;
                herestring_ = true; // <<< word: data, not a file
            } else if (at(i_ + 1, '<')) {
                i_ += 2;
                heredoc_strip_ = at(i_, '-');
                if (heredoc_strip_) ++i_;
                heredoc_next_ = true;
            } else {
                i_ += (at(i_ + 1, '>') || at(i_ + 1, '&')) ? 2 : 1;
            }
        } else {
            i_ += (at(i_ + 1, '>') || at(i_ + 1, '|') || at(i_ + 1, '&')) ? 2 : 1;
        }
        redirect_next_ = true;
    }

    // After a newline: the bodies of the here-documents started on that line.
    void read_heredocs() {
        for (const Heredoc& h : heredocs_) {
            bool found = false;
            while (i_ < s_.size() && !found) {
                size_t end = s_.find('\n', i_);
                if (end == std::string_view::npos) end = s_.size();
                std::string_view line = s_.substr(i_, end - i_);
                i_ = std::min(end + 1, s_.size());
                std::string_view cmp = line;
                while (h.strip_tabs && !cmp.empty() && cmp.front() == '\t') cmp.remove_prefix(1);
                if (cmp == h.delimiter)
                    found = true;
                else if (h.expands)
                    expansions_in(line);
            }
            if (!found) out_.complete = false;
        }
        heredocs_.clear();
    }

    // The $( ) and ` ` of an unquoted here-document line.
    void expansions_in(std::string_view text) {
        for (size_t k = 0; k < text.size(); ++k) {
            if (text[k] == '\\') {
                ++k;
            } else if (text[k] == '$' && k + 1 < text.size() && text[k + 1] == '(') {
                Reader child(text.substr(k + 2), out_, depth_ + 1);
                k += 1 + child.run(')');
            } else if (text[k] == '`') {
                size_t end = text.find('`', k + 1);
                if (end == std::string_view::npos) end = text.size();
                nested(text.substr(k + 1, end - k - 1));
                k = end;
            }
        }
    }

    std::string_view s_;
    size_t i_ = 0;
    ShellLine& out_;
    int depth_;
    SimpleCommand current_;
    std::string word_;
    bool in_word_ = false, quoted_ = false;
    bool redirect_next_ = false, heredoc_next_ = false, heredoc_strip_ = false, herestring_ = false;
    std::vector<Heredoc> heredocs_;
};

// --- Unwrapping: from words to the command that runs. ---

bool is_assignment(std::string_view w) {
    size_t eq = w.find('=');
    if (eq == 0 || eq == std::string_view::npos) return false;
    std::string_view name = w.substr(0, eq);
    if (name.back() == '+') name.remove_suffix(1); // FOO+=x
    if (name.empty() || is_digit(name.front())) return false;
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
    return true;
}

bool is_reserved(std::string_view w) {
    static constexpr std::string_view kWords[] = {"!",     "{",     "}",      "if",      "then",
                                                  "else",  "elif",  "fi",     "do",      "done",
                                                  "while", "until", "coproc", "function"};
    for (auto k : kWords)
        if (w == k) return true;
    return false;
}

// A program that runs its arguments as a command, and how to skip its own
// options to get there.
struct Wrapper {
    std::string_view name;
    std::string_view short_with_value;               // -n 5 or -n5
    std::array<std::string_view, 6> long_with_value; // --signal KILL or --signal=KILL
    int operands_first = 0;   // timeout DURATION, chrt PRIORITY, taskset MASK
    bool assignments = false; // env NAME=value …
    bool joins = false;       // watch: the rest is one command line
};

constexpr Wrapper kWrappers[] = {
    {"env", "uCS", {"--unset", "--chdir", "--split-string"}, 0, true},
    {"nice", "n", {"--adjustment"}},
    {"timeout", "sk", {"--signal", "--kill-after"}, 1},
    {"xargs",
     "adEILnPs",
     {"--arg-file", "--delimiter", "--max-args", "--max-procs", "--max-chars",
      "--process-slot-var"}},
    {"command", "", {}},
    {"exec", "a", {}},
    {"builtin", "", {}},
    {"nohup", "", {}},
    {"stdbuf", "ioe", {"--input", "--output", "--error"}},
    {"time", "fo", {"--format", "--output"}},
    {"setsid", "", {}},
    {"ionice", "cn", {"--class", "--classdata"}},
    {"chrt", "", {}, 1},
    {"taskset", "", {}, 1},
    {"unbuffer", "", {}},
    {"watch", "n", {"--interval"}, 0, false, true},
};

const Wrapper* find_wrapper(std::string_view name) {
    for (const Wrapper& w : kWrappers)
        if (w.name == name) return &w;
    return nullptr;
}

bool is_shell(std::string_view name) {
    for (std::string_view s : {"sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "yash"})
        if (name == s) return true;
    return false;
}

using Words = std::vector<std::string>;

void views_of(Words words, int depth, std::vector<Words>& out);

void views_of_line(std::string_view line, int depth, std::vector<Words>& out) {
    ShellLine parsed = parse_shell(line);
    for (const SimpleCommand& c : parsed.commands) views_of(c.words, depth + 1, out);
}

// `sh -c 'cmd'`: the shell itself, and what its command string runs.
void shell_views(const Words& words, size_t i, int depth, std::vector<Words>& out) {
    bool command_string = false;
    size_t k = i + 1;
    for (; k < words.size(); ++k) {
        const std::string& w = words[k];
        if (w == "--" || w == "-") {
            ++k;
            break;
        }
        if (w.size() < 2 || (w[0] != '-' && w[0] != '+')) break;
        if (w[1] == '-') continue; // --norc, --login …
        if (w.find('c') != std::string::npos) command_string = true;
        if (w.find_first_of("oO") != std::string::npos) ++k; // -o pipefail
    }
    if (command_string && k < words.size()) views_of_line(words[k], depth, out);
}

// find … -exec cmd {} ; : the command between -exec and ; or +.
void find_views(const Words& words, size_t i, int depth, std::vector<Words>& out) {
    for (size_t k = i + 1; k < words.size(); ++k) {
        const std::string& w = words[k];
        if (w != "-exec" && w != "-execdir" && w != "-ok" && w != "-okdir") continue;
        Words cmd;
        for (++k; k < words.size() && words[k] != ";" && words[k] != "+"; ++k)
            cmd.push_back(words[k]);
        views_of(std::move(cmd), depth + 1, out);
    }
}

void views_of(Words words, int depth, std::vector<Words>& out) {
    if (depth > kMaxDepth) return;
    size_t i = 0;
    while (i < words.size() && (is_assignment(words[i]) || is_reserved(words[i]))) ++i;
    while (i < words.size()) {
        std::string name(command_basename(words[i]));
        const Wrapper* w = find_wrapper(name);
        if (!w) break;
        // The wrapper runs too: a deny rule may name it (nohup:*).
        Words self(words.begin() + static_cast<std::ptrdiff_t>(i), words.end());
        self.front() = name;
        out.push_back(std::move(self));
        ++i;
        std::string split_string; // env -S
        for (; i < words.size(); ++i) {
            const std::string& a = words[i];
            if (a == "--") {
                ++i;
                break;
            }
            if (w->name == "env" && a == "-") continue; // env - = env -i
            if (a.size() < 2 || a[0] != '-') {
                if (w->assignments && is_assignment(a)) continue;
                break;
            }
            if (a[1] == '-') {
                size_t eq = a.find('=');
                std::string_view opt = std::string_view(a).substr(0, eq);
                bool takes = false;
                for (auto l : w->long_with_value) takes = takes || (!l.empty() && l == opt);
                std::string value;
                if (takes && eq != std::string::npos)
                    value = a.substr(eq + 1);
                else if (takes && i + 1 < words.size())
                    value = words[++i];
                if (opt == "--split-string") split_string = value;
                continue;
            }
            for (size_t k = 1; k < a.size(); ++k) {
                if (w->short_with_value.find(a[k]) == std::string_view::npos) continue;
                std::string value = k + 1 < a.size()       ? a.substr(k + 1)
                                    : i + 1 < words.size() ? words[++i]
                                                           : std::string();
                if (w->name == "env" && a[k] == 'S') split_string = value;
                break;
            }
        }
        for (int n = 0; n < w->operands_first && i < words.size(); ++n) ++i;
        if (!split_string.empty()) {
            ShellLine parsed = parse_shell(split_string);
            Words front = parsed.commands.empty() ? Words{} : parsed.commands.front().words;
            words.erase(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(i));
            words.insert(words.begin(), front.begin(), front.end());
            i = 0;
        }
        if (w->joins) {
            Words rest(words.begin() + static_cast<std::ptrdiff_t>(i), words.end());
            views_of_line(join(rest, " "), depth, out);
            return;
        }
        if (w->name == "xargs" && i >= words.size()) return; // runs echo
    }
    if (i >= words.size()) return;
    std::string name(command_basename(words[i]));
    if (name == "eval") {
        Words rest(words.begin() + static_cast<std::ptrdiff_t>(i) + 1, words.end());
        views_of_line(join(rest, " "), depth, out);
        return;
    }
    if (is_shell(name)) shell_views(words, i, depth, out);
    if (name == "find") find_views(words, i, depth, out);
    Words view(words.begin() + static_cast<std::ptrdiff_t>(i), words.end());
    view.front() = name;
    out.push_back(std::move(view));
}

} // namespace

ShellLine parse_shell(std::string_view line) {
    ShellLine out;
    Reader(line, out, 0).run(0);
    return out;
}

std::vector<std::vector<std::string>> command_views(const SimpleCommand& cmd) {
    std::vector<Words> out;
    views_of(cmd.words, 0, out);
    return out;
}

std::string_view command_basename(std::string_view word) {
    size_t slash = word.rfind('/');
    if (slash == std::string_view::npos || slash + 1 == word.size()) return word;
    return word.substr(slash + 1);
}

} // namespace fab::rules
