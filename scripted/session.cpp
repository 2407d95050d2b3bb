#include "session.hpp"

#include "emit.hpp"
#include "util/fs.hpp"

#include <cctype>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

namespace scripted {

namespace {

constexpr size_t kMaxMessages = 400;

std::string parent_dir(const std::string& p) {
    auto slash = p.rfind('/');
    return slash == std::string::npos ? "." : p.substr(0, slash);
}

} // namespace

std::string config_dir() {
    if (const char* d = std::getenv("CLAUDE_CONFIG_DIR"); d && *d) return d;
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : "/tmp") + "/.claude";
}

std::string record_path(const std::string& id) {
    return config_dir() + "/scripted-sessions/" + id + ".json";
}

std::string transcript_path(const std::string& cwd, const std::string& id) {
    std::string mangled = cwd;
    for (char& c : mangled)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '-';
    return config_dir() + "/projects/" + mangled + "/" + id + ".jsonl";
}

bool record_exists(const std::string& id) {
    return fab::path_exists(record_path(id));
}

fab::Result<SessionRecord> load_record(const std::string& id) {
    auto text = fab::read_file(record_path(id));
    if (!text) return fab::make_error(text.error());
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_object()) return fab::make_error(record_path(id) + ": not a session record");
    SessionRecord r;
    try { // a hand-edited record must not crash the agent
        r.id = j.value("session_id", id);
        r.cwd = j.value("cwd", "");
        r.turns = j.value("turns", 0);
        r.next_tool_id = j.value("next_tool_id", 1);
    } catch (const nlohmann::json::exception& e) {
        return fab::make_error(record_path(id) + ": " + e.what());
    }
    if (j.contains("messages") && j["messages"].is_array()) r.messages = j["messages"];
    return r;
}

fab::Status save_record(const SessionRecord& r) {
    auto path = record_path(r.id);
    if (auto st = fab::make_dirs(parent_dir(path)); !st) return st;
    nlohmann::json msgs = r.messages;
    if (msgs.size() > kMaxMessages)
        msgs.erase(msgs.begin(), msgs.begin() + static_cast<long>(msgs.size() - kMaxMessages));
    nlohmann::json j = {{"session_id", r.id}, {"cwd", r.cwd},
                        {"turns", r.turns},   {"next_tool_id", r.next_tool_id},
                        {"messages", msgs},   {"written_by", "fab-scripted-agent"}};
    return fab::write_file_atomic(path, dump(j) + "\n", 0600);
}

void append_transcript(const std::string& path, const nlohmann::json& line) {
    if (!fab::make_dirs(parent_dir(path))) return;
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return;
    std::string s = dump(line) + "\n";
    if (::write(fd, s.data(), s.size()) < 0) {} // best effort, see header
    ::close(fd);
}

} // namespace scripted
