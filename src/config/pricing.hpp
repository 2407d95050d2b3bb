// What tokens cost: [pricing "model"] sections of config.ini, over fab's
// built-in defaults for the models the pinned CLIs use (man fab.conf(5)).
//
// Which cost fab shows: a CLI that reports its own cost (claude's
// total_cost_usd, which also counts its side requests such as titles) is
// believed; usage without a cost (codex reports tokens only) is priced with
// this table. A model the table does not know costs 0, said in the log once.
#pragma once

#include "agents/chat.hpp"
#include "config/config.hpp"

#include <span>
#include <string_view>

namespace fab {

// The defaults fab ships, in US dollars per million tokens.
std::span<const PricingConfig> default_pricing();

// The config's section for `model`, else the built-in default; a model
// reported with a suffix ("claude-opus-4-8[1m]") matches its base name.
// nullptr: unknown.
const PricingConfig* find_pricing(const Config& config, std::string_view model);

// input (not cached) + cache creation at the input price, cache reads at the
// cached-input price, output at the output price.
double price_usage(const PricingConfig& p, const Usage& u);

} // namespace fab
