// Tests for src/workflow/condition: the grammar (precedence, parentheses,
// every operator and key), truthiness, and errors with their column.
#include "workflow/condition.hpp"

#include <boost/test/unit_test.hpp>

using namespace fab::workflow;

namespace {

bool eval(const std::string& text, const ConditionVars& vars) {
    ConditionError err;
    auto c = Condition::parse(text, err);
    BOOST_TEST_REQUIRE(c.has_value(), "\"" << text << "\": " << err.str());
    return c->evaluate(vars);
}

ConditionError error_of(const std::string& text) {
    ConditionError err;
    auto c = Condition::parse(text, err);
    BOOST_TEST(!c.has_value(), "\"" << text << "\" parsed");
    return err;
}

ConditionVars sample() {
    ConditionVars v;
    v.outcome = "fail";
    v.preferred_label = "Retry";
    v.command_output = "3 passed, 1 FAILED\nSegmentation fault";
    v.node_visit_count = 3;
    v.context = {{"tests_passed", "false"}, {"coverage", "81.5"}, {"owner", "ana"}, {"empty", ""}};
    v.human_gate = {{"selected", "A"}, {"text", "ship it"}};
    return v;
}

} // namespace

BOOST_AUTO_TEST_SUITE(workflow_condition)

BOOST_AUTO_TEST_CASE(equality_and_inequality) {
    auto v = sample();
    BOOST_TEST(eval("outcome=fail", v));
    BOOST_TEST(eval("outcome == fail", v));
    BOOST_TEST(!eval("outcome=success", v));
    BOOST_TEST(eval("outcome!=success", v));
    BOOST_TEST(eval("preferred_label = \"Retry\"", v));
    BOOST_TEST(eval("human.gate.selected='A'", v));
    BOOST_TEST(eval("context.owner=ana", v));
    BOOST_TEST(eval("context.unset=\"\"", v)); // unset reads as ""
}

BOOST_AUTO_TEST_CASE(numeric_comparisons) {
    auto v = sample();
    BOOST_TEST(eval("internal.node_visit_count >= 3", v));
    BOOST_TEST(eval("internal.node_visit_count > 2", v));
    BOOST_TEST(!eval("internal.node_visit_count < 3", v));
    BOOST_TEST(eval("internal.node_visit_count <= 3", v));
    BOOST_TEST(eval("context.coverage > 80", v));
    BOOST_TEST(!eval("context.owner > 1", v)); // not a number: false
}

BOOST_AUTO_TEST_CASE(contains_and_matches) {
    auto v = sample();
    BOOST_TEST(eval("command.output contains FAILED", v));
    BOOST_TEST(eval("command.output contains \"Segmentation fault\"", v));
    BOOST_TEST(!eval("command.output contains \"passed!\"", v));
    BOOST_TEST(eval("command.output matches \"[0-9]+ FAILED\"", v));
    BOOST_TEST(eval("preferred_label matches '^(re)?try$|^Retry$'", v));
    BOOST_TEST(!eval("human.gate.text matches \"^no\"", v));
}

BOOST_AUTO_TEST_CASE(bare_keys_test_truthiness) {
    auto v = sample();
    BOOST_TEST(!eval("context.tests_passed", v)); // "false"
    BOOST_TEST(!eval("context.empty", v));
    BOOST_TEST(!eval("context.unset", v));
    BOOST_TEST(eval("context.owner", v));
    BOOST_TEST(eval("!context.tests_passed", v));
    v.context["zero"] = "0";
    v.context["no"] = "no";
    BOOST_TEST(!eval("context.zero || context.no", v));
}

BOOST_AUTO_TEST_CASE(precedence_not_and_or_parentheses) {
    auto v = sample();
    // && binds tighter than ||.
    BOOST_TEST(eval("outcome=success && context.owner=bob || outcome=fail", v));
    BOOST_TEST(!eval("outcome=success && (context.owner=bob || outcome=fail)", v));
    BOOST_TEST(eval("!outcome=success && outcome=fail", v));
    BOOST_TEST(!eval("!(outcome=fail || outcome=success)", v));
    BOOST_TEST(eval("!!outcome=fail", v));
    BOOST_TEST(eval("((outcome=fail))", v));
}

BOOST_AUTO_TEST_CASE(errors_name_the_column) {
    auto e = error_of("outcome = = success");
    BOOST_TEST(e.pos == 10u);
    BOOST_TEST(e.str().find("column 11") == 0u);
    BOOST_TEST(error_of("status=ok").message.find("unknown key \"status\"") == 0u);
    BOOST_TEST(error_of("outcome=success &").message.find("'&' alone") == 0u);
    BOOST_TEST(error_of("(outcome=success").message.find("expected ')'") == 0u);
    BOOST_TEST(error_of("outcome=success)").message.find("unexpected ')'") == 0u);
    BOOST_TEST(error_of("").message == "empty condition");
    BOOST_TEST(error_of("outcome=\"open").message == "unterminated string");
    BOOST_TEST(error_of("internal.node_visit_count > many").message.find("compares numbers") !=
               std::string::npos);
    BOOST_TEST(error_of("command.output matches \"(\"").message.find("bad regex") == 0u);
    BOOST_TEST(error_of("context.=x").message.find("unknown key") == 0u);
    BOOST_TEST(error_of("outcome=success &&").message.find("expected a key") == 0u);
    BOOST_TEST(error_of("= success").message.find("expected a key") == 0u);
}

BOOST_AUTO_TEST_CASE(nesting_is_bounded) {
    std::string deep(200, '(');
    deep += "outcome=x";
    deep += std::string(200, ')');
    BOOST_TEST(error_of(deep).message.find("nested deeper") == 0u);
    BOOST_TEST(error_of(std::string(100, '!') + "outcome").message.find("nested deeper") == 0u);
    BOOST_TEST(error_of(std::string(9000, ' ')).message.find("longer than") == 0u);
}

BOOST_AUTO_TEST_CASE(matches_reads_a_bounded_tail_of_long_values) {
    ConditionVars v;
    v.command_output = "START" + std::string(100'000, 'x') + "END";
    BOOST_TEST(eval("command.output matches \"END$\"", v));
    BOOST_TEST(!eval("command.output matches \"^START\"", v)); // outside the window
    BOOST_TEST(eval("command.output contains START", v));      // contains sees it all
}

// fuzz_condition found std::regex overflowing on a huge quantifier; PCRE2
// rejects it with a reason, and a catastrophic pattern stops at its limit.
BOOST_AUTO_TEST_CASE(hostile_regexes_are_errors_or_bounded) {
    BOOST_TEST(error_of("context.x matches \"a{2222222222222222222}\"").message.find("bad regex") ==
               0u);
    ConditionVars v;
    v.command_output = std::string(4000, 'a') + "!";
    BOOST_TEST(!eval("command.output matches \"^(a|a?)+$\"", v)); // step limit: false
    BOOST_TEST(eval("command.output matches \"a!$\"", v));
}

BOOST_AUTO_TEST_SUITE_END()
