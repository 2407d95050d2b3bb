#include "daemon/roles/plan_store.hpp"

#include "util/fs.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <algorithm>
#include <filesystem>

namespace fab::plans {

namespace {

// Front-matter values are single lines: a newline in a title must not start
// a new key.
std::string one_line(std::string_view s) {
    std::string out(trim(s));
    for (char& c : out)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    return out;
}

std::vector<std::string> lines_of(std::string_view text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= text.size()) {
        size_t nl = text.find('\n', start);
        std::string_view l = text.substr(start, nl == std::string_view::npos ? nl : nl - start);
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        out.emplace_back(l);
        if (nl == std::string_view::npos) break;
        start = nl + 1;
    }
    return out;
}

} // namespace

bool valid_plan_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_';
    });
}

std::string title_of(std::string_view body) {
    std::string first;
    for (const auto& l : lines_of(body)) {
        std::string_view t = trim(l);
        if (t.empty()) continue;
        if (t.front() == '#') {
            while (!t.empty() && t.front() == '#') t.remove_prefix(1);
            first = one_line(t);
            break;
        }
        if (first.empty()) first = one_line(t);
    }
    if (first.size() > 80) {
        size_t cut = 80;
        while (cut > 0 && (static_cast<unsigned char>(first[cut]) & 0xC0) == 0x80) --cut;
        first = first.substr(0, cut) + "…";
    }
    return first.empty() ? "(untitled plan)" : first;
}

std::string format_plan(const Plan& p) {
    std::string out = "---\n";
    out += "id: " + one_line(p.id) + "\n";
    out += "agent: " + one_line(p.agent) + "\n";
    out += "project: " + one_line(p.project) + "\n";
    out += "created: " + one_line(p.created) + "\n";
    out += "title: " + one_line(p.title) + "\n";
    out += "source: " + one_line(p.source) + "\n";
    out += "---\n";
    out += p.body;
    if (!p.body.empty() && p.body.back() != '\n') out += "\n";
    return out;
}

Result<Plan> parse_plan(const std::string& path, std::string_view text) {
    auto lines = lines_of(text);
    if (lines.empty() || lines[0] != "---")
        return make_error(path + ":1: a plan starts with a `---` front matter line");
    Plan p;
    p.path = path;
    size_t i = 1;
    for (; i < lines.size() && lines[i] != "---"; ++i) {
        const std::string& l = lines[i];
        if (trim(l).empty()) continue;
        size_t colon = l.find(':');
        if (colon == std::string::npos)
            return make_error(path + ":" + std::to_string(i + 1) +
                              ": front matter line without `key: value`");
        std::string key(trim(std::string_view(l).substr(0, colon)));
        std::string value(trim(std::string_view(l).substr(colon + 1)));
        if (key == "id")
            p.id = value;
        else if (key == "agent")
            p.agent = value;
        else if (key == "project")
            p.project = value;
        else if (key == "created")
            p.created = value;
        else if (key == "title")
            p.title = value;
        else if (key == "source")
            p.source = value;
        // other keys: kept in the file, ignored here (a user may add notes)
    }
    if (i >= lines.size()) return make_error(path + ":1: front matter not closed by a `---` line");
    for (size_t k = i + 1; k < lines.size(); ++k) {
        p.body += lines[k];
        if (k + 1 < lines.size()) p.body += "\n";
    }
    std::string stem = std::filesystem::path(path).stem().string();
    if (p.id.empty()) p.id = stem;
    if (p.id != stem)
        return make_error(path + ":2: id \"" + p.id + "\" does not match the file name");
    if (p.title.empty()) p.title = title_of(p.body);
    return p;
}

std::vector<Step> top_level_steps(std::string_view body) {
    std::vector<Step> out;
    bool in_step = false;
    for (const auto& l : lines_of(body)) {
        size_t digits = 0;
        while (digits < l.size() && l[digits] >= '0' && l[digits] <= '9') ++digits;
        bool numbered = digits > 0 && digits + 1 < l.size() &&
                        (l[digits] == '.' || l[digits] == ')') && l[digits + 1] == ' ';
        if (numbered) {
            out.push_back({one_line(std::string_view(l).substr(digits + 2)), ""});
            in_step = true;
        } else if (!l.empty() && l[0] == '#') {
            in_step = false; // a heading ends the step's text, not the list
        } else if (in_step) {
            out.back().body += l + "\n";
        }
    }
    for (auto& s : out) {
        while (!s.body.empty() && (s.body.back() == '\n' || s.body.back() == ' '))
            s.body.pop_back();
        if (s.title.empty()) s.title = "(untitled step)";
    }
    return out;
}

Result<Plan> write_plan(const std::string& dir, Plan p) {
    if (!valid_plan_id(p.id)) return make_error("invalid plan id \"" + p.id + "\"");
    if (p.body.size() > kMaxPlanBytes)
        return make_error("plan is " + std::to_string(p.body.size()) + " bytes; the limit is " +
                          std::to_string(kMaxPlanBytes));
    if (trim(p.body).empty()) return make_error("the plan is empty");
    if (p.created.empty()) p.created = format_iso8601_ms(now_ms());
    if (p.title.empty()) p.title = title_of(p.body);
    if (auto s = make_dirs(dir, 0700); !s) return make_error(s.error());
    p.path = dir + "/" + p.id + ".md";
    if (auto s = write_file_atomic(p.path, format_plan(p)); !s) return make_error(s.error());
    return p;
}

Result<Plan> read_plan(const std::string& dir, const std::string& id) {
    if (!valid_plan_id(id)) return make_error("invalid plan id \"" + id + "\"");
    std::string path = dir + "/" + id + ".md";
    if (!path_exists(path)) return make_error("no plan \"" + id + "\" (" + path + ")");
    auto text = read_file(path);
    if (!text) return make_error(text.error());
    if (text->size() > kMaxPlanBytes + 4096)
        return make_error(path + ": larger than " + std::to_string(kMaxPlanBytes) + " bytes");
    return parse_plan(path, *text);
}

Listing list_plans(const std::string& dir, const std::string& project) {
    Listing out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        std::string name = e.path().filename().string();
        if (e.path().extension() != ".md" || name.front() == '.') continue;
        auto p = read_plan(dir, e.path().stem().string());
        if (!p) {
            out.problems.push_back(p.error());
            continue;
        }
        if (!project.empty() && p->project != project) continue;
        p->body.clear();
        out.plans.push_back(std::move(*p));
    }
    // ISO 8601 UTC strings sort by time; the id breaks ties.
    std::sort(out.plans.begin(), out.plans.end(), [](const Plan& a, const Plan& b) {
        return a.created != b.created ? a.created > b.created : a.id < b.id;
    });
    return out;
}

} // namespace fab::plans
