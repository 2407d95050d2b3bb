#include "protocol/fields.hpp"

#include <boost/test/unit_test.hpp>
#include <functional>

using namespace fab;

namespace {
std::string error_of(const std::function<void()>& read) {
    try {
        read();
    } catch (const FieldError& e) {
        return e.what();
    }
    return "";
}
} // namespace

BOOST_AUTO_TEST_SUITE(fields)

BOOST_AUTO_TEST_CASE(missing_and_null_fields_give_the_default) {
    Json p = {{"n", nullptr}};
    BOOST_TEST(field_string(p, "x", "d") == "d");
    BOOST_TEST(field_string(p, "n") == "");
    BOOST_TEST(!field_optional_string(p, "n"));
    BOOST_TEST(field_bool(p, "x", true));
    BOOST_TEST(field_int(p, "n", 7) == 7);
    BOOST_TEST(field_object(p, "x") == nullptr);
    BOOST_TEST(!field_list(p, "x"));
}

BOOST_AUTO_TEST_CASE(wrong_types_are_named) {
    Json p = Json::parse(
        R"({"s":1,"b":"yes","i":1.5,"o":[],"a":{},"l":[1],"big":18446744073709551615})");
    BOOST_TEST(error_of([&] { field_string(p, "s"); }) == R"(field "s" must be a string)");
    BOOST_TEST(error_of([&] { field_bool(p, "b"); }) == R"(field "b" must be a bool)");
    BOOST_TEST(error_of([&] { field_int(p, "i"); }) == R"(field "i" must be an integer)");
    BOOST_TEST(error_of([&] { field_int(p, "big"); }) == R"(field "big" must be an integer)");
    BOOST_TEST(error_of([&] { field_object(p, "o"); }) == R"(field "o" must be an object)");
    BOOST_TEST(error_of([&] { field_array(p, "a"); }) == R"(field "a" must be an array)");
    BOOST_TEST(error_of([&] { field_list(p, "l"); }) == R"(field "l" must be an array of strings)");
}

BOOST_AUTO_TEST_CASE(lists_come_as_arrays_or_comma_separated_strings) {
    Json p = {{"a", {" x ", "", "y"}}, {"s", "x, y,,"}};
    BOOST_TEST((*field_list(p, "a") == std::vector<std::string>{"x", "y"}));
    BOOST_TEST((*field_list(p, "s") == std::vector<std::string>{"x", "y"}));
    BOOST_TEST(field_int(Json{{"n", -3}}, "n") == -3);
}

BOOST_AUTO_TEST_SUITE_END()

// The lenient readers: other programs' output never throws.
BOOST_AUTO_TEST_SUITE(lenient_fields)

BOOST_AUTO_TEST_CASE(wrong_types_missing_fields_and_non_objects_give_the_fallback) {
    Json j = {{"s", "x"},    {"n", 7},    {"u", 18446744073709551615ull},
              {"f", 2.9},    {"b", true}, {"o", {{"k", 1}}},
              {"z", nullptr}};
    BOOST_TEST(str_or(j, "s") == "x");
    BOOST_TEST(str_or(j, "n", "d") == "d");
    BOOST_TEST(str_or(j, "z", "d") == "d");
    BOOST_TEST(str_or(j, "missing") == "");
    BOOST_TEST(str_ptr(j, "n") == nullptr);
    BOOST_TEST(*str_ptr(j, "s") == "x");
    BOOST_TEST(int_or(j, "n") == 7);
    BOOST_TEST(int_or(j, "f") == 2);
    BOOST_TEST(int_or(j, "s", -1) == -1);
    BOOST_TEST(int_or(j, "u") == -1); // unsigned wraps, as the parsers always did
    BOOST_TEST(double_or(j, "f") == 2.9);
    BOOST_TEST(double_or(j, "n") == 7.0);
    BOOST_TEST(double_or(j, "b", 1.5) == 1.5);
    BOOST_TEST(bool_or(j, "b"));
    BOOST_TEST(bool_or(j, "n", true));
    BOOST_TEST(!bool_or(j, "missing"));
    BOOST_TEST(obj_ptr(j, "o") != nullptr);
    BOOST_TEST(obj_ptr(j, "s") == nullptr);
    for (const Json& not_object : {Json::array({1}), Json("s"), Json(3), Json()}) {
        BOOST_TEST(str_or(not_object, "s", "d") == "d");
        BOOST_TEST(int_or(not_object, "n", 4) == 4);
        BOOST_TEST(obj_ptr(not_object, "o") == nullptr);
    }
}

BOOST_AUTO_TEST_SUITE_END()
