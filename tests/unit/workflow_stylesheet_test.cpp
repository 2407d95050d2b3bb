// Tests for src/workflow/stylesheet: the selector grammar, specificity
// (* < shape < .class < #id), last rule wins among equals, and an attribute
// set in the file beating every rule.
#include "workflow/load.hpp"
#include "workflow/stylesheet.hpp"

#include <boost/test/unit_test.hpp>

using namespace fab::workflow;

namespace {

Workflow load_ok(const std::string& text) {
    Loaded l = load_workflow_text(text, "wf.fabro", "/");
    for (const auto& e : l.errors) BOOST_TEST_MESSAGE(e.str());
    BOOST_TEST_REQUIRE(l.workflow.has_value());
    BOOST_TEST_REQUIRE(l.errors.empty());
    return std::move(*l.workflow);
}

std::string parse_error(const std::string& text, size_t* offset = nullptr) {
    std::vector<StyleRule> rules;
    StylesheetError err;
    if (parse_stylesheet(text, rules, err)) return {};
    if (offset) *offset = err.offset;
    return err.message;
}

} // namespace

BOOST_AUTO_TEST_SUITE(workflow_stylesheet)

BOOST_AUTO_TEST_CASE(parses_selectors_and_declarations) {
    std::vector<StyleRule> rules;
    StylesheetError err;
    BOOST_TEST_REQUIRE(parse_stylesheet(R"(
        /* defaults */
        * { model: m0; backend: claude }
        box { reasoning_effort: high; }
        .fast { model: "haiku 4" }
        #final { timeout: 5m }
    )",
                                        rules, err));
    BOOST_TEST_REQUIRE(rules.size() == 4u);
    BOOST_TEST((rules[0].selector == StyleRule::Selector::any));
    BOOST_TEST(rules[0].declarations.size() == 2u);
    BOOST_TEST((rules[1].selector == StyleRule::Selector::shape));
    BOOST_TEST(rules[1].name == "box");
    BOOST_TEST((rules[2].selector == StyleRule::Selector::klass));
    BOOST_TEST(rules[2].declarations[0].second == "haiku 4");
    BOOST_TEST((rules[3].selector == StyleRule::Selector::id));
    BOOST_TEST(rules[3].declarations[0].second == "5m");
}

BOOST_AUTO_TEST_CASE(errors_say_what_and_where) {
    size_t at = 0;
    BOOST_TEST(parse_error("* { model m }", &at).find("expected ':'") != std::string::npos);
    BOOST_TEST(at == 10u);
    BOOST_TEST(parse_error("* { model: m ").find("missing '}'") != std::string::npos);
    BOOST_TEST(parse_error("{ model: m }").find("expected a selector") != std::string::npos);
    BOOST_TEST(parse_error("circle { model: m }").find("unknown shape") != std::string::npos);
    BOOST_TEST(parse_error("* { prompt: x }").find("cannot be set") != std::string::npos);
    BOOST_TEST(parse_error("* { model: }").find("has no value") != std::string::npos);
    BOOST_TEST(parse_error(".x model: m }").find("expected '{'") != std::string::npos);
    BOOST_TEST(parse_error("").empty()); // an empty stylesheet is fine
}

BOOST_AUTO_TEST_CASE(more_specific_selectors_win_and_later_rules_break_ties) {
    auto wf = load_ok(R"(digraph {
        model_stylesheet = "
            #special { model: by-id }
            .fast { model: by-class }
            box { model: by-shape; backend: codex }
            * { model: by-any; backend: claude; reasoning_effort: low }
            * { reasoning_effort: medium }
        "
        plain [shape=tab]
        boxed [shape=box]
        quick [shape=box, class=fast]
        special [shape=box, class=fast]
    })");
    BOOST_TEST(wf.node("plain")->attr("model") == "by-any");
    BOOST_TEST(wf.node("plain")->attr("backend") == "claude");
    BOOST_TEST(wf.node("plain")->attr("reasoning_effort") == "medium"); // last of equals
    BOOST_TEST(wf.node("boxed")->attr("model") == "by-shape");
    BOOST_TEST(wf.node("boxed")->attr("backend") == "codex");
    BOOST_TEST(wf.node("quick")->attr("model") == "by-class");
    BOOST_TEST(wf.node("special")->attr("model") == "by-id");
}

BOOST_AUTO_TEST_CASE(an_attribute_in_the_file_beats_the_stylesheet) {
    auto wf = load_ok(R"(digraph {
        model_stylesheet = "#a { model: sheet } * { backend: codex }"
        a [model=mine]
        b [backend=scripted]
    })");
    BOOST_TEST(wf.node("a")->attr("model") == "mine");
    BOOST_TEST(wf.node("a")->attr("backend") == "codex");
    BOOST_TEST(wf.node("b")->attr("backend") == "scripted");
}

BOOST_AUTO_TEST_CASE(cluster_classes_are_selectable) {
    auto wf = load_ok(R"(digraph {
        model_stylesheet = ".review { model: careful }"
        subgraph cluster_review { r1; r2 }
        other
    })");
    BOOST_TEST(wf.node("r1")->attr("model") == "careful");
    BOOST_TEST(wf.node("r2")->attr("model") == "careful");
    BOOST_TEST(!wf.node("other")->has("model"));
}

BOOST_AUTO_TEST_CASE(a_bad_stylesheet_names_the_line_inside_the_string) {
    Loaded l = load_workflow_text("digraph {\n"
                                  "  model_stylesheet = \"\n"
                                  "    * { model: a }\n"
                                  "    .x { model b }\n"
                                  "  \"\n"
                                  "}\n",
                                  "s.fabro", "/");
    BOOST_TEST_REQUIRE(l.errors.size() == 1u);
    BOOST_TEST(l.errors[0].line == 4);
    BOOST_TEST(l.errors[0].message.find("model_stylesheet") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
