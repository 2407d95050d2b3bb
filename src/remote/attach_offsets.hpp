// What an attach stream has relayed so far, per agent: the offset of the
// next transcript record. After the server restarts, the bridge attaches
// again with these as `since`, so the daemon replays exactly the records
// the client has not seen (the daemon's attach semantics, protocol/messages).
#pragma once

#include "protocol/envelope.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace fab::remote {

class AttachOffsets {
  public:
    // The attach answer's snapshot: each agent is followed from after its
    // newest record, unless it is followed already.
    void see_snapshot(const Json& payload);
    // An event line relayed to the client (agent.output moves its agent on).
    void see_event(const Json& event);
    // The attach request `line` again, its payload's `since` set to the
    // offsets seen (agents not seen yet: from now on, as a fresh attach).
    std::string request_again(const std::string& line, const std::string& id) const;

  private:
    std::map<std::string, int64_t> next_;
};

} // namespace fab::remote
