// The HTTP API's route table (route_table.cpp) and the OpenAPI document
// that describes it (share/openapi.json, compiled in). No h2o here.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>

namespace fab::http {

struct Route {
    const char* method;
    const char* pattern; // "/api/v1/runs/{id}": {name} matches one path segment
    const char* type;    // the protocol message it dispatches ("" = answered by the HTTP layer)
    int success;         // the status of a successful answer
    const char* unwrap;  // the payload key whose value is the body (nullptr = the payload)
};

std::span<const Route> routes();
// True when `path` fits the pattern; its {params} (percent-decoded) go to `params`.
bool match_route(const Route& r, std::string_view path, std::map<std::string, std::string>& params);
std::string percent_decode(std::string_view s);

// share/openapi.json, as built into fabd.
std::string_view openapi_document();

} // namespace fab::http
