#include "workflow/retry.hpp"

#include <algorithm>
#include <cmath>

namespace fab::workflow {

namespace {

struct Preset {
    RetryPolicy policy;
    std::string_view name;
    int attempts;
    double first_ms, factor;
};

constexpr Preset kPresets[] = {
    {RetryPolicy::none, "none", 1, 0, 1},
    {RetryPolicy::standard, "standard", 5, 200, 2},
    {RetryPolicy::aggressive, "aggressive", 5, 500, 2},
    {RetryPolicy::linear, "linear", 3, 500, 1},
    {RetryPolicy::patient, "patient", 3, 2000, 3},
};
constexpr double kCapMs = 60'000;

const Preset& preset(RetryPolicy p) {
    for (const auto& x : kPresets)
        if (x.policy == p) return x;
    return kPresets[0];
}

} // namespace

std::optional<RetryPolicy> retry_policy_from(std::string_view name) {
    for (const auto& x : kPresets)
        if (x.name == name) return x.policy;
    return std::nullopt;
}

std::string_view retry_policy_name(RetryPolicy p) {
    return preset(p).name;
}

int retry_attempts(RetryPolicy p) {
    return preset(p).attempts;
}

std::chrono::milliseconds retry_delay(RetryPolicy p, int retry, double jitter) {
    const Preset& x = preset(p);
    if (p == RetryPolicy::none || retry < 1) return std::chrono::milliseconds(0);
    jitter = std::clamp(jitter, 0.0, 1.0);
    double ms = x.first_ms * std::pow(x.factor, std::min(retry - 1, 30));
    ms = std::min(ms, kCapMs) * (0.5 + jitter);
    return std::chrono::milliseconds(static_cast<long long>(std::min(ms, kCapMs)));
}

} // namespace fab::workflow
