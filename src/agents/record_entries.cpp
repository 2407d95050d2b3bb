#include "agents/record_entries.hpp"

namespace fab {

namespace {
ChatEntry system_entry(std::string subtype, std::string text) {
    ChatEntry e;
    e.kind = ChatKind::system;
    e.subtype = std::move(subtype);
    e.text = std::move(text);
    return e;
}

void input_entries(const nlohmann::json& j, std::vector<ChatEntry>& out) {
    std::string type = j.value("type", "");
    if (type == "user_message") {
        ChatEntry e;
        e.kind = ChatKind::user_input;
        e.text = j.value("text", "");
        out.push_back(std::move(e));
    } else if (type == "permission_response") {
        ChatEntry e =
            system_entry("permission_response",
                         j.value("allow", false) ? "permission granted"
                                                 : "permission denied: " + j.value("message", ""));
        e.request_id = j.value("request_id", "");
        out.push_back(std::move(e));
    } else if (type == "interrupt") {
        out.push_back(system_entry("interrupt", "interrupt sent"));
    }
}

void host_entries(const nlohmann::json& j, std::vector<ChatEntry>& out) {
    std::string ev = j.value("event", "");
    if (ev == "cli_started") {
        out.push_back(system_entry("cli_started", "agent started: " + j.value("program", "") +
                                                      " (pid " + std::to_string(j.value("pid", 0)) +
                                                      ")"));
    } else if (ev == "cli_exited") {
        int sig = j.value("signal", 0);
        out.push_back(
            system_entry("cli_exited", "agent exited with status " +
                                           std::to_string(j.value("exit_status", int64_t{-1})) +
                                           (sig ? ", signal " + std::to_string(sig) : "")));
    } else if (ev == "spawn_failed") {
        ChatEntry e;
        e.kind = ChatKind::error;
        e.text = j.value("error", "cannot start the agent");
        out.push_back(std::move(e));
    } else if (ev == "turn_timeout") {
        out.push_back(system_entry("turn_timeout", "turn timed out; interrupting"));
    } else if (ev == "line_dropped") {
        out.push_back(system_entry("line_dropped", "an output line over 16 MiB was dropped"));
    } else if (ev == "transcript_gap") {
        out.push_back(system_entry(
            "transcript_gap",
            "transcript gap: " + std::to_string(j.value("lost_records", int64_t{0})) +
                " record(s) (offsets " + std::to_string(j.value("first_offset", int64_t{-1})) +
                ".." + std::to_string(j.value("last_offset", int64_t{-1})) +
                ") were sent live but could not be written: " + j.value("error", "")));
    } else if (ev == "transcript_damaged") {
        out.push_back(system_entry(
            "transcript_damaged",
            "transcript damaged: " + std::to_string(j.value("lines", int64_t{0})) +
                " unreadable line(s) (" + std::to_string(j.value("bytes", int64_t{0})) +
                " bytes) skipped; the records around them are kept"));
    }
}
} // namespace

void record_entries(const std::string& src, const std::string& data, OutputParser* parser,
                    std::vector<ChatEntry>& out) {
    if (src == "out") {
        if (parser) parser->parse_line(data, out);
        return;
    }
    if (src == "err") {
        out.push_back(system_entry("stderr", data));
        return;
    }
    nlohmann::json j = nlohmann::json::parse(data, nullptr, false);
    if (!j.is_object()) return;
    if (src == "in") input_entries(j, out);
    if (src == "host") host_entries(j, out);
}

} // namespace fab
