#include "daemon/host/spec.hpp"

#include "protocol/envelope.hpp"

namespace fab {

std::string encode_spec(const HostSpec& s) {
    const AgentParams& p = s.params;
    Json j = {{"agent_id", s.agent_id},
              {"backend", s.backend},
              {"prompt", s.prompt},
              {"transcript_path", s.transcript_path},
              {"socket_path", s.socket_path},
              {"log_path", s.log_path},
              {"grace_ms", s.grace_ms},
              {"turn_timeout_ms", s.turn_timeout_ms},
              {"first_offset", s.first_offset},
              {"params",
               {{"agent_id", p.agent_id},
                {"project", p.project},
                {"kind", p.kind},
                {"worktree", p.worktree},
                {"fab_bin", p.fab_bin},
                {"socket_path", p.socket_path},
                {"fab_dir", p.fab_dir},
                {"session_id", p.session_id},
                {"resume", p.resume},
                {"permission_mode", p.permission_mode},
                {"model", p.model},
                {"append_system_prompt", p.append_system_prompt},
                {"program", p.program}}}};
    return dump_json(j) + "\n";
}

Result<HostSpec> decode_spec(const std::string& text) {
    Json j = Json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("params")) return make_error("malformed host spec");
    HostSpec s;
    s.agent_id = j.value("agent_id", "");
    s.backend = j.value("backend", "");
    s.prompt = j.value("prompt", "");
    s.transcript_path = j.value("transcript_path", "");
    s.socket_path = j.value("socket_path", "");
    s.log_path = j.value("log_path", "");
    s.grace_ms = j.value("grace_ms", s.grace_ms);
    s.turn_timeout_ms = j.value("turn_timeout_ms", s.turn_timeout_ms);
    s.first_offset = j.value("first_offset", int64_t{0});
    const Json& p = j["params"];
    s.params.agent_id = p.value("agent_id", "");
    s.params.project = p.value("project", "");
    s.params.kind = p.value("kind", "task");
    s.params.worktree = p.value("worktree", "");
    s.params.fab_bin = p.value("fab_bin", "");
    s.params.socket_path = p.value("socket_path", "");
    s.params.fab_dir = p.value("fab_dir", "");
    s.params.session_id = p.value("session_id", "");
    s.params.resume = p.value("resume", false);
    s.params.permission_mode = p.value("permission_mode", "default");
    s.params.model = p.value("model", "");
    s.params.append_system_prompt = p.value("append_system_prompt", "");
    s.params.program = p.value("program", "");
    if (s.agent_id.empty() || s.backend.empty() || s.socket_path.empty() ||
        s.transcript_path.empty())
        return make_error("host spec lacks agent_id, backend, socket_path or transcript_path");
    return s;
}

} // namespace fab
