// The stdout lines of a turn, shaped like claude's (AGENT-CLIS.md §1.3), and
// the usage/cost accounting: usage is this turn's, total_cost_usd and
// modelUsage are process totals (consumers diff them, as with claude).
#include "agent.hpp"

#include "emit.hpp"
#include "util/time.hpp"

namespace scripted {

namespace {

constexpr const char* kModel = "fab-scripted-agent"; // plainly not a real model
constexpr int kInPerStep = 100, kOutPerStep = 20;
constexpr double kInPrice = 5e-6, kOutPrice = 25e-6; // $5/$25 per Mtok, claude's Opus price

nlohmann::json step_usage(int64_t in, int64_t out) {
    return {{"input_tokens", in},
            {"cache_creation_input_tokens", 0},
            {"cache_read_input_tokens", 0},
            {"output_tokens", out},
            {"server_tool_use", {{"web_search_requests", 0}, {"web_fetch_requests", 0}}},
            {"service_tier", "standard"}};
}

} // namespace

std::string Agent::next_tool_id() {
    return "toolu_scripted_" + std::to_string(record_.next_tool_id++);
}

void Agent::emit_logged(const json& line) {
    emit(line);
    append_transcript(transcript_, line);
}

nlohmann::json Agent::assistant_envelope(const json& content) const {
    return {{"type", "assistant"},
            {"message",
             {{"id", "msg_scripted_" + make_uuid()},
              {"type", "message"},
              {"role", "assistant"},
              {"model", kModel},
              {"content", content},
              {"stop_reason", nullptr},
              {"stop_sequence", nullptr},
              {"usage", step_usage(kInPerStep, kOutPerStep)}}},
            {"parent_tool_use_id", nullptr},
            {"session_id", record_.id},
            {"uuid", make_uuid()}};
}

void Agent::emit_text(const std::string& text) {
    turn_.steps++;
    turn_.last_text = text;
    turn_.summary.clear();
    emit_logged(assistant_envelope({{{"type", "text"}, {"text", text}}}));
}

void Agent::emit_tool_use(const std::string& id, const std::string& name, const json& input) {
    turn_.steps++;
    emit_logged(
        assistant_envelope({{{"type", "tool_use"}, {"id", id}, {"name", name}, {"input", input}}}));
}

void Agent::emit_tool_result(const std::string& id, const std::string& content, bool is_error,
                             const json& tool_use_result) {
    emit_logged({{"type", "user"},
                 {"message",
                  {{"role", "user"},
                   {"content",
                    {{{"tool_use_id", id},
                      {"type", "tool_result"},
                      {"content", content},
                      {"is_error", is_error}}}}}},
                 {"parent_tool_use_id", nullptr},
                 {"session_id", record_.id},
                 {"uuid", make_uuid()},
                 {"tool_use_result", tool_use_result}});
}

void Agent::emit_user_text(const std::string& text) {
    emit_logged({{"type", "user"},
                 {"message", {{"role", "user"}, {"content", {{{"type", "text"}, {"text", text}}}}}},
                 {"parent_tool_use_id", nullptr},
                 {"session_id", record_.id},
                 {"uuid", make_uuid()}});
}

void Agent::emit_init() {
    json tools = {"Bash", "Write"};
    if (opts_.permission_prompt_tool == "stdio") { // as claude: these need a prompt tool
        tools.push_back("AskUserQuestion");
        tools.push_back("ExitPlanMode");
    }
    emit({{"type", "system"},
          {"subtype", "init"},
          {"cwd", cwd_},
          {"session_id", record_.id},
          {"tools", tools},
          {"mcp_servers", json::array()},
          {"model", kModel},
          {"permissionMode", mode_},
          {"slash_commands", json::array()},
          {"apiKeySource", "none"},
          {"claude_code_version", "fab-scripted-agent"},
          {"output_style", "default"},
          {"agents", json::array()},
          {"skills", json::array()},
          {"plugins", json::array()},
          {"uuid", make_uuid()}});
}

void Agent::emit_status() {
    emit({{"type", "system"},
          {"subtype", "status"},
          {"status", nullptr},
          {"permissionMode", mode_},
          {"session_id", record_.id},
          {"uuid", make_uuid()}});
}

void Agent::emit_state(const char* state) {
    emit({{"type", "system"},
          {"subtype", "session_state_changed"},
          {"state", state},
          {"session_id", record_.id},
          {"uuid", make_uuid()}});
}

void Agent::emit_result(Flow flow) {
    int64_t in = int64_t{kInPerStep} * turn_.steps, out = int64_t{kOutPerStep} * turn_.steps;
    total_in_ += in;
    total_out_ += out;
    total_cost_ += static_cast<double>(in) * kInPrice + static_cast<double>(out) * kOutPrice;
    int64_t ms = fab::now_ms() - turn_.started_ms;
    json r = {{"type", "result"},
              {"duration_ms", ms},
              {"duration_api_ms", ms},
              {"num_turns", std::max(1, turn_.steps)},
              {"session_id", record_.id},
              {"total_cost_usd", total_cost_},
              {"usage", step_usage(in, out)},
              {"modelUsage",
               {{kModel,
                 {{"inputTokens", total_in_},
                  {"outputTokens", total_out_},
                  {"cacheReadInputTokens", 0},
                  {"cacheCreationInputTokens", 0},
                  {"webSearchRequests", 0},
                  {"costUSD", total_cost_},
                  {"contextWindow", 200000},
                  {"maxOutputTokens", 32000}}}}},
              {"permission_denials", turn_.denials},
              {"uuid", make_uuid()}};
    bool is_error = flow == Flow::Failed || flow == Flow::Interrupted;
    r["is_error"] = is_error;
    switch (flow) {
    case Flow::Interrupted:
        r["subtype"] = "error_during_execution";
        r["terminal_reason"] = "aborted_streaming";
        r["stop_reason"] = nullptr;
        r["errors"] = json::array();
        break;
    case Flow::Failed:
        r["subtype"] = "success"; // claude: API errors are "success" with is_error
        r["api_error_status"] = turn_.api_status;
        r["result"] = turn_.error;
        r["terminal_reason"] = "completed";
        r["stop_reason"] = "stop_sequence";
        break;
    case Flow::Stopped:
        r["subtype"] = "success";
        r["api_error_status"] = nullptr;
        r["result"] = turn_.stop_reason.empty() ? turn_.last_text : turn_.stop_reason;
        r["terminal_reason"] = "hook_stopped";
        r["stop_reason"] = nullptr;
        break;
    case Flow::Next:
        r["subtype"] = "success";
        r["api_error_status"] = nullptr;
        r["result"] = turn_.last_text;
        r["terminal_reason"] = "completed";
        r["stop_reason"] = "end_turn";
        break;
    }
    last_is_error_ = is_error;
    emit(r);
}

} // namespace scripted
