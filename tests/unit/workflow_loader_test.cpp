// Tests for src/workflow/load + source_lines: cgraph loading into the model
// (kinds from shapes and type=, unescaping, clusters as classes, @file
// prompts, one digraph per file) and the source line of every node and edge.
#include "workflow/cgraph_read.hpp"
#include "workflow/load.hpp"
#include "workflow/source_lines.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace fab::workflow;

namespace {

Workflow load_ok(const std::string& text, const std::string& dir = "/nonexistent") {
    Loaded l = load_workflow_text(text, "wf.fabro", dir);
    for (const auto& e : l.errors) BOOST_TEST_MESSAGE(e.str());
    BOOST_TEST_REQUIRE(l.workflow.has_value());
    BOOST_TEST_REQUIRE(l.errors.empty());
    return std::move(*l.workflow);
}

const Edge& edge(const Workflow& wf, const std::string& from, const std::string& to, int nth = 0) {
    for (const auto& e : wf.edges)
        if (e.from == from && e.to == to && nth-- == 0) return e;
    BOOST_FAIL("no edge " << from << " -> " << to);
    return wf.edges.front();
}

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string t = (std::filesystem::temp_directory_path() / "fab-wf.XXXXXX").string();
        BOOST_TEST_REQUIRE(::mkdtemp(t.data()) != nullptr);
        path = t;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    void write(const std::string& name, const std::string& text) const {
        std::filesystem::create_directories((path / name).parent_path());
        std::ofstream(path / name) << text;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(workflow_loader)

BOOST_AUTO_TEST_CASE(shapes_and_type_give_stage_kinds) {
    auto wf = load_ok(R"(digraph w {
        s [shape=Mdiamond]; x [shape=Msquare]; a [shape=box]; p [shape=tab]
        c [shape=parallelogram]; h [shape=hexagon]; d [shape=diamond]
        f [shape=component]; j [shape=tripleoctagon]; t [shape=box, type=human]
        plain
    })");
    auto kind = [&](const char* id) { return wf.node(id)->kind; };
    BOOST_TEST((kind("s") == StageKind::start));
    BOOST_TEST((kind("x") == StageKind::exit));
    BOOST_TEST((kind("a") == StageKind::agent));
    BOOST_TEST((kind("p") == StageKind::prompt));
    BOOST_TEST((kind("c") == StageKind::command));
    BOOST_TEST((kind("h") == StageKind::human));
    BOOST_TEST((kind("d") == StageKind::conditional));
    BOOST_TEST((kind("f") == StageKind::fan_out));
    BOOST_TEST((kind("j") == StageKind::fan_in));
    BOOST_TEST((kind("t") == StageKind::human));     // type= beats the shape
    BOOST_TEST((kind("plain") == StageKind::agent)); // no shape: an agent (box)
    BOOST_TEST(wf.name == "w");
}

BOOST_AUTO_TEST_CASE(unknown_shape_and_type_are_errors_with_their_line) {
    Loaded l =
        load_workflow_text("digraph {\n a [shape=ellipse]\n b [type=robot]\n}", "f.dot", "/");
    BOOST_TEST_REQUIRE(l.errors.size() == 2u);
    BOOST_TEST(l.errors[0].line == 2);
    BOOST_TEST(l.errors[0].message.find("ellipse") != std::string::npos);
    BOOST_TEST(l.errors[1].line == 3);
    BOOST_TEST(l.errors[1].str().rfind("f.dot:3: ", 0) == 0);
}

BOOST_AUTO_TEST_CASE(quoted_strings_are_unescaped) {
    auto wf = load_ok(R"(digraph { goal="say \"hi\"\n\tthen \\ go"; a [prompt="one\ntwo"] })");
    BOOST_TEST(wf.goal() == "say \"hi\"\n\tthen \\ go");
    BOOST_TEST(wf.node("a")->prompt == "one\ntwo");
}

BOOST_AUTO_TEST_CASE(node_lines_skip_comments_strings_and_attribute_values) {
    auto wf = load_ok("digraph {\n"                              // 1
                      "  // review is mentioned here first\n"    // 2
                      "  retry_target = review\n"                // 3
                      "  start [prompt=\"then review it\"]\n"    // 4
                      "  start -> review\n"                      // 5
                      "  /* review\n review */\n"                // 6, 7
                      "  review [shape=box, label=\"Review\"]\n" // 8
                      "  \"odd id\" [shape=tab]\n"               // 9
                      "  review -> \"odd id\"\n"                 // 10
                      "  late -> start\n"                        // 11
                      "}\n");
    BOOST_TEST(wf.node("start")->line == 4);
    BOOST_TEST(wf.node("review")->line == 8); // the node statement beats the edge
    BOOST_TEST(wf.node("odd id")->line == 9);
    BOOST_TEST(wf.node("late")->line == 11); // only in an edge
    BOOST_TEST(wf.graph_attr_line("retry_target") == 3);
}

BOOST_AUTO_TEST_CASE(edge_lines_follow_chains_and_parallel_edges) {
    auto wf = load_ok("digraph {\n"          // 1
                      "  a -> b -> c\n"      // 2
                      "  a -> b [label=x]\n" // 3
                      "  c:port -> d\n"      // 4
                      "  d\n"                // 5
                      "  -> e\n"             // 6
                      "}\n");
    BOOST_TEST(edge(wf, "a", "b", 0).line == 2);
    BOOST_TEST(edge(wf, "b", "c").line == 2);
    BOOST_TEST(edge(wf, "a", "b", 1).line == 3);
    BOOST_TEST(edge(wf, "a", "b", 1).label == "x");
    BOOST_TEST(edge(wf, "c", "d").line == 4);
    BOOST_TEST(edge(wf, "d", "e").line == 6);
    // File order is kept.
    BOOST_TEST(wf.edges[0].from == "a");
    BOOST_TEST(wf.edges[2].label == "x");
}

BOOST_AUTO_TEST_CASE(edge_attributes_are_read) {
    auto wf = load_ok(R"(digraph { g -> a [condition=" outcome=success ", weight=3, label="[A] Go"]
                                   g -> b [freeform=true] })");
    const Edge& e = edge(wf, "g", "a");
    BOOST_TEST(e.condition == "outcome=success");
    BOOST_TEST(e.weight == 3);
    BOOST_TEST(e.label == "[A] Go");
    BOOST_TEST(edge(wf, "g", "b").freeform);
}

BOOST_AUTO_TEST_CASE(clusters_add_a_class_to_their_nodes) {
    auto wf = load_ok(R"(digraph {
        a [class="fast, cheap"]
        subgraph cluster_review { label="Code Review"; a; b
            subgraph cluster_inner { class=deep; c } }
        subgraph plain { d }
    })");
    auto classes = [&](const char* id) { return wf.node(id)->classes; };
    BOOST_TEST((classes("a") == std::vector<std::string>{"fast", "cheap", "code-review"}));
    BOOST_TEST((classes("b") == std::vector<std::string>{"code-review"}));
    BOOST_TEST((classes("c") == std::vector<std::string>{"code-review", "deep"}));
    BOOST_TEST(classes("d").empty()); // not a cluster
}

BOOST_AUTO_TEST_CASE(at_file_prompts_are_read_relative_to_the_workflow) {
    TempDir dir;
    dir.write("prompts/plan.md", "Plan {{ goal }}\n");
    dir.write("wf.fabro", "digraph { a [prompt=\"@prompts/plan.md\"]; b [prompt=\"@gone.md\"] }");
    Loaded l = load_workflow_file((dir.path / "wf.fabro").string());
    BOOST_TEST_REQUIRE(l.workflow.has_value());
    const Node* a = l.workflow->node("a");
    BOOST_TEST(a->prompt == "Plan {{ goal }}\n");
    BOOST_TEST(a->prompt_file == (dir.path / "prompts/plan.md").string());
    BOOST_TEST(!a->prompt_file_missing);
    BOOST_TEST(l.workflow->node("b")->prompt_file_missing);
}

BOOST_AUTO_TEST_CASE(only_a_digraph_is_a_workflow) {
    Loaded l = load_workflow_text("\n\ngraph g { a -- b }", "u.dot", "/");
    BOOST_TEST(!l.workflow.has_value());
    BOOST_TEST_REQUIRE(l.errors.size() == 1u);
    BOOST_TEST(l.errors[0].line == 3);
    BOOST_TEST(l.errors[0].message.find("digraph") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(syntax_errors_carry_cgraphs_line) {
    Loaded l = load_workflow_text("digraph {\n a -> b\n c -> [x=1]\n}", "s.dot", "/");
    BOOST_TEST(!l.workflow.has_value());
    BOOST_TEST_REQUIRE(!l.errors.empty());
    BOOST_TEST(l.errors[0].line == 3);
    BOOST_TEST(l.errors[0].message.find("syntax error") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(trailing_garbage_and_second_graphs_are_errors_and_do_not_leak) {
    Loaded l = load_workflow_text("digraph { a }\n\n\nxx", "t.dot", "/");
    BOOST_TEST_REQUIRE(!l.errors.empty());
    BOOST_TEST(l.errors[0].line == 4);
    Loaded two = load_workflow_text("digraph { a }\ndigraph { b }\n", "t.dot", "/");
    BOOST_TEST_REQUIRE(two.errors.size() == 1u);
    BOOST_TEST(two.errors[0].line == 2);
    // Nothing of those is left in cgraph's lexer for the next file.
    auto wf = load_ok("digraph { z }");
    BOOST_TEST_REQUIRE(wf.nodes.size() == 1u);
    BOOST_TEST(wf.nodes[0].id == "z");
}

BOOST_AUTO_TEST_CASE(an_unterminated_string_is_an_error_and_the_next_load_is_clean) {
    Loaded l = load_workflow_text("digraph {\n a [label=\"open }\n", "q.dot", "/");
    BOOST_TEST(!l.workflow.has_value());
    BOOST_TEST(!l.errors.empty());
    auto wf = load_ok("digraph { fine -> done }");
    BOOST_TEST(wf.nodes.size() == 2u);
}

// Found by fuzz_workflow_dot: a text ending inside a string, after a syntax
// error, left cgraph's lexer in its string state, so the next file was read
// as the rest of that string. Such texts never reach cgraph now.
BOOST_AUTO_TEST_CASE(texts_ending_inside_a_string_or_comment_are_refused_with_their_line) {
    const char* cases[][2] = {
        {"// x\n.fast { model }\n\"\n start -> exit\n}\n", "3"},
        {"digraph {\n a [label=\"x\"]\n /* open\n}", "3"},
        {"digraph {\n\n a [label=<<b>open</b>\n}", "3"},
        // `#` comments out the rest of its line, quotes included (fuzzer again).
        {"t#\"\n\"\"\"", "2"},
    };
    for (auto& c : cases) {
        Loaded l = load_workflow_text(c[0], "u.dot", "/");
        BOOST_TEST(!l.workflow.has_value());
        BOOST_TEST_REQUIRE(l.errors.size() == 1u);
        BOOST_TEST(std::to_string(l.errors[0].line) == c[1]);
        BOOST_TEST(l.errors[0].message.find("not closed") != std::string::npos);
        auto wf = load_ok("digraph { a -> b }");
        BOOST_TEST(wf.nodes.size() == 2u);
    }
    // An escaped quote does not end a string; a closed one is fine.
    auto wf = load_ok("digraph { a [label=\"say \\\"hi\\\"\"] }");
    BOOST_TEST(wf.node("a")->label == "say \"hi\"");
}

// The second line of defence: texts handed to cgraph directly (no pre-check)
// that leave its lexer inside a string, comment or HTML string; the next read
// is clean all the same.
BOOST_AUTO_TEST_CASE(cgraphs_lexer_is_reset_after_a_read_that_ends_inside_a_token) {
    for (const char* text : {"t#\"\n\"\"\"", "digraph { a } /* open", "x [label=<<<b>", "\"open"}) {
        {
            auto lock = lock_cgraph();
            ReadResult r = read_graph(text, "raw.dot"); // may even parse: "digraph { a } /*"
            (void)r;
        }
        auto wf = load_ok("digraph { a -> b }");
        BOOST_TEST(wf.nodes.size() == 2u, "after \"" << text << "\"");
    }
}

BOOST_AUTO_TEST_CASE(binary_and_oversized_input_is_refused_before_cgraph) {
    Loaded nul = load_workflow_text(std::string("digraph { a }\0x", 15), "b.dot", "/");
    BOOST_TEST(!nul.workflow.has_value());
    Loaded big = load_workflow_text(std::string(kMaxWorkflowBytes + 1, ' '), "b.dot", "/");
    BOOST_TEST(!big.workflow.has_value());
    BOOST_TEST(big.errors.at(0).message.find("1 MiB") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_missing_file_is_an_error_naming_it) {
    Loaded l = load_workflow_file("/nonexistent/wf.fabro");
    BOOST_TEST(!l.workflow.has_value());
    BOOST_TEST_REQUIRE(l.errors.size() == 1u);
    BOOST_TEST(l.errors[0].str().find("/nonexistent/wf.fabro") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
