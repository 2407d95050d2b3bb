// The orchestrator of one started project: a scan (the tickets read on the
// thread pool; on the poll also a `git fetch` + fast-forward of the clone)
// on a 10 s timer and whenever `.tickets/` changes, followed by as many
// `Supervisor::create` calls as agents_to_spawn() allows. One scan at a
// time; a request during a scan runs another one right after it.
// Loop thread only; owned through a shared_ptr so that callbacks from git
// children and the thread pool can tell it has been stopped.
#pragma once

#include "daemon/orchestrator/orchestrator.hpp"

#include <functional>
#include <memory>
#include <set>
#include <string>

namespace fab {

namespace issues {
struct TicketSet;
}

class ProjectOrchestrator : public std::enable_shared_from_this<ProjectOrchestrator> {
  public:
    static constexpr uint64_t kPollMs = 10000;
    static constexpr uint64_t kDebounceMs = 100; // a burst of file events → one scan

    ProjectOrchestrator(Daemon& d, std::string project);
    ~ProjectOrchestrator();

    void start();
    void poke(); // scan soon
    const std::string& project() const { return project_; }
    int64_t ready_count() const { return ready_; }
    // Called by Orchestrators when the project vanished from the config.
    std::function<void(const std::string&)> on_gone;

  private:
    void scan(bool sync_remote);
    void sync_remote_main();
    void load();
    void loaded(const issues::TicketSet& set, const std::string& kickstart,
                const std::string& kickstart_error);
    void spawn(size_t n, const std::string& prompt);
    void watch();
    void scan_done();

    Daemon& d_;
    std::string project_;
    std::unique_ptr<ev::Timer> poll_, debounce_;
    std::unique_ptr<ev::FsEvent> watch_;
    bool watching_tickets_ = false; // else watching the clone, waiting for .tickets/
    bool scanning_ = false, again_ = false, again_sync_ = false;
    bool syncing_ = false; // a fetch + fast-forward is queued or running
    int64_t ready_ = -1;
    int64_t spawn_hold_until_ = 0;   // after a failed create: wait for the next poll
    std::set<std::string> reported_; // parse problems already logged
    std::string last_hold_;          // why spawning is held back, as last logged
    std::string last_list_error_;    // why the issues could not be listed, as last logged
};

} // namespace fab
