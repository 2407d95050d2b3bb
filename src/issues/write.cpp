// Ticket writers. Edits work on the file's lines, touching only the lines
// they own (one front-matter key, the title, one body section), and the
// result is parsed again before it is written: a write never produces a
// file the reader would reject.
#include "issues/write.hpp"

#include "util/fd.hpp"
#include "util/fs.hpp"
#include "util/ids.hpp"
#include "util/strings.hpp"

#include <cerrno>
#include <ctime>
#include <fcntl.h>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>

namespace fab::issues {

namespace {

// Serialises read-modify-write cycles of this process (handlers run on
// several pool threads at once).
std::mutex& write_mutex() {
    static std::mutex m;
    return m;
}

std::string utc_now_seconds() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

bool valid_label(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    for (char c : s) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-' || c == ':' || c == '/';
        if (!ok) return false;
    }
    return true;
}

Status check_ids(const char* field, const std::vector<std::string>& ids) {
    for (const auto& id : ids)
        if (!valid_ticket_id(id))
            return make_error(std::string(field) + ": invalid ticket id \"" + id + "\"");
    return {};
}

Status check_status(const std::string& s) {
    if (s == "open" || s == "in_progress" || s == "closed" || s == "blocked") return {};
    return make_error("invalid status \"" + s + "\" (open, in_progress, closed or blocked)");
}

Status check_type(const std::string& s) {
    if (s == "task" || s == "bug" || s == "feature" || s == "chore" || s == "epic") return {};
    return make_error("invalid type \"" + s + "\" (task, bug, feature, chore or epic)");
}

Status check_priority(int p) {
    if (p >= 0 && p <= 2) return {};
    return make_error("invalid priority " + std::to_string(p) + " (0, 1 or 2)");
}

Status check_title(const std::string& s) {
    if (trim(s).empty()) return make_error("the title is empty");
    if (s.find_first_of("\r\n") != std::string::npos) return make_error("the title spans lines");
    if (s.size() > 500) return make_error("the title is longer than 500 bytes");
    return {};
}

Status check_text(const char* what, const std::string& s) {
    if (s.find('\0') != std::string::npos) return make_error(std::string(what) + " has a NUL byte");
    if (s.size() > kMaxTicketBytes / 2) return make_error(std::string(what) + " is too long");
    return {};
}

std::string flow_list(const std::vector<std::string>& items) {
    return "[" + join(items, ", ") + "]";
}

// ---- line-level view of a ticket -------------------------------------------

struct Lines {
    std::vector<std::string> v;
    size_t close = 0; // index of the closing `---`

    static Result<Lines> from(const std::string& text) {
        Ticket t;
        ParseProblem p;
        if (!parse_ticket("", text, t, p))
            return make_error("line " + std::to_string(p.line) + ": " + p.message);
        Lines l;
        l.v = split_lines(text);
        for (size_t i = 1; i < l.v.size(); ++i)
            if (trim(l.v[i]) == "---") {
                l.close = i;
                break;
            }
        return l;
    }

    std::string text() const {
        size_t end = v.size();
        while (end > close + 1 && trim(v[end - 1]).empty()) --end;
        std::string out;
        for (size_t i = 0; i < end; ++i) {
            out += v[i];
            out += '\n';
        }
        return out;
    }

    static bool is_item(const std::string& line) {
        std::string_view t = trim(line);
        return !t.empty() && t.front() == '-' && (t.size() == 1 || t[1] == ' ');
    }

    // Replaces `key: …` (and its block-list items) or adds it before `---`.
    void set_key(const std::string& key, const std::string& value) {
        std::string line = key + ": " + value;
        for (size_t i = 1; i < close; ++i) {
            const std::string& l = v[i];
            if (l.size() <= key.size() || l.compare(0, key.size(), key) != 0) continue;
            std::string_view rest = trim(std::string_view(l).substr(key.size()));
            if (rest.empty() || rest.front() != ':') continue;
            v[i] = line;
            // The old block list's items, with blank and comment lines
            // between them (the reader skips those), up to its last item.
            size_t j = i + 1;
            for (size_t k = i + 1; k < close; ++k) {
                std::string_view t = trim(v[k]);
                if (is_item(v[k]))
                    j = k + 1;
                else if (!t.empty() && t.front() != '#')
                    break;
            }
            v.erase(v.begin() + static_cast<long>(i + 1), v.begin() + static_cast<long>(j));
            close -= j - (i + 1);
            return;
        }
        v.insert(v.begin() + static_cast<long>(close), line);
        ++close;
    }

    // Index of the `# Title` line, inserting one when the file has none.
    size_t title_line() {
        size_t i = close + 1;
        while (i < v.size() && trim(v[i]).empty()) ++i;
        if (i < v.size() && v[i].starts_with("# ")) return i;
        v.insert(v.begin() + static_cast<long>(close + 1), "# ");
        return close + 1;
    }

    // `## ` headings of the body, outside ``` fences: start index of each.
    std::vector<size_t> headings(size_t from) const {
        std::vector<size_t> out;
        bool fence = false;
        for (size_t i = from; i < v.size(); ++i) {
            if (v[i].starts_with("```")) fence = !fence;
            if (!fence && v[i].starts_with("## ")) out.push_back(i);
        }
        return out;
    }

    size_t find_heading(size_t from, std::string_view name) const {
        for (size_t i : headings(from))
            if (trim(std::string_view(v[i]).substr(3)) == name) return i;
        return std::string::npos;
    }

    // End (exclusive) of the section whose heading is at `h`.
    size_t section_end(size_t h) const {
        for (size_t i : headings(h + 1)) return i;
        return v.size();
    }

    // Replaces lines [from, to) with a blank line, `text`'s lines and a blank line.
    void replace(size_t from, size_t to, const std::string& text) {
        std::vector<std::string> repl{""};
        for (auto& l : split_lines(text)) repl.push_back(std::move(l));
        while (repl.size() > 1 && trim(repl.back()).empty()) repl.pop_back();
        repl.emplace_back("");
        v.erase(v.begin() + static_cast<long>(from), v.begin() + static_cast<long>(to));
        v.insert(v.begin() + static_cast<long>(from), repl.begin(), repl.end());
    }
};

Result<std::string> finish(const Lines& l) {
    std::string out = l.text();
    if (out.size() > kMaxTicketBytes) return make_error("the ticket would exceed 1 MiB");
    Ticket t;
    ParseProblem p;
    if (!parse_ticket("", out, t, p)) // a bug here, not bad input: refuse to write it
        return make_error("internal error: edit produced an invalid ticket (line " +
                          std::to_string(p.line) + ": " + p.message + ")");
    return out;
}

// Read `<dir>/<id>.md`, run `edit` on its text, write it back atomically.
template <typename Edit>
Result<Ticket> edit_file(const std::string& dir, const std::string& id, Edit edit) {
    if (!valid_ticket_id(id)) return make_error("invalid ticket id \"" + id + "\"");
    if (auto s = check_tickets_dir(dir); !s) return make_error(s.error());
    const std::string path = dir + "/" + id + ".md";
    std::lock_guard<std::mutex> lock(write_mutex());
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0)
        return make_error(errno == ENOENT ? "no ticket \"" + id + "\" in " + dir
                                          : path + ": " + errno_string(errno));
    if (!S_ISREG(st.st_mode)) return make_error(path + ": not a regular file");
    if (static_cast<uint64_t>(st.st_size) > kMaxTicketBytes)
        return make_error(path + ": file too large");
    auto text = read_file(path);
    if (!text) return make_error(text.error());
    // A malformed ticket is never rewritten (not even the parts fab could
    // parse): the error names the line to fix by hand.
    Ticket before;
    ParseProblem bad;
    if (!parse_ticket(path, *text, before, bad))
        return make_error(bad.path + ":" + std::to_string(bad.line) + ": " + bad.message +
                          " (the ticket is left unchanged; fix it by hand)");
    Result<std::string> edited = edit(*text);
    if (!edited) return make_error(path + ": " + edited.error());
    if (*edited != *text) {
        if (auto s = write_file_atomic(path, *edited, 0644); !s) return make_error(s.error());
    }
    Ticket t;
    ParseProblem p;
    if (!parse_ticket(path, *edited, t, p))
        return make_error(p.path + ":" + std::to_string(p.line) + ": " + p.message);
    return t;
}

} // namespace

std::string id_prefix(const std::string& project_name) {
    std::vector<std::string> parts;
    std::string cur;
    for (char c : project_name) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            cur += c;
        } else if (c == '-' || c == '_' || c == '.' || c == ' ') {
            if (!cur.empty()) parts.push_back(std::move(cur));
            cur.clear();
        }
    }
    if (!cur.empty()) parts.push_back(std::move(cur));
    if (parts.empty()) return "t";
    if (parts.size() == 1) return parts[0].substr(0, 8);
    std::string out;
    for (const auto& p : parts) out += p[0];
    return out.substr(0, 8);
}

Status validate(const NewTicket& t) {
    if (auto s = check_title(t.title); !s) return s;
    if (auto s = check_type(t.type); !s) return s;
    if (auto s = check_priority(t.priority); !s) return s;
    if (auto s = check_ids("deps", t.deps); !s) return s;
    if (auto s = check_ids("links", t.links); !s) return s;
    for (const auto& l : t.labels)
        if (!valid_label(l)) return make_error("labels: invalid label \"" + l + "\"");
    if (!t.parent.empty() && !valid_ticket_id(t.parent))
        return make_error("parent: invalid ticket id \"" + t.parent + "\"");
    return check_text("the description", t.description);
}

Status validate(const TicketUpdate& u) {
    if (u.status)
        if (auto s = check_status(*u.status); !s) return s;
    if (u.title)
        if (auto s = check_title(*u.title); !s) return s;
    if (u.type)
        if (auto s = check_type(*u.type); !s) return s;
    if (u.priority)
        if (auto s = check_priority(*u.priority); !s) return s;
    if (u.deps)
        if (auto s = check_ids("deps", *u.deps); !s) return s;
    if (u.links)
        if (auto s = check_ids("links", *u.links); !s) return s;
    if (u.labels)
        for (const auto& l : *u.labels)
            if (!valid_label(l)) return make_error("labels: invalid label \"" + l + "\"");
    if (u.parent && !u.parent->empty() && !valid_ticket_id(*u.parent))
        return make_error("parent: invalid ticket id \"" + *u.parent + "\"");
    if (u.description) return check_text("the description", *u.description);
    return {};
}

std::string render_new(const std::string& id, const std::string& created, const NewTicket& t) {
    std::string out = "---\n";
    out += "id: " + id + "\n";
    out += "status: open\n";
    out += "deps: " + flow_list(t.deps) + "\n";
    out += "links: " + flow_list(t.links) + "\n";
    out += "created: " + created + "\n";
    out += "type: " + t.type + "\n";
    out += "priority: " + std::to_string(t.priority) + "\n";
    if (!t.labels.empty()) out += "labels: " + flow_list(t.labels) + "\n";
    if (!t.parent.empty()) out += "parent: " + t.parent + "\n";
    out += "---\n";
    out += "# " + std::string(trim(t.title)) + "\n";
    std::string_view desc = trim(t.description);
    if (!desc.empty()) {
        out += "\n";
        out += desc;
        out += "\n";
    }
    return out;
}

Result<Ticket> create(const std::string& dir, const std::string& prefix, const NewTicket& t,
                      const std::set<std::string>& avoid, size_t id_chars) {
    if (auto s = validate(t); !s) return make_error(s.error());
    if (auto s = check_tickets_dir(dir); !s) return make_error(s.error());
    if (auto s = make_dirs(dir, 0755); !s) return make_error(s.error());
    const std::string created = utc_now_seconds();
    for (int attempt = 0; attempt < 200; ++attempt) {
        std::string id = random_id(prefix + "-", id_chars);
        if (avoid.count(id)) continue;
        const std::string path = dir + "/" + id + ".md";
        if (path_exists(path)) continue;
        const std::string text = render_new(id, created, t);
        // Hidden temp name: load_dir skips it, so nobody reads it half-written.
        const std::string tmp =
            dir + "/." + id + ".md.tmp." + std::to_string(::getpid()) + "." + random_id("", 6);
        if (auto s = write_file_atomic(tmp, text, 0644); !s) return make_error(s.error());
        int rc = ::link(tmp.c_str(), path.c_str());
        int err = errno;
        ::unlink(tmp.c_str());
        if (rc != 0 && err == EEXIST) continue; // someone took this id meanwhile
        if (rc != 0) {
            // A file system without hard links: O_EXCL still gives one winner.
            UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
            if (!fd.valid() && errno == EEXIST) continue;
            if (!fd.valid()) return make_error(path + ": " + errno_string(errno));
            size_t off = 0;
            while (off < text.size()) {
                ssize_t n = ::write(fd.get(), text.data() + off, text.size() - off);
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0) return make_error(path + ": " + errno_string(errno));
                off += static_cast<size_t>(n);
            }
            ::fsync(fd.get());
        }
        Ticket out;
        ParseProblem p;
        if (!parse_ticket(path, text, out, p))
            return make_error(p.path + ":" + std::to_string(p.line) + ": " + p.message);
        return out;
    }
    return make_error("could not find a free ticket id with prefix \"" + prefix + "\" in " + dir);
}

Result<std::string> apply_update(const std::string& text, const TicketUpdate& u) {
    if (auto s = validate(u); !s) return make_error(s.error());
    auto lr = Lines::from(text);
    if (!lr) return make_error(lr.error());
    Lines& l = *lr;
    if (u.status) l.set_key("status", *u.status);
    if (u.type) l.set_key("type", *u.type);
    if (u.priority) l.set_key("priority", std::to_string(*u.priority));
    if (u.deps) l.set_key("deps", flow_list(*u.deps));
    if (u.links) l.set_key("links", flow_list(*u.links));
    if (u.labels) l.set_key("labels", flow_list(*u.labels));
    if (u.parent) l.set_key("parent", *u.parent);
    if (u.title) l.v[l.title_line()] = "# " + std::string(trim(*u.title));
    if (u.description) {
        size_t title = l.title_line();
        auto hs = l.headings(title + 1);
        size_t end = hs.empty() ? l.v.size() : hs.front();
        l.replace(title + 1, end, std::string(trim(*u.description)));
    }
    return finish(l);
}

Result<std::string> append_comment(const std::string& text, const std::string& when,
                                   const std::string& body) {
    if (trim(body).empty()) return make_error("the comment is empty");
    if (auto s = check_text("the comment", body); !s) return make_error(s.error());
    auto lr = Lines::from(text);
    if (!lr) return make_error(lr.error());
    Lines& l = *lr;
    // tk's layout: a `## Notes` section of `**<timestamp>**` entries.
    std::string entry = "**" + when + "**\n\n" + std::string(trim(body));
    size_t h = l.find_heading(l.close + 1, "Notes");
    if (h == std::string::npos) {
        while (l.v.size() > l.close + 1 && trim(l.v.back()).empty()) l.v.pop_back();
        l.v.emplace_back("");
        l.v.emplace_back("## Notes");
        l.replace(l.v.size(), l.v.size(), entry);
    } else {
        size_t end = l.section_end(h);
        while (end > h + 1 && trim(l.v[end - 1]).empty()) --end;
        l.replace(end, end, entry);
    }
    return finish(l);
}

Result<std::string> upsert_plan(const std::string& text, const std::string& plan) {
    if (auto s = check_text("the plan", plan); !s) return make_error(s.error());
    auto lr = Lines::from(text);
    if (!lr) return make_error(lr.error());
    Lines& l = *lr;
    size_t h = l.find_heading(l.close + 1, "Plan");
    if (h != std::string::npos) {
        l.replace(h + 1, l.section_end(h), std::string(trim(plan)));
        return finish(l);
    }
    // A new Plan goes before the notes (the conversation stays last).
    size_t notes = l.find_heading(l.close + 1, "Notes");
    size_t at = notes == std::string::npos ? l.v.size() : notes;
    l.v.insert(l.v.begin() + static_cast<long>(at), "## Plan");
    l.replace(at + 1, at + 1, std::string(trim(plan)));
    if (at > 0 && !trim(l.v[at - 1]).empty()) l.v.insert(l.v.begin() + static_cast<long>(at), "");
    return finish(l);
}

Result<Ticket> update(const std::string& dir, const std::string& id, const TicketUpdate& u) {
    return edit_file(dir, id, [&](const std::string& text) { return apply_update(text, u); });
}

Result<Ticket> close(const std::string& dir, const std::string& id) {
    TicketUpdate u;
    u.status = "closed";
    return update(dir, id, u);
}

Result<Ticket> comment(const std::string& dir, const std::string& id, const std::string& body) {
    const std::string when = utc_now_seconds();
    return edit_file(dir, id,
                     [&](const std::string& text) { return append_comment(text, when, body); });
}

Result<Ticket> set_plan(const std::string& dir, const std::string& id, const std::string& plan) {
    return edit_file(dir, id, [&](const std::string& text) { return upsert_plan(text, plan); });
}

} // namespace fab::issues
