// `model_stylesheet`: CSS-like defaults for stage attributes.
//
//   * { model: claude-sonnet-4-5; backend: claude }
//   box { reasoning_effort: high }
//   .review { backend: codex }
//   #final_check { model: claude-opus-4 }
//
// A selector is `*`, a shape name, `.class` or `#id`; more specific wins
// (`*` < shape < class < id), among equals the later rule; an attribute the
// file sets on the node itself beats every rule. The grammar is this file's
// own (a few lines), not CSS.
#pragma once

#include "workflow/model.hpp"

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fab::workflow {

struct StyleRule {
    enum class Selector { any, shape, klass, id };
    Selector selector = Selector::any;
    std::string name; // shape, class or id (empty for `*`)
    std::vector<std::pair<std::string, std::string>> declarations;

    int specificity() const { return static_cast<int>(selector); }
    bool matches(const Node& n) const;
};

struct StylesheetError {
    size_t offset = 0; // into the stylesheet text
    std::string message;
};

// The attributes a stylesheet may set.
bool stylable_attribute(std::string_view name);

// Parses the stylesheet; on failure `error` says where and why.
bool parse_stylesheet(std::string_view text, std::vector<StyleRule>& rules, StylesheetError& error);

// Sets, on `node`, each attribute the rules give it and the file does not
// (`explicit_attrs` names what the file set).
void apply_stylesheet(const std::vector<StyleRule>& rules, Node& node,
                      const std::set<std::string, std::less<>>& explicit_attrs);

} // namespace fab::workflow
