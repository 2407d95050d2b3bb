// The NDJSON envelope shared by the daemon, the agent hosts and every client.
//   request  {"type":"agent.list","id":"r1","payload":{…}}
//   response {"type":"agent.list","id":"r1","success":true,"payload":{…}}
//            {"type":"agent.list","id":"r1","success":false,"error":"…"}
//   event    {"type":"event","event":"agent.output",…}
#pragma once

#include "util/result.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace fab {

using Json = nlohmann::json;

struct Request {
    std::string type;
    std::string id; // echoed verbatim in the response; may be empty
    Json payload = Json::object();
};

// Parses one request line. On failure `error` says what is wrong and `id`
// holds the request id when one could be read, so the error can be answered.
struct ParseOutcome {
    Request request;
    std::string error;
};
ParseOutcome parse_request(const std::string& line);

// Serialisation always replaces invalid UTF-8 (agent output may hold it).
std::string dump_json(const Json& j);

// Each returns one line, '\n' included.
std::string encode_request(const std::string& type, const std::string& id, const Json& payload);
std::string encode_response(const std::string& type, const std::string& id, const Json& payload);
std::string encode_error(const std::string& type, const std::string& id, const std::string& error);

} // namespace fab
