// Reading `.tickets/<id>.md`: a small, strict front-matter parser (not YAML:
// `key: value` lines, flow `[a, b]` and block `- a` lists, optional quotes)
// and the ready computation. Every problem names the file and line; a bad
// file is skipped, never the whole directory.
#include "issues/tickets.hpp"

#include "util/fd.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <sys/stat.h>
#include <unistd.h>

namespace fab::issues {

namespace {

constexpr size_t kMaxFrontMatterLine = 4096;

bool one_of(const std::string& v, std::initializer_list<const char*> allowed) {
    for (const char* a : allowed)
        if (v == a) return true;
    return false;
}

// 'x' or "x" → x. No escapes: ticket values are plain words and dates.
std::string unquote(std::string_view v) {
    v = trim(v);
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
        v = v.substr(1, v.size() - 2);
    return std::string(v);
}

// "[a, 'b', c]" → {a, b, c}; "[]" → {}. False when the bracket is not closed.
bool parse_flow_list(std::string_view v, std::vector<std::string>& out) {
    v = trim(v);
    if (v.size() < 2 || v.front() != '[' || v.back() != ']') return false;
    v = v.substr(1, v.size() - 2);
    for (const auto& part : split(v, ',')) {
        std::string item = unquote(part);
        if (!item.empty()) out.push_back(std::move(item));
    }
    return true;
}

std::string stem_of(const std::string& path) {
    auto slash = path.find_last_of('/');
    std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    if (name.size() > 3 && name.ends_with(".md")) name.resize(name.size() - 3);
    return name;
}

// One front-matter key as read: its value, or the items of a block list.
struct Field {
    int line = 0;
    std::string value;
    std::vector<std::string> items;
    bool block = false; // `key:` followed by `- item` lines
};

struct Parser {
    const std::string& path;
    ParseProblem& problem;

    bool fail(int line, std::string message) {
        problem = ParseProblem{path, line, std::move(message)};
        return false;
    }

    bool list_field(const Field& f, const std::string& key, std::vector<std::string>& out) {
        if (f.block) {
            out = f.items;
            return true;
        }
        std::string_view v = trim(f.value);
        if (v.empty()) return true;
        if (v.front() == '[') {
            if (!parse_flow_list(v, out))
                return fail(f.line, key + ": unterminated list (expected '[a, b]')");
            return true;
        }
        // A bare scalar is a list of one (tk writes `deps: []`, people write `deps: x`).
        for (const auto& part : split(v, ',')) {
            std::string item = unquote(part);
            if (!item.empty()) out.push_back(std::move(item));
        }
        return true;
    }
};

} // namespace

bool valid_ticket_id(std::string_view id) {
    if (id.empty() || id.size() > 64 || id.front() == '.' || id.front() == '-') return false;
    for (char c : id) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

std::vector<std::string> split_lines(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        size_t end = nl == std::string_view::npos ? text.size() : nl;
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.emplace_back(line);
        if (nl == std::string_view::npos) break;
        start = nl + 1;
    }
    return lines;
}

bool parse_ticket(const std::string& path, std::string_view text, Ticket& out,
                  ParseProblem& problem) {
    Parser p{path, problem};
    out = Ticket{};
    out.path = path;

    if (text.size() > kMaxTicketBytes)
        return p.fail(0, "file too large (" + std::to_string(text.size()) + " bytes, max " +
                             std::to_string(kMaxTicketBytes) + ")");
    if (auto nul = text.find('\0'); nul != std::string_view::npos) {
        int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + nul, '\n'));
        return p.fail(line, "binary content (NUL byte)");
    }

    std::vector<std::string> lines = split_lines(text);
    if (lines.empty()) return p.fail(1, "empty file (expected '---' front matter)");
    if (trim(lines[0]) != "---") return p.fail(1, "no front matter (expected '---')");

    std::map<std::string, Field> fields;
    std::vector<std::string> order;
    std::string last_key;
    size_t close = 0;
    for (size_t i = 1; i < lines.size(); ++i) {
        const std::string& raw = lines[i];
        int lineno = static_cast<int>(i) + 1;
        if (trim(raw) == "---") {
            close = i;
            break;
        }
        if (raw.size() > kMaxFrontMatterLine) return p.fail(lineno, "line too long");
        std::string_view t = trim(raw);
        if (t.empty() || t.front() == '#') continue;
        if (t.front() == '-' && (t.size() == 1 || t[1] == ' ')) {
            if (last_key.empty()) return p.fail(lineno, "list item outside a key");
            Field& f = fields[last_key];
            if (!trim(f.value).empty())
                return p.fail(lineno, "list item after '" + last_key + ": " + f.value + "'");
            f.block = true;
            std::string item = unquote(t.substr(1));
            if (!item.empty()) f.items.push_back(std::move(item));
            continue;
        }
        if (raw.front() == ' ' || raw.front() == '\t')
            return p.fail(lineno, "unexpected indented line (nested values are not supported)");
        auto colon = raw.find(':');
        if (colon == std::string::npos || colon == 0)
            return p.fail(lineno, "expected 'key: value'");
        std::string key(trim(std::string_view(raw).substr(0, colon)));
        if (key.find_first_of(" \t") != std::string::npos)
            return p.fail(lineno, "invalid key \"" + key + "\"");
        if (fields.count(key)) {
            return p.fail(lineno, "duplicate key \"" + key + "\" (first on line " +
                                      std::to_string(fields[key].line) + ")");
        }
        Field f;
        f.line = lineno;
        f.value = std::string(trim(std::string_view(raw).substr(colon + 1)));
        fields.emplace(key, std::move(f));
        order.push_back(key);
        last_key = key;
    }
    if (close == 0) return p.fail(1, "unterminated front matter (no closing '---')");

    const std::string stem = stem_of(path);
    for (const auto& key : order) {
        const Field& f = fields[key];
        std::string v = unquote(f.value);
        if (key == "id") {
            if (!valid_ticket_id(v)) return p.fail(f.line, "invalid id \"" + v + "\"");
            if (!path.empty() && v != stem)
                return p.fail(f.line,
                              "id \"" + v + "\" does not match the file name \"" + stem + ".md\"");
            out.id = v;
        } else if (key == "status") {
            if (!one_of(v, {"open", "in_progress", "closed", "blocked"}))
                return p.fail(f.line, "invalid status \"" + v +
                                          "\" (open, in_progress, closed or blocked)");
            out.status = v;
        } else if (key == "type") {
            if (!one_of(v, {"task", "bug", "feature", "chore", "epic"}))
                return p.fail(f.line,
                              "invalid type \"" + v + "\" (task, bug, feature, chore or epic)");
            out.type = v;
        } else if (key == "priority") {
            auto n = parse_int(v);
            if (!n || *n < 0 || *n > 2)
                return p.fail(f.line, "invalid priority \"" + v + "\" (0, 1 or 2)");
            out.priority = static_cast<int>(*n);
        } else if (key == "deps") {
            if (!p.list_field(f, key, out.deps)) return false;
        } else if (key == "links") {
            if (!p.list_field(f, key, out.links)) return false;
        } else if (key == "labels") {
            if (!p.list_field(f, key, out.labels)) return false;
        } else if (key == "created") {
            out.created = v;
        } else if (key == "parent") {
            out.parent = v;
        } else {
            out.extra.emplace_back(key, f.block ? "[" + join(f.items, ", ") + "]" : f.value);
        }
    }
    if (out.id.empty()) {
        if (!valid_ticket_id(stem)) return p.fail(1, "no id and the file name is not a valid id");
        out.id = stem;
    }

    // `# Title`, then the body; blank lines between them are not part of it.
    size_t i = close + 1;
    while (i < lines.size() && trim(lines[i]).empty()) ++i;
    if (i < lines.size() && lines[i].starts_with("# ")) {
        out.title = std::string(trim(std::string_view(lines[i]).substr(2)));
        ++i;
        while (i < lines.size() && trim(lines[i]).empty()) ++i;
    }
    for (; i < lines.size(); ++i) {
        out.body += lines[i];
        out.body += '\n';
    }
    return true;
}

const Ticket* TicketSet::find(const std::string& id) const {
    auto it = std::lower_bound(tickets.begin(), tickets.end(), id,
                               [](const Ticket& t, const std::string& k) { return t.id < k; });
    return it != tickets.end() && it->id == id ? &*it : nullptr;
}

namespace {

// Reads at most kMaxTicketBytes + 1 bytes of a regular file. Opening with
// O_NONBLOCK|O_NOFOLLOW and checking fstat keeps a FIFO, device or symlink
// planted in .tickets/ from blocking or redirecting the read.
bool read_capped(const std::string& path, std::string& out, ParseProblem& problem) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
    if (!fd.valid()) {
        problem = ParseProblem{path, 0, errno_string(errno)};
        return false;
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        problem = ParseProblem{path, 0, "not a regular file"};
        return false;
    }
    if (static_cast<uint64_t>(st.st_size) > kMaxTicketBytes) {
        problem = ParseProblem{path, 0,
                               "file too large (" + std::to_string(st.st_size) + " bytes, max " +
                                   std::to_string(kMaxTicketBytes) + ")"};
        return false;
    }
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            problem = ParseProblem{path, 0, errno_string(errno)};
            return false;
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
        if (out.size() > kMaxTicketBytes) break; // grew while we read; parse_ticket reports it
    }
    return true;
}

} // namespace

Status check_tickets_dir(const std::string& dir) {
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return {};
    std::string clone = dir.substr(0, dir.find_last_of('/'));
    char* target = ::realpath(dir.c_str(), nullptr);
    char* root = ::realpath(clone.empty() ? "/" : clone.c_str(), nullptr);
    std::string t = target ? target : "", r = root ? root : "";
    std::free(target);
    std::free(root);
    if (!t.empty() && !r.empty() && t.size() > r.size() && t.compare(0, r.size(), r) == 0 &&
        t[r.size()] == '/')
        return {};
    return make_error(dir + " is a symlink out of the repository (to " +
                      (t.empty() ? std::string("a missing path") : t) +
                      "); fab refuses to read or write tickets through it");
}

TicketSet load_dir(const std::string& dir) {
    TicketSet set;
    if (auto s = check_tickets_dir(dir); !s) {
        set.problems.push_back(ParseProblem{dir, 0, s.error()});
        return set;
    }
    DIR* d = ::opendir(dir.c_str());
    if (!d) {
        if (errno != ENOENT && errno != ENOTDIR)
            set.problems.push_back(ParseProblem{dir, 0, errno_string(errno)});
        return set;
    }
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        // Hidden files are editors' and writers' temp files.
        if (name.size() <= 3 || name.front() == '.' || !name.ends_with(".md")) continue;
        names.push_back(std::move(name));
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());

    for (const auto& name : names) {
        std::string path = dir + "/" + name;
        std::string text;
        ParseProblem problem;
        Ticket t;
        if (!read_capped(path, text, problem) || !parse_ticket(path, text, t, problem)) {
            set.problems.push_back(std::move(problem));
            continue;
        }
        set.tickets.push_back(std::move(t));
    }
    std::sort(set.tickets.begin(), set.tickets.end(),
              [](const Ticket& a, const Ticket& b) { return a.id < b.id; });
    return set;
}

std::vector<const Ticket*> ready(const TicketSet& set, const std::set<std::string>& claimed) {
    std::vector<const Ticket*> out;
    for (const auto& t : set.tickets) {
        // An epic groups other tickets (a stored plan, say); its children are
        // the work, so it is never handed to an agent itself.
        if (t.status != "open" || t.type == "epic" || claimed.count(t.id)) continue;
        bool deps_closed = std::all_of(t.deps.begin(), t.deps.end(), [&](const std::string& d) {
            if (const Ticket* dep = set.find(d)) return dep->status == "closed";
            auto it = set.dep_status.find(d);
            return it != set.dep_status.end() && it->second == "closed";
        });
        if (deps_closed) out.push_back(&t);
    }
    std::stable_sort(out.begin(), out.end(), [](const Ticket* a, const Ticket* b) {
        if (a->priority != b->priority) return a->priority < b->priority;
        if (a->created != b->created) return a->created < b->created;
        return a->id < b->id;
    });
    return out;
}

} // namespace fab::issues
