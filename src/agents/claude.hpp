// Claude Code (`claude -p` in stream-json mode) behind the Backend
// interface, and its output parser. Also serves "scripted": the test/demo
// agent `fab-scripted-agent` speaks exactly this protocol.
// Protocol facts: /work/shared/AGENT-CLIS.md §1 and tests/e2e/NOTES.md.
#pragma once

#include "agents/backend.hpp"

#include <string>

namespace fab {

class ClaudeBackend : public Backend {
  public:
    explicit ClaudeBackend(std::string name = "claude", std::string program = "claude")
        : name_(std::move(name)), program_(std::move(program)) {}

    std::string name() const override { return name_; }
    std::string default_program() const override { return program_; }
    bool persistent() const override { return true; }

    // `message` is ignored: claude prints nothing before its first stdin line,
    // so the host sends the first message with format_input like any other.
    Result<LaunchSpec> launch(const AgentParams& p, const std::string& message) const override;
    std::string format_input(const std::string& text, const SessionState& s) const override;
    std::string interrupt_line(const std::string& request_id, const SessionState& s) const override;
    std::string permission_response(const std::string& request_id, bool allow,
                                    const nlohmann::json& updated_input, const std::string& message,
                                    const SessionState& s) const override;
    std::unique_ptr<OutputParser> make_parser() const override;

    // The --settings JSON: the fab hooks, each run as `<fab_bin> hook <Event>`.
    static std::string hook_settings(const std::string& fab_bin);

  private:
    std::string name_, program_;
};

// Parses claude's stdout. Stateful in two ways: `result` carries the
// process's total cost, so the per-turn cost is the difference from the
// previous `result`; and the `system/init` line that claude repeats at the
// start of every turn is reported only when something in it changed.
//
// Usage baseline: only `cost_usd` is used, and it must be the last
// `total_cost_usd` seen *from the same claude process*. Claude's totals start
// from zero in every process, `--resume` included (a resumed session's first
// `result` bills only that turn; checked with 2.1.197), so a parser for a new
// process, resumed or not, keeps the default baseline of 0. Setting the last
// stored turn's cost after a restart would undercharge the first turn. The
// one use: re-creating a parser for a process that is still running.
class ClaudeParser : public OutputParser {
  public:
    void parse_line(std::string_view line, std::vector<ChatEntry>& out) override;
    void set_usage_baseline(const Usage& u) override { total_cost_ = u.cost_usd; }
    std::string model() const override { return model_; }
    Usage usage_baseline() const override {
        Usage u;
        u.cost_usd = total_cost_;
        return u;
    }

  private:
    void parse_system(const nlohmann::json& j, std::vector<ChatEntry>& out);
    void parse_assistant(const nlohmann::json& j, std::vector<ChatEntry>& out);
    void parse_user(const nlohmann::json& j, std::vector<ChatEntry>& out);
    void parse_result(const nlohmann::json& j, std::vector<ChatEntry>& out);
    void parse_control_request(const nlohmann::json& j, std::vector<ChatEntry>& out);

    double total_cost_ = 0; // total_cost_usd of the previous `result`
    std::string last_init_; // text of the last init entry reported
    std::string model_;     // from system/init
};

} // namespace fab
