#include "workflow/source_lines.hpp"

#include <algorithm>
#include <cctype>

namespace fab::workflow {

namespace {

bool id_start(unsigned char c) {
    return std::isalpha(c) || c == '_' || c >= 0x80;
}
bool id_char(unsigned char c) {
    return std::isalnum(c) || c == '_' || c >= 0x80;
}

bool keyword(std::string_view w) {
    std::string l(w);
    for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return l == "node" || l == "edge" || l == "graph" || l == "digraph" || l == "subgraph" ||
           l == "strict";
}

} // namespace

SourceLines::SourceLines(std::string_view text) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n') line_starts_.push_back(i + 1);

    int depth = 0;
    int brackets = 0;
    std::string owner;
    std::string last_word;
    size_t i = 0;
    auto push = [&](Kind k, std::string t, size_t at) {
        tokens_.push_back(Token{k, std::move(t), at, depth, brackets > 0, owner});
    };
    while (i < text.size()) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            ++i;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            ++i;
            continue;
        }
        // cgraph's lexer takes `#` anywhere outside a string as a comment to
        // the end of the line (at a line's start, a preprocessor line).
        if (c == '#') {
            while (i < text.size() && text[i] != '\n') ++i;
            continue;
        }
        if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
            while (i < text.size() && text[i] != '\n') ++i;
            continue;
        }
        if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
            auto end = text.find("*/", i + 2);
            if (end == std::string_view::npos && !unterminated_)
                unterminated_ = Unterminated{line_of(i), "comment"};
            i = end == std::string_view::npos ? text.size() : end + 2;
            continue;
        }
        if (c == '"') {
            size_t at = i++;
            std::string s;
            while (i < text.size() && text[i] != '"') {
                if (text[i] == '\\' && i + 1 < text.size()) {
                    if (text[i + 1] == '"') {
                        s += '"';
                        i += 2;
                        continue;
                    }
                    if (text[i + 1] == '\n') { // line continuation
                        i += 2;
                        continue;
                    }
                }
                s += text[i++];
            }
            if (i >= text.size() && !unterminated_)
                unterminated_ = Unterminated{line_of(at), "quoted string"};
            ++i; // the closing quote
            push(Kind::string, std::move(s), at);
            last_word.clear();
            continue;
        }
        if (c == '<') { // an HTML string: nested angle brackets
            size_t at = i;
            int level = 0;
            while (i < text.size()) {
                if (text[i] == '<') ++level;
                if (text[i] == '>' && --level == 0) break;
                ++i;
            }
            if (i >= text.size() && !unterminated_)
                unterminated_ = Unterminated{line_of(at), "HTML string (<…>)"};
            ++i;
            push(Kind::html, {}, at);
            last_word.clear();
            continue;
        }
        if (id_start(c) || std::isdigit(c) || c == '.' ||
            (c == '-' && i + 1 < text.size() &&
             (std::isdigit(static_cast<unsigned char>(text[i + 1])) || text[i + 1] == '.'))) {
            size_t at = i;
            if (id_start(c)) {
                while (i < text.size() && id_char(static_cast<unsigned char>(text[i]))) ++i;
            } else {
                ++i;
                while (i < text.size() &&
                       (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
                    ++i;
            }
            std::string w(text.substr(at, i - at));
            last_word = w;
            push(Kind::word, std::move(w), at);
            continue;
        }
        if (c == '-' && i + 1 < text.size() && (text[i + 1] == '>' || text[i + 1] == '-')) {
            push(Kind::punct, std::string(text.substr(i, 2)), i);
            i += 2;
            last_word.clear();
            continue;
        }
        if (c == '{') ++depth;
        if (c == '}') depth = std::max(0, depth - 1);
        if (c == '[') {
            if (brackets++ == 0) owner = last_word;
        }
        push(Kind::punct, std::string(1, static_cast<char>(c)), i);
        if (c == ']') {
            brackets = std::max(0, brackets - 1);
            if (brackets == 0) owner.clear();
        }
        last_word.clear();
        ++i;
    }
    build_indexes();
}

int SourceLines::line_of(size_t offset) const {
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    return static_cast<int>(it - line_starts_.begin());
}

bool SourceLines::is_punct(size_t i, std::string_view p) const {
    return i < tokens_.size() && tokens_[i].kind == Kind::punct && tokens_[i].text == p;
}

bool SourceLines::is_name(size_t i) const {
    return i < tokens_.size() && (tokens_[i].kind == Kind::word || tokens_[i].kind == Kind::string);
}

// A mention of a node: a name that is not an attribute's name or value, not a
// port (`a:p`), not the name of a graph or subgraph, and not a keyword.
bool SourceLines::is_node_mention(size_t i) const {
    const Token& t = tokens_[i];
    if (t.in_brackets || t.depth < 1) return false;
    if (t.kind == Kind::word && keyword(t.text)) return false;
    if (i > 0 && (is_punct(i - 1, "=") || is_punct(i - 1, ":"))) return false;
    if (is_punct(i + 1, "=")) return false;
    if (i > 0 && tokens_[i - 1].kind == Kind::word && keyword(tokens_[i - 1].text)) return false;
    return true;
}

void SourceLines::build_indexes() {
    for (size_t i = 0; i < tokens_.size(); ++i) {
        if (is_name(i) && is_node_mention(i)) {
            int line = line_of(tokens_[i].offset);
            bool in_edge = is_punct(i + 1, "->") || is_punct(i + 1, "--") ||
                           (i > 0 && (is_punct(i - 1, "->") || is_punct(i - 1, "--")));
            Mentions& m = nodes_[tokens_[i].text];
            if (!m.first) m.first = line;
            if (!in_edge && !m.statement) m.statement = line;
        }
        if ((is_punct(i, "->") || is_punct(i, "--")) && is_name(i + 1)) {
            size_t t = endpoint_before(i);
            if (t == std::string::npos) continue;
            edges_[tokens_[t].text + '\0' + tokens_[i + 1].text].push_back(
                line_of(tokens_[i].offset));
        }
    }
}

int SourceLines::node_line(std::string_view id) const {
    auto it = nodes_.find(std::string(id));
    if (it == nodes_.end()) return 0;
    return it->second.statement ? it->second.statement : it->second.first;
}

size_t SourceLines::endpoint_before(size_t i) const {
    if (i == 0) return std::string::npos;
    size_t j = i - 1;
    // Skip `:port` and `:port:compass`.
    while (j >= 2 && is_punct(j - 1, ":") && is_name(j)) j -= 2;
    return is_name(j) ? j : std::string::npos;
}

int SourceLines::edge_line(std::string_view tail, std::string_view head, int occurrence) const {
    std::string key(tail);
    key += '\0';
    key += head;
    auto it = edges_.find(key);
    if (it == edges_.end() || it->second.empty()) return node_line(tail);
    const auto& lines = it->second;
    size_t n = static_cast<size_t>(std::max(occurrence, 0));
    return n < lines.size() ? lines[n] : lines.back();
}

int SourceLines::graph_attr_line(std::string_view name) const {
    for (size_t i = 0; i + 1 < tokens_.size(); ++i) {
        const Token& t = tokens_[i];
        if (!is_name(i) || t.text != name || !is_punct(i + 1, "=") || t.depth != 1) continue;
        std::string owner = t.owner;
        for (auto& c : owner) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (!t.in_brackets || owner == "graph") return line_of(t.offset);
    }
    return 0;
}

int SourceLines::second_graph_line() const {
    int seen = 0;
    for (const Token& t : tokens_) {
        if (t.kind != Kind::word || t.depth != 0) continue;
        std::string l = t.text;
        for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if ((l == "digraph" || l == "graph") && ++seen == 2) return line_of(t.offset);
    }
    return 0;
}

int SourceLines::graph_line() const {
    for (const Token& t : tokens_) {
        if (t.kind != Kind::word) continue;
        std::string l = t.text;
        for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (l == "digraph" || l == "graph") return line_of(t.offset);
    }
    return 1;
}

} // namespace fab::workflow
