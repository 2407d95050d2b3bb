// The agent's transcript: $FAB_DIR/agents/<id>/transcript.jsonl, one record
// per line: {"o":offset,"ts":ms,"src":"out|err|in|host","data":"<raw line>"}.
// The host appends every line before it serves it to anyone, so the file is
// the complete history; offsets are record numbers, continued across hosts
// of the same agent. Append-only; fsync at turn ends.
#pragma once

#include "util/fd.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace fab {

struct TranscriptRecord {
    int64_t offset = 0;
    int64_t ts_ms = 0;
    std::string src;  // out | err | in | host
    std::string data; // the raw line (agent output, input sent, or a host note as JSON)
};

class Transcript {
  public:
    // Opens (creating) the file and counts the records already in it.
    static Result<Transcript> open(const std::string& path);

    // Appends and returns the record as written (with its offset).
    Result<TranscriptRecord> append(const std::string& src, const std::string& data);
    void sync(); // fsync; called at turn ends
    int64_t next_offset() const { return next_; }
    const std::string& path() const { return path_; }

    // Reads records with offset >= since, at most `limit`. Safe from any
    // thread (opens its own descriptor); skips a torn last line.
    static Result<std::vector<TranscriptRecord>> read(const std::string& path, int64_t since,
                                                      size_t limit);
    // The last `limit` records with offset < before, oldest first, read
    // backwards from the end of the file: a client paging back from the
    // newest records (the TUI) costs what it reads, not the file's size.
    static Result<std::vector<TranscriptRecord>> read_before(const std::string& path,
                                                             int64_t before, size_t limit);

    static std::string encode(const TranscriptRecord& r);
    static bool decode(const std::string& line, TranscriptRecord& out);

  private:
    Transcript(UniqueFd fd, std::string path, int64_t next)
        : fd_(std::move(fd)), path_(std::move(path)), next_(next) {}
    UniqueFd fd_;
    std::string path_;
    int64_t next_ = 0;
};

} // namespace fab
