// One interface for every issue backend: the in-repo tickets (tk), GitHub
// Issues and Linear. The daemon's `issue.*` handlers, the orchestrator, claims,
// `plan tickets` and `agent done` reach issues only through it, so each works
// the same on all three. Ids are the backend's: "web-a1b2" (tk), "42"
// (GitHub), "ENG-123" (Linear).
//
// Every call blocks (file I/O, or an HTTP request with a deadline): the
// daemon runs them on its thread pool, never on the loop thread. An
// implementation is safe to call from several pool threads at once.
#pragma once

#include "issues/tickets.hpp"
#include "issues/write.hpp"

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace fab::issues {

class Backend {
  public:
    virtual ~Backend() = default;

    // "tk", "github" or "linear".
    virtual const char* kind() const = 0;
    // Where the issues live, for messages and replies: "<clone>/.tickets",
    // "github.com/owner/repo", "linear team ENG".
    virtual std::string where() const = 0;
    // tk only: the tickets are files in git, so writes need `fab issue
    // commit`. For API backends a write is final and commit is a no-op.
    virtual bool in_repo() const { return false; }

    // Read. `status` "" = the backend's whole list (tk: every ticket; API
    // backends: the open issues, and the blockers they name with their
    // state); else only tickets with that status. A network error keeps no
    // guess: it is an error (the orchestrator keeps its last list).
    virtual Result<TicketSet> list(const std::string& status) = 0;
    virtual Result<Ticket> get(const std::string& id) = 0;

    // Write. create() with `parent` set makes a sub-issue of it.
    virtual Result<Ticket> create(const NewTicket& t) = 0;
    virtual Result<Ticket> update(const std::string& id, const TicketUpdate& u) = 0;
    virtual Result<Ticket> close(const std::string& id) = 0;
    virtual Result<Ticket> comment(const std::string& id, const std::string& body) = 0;
    // Replaces (or appends) the `## Plan` section of the description.
    virtual Result<Ticket> set_plan(const std::string& id, const std::string& plan) = 0;
};

// The tk backend over `dir` (<repo>/.tickets). New ids take `prefix` and
// avoid every id `avoid()` returns (the tickets of the clone and of every
// worktree of the project, so that merging branches never clashes).
std::unique_ptr<Backend> make_tk_backend(std::string dir, std::string prefix,
                                         std::function<std::set<std::string>()> avoid = {});

// Ready work for an agent: ready() (open, not an epic, dependencies closed,
// not claimed), and when `allowed_authors` is not empty only tickets whose
// author is one of them (case-insensitive; an issue from anyone else could
// carry a prompt injection, so it is never handed to an agent).
std::vector<const Ticket*> ready_for_agents(const TicketSet& set,
                                            const std::set<std::string>& claimed,
                                            const std::vector<std::string>& allowed_authors);

// True when `author` may have its issues worked on (always with no list).
bool author_allowed(const std::string& author, const std::vector<std::string>& allowed_authors);

} // namespace fab::issues
