#include "daemon/host/transcript.hpp"

#include "protocol/envelope.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <fstream>
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

Result<Transcript> Transcript::open(const std::string& path) {
    // Count complete records; a torn last line (crash mid-write) is cut off
    // so that offsets stay dense.
    int64_t next = 0;
    off_t good_end = 0;
    {
        std::ifstream in(path, std::ios::binary);
        std::string line;
        off_t pos = 0;
        while (std::getline(in, line)) {
            bool complete = !in.eof();
            pos += static_cast<off_t>(line.size()) + (complete ? 1 : 0);
            TranscriptRecord r;
            if (!complete || !decode(line, r)) break;
            next = r.offset + 1;
            good_end = pos;
        }
    }
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
    if (!fd.valid()) return make_error(path + ": " + errno_string(errno));
    if (::lseek(fd.get(), 0, SEEK_END) != good_end) {
        if (::ftruncate(fd.get(), good_end) != 0)
            return make_error(path + ": " + errno_string(errno));
    }
    return Transcript(std::move(fd), path, next);
}

Result<TranscriptRecord> Transcript::append(const std::string& src, const std::string& data) {
    TranscriptRecord r{next_, now_ms(), src, data};
    std::string line = encode(r);
    size_t off = 0;
    while (off < line.size()) {
        ssize_t n = ::write(fd_.get(), line.data() + off, line.size() - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            return make_error(path_ + ": " + errno_string(errno));
        }
        off += static_cast<size_t>(n);
    }
    ++next_;
    return r;
}

void Transcript::sync() {
    ::fdatasync(fd_.get());
}

Result<std::vector<TranscriptRecord>> Transcript::read_before(const std::string& path,
                                                              int64_t before, size_t limit) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return make_error(path + ": " + errno_string(errno));
    off_t pos = ::lseek(fd.get(), 0, SEEK_END);
    if (pos < 0) return make_error(path + ": " + errno_string(errno));
    std::vector<TranscriptRecord> out; // newest first until the end
    std::string carry;                 // the start of a line whose beginning is further back
    bool at_end = true;
    constexpr off_t kBlock = 64 * 1024;
    while (pos > 0 && out.size() < limit) {
        off_t n = std::min(kBlock, pos);
        pos -= n;
        std::string text(static_cast<size_t>(n), '\0');
        ssize_t got = ::pread(fd.get(), text.data(), text.size(), pos);
        if (got != n) return make_error(path + ": short read");
        text += carry;
        if (at_end) { // a torn last line (a write in progress) is not a record yet
            size_t last = text.rfind('\n');
            text.resize(last == std::string::npos ? 0 : last + 1);
            at_end = false;
        }
        // Complete lines end at each '\n'; the first one is complete only at offset 0.
        size_t end = text.size();
        while (end > 0 && out.size() < limit) {
            size_t nl = end >= 2 ? text.rfind('\n', end - 2) : std::string::npos;
            if (nl == std::string::npos && pos > 0) break; // continues in the previous block
            size_t start = nl == std::string::npos ? 0 : nl + 1;
            std::string line = text.substr(start, end - start - (text[end - 1] == '\n' ? 1 : 0));
            // Cheap skip of newer records: the top-level "o" is the last one in
            // the line (keys are sorted; "data" comes first), so only what is
            // kept gets parsed.
            size_t o = line.rfind("\"o\":");
            auto off = o == std::string::npos
                           ? std::nullopt
                           : parse_int(std::string_view(line).substr(
                                 o + 4, line.find_first_of(",}", o + 4) - o - 4));
            TranscriptRecord r;
            if (!line.empty() && (!off || *off < before) && decode(line, r) && r.offset < before)
                out.push_back(std::move(r));
            end = start;
        }
        carry = text.substr(0, end);
    }
    std::reverse(out.begin(), out.end());
    return out;
}

Result<std::vector<TranscriptRecord>> Transcript::read(const std::string& path, int64_t since,
                                                       size_t limit) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(path + ": cannot open");
    std::vector<TranscriptRecord> out;
    std::string line;
    while (out.size() < limit && std::getline(in, line)) {
        if (in.eof()) break; // torn last line
        // Cheap skip: offsets are dense and in order, so parse only what we keep.
        TranscriptRecord r;
        if (line.size() > 5 && line.compare(0, 5, "{\"o\":") == 0) {
            auto comma = line.find(',');
            auto o = parse_int(std::string_view(line).substr(5, comma - 5));
            if (o && *o < since) continue;
        }
        if (!decode(line, r) || r.offset < since) continue;
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace fab
