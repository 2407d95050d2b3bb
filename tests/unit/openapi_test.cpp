// share/openapi.json and the HTTP route table agree: every route is
// documented with its method, and every documented operation is a route.
#include "daemon/http/routes.hpp"
#include "protocol/envelope.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>
#include <set>

using namespace fab;

namespace {
std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}
std::set<std::string> route_keys() {
    std::set<std::string> out;
    for (const auto& r : http::routes()) out.insert(lower(r.method) + " " + std::string(r.pattern));
    return out;
}
} // namespace

BOOST_AUTO_TEST_SUITE(openapi)

BOOST_AUTO_TEST_CASE(document_is_valid_json_with_paths) {
    Json doc = Json::parse(http::openapi_document(), nullptr, false);
    BOOST_TEST_REQUIRE(!doc.is_discarded());
    BOOST_TEST(doc.value("openapi", "").rfind("3.", 0) == 0u);
    BOOST_TEST(doc["paths"].size() > 5u);
}

BOOST_AUTO_TEST_CASE(every_route_is_documented) {
    Json doc = Json::parse(http::openapi_document());
    for (const auto& key : route_keys()) {
        auto sp = key.find(' ');
        std::string method = key.substr(0, sp), path = key.substr(sp + 1);
        BOOST_TEST((doc["paths"].contains(path) && doc["paths"][path].contains(method)),
                   key << " is not in share/openapi.json");
    }
}

BOOST_AUTO_TEST_CASE(every_documented_operation_is_a_route) {
    Json doc = Json::parse(http::openapi_document());
    auto keys = route_keys();
    for (auto& [path, ops] : doc["paths"].items())
        for (auto& [method, op] : ops.items())
            BOOST_TEST(keys.count(method + " " + path) == 1u,
                       method << " " << path << " is documented but not served");
}

BOOST_AUTO_TEST_CASE(documented_success_status_is_the_routes) {
    Json doc = Json::parse(http::openapi_document());
    for (const auto& r : http::routes()) {
        const Json& responses = doc["paths"][r.pattern][lower(r.method)]["responses"];
        BOOST_TEST(responses.contains(std::to_string(r.success)),
                   r.method << " " << r.pattern << " documents no " << r.success);
    }
}

BOOST_AUTO_TEST_CASE(paths_match_with_parameters) {
    std::map<std::string, std::string> p;
    const http::Route* answer = nullptr;
    for (const auto& r : http::routes())
        if (std::string(r.type) == "run.answer") answer = &r;
    BOOST_TEST_REQUIRE(answer);
    BOOST_TEST(http::match_route(*answer, "/api/v1/runs/run-1/questions/q%201/answer", p));
    BOOST_TEST(p["id"] == "run-1");
    BOOST_TEST(p["qid"] == "q 1");
    BOOST_TEST(!http::match_route(*answer, "/api/v1/runs/run-1/questions", p));
}

BOOST_AUTO_TEST_SUITE_END()
