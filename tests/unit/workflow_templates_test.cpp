// Tests for src/workflow/templates: {{ goal }} and {{ inputs.NAME }} filled
// in, everything else (unknown names, undefined inputs, unclosed braces) an
// error.
#include "workflow/templates.hpp"

#include <boost/test/unit_test.hpp>

using namespace fab::workflow;

BOOST_AUTO_TEST_SUITE(workflow_templates)

BOOST_AUTO_TEST_CASE(goal_and_inputs_are_filled_in) {
    TemplateVars v{"fix the bug", {{"file", "src/a.cpp"}, {"log-hint", "see CI"}}};
    auto r =
        expand_template("Goal: {{goal}}. Look at {{ inputs.file }} ({{  inputs.log-hint }}).", v);
    BOOST_TEST_REQUIRE(r.ok(), (r.ok() ? std::string() : r.error()));
    BOOST_TEST(*r == "Goal: fix the bug. Look at src/a.cpp (see CI).");
    BOOST_TEST(*expand_template("no placeholders { } }}", v) == "no placeholders { } }}");
}

BOOST_AUTO_TEST_CASE(undefined_values_are_errors) {
    TemplateVars v{"g", {}};
    auto r = expand_template("Use {{ inputs.branch }}", v);
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().find("undefined input \"branch\"") == 0u);
    BOOST_TEST(r.error().find("--input branch=") != std::string::npos);
    BOOST_TEST(!expand_template("{{ goal }}", TemplateVars{}).ok());
}

BOOST_AUTO_TEST_CASE(unknown_names_and_syntax_are_errors_with_their_offset) {
    auto p = check_template("abc {{ gaol }}");
    BOOST_TEST_REQUIRE(p.has_value());
    BOOST_TEST(p->offset == 4u);
    BOOST_TEST(p->message.find("unknown template variable") == 0u);
    BOOST_TEST(check_template("{{ inputs. }}").has_value());
    BOOST_TEST(check_template("{{ inputs.a b }}").has_value());
    BOOST_TEST(check_template("x {{ goal").value().message.find("without a closing") !=
               std::string::npos);
    BOOST_TEST(!check_template("{{ goal }} and {{ inputs.x_1 }}").has_value());
    BOOST_TEST(!expand_template("{{ context.x }}", TemplateVars{"g", {}}).ok());
}

BOOST_AUTO_TEST_SUITE_END()
