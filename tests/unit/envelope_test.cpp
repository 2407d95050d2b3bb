#include "protocol/envelope.hpp"

#include <boost/test/unit_test.hpp>

using namespace fab;

BOOST_AUTO_TEST_SUITE(envelope)

BOOST_AUTO_TEST_CASE(request_fields_are_parsed) {
    auto r = parse_request(R"({"type":"agent.list","id":"r1","payload":{"project":"web"}})");
    BOOST_TEST(r.error.empty());
    BOOST_TEST(r.request.type == "agent.list");
    BOOST_TEST(r.request.id == "r1");
    BOOST_TEST(r.request.payload["project"] == "web");
}

BOOST_AUTO_TEST_CASE(numeric_ids_are_echoed_as_text) {
    auto r = parse_request(R"({"type":"ping","id":42})");
    BOOST_TEST(r.error.empty());
    BOOST_TEST(r.request.id == "42");
    BOOST_TEST(r.request.payload.is_object());
}

BOOST_AUTO_TEST_CASE(malformed_json_is_an_error) {
    auto r = parse_request("{\"type\":\"ping\"");
    BOOST_TEST(r.error == "malformed JSON");
}

BOOST_AUTO_TEST_CASE(missing_type_keeps_the_id_for_the_error_response) {
    auto r = parse_request(R"({"id":"x7"})");
    BOOST_TEST(r.error == "missing \"type\"");
    BOOST_TEST(r.request.id == "x7");
}

BOOST_AUTO_TEST_CASE(non_object_request_and_payload_are_errors) {
    BOOST_TEST(parse_request("[1,2]").error == "request must be a JSON object");
    BOOST_TEST(parse_request(R"({"type":"a","payload":3})").error ==
               "\"payload\" must be an object");
}

BOOST_AUTO_TEST_CASE(responses_are_single_lines_with_success_flag) {
    std::string ok = encode_response("ping", "r1", {{"protocol", 1}});
    BOOST_TEST(ok.back() == '\n');
    BOOST_TEST(ok.find('\n') == ok.size() - 1);
    auto j = Json::parse(ok);
    BOOST_TEST(j["success"] == true);
    BOOST_TEST(j["id"] == "r1");
    auto e = Json::parse(encode_error("", "r2", "boom"));
    BOOST_TEST(e["success"] == false);
    BOOST_TEST(e["type"] == "error");
    BOOST_TEST(e["error"] == "boom");
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_replaced_not_thrown) {
    Json j = {{"data", std::string("ok \xff\xfe end")}};
    std::string s;
    BOOST_CHECK_NO_THROW(s = dump_json(j));
    BOOST_TEST(s.find("ok ") != std::string::npos);
    BOOST_TEST(!Json::parse(s).is_discarded());
}

BOOST_AUTO_TEST_SUITE_END()
