// In-repo tickets (the `tk` format): one Markdown file per ticket in
// `.tickets/<id>.md`, YAML-like front matter between `---` lines, then
// `# Title` and the description. Pure functions over a directory; no daemon,
// no libuv. A malformed file never stops the others: it is reported with its
// path and line and skipped.
#pragma once

#include "util/result.hpp"

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fab::issues {

struct Ticket {
    std::string id;
    std::string status = "open"; // open | in_progress | closed | blocked
    std::vector<std::string> deps, links, labels;
    std::string created;       // as written (ISO 8601, UTC)
    std::string type = "task"; // task | bug | feature | chore | epic
    int priority = 2;          // 0 (highest) – 2
    std::string parent;
    std::string title;
    std::string body;   // everything after the `# Title` line
    std::string path;   // the file it came from (tk), or the issue's web URL
    std::string author; // API backends: the issue's author (login or email); tk: ""
    // Front-matter keys fab does not know, in file order, values as written
    // (a block list is joined as "[a, b]"). Writers edit the file text in
    // place, so these survive every update.
    std::vector<std::pair<std::string, std::string>> extra;
};

struct ParseProblem {
    std::string path;
    int line = 0;
    std::string message;
};

struct TicketSet {
    std::vector<Ticket> tickets; // sorted by id
    std::vector<ParseProblem> problems;
    // API backends: the status of dependencies that are not in `tickets`
    // (a blocker closed long ago, or one outside the listed page).
    std::map<std::string, std::string> dep_status;
    const Ticket* find(const std::string& id) const;
};

// Files larger than this are reported and skipped (a ticket is a page of text).
inline constexpr size_t kMaxTicketBytes = 1 << 20;

// Ticket ids end up in file names: letters, digits, '.', '_' and '-', not
// starting with '.' or '-', at most 64 characters.
bool valid_ticket_id(std::string_view id);

// Parses the text of one ticket file into `out`; false with `problem` set
// when it is malformed. `path` names the file in problems; the id must match
// its stem (the id is taken from the stem when the key is missing).
bool parse_ticket(const std::string& path, std::string_view text, Ticket& out,
                  ParseProblem& problem);

// The text split into lines: a UTF-8 BOM dropped, CRLF read as LF, no
// trailing empty line for a final newline. Shared with the writers.
std::vector<std::string> split_lines(std::string_view text);

// `dir` is `<clone>/.tickets`: refused when it is a symlink that leads out
// of the clone (an agent or a pushed commit could point it at any directory
// the daemon can read or write). Missing, a real directory, or a symlink
// within the clone: fine.
Status check_tickets_dir(const std::string& dir);

// Reads every `*.md` in `dir` (a missing directory is an empty set; one that
// check_tickets_dir refuses is a problem and an empty set).
TicketSet load_dir(const std::string& dir);

// Ready = open, not an epic, every dep closed (a dep that does not exist is
// not closed; one only in dep_status counts with that status), not in `claimed`. Highest priority
// (lowest number) first, then oldest.
std::vector<const Ticket*> ready(const TicketSet& set, const std::set<std::string>& claimed);

} // namespace fab::issues
