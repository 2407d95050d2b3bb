// Run submissions: what is accepted, and one clear error for the rest.
#include "runs/run_request.hpp"

#include <boost/test/unit_test.hpp>

using namespace fab::runs;

BOOST_AUTO_TEST_SUITE(run_request)

BOOST_AUTO_TEST_CASE(a_full_request_is_read) {
    auto r = parse_run_request(
        R"({"project":"web","goal":"fix it","workflow":"task","backend":"scripted","model":"m1"})");
    BOOST_TEST_REQUIRE(r.ok(), (r.ok() ? std::string() : r.error()));
    BOOST_TEST(r->project == "web");
    BOOST_TEST(r->goal == "fix it");
    BOOST_TEST(r->backend == "scripted");
    BOOST_TEST(r->model == "m1");
}

BOOST_AUTO_TEST_CASE(workflow_by_name_or_source_with_inputs) {
    // A workflow carries its own goal: none is needed.
    auto named =
        parse_run_request(R"({"project":"web","workflow":"review.fabro","inputs":{"x":"1"}})");
    BOOST_TEST_REQUIRE(named.ok());
    BOOST_TEST(!named->has_source());
    BOOST_TEST(named->inputs.at("x") == "1");
    auto source = parse_run_request(
        R"({"project":"web","workflow":"digraph w { a -> b }","workflow_file":"/t/w.fabro"})");
    BOOST_TEST_REQUIRE(source.ok());
    BOOST_TEST(source->has_source());
    BOOST_TEST(source->workflow_file == "/t/w.fabro");
}

BOOST_AUTO_TEST_CASE(workflow_defaults_to_task) {
    auto r = parse_run_request(R"({"project":"web","goal":"g"})");
    BOOST_TEST_REQUIRE(r.ok());
    BOOST_TEST(r->workflow == "task");
}

BOOST_AUTO_TEST_CASE(bad_requests_get_one_clear_error) {
    const std::pair<const char*, const char*> cases[] = {
        {"", "not valid JSON"},
        {"[1]", "must be a JSON object"},
        {R"({"goal":"g"})", "missing \"project\""},
        {R"({"project":"web"})", "missing \"goal\""},
        {R"({"project":"web","goal":"  \n"})", "missing \"goal\""},
        {R"({"project":"../x","goal":"g"})", "invalid project name"},
        {R"({"project":"web","goal":"g","gaol":"x"})", "unknown field \"gaol\""},
        {R"({"project":"web","goal":7})", "\"goal\" must be a string"},
        {R"({"project":"web","goal":"g","backend":"gpt"})", "unknown backend"},
        {R"({"project":"web","goal":"g","workflow":"../x"})", "invalid workflow"},
        {R"({"project":"web","goal":"g","inputs":{"a":"b"}})", "\"inputs\" need a workflow"},
        {R"({"project":"web","workflow":"w","inputs":{"a":1}})", "input \"a\" must be a string"},
        {R"({"project":"web","workflow":"w","inputs":{"a b":"1"}})", "invalid input name"},
        {R"({"project":"web","workflow":"w","inputs":[]})", "must be an object of strings"},
        {R"({"project":"web","workflow":"w","workflow_file":"rel.fabro"})", "absolute path"},
        {R"({"project":"web","goal":"g","model":"a b"})", "invalid model"},
    };
    for (auto [body, want] : cases) {
        auto r = parse_run_request(body);
        BOOST_TEST_REQUIRE(!r.ok(), body);
        BOOST_TEST(r.error().find(want) != std::string::npos, body << " → " << r.error());
    }
    std::string big = R"({"project":"web","goal":")" + std::string(kMaxGoalBytes + 1, 'x') + "\"}";
    BOOST_TEST(parse_run_request(big).error().find("longer than") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
