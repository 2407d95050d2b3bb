// The agent's transcript: $FAB_DIR/agents/<id>/transcript.jsonl, one record
// per line: {"data":"<raw line>","o":offset,"src":"out|err|in|host","ts":ms}.
// The host appends every line before it serves it to anyone, so the file is
// the complete history; offsets are record numbers, continued across hosts
// of the same agent. Append-only; fsync at turn ends.
//
// Offsets never repeat, and are dense except where the file says why not:
// - A full disk: a record the host cannot append still gets its offset and
//   is forwarded live (the daemon has seen it), so the file skips that
//   offset. Once space returns, a gap marker (a host record,
//   {"type":"fab_host","event":"transcript_gap","lost_records":N,…,
//   "first_offset":a,"last_offset":b}) names the offsets the file lacks.
//   A failed append never leaves part of a record behind.
// - A damaged line (torn by a crash, cut by hand) is skipped by readers; a
//   stretch of them between records P and N is reported as one synthesized
//   host record {"type":"fab_host","event":"transcript_damaged",…} at offset
//   P+1 (the offset the torn record had) when N > P+1. open() reserves that
//   offset for damage at the end of the file, so a new record never takes it.
#pragma once

#include "util/fd.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fab {

struct TranscriptRecord {
    int64_t offset = 0;
    int64_t ts_ms = 0;
    std::string src;  // out | err | in | host
    std::string data; // the raw line (agent output, input sent, or a host note as JSON)
};

// Records forwarded live but not appended since the last gap marker.
struct TranscriptGap {
    int64_t records = 0, bytes = 0;
    int64_t first_offset = -1, last_offset = -1;
    int64_t from_ms = 0, to_ms = 0;
    std::string error; // why the first one failed (ENOSPC, …)
};

class Transcript {
  public:
    // Opens (creating) the file and finds the next offset: one past the last
    // record (two past it after a damaged stretch at the end), and at least
    // `min_offset` — offsets a previous host forwarded (the daemon has seen
    // them) but never wrote are a gap, marked by the first append. A torn
    // last line (a write cut short) is cut off; damaged lines before it are
    // kept for readers to skip.
    static Result<Transcript> open(const std::string& path, int64_t min_offset = 0);

    // Appends one record; it gets the next offset whether or not it reached
    // the disk. `written` false: it did not, and it counts in gap() (no
    // record is appended after a gap until close_gap() has marked it).
    TranscriptRecord append(const std::string& src, const std::string& data, bool& written);
    // Writes the gap marker if records were lost and space is back; the
    // marker as written (forward it like any record), or nothing.
    std::optional<TranscriptRecord> close_gap();
    const TranscriptGap& gap() const { return gap_; }
    // Damaged lines found by open() (skipped, kept in the file), and their bytes.
    int64_t damaged_lines() const { return damaged_lines_; }
    int64_t damaged_bytes() const { return damaged_bytes_; }

    // fdatasync, at turn ends; false (see last_error()) when the data may
    // not be on disk (a full disk can surface only here on some filesystems).
    bool sync();
    const std::string& last_error() const { return error_; }
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
    bool write_line(const std::string& line);
    bool roll_back();
    void lose(const TranscriptRecord& r, size_t bytes);

    UniqueFd fd_;
    std::string path_;
    int64_t next_ = 0;
    TranscriptGap gap_;
    std::string error_; // of the last failed write
    size_t torn_ = 0;   // bytes of a failed write not yet cut off again
    int64_t damaged_lines_ = 0, damaged_bytes_ = 0;
};

} // namespace fab
