#include "config/pricing.hpp"

#include <array>

namespace fab {

namespace {
// Keep in step with man/fab.conf.5 (PRICING). List prices when these CLIs
// were pinned (claude 2.1.197 → claude-opus-4-8; codex 0.169.0 → gpt-5.5).
const std::array kDefaults{
    PricingConfig{"claude-opus-4-8", 5.0, 0.5, 25.0, 0},
    PricingConfig{"gpt-5.5", 1.25, 0.125, 10.0, 0},
};

const PricingConfig* find_in(std::span<const PricingConfig> table, std::string_view model) {
    for (const PricingConfig& p : table)
        if (p.model == model) return &p;
    return nullptr;
}
} // namespace

std::span<const PricingConfig> default_pricing() {
    return kDefaults;
}

const PricingConfig* find_pricing(const Config& config, std::string_view model) {
    for (std::string_view m : {model, model.substr(0, model.find('['))}) {
        if (m.empty()) continue;
        if (const PricingConfig* p = find_in(config.pricing, m)) return p;
        if (const PricingConfig* p = find_in(kDefaults, m)) return p;
    }
    return nullptr;
}

double price_usage(const PricingConfig& p, const Usage& u) {
    double input = static_cast<double>(u.input_tokens + u.cache_creation_tokens);
    return (input * p.input + static_cast<double>(u.cache_read_tokens) * p.cached_input +
            static_cast<double>(u.output_tokens) * p.output) /
           1e6;
}

} // namespace fab
