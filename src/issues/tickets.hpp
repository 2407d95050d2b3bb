// In-repo tickets (the `tk` format): one Markdown file per ticket in
// `.tickets/<id>.md`, YAML-like front matter between `---` lines, then
// `# Title` and the description. Pure functions over a directory; no daemon,
// no libuv. A malformed file never stops the others: it is reported with its
// path and line and skipped.
#pragma once

#include "util/result.hpp"

#include <set>
#include <string>
#include <vector>

namespace fab::issues {

struct Ticket {
    std::string id;
    std::string status = "open"; // open | in_progress | closed | blocked
    std::vector<std::string> deps, links, labels;
    std::string created;         // as written (ISO 8601, UTC)
    std::string type = "task";   // task | bug | feature | chore | epic
    int priority = 2;            // 0 (highest) – 2
    std::string parent;
    std::string title;
    std::string body;            // everything after the `# Title` line
    std::string path;            // the file it came from
};

struct ParseProblem {
    std::string path;
    int line = 0;
    std::string message;
};

struct TicketSet {
    std::vector<Ticket> tickets; // sorted by id
    std::vector<ParseProblem> problems;
    const Ticket* find(const std::string& id) const;
};

// Reads every `*.md` in `dir` (a missing directory is an empty set).
TicketSet load_dir(const std::string& dir);

// Ready = open, every dep closed (a dep that does not exist is not closed),
// not in `claimed`. Highest priority (lowest number) first, then oldest.
std::vector<const Ticket*> ready(const TicketSet& set, const std::set<std::string>& claimed);

} // namespace fab::issues
