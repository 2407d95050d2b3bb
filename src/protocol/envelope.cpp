#include "protocol/envelope.hpp"

namespace fab {

ParseOutcome parse_request(const std::string& line) {
    ParseOutcome out;
    Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
        out.error = "malformed JSON";
        return out;
    }
    if (!j.is_object()) {
        out.error = "request must be a JSON object";
        return out;
    }
    if (auto it = j.find("id"); it != j.end()) {
        if (it->is_string())
            out.request.id = it->get<std::string>();
        else if (it->is_number_integer())
            out.request.id = std::to_string(it->get<int64_t>());
    }
    auto t = j.find("type");
    if (t == j.end() || !t->is_string() || t->get<std::string>().empty()) {
        out.error = "missing \"type\"";
        return out;
    }
    out.request.type = t->get<std::string>();
    if (auto p = j.find("payload"); p != j.end() && !p->is_null()) {
        if (!p->is_object()) {
            out.error = "\"payload\" must be an object";
            return out;
        }
        out.request.payload = std::move(*p);
    }
    return out;
}

std::string dump_json(const Json& j) {
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string encode_request(const std::string& type, const std::string& id, const Json& payload) {
    Json j = {{"type", type}, {"id", id}, {"payload", payload}};
    return dump_json(j) + "\n";
}

std::string encode_response(const std::string& type, const std::string& id, const Json& payload) {
    Json j = {{"type", type}, {"id", id}, {"success", true}, {"payload", payload}};
    return dump_json(j) + "\n";
}

std::string encode_error(const std::string& type, const std::string& id, const std::string& error) {
    Json j = {
        {"type", type.empty() ? "error" : type}, {"id", id}, {"success", false}, {"error", error}};
    return dump_json(j) + "\n";
}

} // namespace fab
