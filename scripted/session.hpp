// Session persistence, so `--resume <id>` works from another process. The
// record lives in $CLAUDE_CONFIG_DIR/scripted-sessions/<id>.json (or
// ~/.claude/...); the transcript a hook is pointed at (transcript_path) is
// written where claude writes its own, projects/<cwd mangled>/<id>.jsonl.
#pragma once

#include "util/result.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace scripted {

struct SessionRecord {
    std::string id;
    std::string cwd;      // resume is refused from another directory, as claude does
    int turns = 0;        // completed turns, all processes together
    int next_tool_id = 1; // toolu_scripted_<N> stays unique across resumes
    nlohmann::json messages = nlohmann::json::array(); // {role, text}, oldest first, bounded
};

std::string config_dir();
std::string record_path(const std::string& id);
std::string transcript_path(const std::string& cwd, const std::string& id);

bool record_exists(const std::string& id);
fab::Result<SessionRecord> load_record(const std::string& id);
fab::Status save_record(const SessionRecord& r);

// Appends one line to the transcript (best effort: hooks only read it).
void append_transcript(const std::string& path, const nlohmann::json& line);

} // namespace scripted
