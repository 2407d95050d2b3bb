// The condition language of edges:
//
//   outcome=success && context.tests_passed
//   !(outcome=fail) || internal.node_visit_count >= 3
//   command.output contains "FAILED" || preferred_label matches "^(re)?try"
//
// `||` binds looser than `&&`, `!` binds tightest, parentheses group. A
// comparison is KEY OP VALUE with OP one of = != < > <= >= contains matches;
// VALUE is a bare word or a quoted string ("…" or '…', backslash escapes).
// A bare KEY tests truthiness: set, and not "", "false", "0" or "no". Keys:
// outcome, preferred_label, context.K, human.gate.K, command.output,
// internal.node_visit_count; an unset key reads as "". `<`-style operators
// compare numbers (VALUE must be one; a key that is not a number compares
// false); `matches` is a Perl-compatible regex (PCRE2, UTF-8) searched in the
// last 4 KiB of the key's value; a search that exceeds its step or memory
// limit answers false.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace fab::workflow {

// What a condition reads: the stage's result and the run's context.
struct ConditionVars {
    std::string outcome;
    std::string preferred_label;
    std::string command_output;
    int node_visit_count = 0;
    std::map<std::string, std::string, std::less<>> context;    // context.K
    std::map<std::string, std::string, std::less<>> human_gate; // human.gate.K

    std::string lookup(std::string_view key) const;
};

struct ConditionError {
    size_t pos = 0; // byte offset into the condition text
    std::string message;
    std::string str() const; // "column N: message"
};

class Condition {
  public:
    // Parses `text`; nullopt with `error` filled when it is not a condition.
    static std::optional<Condition> parse(std::string_view text, ConditionError& error);

    bool evaluate(const ConditionVars& vars) const;
    const std::string& text() const { return text_; }

    struct Expr;
    Condition(Condition&&) noexcept;
    Condition& operator=(Condition&&) noexcept;
    ~Condition();

  private:
    Condition() = default;
    std::string text_;
    std::unique_ptr<Expr> root_;
};

// True when `key` is one a condition may read.
bool known_condition_key(std::string_view key);

} // namespace fab::workflow
