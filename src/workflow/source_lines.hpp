// Source lines for a DOT file's nodes, edges and graph attributes.
//
// cgraph keeps no source positions, so errors could not name `file:line`
// without help. This is that help, and deliberately not a second DOT parser:
// cgraph has already accepted the text, so all that is needed is to find
// where a name it reported is written. The scan splits the text into words
// (identifiers, numerals, quoted strings), `->`/`--` and single punctuation,
// skipping comments (`//`, `/* */`, and `#` to the end of the line, as cgraph does) and HTML
// strings, so a node id that also occurs in a comment or inside a prompt string is never matched
// there. A node's line is where its id is first written as a statement or
// edge end (not as an attribute's name or value, a port, or a graph name),
// preferring a node statement `id [` over a mention in an edge; an edge's
// line is the `->` between its two ends, the n-th such for the n-th parallel
// edge. Edges written with subgraph ends (`a -> {b c}`) fall back to their
// tail's line. Answers 0 when nothing fits (the caller then uses the graph's).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fab::workflow {

class SourceLines {
  public:
    explicit SourceLines(std::string_view text);

    int node_line(std::string_view id) const;
    // `occurrence` counts edges with the same tail and head, from 0, in file order.
    int edge_line(std::string_view tail, std::string_view head, int occurrence) const;
    // Where `name = …` is set at the graph's top level (or in `graph [ … ]`).
    int graph_attr_line(std::string_view name) const;
    // The `digraph` (or `graph`) keyword; the second one's (0 when none).
    int graph_line() const;
    int second_graph_line() const;
    // The line that holds byte `offset` of the text.
    int line_of(size_t offset) const;

    // A quoted string, `/* comment` or HTML string still open at the end of
    // the text: what it is and the line it starts on. cgraph's lexer would
    // end such a text inside that state and keep it for the next file, so
    // the loader refuses the text before cgraph sees it.
    struct Unterminated {
        int line = 0;
        std::string what; // "quoted string", "comment", "HTML string"
    };
    const std::optional<Unterminated>& unterminated() const { return unterminated_; }

  private:
    enum class Kind { word, string, html, punct };
    struct Token {
        Kind kind;
        std::string text; // words and strings (unescaped as cgraph does); punctuation
        size_t offset;
        int depth;         // `{` nesting at the token
        bool in_brackets;  // inside `[ … ]`
        std::string owner; // the word before the enclosing `[`
    };

    bool is_punct(size_t i, std::string_view p) const;
    bool is_name(size_t i) const; // a word or a string
    bool is_node_mention(size_t i) const;
    // The endpoint name ending just before token `i` (skipping `:port`), or npos.
    size_t endpoint_before(size_t i) const;

    void build_indexes();

    std::optional<Unterminated> unterminated_;

    std::vector<Token> tokens_;
    std::vector<size_t> line_starts_;
    // Built once, so that each lookup is O(1) on large workflows.
    struct Mentions {
        int statement = 0; // first `id [`-style mention
        int first = 0;     // first mention of any kind
    };
    std::unordered_map<std::string, Mentions> nodes_;
    std::unordered_map<std::string, std::vector<int>> edges_; // "tail\0head" → lines
};

} // namespace fab::workflow
