// What the daemon tells a new agent host: written to
// $FAB_DIR/agents/<id>/spec.json before `fab-host --spec <path>` starts.
#pragma once

#include "agents/backend.hpp"
#include "util/result.hpp"

#include <string>

namespace fab {

struct HostSpec {
    std::string agent_id;
    std::string backend; // claude | codex | scripted
    AgentParams params;
    std::string prompt;                       // first message ("" = none: wait for host.send)
    std::string transcript_path;              // agents/<id>/transcript.jsonl
    std::string socket_path;                  // hosts/<id>.sock
    std::string log_path;                     // agents/<id>/host.log
    int64_t grace_ms = 10 * 60 * 1000;        // after the agent exits, wait this long for an ack
    int64_t turn_timeout_ms = 30 * 60 * 1000; // per-turn backends (codex) only
    // The daemon's last offset + 1: a new host never reuses an offset the
    // daemon has seen, even one an earlier host forwarded but never wrote.
    int64_t first_offset = 0;
};

std::string encode_spec(const HostSpec& s);
Result<HostSpec> decode_spec(const std::string& text);

} // namespace fab
