// The LLM permission checker (`permissions-checker = llm`). A tool call that
// no rule decided and that now waits for a human is first shown, with the
// agent's recent context, to the small model of [llm-auth], which answers one
// word: safe, unsafe or unsure.
//
//   safe                      → allowed, no human asked
//   unsafe, unsafe-action=deny → denied, with a reason the model can read
//   unsafe, unsafe-action=ask  → left for a human
//   unsure                     → left for a human
//   error, timeout, other text → left for a human, and logged (fail-safe:
//                                an error never allows anything)
//
// AskUserQuestion and ExitPlanMode are for the human and never checked.
// The HTTP call runs on the loop (the daemon's net::HttpClient, libcurl);
// the verdict is applied only if the request is still pending (a human may
// have answered meanwhile). Every decision is logged and published as a
// `permission.checked` event. The API key is read from the environment
// variable the provider names and never logged.
//
// Supervisor::apply_entry calls on_entry() for every chat entry; the pure
// helpers below are exposed for tests.
#pragma once

#include "agents/chat.hpp"
#include "config/config.hpp"
#include "net/http_client.hpp"
#include "util/result.hpp"

#include <deque>
#include <memory>
#include <string>
#include <string_view>

namespace fab {

class Daemon;
class Supervisor;
struct Agent;

namespace llm_checker {

// The checks waiting and in flight, and the flag that stops new calls at
// shutdown: held by the Supervisor (one per daemon). Checks run on the loop
// (the daemon's HttpClient), holding no thread; at most kMaxInFlight at once
// all the same, so that a burst of agents does not run into the provider's
// rate limit; the rest wait here. Loop thread only.
struct Job;
struct Queue {
    static constexpr int kMaxInFlight = 8;
    bool cancel = false;
    int in_flight = 0;
    std::deque<std::shared_ptr<Job>> waiting;
};

constexpr size_t kContextEntries = 20;     // chat entries kept per agent
constexpr size_t kContextEntryChars = 600; // each, truncated

enum class Verdict { safe, unsafe, unsure, invalid };
const char* verdict_name(Verdict v);

// Reads the model's answer. Allows only an answer that is exactly the word
// "safe" (any case, punctuation and markdown around it ignored); any
// "unsafe" anywhere wins; everything else that is not one of the words is
// invalid.
Verdict parse_verdict(std::string_view answer);

std::string system_prompt();
// The request to judge, with the recent context (oldest first).
std::string user_prompt(const std::string& project, const std::string& worktree,
                        const std::string& tool, const nlohmann::json& input,
                        const std::deque<std::string>& context);
// One line of context for `e`, or "" for entries not worth showing.
std::string context_line(const ChatEntry& e);

struct ProviderRequest {
    std::string url;
    net::Headers headers;
    std::string body;
};
// `api_key` "" sends no key header (a local server that needs none).
Result<ProviderRequest> build_request(const ProviderConfig& provider, const std::string& model,
                                      const std::string& api_key, const std::string& system,
                                      const std::string& user);
// The model's text from a provider response; an error for a non-2xx status,
// a body that is not JSON, or one without text.
Result<std::string> extract_text(const std::string& provider_type, const net::Response& r);

// The supervisor's hook: records `e` in the agent's context and, for a
// permission entry of an agent whose project uses the llm checker, starts a
// check. Loop thread only.
void on_entry(Daemon& d, Supervisor& s, Agent& a, const ChatEntry& e);

// Makes in-flight checks give up at once (they leave their requests for a
// human) and starts no new ones; for shutdown. Irreversible for this queue.
void cancel_all(Daemon& d, Queue& q);

} // namespace llm_checker
} // namespace fab
