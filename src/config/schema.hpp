// The config schema: one constexpr table of every key fab reads from
// config.ini. Validation, defaults, `fab project config` and the docs test
// (every key must appear in fab.conf(5)) all iterate this table, so a key
// added here without docs fails the build's tests rather than drifting.
#pragma once

#include "util/result.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fab {

// Section kinds, as bits so that one key can be allowed in several.
enum SectionBit : unsigned {
    kSectionDefaults = 1u << 0,  // [defaults]
    kSectionProject = 1u << 1,   // [project "name"]
    kSectionProviders = 1u << 2, // [providers "name"]
    kSectionLlmAuth = 1u << 3,   // [llm-auth]
    kSectionManager = 1u << 4,   // [manager]
    kSectionPricing = 1u << 5,   // [pricing "model"]
    kSectionServer = 1u << 6,    // [server]
    kSectionCli = 1u << 7,       // [cli]
};

enum class ValueType {
    String,  // any text
    Url,     // http:// or https:// with a host
    Remote,  // a git remote: scheme://..., user@host:path, or an absolute path
    Path,    // a file: absolute, ~/..., or relative to the config file's directory
    EnvVar,  // the *name* of an environment variable: [A-Za-z_][A-Za-z0-9_]*
    Integer, // decimal, within [min, max]
    Boolean, // true/false, yes/no, on/off, 1/0
    Choice,  // one of `choices` ('|'-separated in the table)
    List,    // comma-separated; items trimmed, empty items dropped
    Price,   // a decimal number >= 0 (US dollars per million tokens)
    Model,   // a model name for the agent CLI (check_model_name)
};

struct KeySpec {
    std::string_view name = {};
    unsigned sections = 0; // SectionBit mask
    ValueType type = ValueType::String;
    int64_t min = 0, max = 0;            // Integer only
    std::string_view choices = {};       // Choice only: "a|b|c"
    std::string_view aliases = {};       // Choice only: "other=choice|...", accepted as the choice
    std::string_view default_value = {}; // "" = no default (unset, or inherited)
    std::string_view doc = {};           // one line, for `--help` and the man page test
};

struct SectionSpec {
    std::string_view kind;
    SectionBit bit;
    bool labelled; // [kind "label"] (true) or [kind] (false)
    std::string_view doc;
};

std::span<const KeySpec> config_keys();
std::span<const SectionSpec> config_sections();

const SectionSpec* find_section_spec(std::string_view kind);
// The key as allowed in `section_kind`, or nullptr.
const KeySpec* find_key_spec(std::string_view section_kind, std::string_view key);

// "integer 1-100", "one of: tk, github, linear", ... for docs and errors.
std::string describe_type(const KeySpec& key);

// Checks a section header: known kind, label present exactly when needed.
Status validate_section(std::string_view kind, std::string_view label);
// Checks one value, e.g. `max-agents must be an integer from 1 to 100, got "0"`,
// `unknown key "foo" in [project]; allowed keys: ...`. No file or line: the
// caller (config_from_document, `fab project config set`) adds the location.
Status validate_value(std::string_view section_kind, std::string_view key, std::string_view value);

// Whether the CLI knows a model is the CLI's business (its error reaches the
// agent's history); fab only refuses what cannot be a name on an argv: empty
// is fine (no flag), but not a leading '-' (an option), blanks or control
// characters, or more than 200 bytes.
Status check_model_name(std::string_view model);

// The value a Choice alias stands for ("gh" → "github"); other values as they are.
std::string canonical_value(const KeySpec& key, std::string_view value);

// Splits a List value: comma-separated, trimmed, empty items dropped.
std::vector<std::string> split_list(std::string_view value);

// A Price value: plain decimal digits with at most one '.', >= 0, at most 1e6
// (no sign, exponent, "inf" or "nan": a price is typed by a person).
std::optional<double> parse_price(std::string_view value);

} // namespace fab
