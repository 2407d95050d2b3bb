#include "daemon/host/transcript.hpp"

#include "protocol/envelope.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <fstream>
#include <limits>
#include <sys/stat.h>
#include <unistd.h>

namespace fab {

std::string Transcript::encode(const TranscriptRecord& r) {
    Json j = {{"o", r.offset}, {"ts", r.ts_ms}, {"src", r.src}, {"data", r.data}};
    return dump_json(j) + "\n";
}

bool Transcript::decode(const std::string& line, TranscriptRecord& out) {
    Json j = Json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("o") || !j["o"].is_number_integer()) return false;
    out.offset = j["o"].get<int64_t>();
    out.ts_ms = j.value("ts", int64_t{0});
    out.src = j.value("src", "");
    out.data = j.value("data", "");
    return true;
}

namespace {

// Every record line starts so: keys are sorted, "data" first, and a quote
// inside a value is escaped, so this never occurs inside a record.
constexpr std::string_view kRecordStart = "{\"data\":";

// A record's offset and time read without parsing it: "o" and "ts" are the
// last top-level keys. Nothing for a line that does not look like one whole
// record (a torn one, or a torn one with another behind it).
struct OffsetTs {
    int64_t offset, ts;
};
std::optional<OffsetTs> peek(std::string_view line) {
    if (line.size() <= kRecordStart.size() || line.compare(0, kRecordStart.size(), kRecordStart) ||
        line.back() != '}' || line.find(kRecordStart, 1) != std::string_view::npos)
        return std::nullopt;
    size_t o = line.rfind("\"o\":"), t = line.rfind("\"ts\":");
    if (o == std::string_view::npos || t == std::string_view::npos || t < o) return std::nullopt;
    auto off = parse_int(line.substr(o + 4, line.find_first_of(",}", o + 4) - o - 4));
    auto ts = parse_int(line.substr(t + 5, line.size() - 1 - t - 5));
    if (!off || !ts) return std::nullopt;
    return OffsetTs{*off, *ts};
}

// One complete line of the file: the bytes that are no record (a torn one)
// and the record after them, if any. `wanted(offset)`: whether the caller
// keeps that record; only those are parsed in full (`parsed`), the others
// give their offset and time.
struct LineParts {
    size_t damaged = 0; // with the newline when the whole line is damaged
    bool has_record = false;
    bool parsed = false;
    TranscriptRecord rec;
};

template <class Wanted>
LineParts split_line(const std::string& line, Wanted wanted) {
    LineParts p;
    if (auto c = peek(line); c && !wanted(c->offset)) {
        p.has_record = true;
        p.rec.offset = c->offset;
        p.rec.ts_ms = c->ts;
        return p;
    }
    if (Transcript::decode(line, p.rec)) {
        p.has_record = p.parsed = true;
        return p;
    }
    // A torn record with a whole one behind it: writing went on right after
    // the torn bytes (a full disk before the host rolled those back).
    size_t at = line.rfind(kRecordStart);
    if (at != std::string::npos && at > 0 && Transcript::decode(line.substr(at), p.rec)) {
        p.damaged = at;
        p.has_record = p.parsed = true;
        return p;
    }
    p.rec = {};
    p.damaged = line.size() + 1;
    return p;
}

// Consecutive damaged lines, reported as one synthesized host record.
struct Damage {
    int64_t lines = 0, bytes = 0;
    void add(size_t n) {
        if (n == 0) return;
        ++lines;
        bytes += static_cast<int64_t>(n);
    }
};

TranscriptRecord damage_record(int64_t offset, int64_t ts, const Damage& d) {
    return {offset, ts, "host",
            dump_json({{"type", "fab_host"},
                       {"event", "transcript_damaged"},
                       {"lines", d.lines},
                       {"bytes", d.bytes}})};
}

} // namespace

Result<Transcript> Transcript::open(const std::string& path, int64_t min_offset) {
    // Find the last record's offset (only offsets: nothing is parsed in
    // full). A torn last line (a crash mid-write) is cut off, or completed
    // when only its newline is missing; damaged lines before it stay (see
    // the header) and never stop the count.
    int64_t prev = -1;
    off_t good_end = 0;
    bool add_newline = false;
    Damage tail, all;
    {
        std::ifstream in(path, std::ios::binary);
        std::string line;
        off_t pos = 0;
        auto none = [](int64_t) { return false; };
        while (std::getline(in, line)) {
            if (in.eof()) {
                TranscriptRecord r;
                if (decode(line, r)) {
                    prev = r.offset;
                    tail = {};
                    good_end = pos + static_cast<off_t>(line.size());
                    add_newline = true;
                }
                break;
            }
            pos += static_cast<off_t>(line.size()) + 1;
            good_end = pos;
            LineParts p = split_line(line, none);
            tail.add(p.damaged);
            all.add(p.damaged);
            if (p.has_record) {
                tail = {};
                prev = p.rec.offset;
            }
        }
    }
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
    if (!fd.valid()) return make_error(path + ": " + errno_string(errno));
    if (::lseek(fd.get(), 0, SEEK_END) != good_end) {
        if (::ftruncate(fd.get(), good_end) != 0)
            return make_error(path + ": " + errno_string(errno));
    }
    if (add_newline && ::write(fd.get(), "\n", 1) != 1)
        return make_error(path + ": " + errno_string(errno));
    // Damage at the end keeps the offset its report is read at.
    Transcript t(std::move(fd), path, prev + 1 + (tail.lines ? 1 : 0));
    t.damaged_lines_ = all.lines;
    t.damaged_bytes_ = all.bytes;
    if (min_offset > t.next_) {
        // A previous host forwarded these (the daemon has seen them) but
        // died before it could write them or their gap marker.
        t.gap_.records = min_offset - t.next_;
        t.gap_.first_offset = t.next_;
        t.gap_.last_offset = min_offset - 1;
        t.gap_.error = "not written by the previous host";
        t.next_ = min_offset;
    }
    return t;
}

TranscriptRecord Transcript::append(const std::string& src, const std::string& data,
                                    bool& written) {
    TranscriptRecord r{next_++, now_ms(), src, data};
    std::string line = encode(r);
    written = gap_.records == 0 && write_line(line);
    if (!written) lose(r, line.size());
    return r;
}

std::optional<TranscriptRecord> Transcript::close_gap() {
    if (gap_.records == 0) return std::nullopt;
    TranscriptRecord r{next_, now_ms(), "host",
                       dump_json({{"type", "fab_host"},
                                  {"event", "transcript_gap"},
                                  {"lost_records", gap_.records},
                                  {"lost_bytes", gap_.bytes},
                                  {"first_offset", gap_.first_offset},
                                  {"last_offset", gap_.last_offset},
                                  {"from", gap_.from_ms},
                                  {"to", gap_.to_ms},
                                  {"error", gap_.error}})};
    if (!write_line(encode(r))) return std::nullopt;
    ++next_;
    gap_ = {};
    return r;
}

// One write() in the normal case. A failed one (ENOSPC, EFBIG, EIO) may have
// written the start of the line: that is cut off again, so that no torn
// record is left for the next write to continue behind.
bool Transcript::write_line(const std::string& line) {
    if (torn_ && !roll_back()) return false;
    size_t off = 0;
    while (off < line.size()) {
        ssize_t n = ::write(fd_.get(), line.data() + off, line.size() - off);
        if (n > 0) {
            off += static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        error_ = errno_string(n < 0 ? errno : ENOSPC);
        torn_ = off;
        if (torn_) roll_back(); // if that fails too, retried before the next write
        return false;
    }
    return true;
}

bool Transcript::roll_back() {
    struct stat st {};
    if (::fstat(fd_.get(), &st) != 0 || st.st_size < static_cast<off_t>(torn_) ||
        ::ftruncate(fd_.get(), st.st_size - static_cast<off_t>(torn_)) != 0)
        return false;
    torn_ = 0;
    return true;
}

void Transcript::lose(const TranscriptRecord& r, size_t bytes) {
    if (gap_.records == 0) {
        gap_.first_offset = r.offset;
        gap_.from_ms = r.ts_ms;
        gap_.error = error_;
    }
    ++gap_.records;
    gap_.bytes += static_cast<int64_t>(bytes);
    gap_.last_offset = r.offset;
    gap_.to_ms = r.ts_ms;
}

bool Transcript::sync() {
    if (::fdatasync(fd_.get()) == 0) return true;
    error_ = errno_string(errno);
    return false;
}

Result<std::vector<TranscriptRecord>> Transcript::read_before(const std::string& path,
                                                              int64_t before, size_t limit) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return make_error(path + ": " + errno_string(errno));
    off_t pos = ::lseek(fd.get(), 0, SEEK_END);
    if (pos < 0) return make_error(path + ": " + errno_string(errno));
    std::vector<TranscriptRecord> out; // newest first until the end
    // Damaged lines between the record read last (`next`, newer) and the
    // one before them: reported as read() does, at that one's offset + 1.
    Damage run;
    int64_t next = std::numeric_limits<int64_t>::max(), next_ts = 0;
    auto wanted = [before](int64_t o) { return o < before; };
    auto take = [&](const std::string& line) {
        LineParts p = split_line(line, wanted);
        if (p.has_record) {
            int64_t at = p.rec.offset + 1;
            if (run.lines && next > at && at < before && out.size() < limit)
                out.push_back(damage_record(at, p.rec.ts_ms, run));
            run = {};
            next = p.rec.offset;
            next_ts = p.rec.ts_ms;
            if (p.parsed && p.rec.offset < before && out.size() < limit)
                out.push_back(std::move(p.rec));
        }
        run.add(p.damaged); // the damaged bytes come before the record in the line
    };
    std::string carry;     // the start of a line whose beginning is further back
    bool torn_tail = true; // until the last newline: a write in progress is no record yet
    constexpr off_t kBlock = 64 * 1024;
    while (pos > 0 && out.size() < limit) {
        off_t n = std::min(kBlock, pos);
        pos -= n;
        std::string text(static_cast<size_t>(n), '\0');
        ssize_t got = ::pread(fd.get(), text.data(), text.size(), pos);
        if (got != n) return make_error(path + ": short read");
        text += carry;
        if (torn_tail) {
            size_t last = text.rfind('\n');
            if (last == std::string::npos) { // all of it is the torn last line
                carry.clear();
                continue;
            }
            text.resize(last + 1);
            torn_tail = false;
        }
        // Complete lines end at each '\n'; the first one is complete only at offset 0.
        size_t end = text.size();
        while (end > 0 && out.size() < limit) {
            size_t nl = end >= 2 ? text.rfind('\n', end - 2) : std::string::npos;
            if (nl == std::string::npos && pos > 0) break; // continues in the previous block
            size_t start = nl == std::string::npos ? 0 : nl + 1;
            take(text.substr(start, end - start - (text[end - 1] == '\n' ? 1 : 0)));
            end = start;
        }
        carry = text.substr(0, end);
    }
    // Damage at the start of the file: offset 0 was the torn record's.
    if (pos == 0 && carry.empty() && run.lines && next > 0 && before > 0 && out.size() < limit)
        out.push_back(damage_record(0, next_ts, run));
    std::reverse(out.begin(), out.end());
    return out;
}

Result<std::vector<TranscriptRecord>> Transcript::read(const std::string& path, int64_t since,
                                                       size_t limit) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(path + ": cannot open");
    std::vector<TranscriptRecord> out;
    // Damaged lines since the last record (`prev`): reported at prev + 1 if
    // the next record leaves that offset free (see the header).
    Damage run;
    int64_t prev = -1, prev_ts = 0;
    auto report = [&](int64_t next, int64_t next_ts) {
        if (run.lines && next > prev + 1 && prev + 1 >= since && out.size() < limit)
            out.push_back(damage_record(prev + 1, prev >= 0 ? prev_ts : next_ts, run));
        run = {};
    };
    auto wanted = [since](int64_t o) { return o >= since; };
    bool at_end = true;
    std::string line;
    while (std::getline(in, line)) {
        if (in.eof()) break; // torn last line
        if (out.size() >= limit) {
            at_end = false;
            break;
        }
        LineParts p = split_line(line, wanted);
        run.add(p.damaged);
        if (!p.has_record) continue;
        report(p.rec.offset, p.rec.ts_ms);
        prev = p.rec.offset;
        prev_ts = p.rec.ts_ms;
        if (p.parsed && p.rec.offset >= since && out.size() < limit)
            out.push_back(std::move(p.rec));
    }
    if (at_end) report(std::numeric_limits<int64_t>::max(), 0);
    return out;
}

} // namespace fab
