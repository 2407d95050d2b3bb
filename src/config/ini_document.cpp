#include "config/ini_document.hpp"

#include "util/fs.hpp"

#include <ini.h>

#include <algorithm>
#include <cstring>
#include <mutex>

namespace fab {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim_ws(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

bool is_name(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_name_char);
}

std::string quoted(std::string_view s) {
    return "\"" + std::string(s) + "\"";
}

std::string section_name(std::string_view kind, std::string_view label) {
    return label.empty() ? "[" + std::string(kind) + "]"
                         : "[" + std::string(kind) + " " + quoted(label) + "]";
}

// Parses a trimmed `[kind "label"]` line into `out`; returns "" or what is wrong.
// Done here rather than by inih because inih cuts section names at 49 bytes
// and reports no section boundaries in Debian's build.
std::string parse_header(std::string_view s, IniSection& out) {
    size_t i = 1;
    auto skip_ws = [&] {
        while (i < s.size() && is_space(s[i])) ++i;
    };
    skip_ws();
    size_t kind_start = i;
    while (i < s.size() && is_name_char(s[i])) ++i;
    out.kind = std::string(s.substr(kind_start, i - kind_start));
    if (out.kind.empty()) return "section header has no name; expected [kind] or [kind \"label\"]";
    skip_ws();
    if (i < s.size() && s[i] == '"') {
        size_t close = s.find('"', i + 1);
        if (close == std::string_view::npos) return "unterminated quote in section header";
        out.label = std::string(s.substr(i + 1, close - i - 1));
        if (out.label.empty()) return "empty label in section header";
        i = close + 1;
        skip_ws();
    }
    if (i >= s.size()) return "section header has no closing ]";
    if (s[i] != ']') {
        return "unexpected text in section header; expected [kind] or [kind \"label\"] "
               "(labels are quoted)";
    }
    out.header = std::string(trim_ws(s.substr(1, i - 1)));
    std::string_view rest = trim_ws(s.substr(i + 1));
    if (!rest.empty() && rest.front() != ';' && rest.front() != '#')
        return "unexpected text after section header";
    return {};
}

struct ParseState {
    const std::vector<std::string>* lines = nullptr;
    std::string filename;
    size_t next = 0; // index of the next raw line to hand to inih
    int line = 0;    // 1-based number of the line inih is working on
    std::vector<IniSection> sections;
    int current = -1;        // index into sections; -1 before any or after a bad header
    bool bad_header = false; // keys under a bad header are ignored, not reported again
    int error_line = 0;      // first error wins: it is the one the user fixes first
    std::string error;

    void fail(int at, std::string what) {
        if (error_line != 0 && error_line <= at) return;
        error_line = at;
        error = filename + ":" + std::to_string(at) + ": " + std::move(what);
    }
};

// The ini_reader: hands inih one raw line at a time, so that `line` always
// names the line whose key reaches the handler (multiline is off, so one line
// yields at most one key). Section headers are handled here and passed on as
// blank lines; inih's own section tracking is not used.
char* read_line(char* buf, int num, void* stream) {
    auto* st = static_cast<ParseState*>(stream);
    if (st->next >= st->lines->size()) return nullptr;
    const std::string& raw = (*st->lines)[st->next++];
    ++st->line;
    auto give = [&](std::string_view text) {
        if (!text.empty()) std::memcpy(buf, text.data(), text.size());
        buf[text.size()] = '\n';
        buf[text.size() + 1] = '\0';
        return buf;
    };
    // inih needs room for '\n' and '\0'; a longer line would be cut silently.
    if (raw.size() + 2 > static_cast<size_t>(num)) {
        st->fail(st->line, "line is " + std::to_string(raw.size()) + " bytes long; the limit is " +
                               std::to_string(IniDocument::kMaxLine));
        return give({});
    }
    if (raw.find('\0') != std::string::npos) {
        st->fail(st->line, "line contains a NUL byte");
        return give({});
    }
    std::string_view view = raw;
    if (st->line == 1 && view.substr(0, 3) == "\xEF\xBB\xBF") view.remove_prefix(3);
    std::string_view t = trim_ws(view);
    if (t.empty() || t.front() != '[') return give(raw);

    IniSection sec;
    sec.line = st->line;
    std::string what = parse_header(t, sec);
    st->current = -1;
    st->bad_header = true;
    if (!what.empty()) {
        st->fail(st->line, what);
        return give({});
    }
    for (const IniSection& other : st->sections) {
        if (other.kind == sec.kind && other.label == sec.label) {
            st->fail(st->line, "duplicate section " + section_name(sec.kind, sec.label) +
                                   " (first on line " + std::to_string(other.line) + ")");
            return give({});
        }
    }
    st->sections.push_back(std::move(sec));
    st->current = static_cast<int>(st->sections.size()) - 1;
    st->bad_header = false;
    return give({});
}

int on_key(void* user, const char* /*section*/, const char* name, const char* value) {
    auto* st = static_cast<ParseState*>(user);
    std::string_view key = name;
    if (st->current < 0) {
        if (!st->bad_header)
            st->fail(st->line, "key \"" + std::string(key) + "\" is outside any [section]");
        return 1;
    }
    if (key.empty()) {
        st->fail(st->line, "missing key name before '='");
        return 1;
    }
    IniSection& sec = st->sections[static_cast<size_t>(st->current)];
    if (const IniEntry* prev = sec.find(key)) {
        st->fail(st->line, "duplicate key \"" + std::string(key) + "\" in " +
                               section_name(sec.kind, sec.label) + " (first on line " +
                               std::to_string(prev->line) + ")");
        return 1;
    }
    std::string_view v = value ? value : "";
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    sec.entries.push_back(IniEntry{std::string(key), std::string(v), st->line});
    return 1; // errors are recorded in `st`; inih's return then means "syntax"
}

// inih's options are process-wide globals in Debian's build; set them under a
// lock for every parse so that nobody else's setting can leak in.
std::mutex inih_mutex;

std::string encode_value(std::string_view v) {
    bool quote = v.empty() || is_space(v.front()) || is_space(v.back()) || v.front() == ';' ||
                 (v.size() >= 2 && v.front() == '"' && v.back() == '"');
    return quote ? quoted(v) : std::string(v);
}

} // namespace

const IniEntry* IniSection::find(std::string_view key) const {
    for (const IniEntry& e : entries)
        if (e.key == key) return &e;
    return nullptr;
}

Result<IniDocument> IniDocument::parse(const std::string& text, const std::string& filename) {
    IniDocument doc;
    doc.filename_ = filename;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string::npos) {
            doc.lines_.push_back(text.substr(pos));
            doc.final_newline_ = false;
            break;
        }
        doc.lines_.push_back(text.substr(pos, nl - pos));
        pos = nl + 1;
    }

    ParseState st;
    st.lines = &doc.lines_;
    st.filename = filename;
    int rc;
    {
        std::lock_guard lock(inih_mutex);
        ini_allow_multiline = false; // an indented line is a key of its own, not a continuation
        ini_allow_bom = true;
        ini_allow_inline_comments = true;
        ini_allow_no_value = false;
        ini_stop_on_first_error = false;
        // inih's line buffer is then a ~64 KiB VLA on the caller's stack: fine
        // for the main thread and libuv's pool threads (MiB-sized stacks); the
        // heap path would need a reader that returns partial lines.
        ini_use_stack = true;
        ini_max_line = static_cast<int>(kMaxLine) + 3; // + '\r', '\n', '\0' per ini.h
        rc = ini_parse_stream(read_line, &st, on_key, &st);
    }
    if (rc > 0 && (st.error_line == 0 || rc < st.error_line)) {
        std::string_view raw = trim_ws(doc.lines_[static_cast<size_t>(rc - 1)]);
        if (raw.size() > 40) raw = raw.substr(0, 40);
        st.fail(rc, "expected \"key = value\", a [section] header or a comment, got \"" +
                        std::string(raw) + "\"");
    } else if (rc < 0) {
        st.fail(1, "cannot parse (inih error " + std::to_string(rc) + ")");
    }
    if (st.error_line != 0) return make_error(st.error);
    doc.sections_ = std::move(st.sections);
    return doc;
}

Result<IniDocument> IniDocument::load(const std::string& path) {
    if (!path_exists(path)) {
        IniDocument doc;
        doc.filename_ = path;
        return doc;
    }
    auto text = read_file(path);
    if (!text) return make_error(text.error());
    return parse(*text, path);
}

const IniSection* IniDocument::find(std::string_view kind, std::string_view label) const {
    for (const IniSection& s : sections_)
        if (s.kind == kind && s.label == label) return &s;
    return nullptr;
}

const IniEntry* IniDocument::find(std::string_view kind, std::string_view label,
                                  std::string_view key) const {
    const IniSection* s = find(kind, label);
    return s ? s->find(key) : nullptr;
}

Status IniDocument::set(std::string_view kind, std::string_view label, std::string_view key,
                        std::string_view value) {
    if (!is_name(kind)) return make_error("invalid section name \"" + std::string(kind) + "\"");
    if (label.find_first_of("\"\n\r") != std::string_view::npos || label.find('\0') != label.npos)
        return make_error("invalid section label \"" + std::string(label) + "\"");
    if (!is_name(key)) return make_error("invalid key name \"" + std::string(key) + "\"");
    if (value.find_first_of("\n\r") != std::string_view::npos || value.find('\0') != value.npos)
        return make_error(std::string(key) + ": value cannot contain a line break");
    for (size_t i = 1; i < value.size(); ++i) {
        if (value[i] == ';' && is_space(value[i - 1]))
            return make_error(std::string(key) +
                              ": value cannot contain whitespace followed by ';' "
                              "(it would read back as a comment)");
    }
    std::string encoded = encode_value(value);

    std::vector<std::string> before = lines_;
    bool had_newline = final_newline_;
    const IniSection* sec = find(kind, label);
    const IniEntry* entry = sec ? sec->find(key) : nullptr;
    if (entry) {
        // Rewrite only the value: indentation, separator spacing and an
        // inline comment stay as the user wrote them.
        std::string& line = lines_[static_cast<size_t>(entry->line - 1)];
        std::string cr = !line.empty() && line.back() == '\r' ? "\r" : "";
        std::string body = line.substr(0, line.size() - cr.size());
        size_t sep = body.find_first_of("=:");
        size_t vstart = sep + 1;
        while (vstart < body.size() && is_space(body[vstart])) ++vstart;
        std::string comment;
        for (size_t i = sep + 1; i < body.size(); ++i) {
            if (body[i] == ';' && is_space(body[i - 1])) {
                size_t ws = i;
                while (ws > sep + 1 && is_space(body[ws - 1])) --ws;
                comment = body.substr(ws);
                break;
            }
        }
        line = body.substr(0, vstart) + encoded + comment + cr;
    } else if (sec) {
        int after = sec->entries.empty() ? sec->line : sec->entries.back().line;
        std::string indent;
        if (!sec->entries.empty()) {
            const std::string& last = lines_[static_cast<size_t>(after - 1)];
            indent = last.substr(0, last.find_first_not_of(" \t"));
        }
        lines_.insert(lines_.begin() + after, indent + std::string(key) + " = " + encoded);
    } else {
        if (!lines_.empty() && !trim_ws(lines_.back()).empty()) lines_.emplace_back();
        lines_.push_back(section_name(kind, label));
        lines_.push_back(std::string(key) + " = " + encoded);
        final_newline_ = true;
    }
    Status st = reparse();
    if (!st) {
        lines_ = std::move(before);
        final_newline_ = had_newline;
        (void)reparse();
    }
    return st;
}

bool IniDocument::unset(std::string_view kind, std::string_view label, std::string_view key) {
    const IniEntry* e = find(kind, label, key);
    if (!e) return false;
    lines_.erase(lines_.begin() + (e->line - 1));
    (void)reparse(); // removing a key line cannot make the document invalid
    return true;
}

bool IniDocument::remove_section(std::string_view kind, std::string_view label) {
    const IniSection* sec = find(kind, label);
    if (!sec) return false;
    size_t first = static_cast<size_t>(sec->line - 1);
    size_t last = sec->entries.empty() ? first : static_cast<size_t>(sec->entries.back().line - 1);
    lines_.erase(lines_.begin() + static_cast<long>(first),
                 lines_.begin() + static_cast<long>(last + 1));
    // Avoid leaving two blank lines where the section was, or one at the end.
    auto blank = [&](size_t i) { return trim_ws(lines_[i]).empty(); };
    if (first < lines_.size() && blank(first) && (first == 0 || blank(first - 1)))
        lines_.erase(lines_.begin() + static_cast<long>(first));
    else if (first == lines_.size() && first > 0 && blank(first - 1))
        lines_.pop_back();
    (void)reparse();
    return true;
}

std::string IniDocument::text() const {
    std::string out;
    for (size_t i = 0; i < lines_.size(); ++i) {
        out += lines_[i];
        if (i + 1 < lines_.size() || final_newline_) out += '\n';
    }
    return out;
}

Status IniDocument::save(const std::string& path) const {
    return write_file_atomic(path, text(), 0600);
}

Status IniDocument::reparse() {
    auto doc = parse(text(), filename_);
    if (!doc) return make_error(doc.error());
    *this = std::move(doc).value();
    return {};
}

} // namespace fab
