// The tk backend: the Backend interface over the `.tickets/` functions of
// tickets.cpp and write.cpp, which keep doing the work.
#include "issues/backend.hpp"

#include "util/strings.hpp"

#include <algorithm>
#include <cctype>

namespace fab::issues {

namespace {

class TkBackend final : public Backend {
  public:
    TkBackend(std::string dir, std::string prefix, std::function<std::set<std::string>()> avoid)
        : dir_(std::move(dir)), prefix_(std::move(prefix)), avoid_(std::move(avoid)) {}

    const char* kind() const override { return "tk"; }
    std::string where() const override { return dir_; }
    bool in_repo() const override { return true; }

    Result<TicketSet> list(const std::string& status) override {
        TicketSet set = load_dir(dir_);
        if (!status.empty())
            std::erase_if(set.tickets, [&](const Ticket& t) { return t.status != status; });
        return set;
    }

    Result<Ticket> get(const std::string& id) override {
        TicketSet set = load_dir(dir_);
        if (const Ticket* t = set.find(id)) return *t;
        for (const auto& p : set.problems)
            if (p.path == dir_ + "/" + id + ".md")
                return make_error(p.path + ":" + std::to_string(p.line) + ": " + p.message);
        return make_error("no ticket \"" + id + "\" in " + dir_);
    }

    Result<Ticket> create(const NewTicket& t) override {
        return issues::create(dir_, prefix_, t, avoid_ ? avoid_() : std::set<std::string>{});
    }
    Result<Ticket> update(const std::string& id, const TicketUpdate& u) override {
        return issues::update(dir_, id, u);
    }
    Result<Ticket> close(const std::string& id) override { return issues::close(dir_, id); }
    Result<Ticket> comment(const std::string& id, const std::string& body) override {
        return issues::comment(dir_, id, body);
    }
    Result<Ticket> set_plan(const std::string& id, const std::string& plan) override {
        return issues::set_plan(dir_, id, plan);
    }

  private:
    std::string dir_, prefix_;
    std::function<std::set<std::string>()> avoid_;
};

std::string lowered(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

} // namespace

std::unique_ptr<Backend> make_tk_backend(std::string dir, std::string prefix,
                                         std::function<std::set<std::string>()> avoid) {
    return std::make_unique<TkBackend>(std::move(dir), std::move(prefix), std::move(avoid));
}

bool author_allowed(const std::string& author, const std::vector<std::string>& allowed_authors) {
    if (allowed_authors.empty()) return true;
    std::string a = lowered(std::string(trim(author)));
    if (a.empty()) return false;
    return std::any_of(allowed_authors.begin(), allowed_authors.end(),
                       [&](const std::string& x) { return lowered(std::string(trim(x))) == a; });
}

std::vector<const Ticket*> ready_for_agents(const TicketSet& set,
                                            const std::set<std::string>& claimed,
                                            const std::vector<std::string>& allowed_authors) {
    auto out = ready(set, claimed);
    std::erase_if(out,
                  [&](const Ticket* t) { return !author_allowed(t->author, allowed_authors); });
    return out;
}

} // namespace fab::issues
