// The one reader of JSON fields, in two kinds.
//
// Strict (field_*), for request payloads, used by every daemon handler.
// A missing or null field gives the default; a field of the wrong type
// throws FieldError, whose text ("field \"x\" must be a string") the router
// sends back as the request's error (no "internal error", nothing logged as
// a fault). Exceptions stop at Router::dispatch: they never reach the loop.
#pragma once

#include "protocol/envelope.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fab {

struct FieldError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string field_string(const Json& payload, const char* key, const std::string& fallback = "");
// nullopt when missing or null: "not given" differs from "".
std::optional<std::string> field_optional_string(const Json& payload, const char* key);
bool field_bool(const Json& payload, const char* key, bool fallback = false);
// An integer that fits int64 (a float, or a number out of range, is refused).
int64_t field_int(const Json& payload, const char* key, int64_t fallback = 0);
// nullptr when missing or null.
const Json* field_object(const Json& payload, const char* key);
const Json* field_array(const Json& payload, const char* key);
// An array of strings, or one string of comma-separated items (the CLI sends
// strings); blanks trimmed, empty items dropped. nullopt when missing or null.
std::optional<std::vector<std::string>> field_list(const Json& payload, const char* key);

// Lenient (*_or, *_ptr), for what other programs print: agent CLIs' stream
// output, hook input, a daemon of another version. They never throw: a
// value that is not an object, a missing field, null, or a field of another
// type gives the fallback.
const std::string* str_ptr(const Json& j, const char* key);
std::string str_or(const Json& j, const char* key, std::string_view fallback = {});
int64_t int_or(const Json& j, const char* key, int64_t fallback = 0); // a float is truncated
double double_or(const Json& j, const char* key, double fallback = 0);
bool bool_or(const Json& j, const char* key, bool fallback = false);
const Json* obj_ptr(const Json& j, const char* key);

} // namespace fab
