// Writing tickets: create, update fields, add a comment, upsert the Plan.
// Updates edit the file's text in place, so unknown keys, comments and the
// body survive (CRLF line ends become LF). Every write is atomic (temp +
// rename) and re-parsed before it lands, so a write never turns a good
// ticket into a malformed one. Blocking file I/O: the daemon calls these
// from its thread pool.
#pragma once

#include "issues/tickets.hpp"

#include <optional>

namespace fab::issues {

struct NewTicket {
    std::string title;
    std::string type = "task";
    int priority = 2;
    std::vector<std::string> deps, links, labels;
    std::string parent;
    std::string description;
};

struct TicketUpdate {
    std::optional<std::string> status, title, type, parent, description;
    std::optional<int> priority;
    std::optional<std::vector<std::string>> deps, links, labels;
};

// "web" → "web"; "my-cool_app" → "mca" (first letter of each part, as tk
// does); anything else is lowercased and cut to letters and digits.
std::string id_prefix(const std::string& project_name);

// Checks the values a caller may pass (status, type, priority, title, list
// ids); a message naming the bad field, or success.
Status validate(const NewTicket& t);
Status validate(const TicketUpdate& u);

// The text of a new ticket file (tk layout).
std::string render_new(const std::string& id, const std::string& created, const NewTicket& t);

// Creates `<dir>/<prefix>-<4 chars>.md` (making `dir` when missing). The id
// avoids `avoid` and any file present; the file appears complete or not at
// all (written to a temp file, then hard-linked into place, which fails if
// the name was taken meanwhile), so two creators never share an id.
// `id_chars` is 4; tests shrink it to force collisions.
Result<Ticket> create(const std::string& dir, const std::string& prefix, const NewTicket& t,
                      const std::set<std::string>& avoid = {}, size_t id_chars = 4);

// Pure text edits (for tests and the writers below). Each fails when the
// text is not a valid ticket.
Result<std::string> apply_update(const std::string& text, const TicketUpdate& u);
Result<std::string> append_comment(const std::string& text, const std::string& when,
                                   const std::string& body);
Result<std::string> upsert_plan(const std::string& text, const std::string& plan);

// Read, edit, write back `<dir>/<id>.md`. Serialised within this process (a
// mutex), so two requests for one ticket do not lose each other's edit.
Result<Ticket> update(const std::string& dir, const std::string& id, const TicketUpdate& u);
Result<Ticket> close(const std::string& dir, const std::string& id);
Result<Ticket> comment(const std::string& dir, const std::string& id, const std::string& body);
Result<Ticket> set_plan(const std::string& dir, const std::string& id, const std::string& plan);

} // namespace fab::issues
