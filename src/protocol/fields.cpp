#include "protocol/fields.hpp"

#include "util/strings.hpp"

namespace fab {

namespace {

// The field, or nullptr when absent or null. A payload that is not an
// object has no fields (parse_request guarantees one, tests may not).
const Json* find(const Json& payload, const char* key) {
    if (!payload.is_object()) return nullptr;
    auto it = payload.find(key);
    if (it == payload.end() || it->is_null()) return nullptr;
    return &*it;
}

[[noreturn]] void wrong(const char* key, const char* what) {
    throw FieldError(std::string("field \"") + key + "\" must be " + what);
}

} // namespace

std::string field_string(const Json& payload, const char* key, const std::string& fallback) {
    auto v = field_optional_string(payload, key);
    return v ? *v : fallback;
}

std::optional<std::string> field_optional_string(const Json& payload, const char* key) {
    const Json* v = find(payload, key);
    if (!v) return std::nullopt;
    if (!v->is_string()) wrong(key, "a string");
    return v->get<std::string>();
}

bool field_bool(const Json& payload, const char* key, bool fallback) {
    const Json* v = find(payload, key);
    if (!v) return fallback;
    if (!v->is_boolean()) wrong(key, "a bool");
    return v->get<bool>();
}

int64_t field_int(const Json& payload, const char* key, int64_t fallback) {
    const Json* v = find(payload, key);
    if (!v) return fallback;
    if (v->is_number_integer() && !(v->is_number_unsigned() && v->get<uint64_t>() > INT64_MAX))
        return v->get<int64_t>();
    wrong(key, "an integer");
}

const Json* field_object(const Json& payload, const char* key) {
    const Json* v = find(payload, key);
    if (v && !v->is_object()) wrong(key, "an object");
    return v;
}

const Json* field_array(const Json& payload, const char* key) {
    const Json* v = find(payload, key);
    if (v && !v->is_array()) wrong(key, "an array");
    return v;
}

std::optional<std::vector<std::string>> field_list(const Json& payload, const char* key) {
    const Json* v = find(payload, key);
    if (!v) return std::nullopt;
    std::vector<std::string> out;
    if (v->is_string()) {
        for (const auto& part : split(v->get<std::string>(), ','))
            if (!trim(part).empty()) out.emplace_back(trim(part));
        return out;
    }
    if (!v->is_array()) wrong(key, "an array of strings");
    for (const auto& item : *v) {
        if (!item.is_string()) wrong(key, "an array of strings");
        if (!trim(item.get<std::string>()).empty()) out.emplace_back(trim(item.get<std::string>()));
    }
    return out;
}

// ---------- lenient ----------

const std::string* str_ptr(const Json& j, const char* key) {
    if (!j.is_object()) return nullptr;
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return nullptr;
    return it->get_ptr<const std::string*>();
}

std::string str_or(const Json& j, const char* key, std::string_view fallback) {
    const std::string* s = str_ptr(j, key);
    return s ? *s : std::string(fallback);
}

int64_t int_or(const Json& j, const char* key, int64_t fallback) {
    if (!j.is_object()) return fallback;
    auto it = j.find(key);
    if (it == j.end() || !it->is_number()) return fallback;
    if (it->is_number_float()) return static_cast<int64_t>(it->get<double>());
    if (it->is_number_unsigned()) return static_cast<int64_t>(it->get<uint64_t>());
    return it->get<int64_t>();
}

double double_or(const Json& j, const char* key, double fallback) {
    if (!j.is_object()) return fallback;
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<double>() : fallback;
}

bool bool_or(const Json& j, const char* key, bool fallback) {
    if (!j.is_object()) return fallback;
    auto it = j.find(key);
    return it != j.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

const Json* obj_ptr(const Json& j, const char* key) {
    if (!j.is_object()) return nullptr;
    auto it = j.find(key);
    return it != j.end() && it->is_object() ? &*it : nullptr;
}

} // namespace fab
