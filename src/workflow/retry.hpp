// Retry policies of a stage (`retry_policy`): how many attempts and how long
// to wait before each retry. Pure: the caller supplies the jitter, so the
// engine can draw it and a test can pin it.
//
//   policy      attempts  first delay  factor
//   none        1         -            -
//   standard    5         0.2 s        2
//   aggressive  5         0.5 s        2
//   linear      3         0.5 s        1
//   patient     3         2 s          3
// Delays are capped at 60 s; jitter scales each by 0.5 … 1.5. `max_retries`
// on the stage (or the graph's `default_max_retries`) overrides the attempts.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace fab::workflow {

enum class RetryPolicy { none, standard, aggressive, linear, patient };

std::optional<RetryPolicy> retry_policy_from(std::string_view name);
std::string_view retry_policy_name(RetryPolicy p);

// Attempts in all (the first run included).
int retry_attempts(RetryPolicy p);

// The wait before retry number `retry` (1 = after the first failure);
// `jitter` in [0, 1): 0.5 gives the nominal delay.
std::chrono::milliseconds retry_delay(RetryPolicy p, int retry, double jitter = 0.5);

} // namespace fab::workflow
