#include "workflow/stylesheet.hpp"

#include <array>
#include <cctype>
#include <map>

namespace fab::workflow {

namespace {

constexpr std::array<std::string_view, 6> kStylable = {"model",   "backend",     "reasoning_effort",
                                                       "timeout", "max_retries", "retry_policy"};

bool name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

struct Cursor {
    std::string_view text;
    size_t pos = 0;
    StylesheetError* error;

    void skip_space() {
        for (;;) {
            while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
            if (text.substr(pos, 2) != "/*") return;
            auto end = text.find("*/", pos + 2);
            pos = end == std::string_view::npos ? text.size() : end + 2;
        }
    }
    bool at_end() {
        skip_space();
        return pos >= text.size();
    }
    bool eat(char c) {
        skip_space();
        if (pos < text.size() && text[pos] == c) {
            ++pos;
            return true;
        }
        return false;
    }
    std::string name() {
        skip_space();
        size_t b = pos;
        while (pos < text.size() && name_char(text[pos])) ++pos;
        return std::string(text.substr(b, pos - b));
    }
    bool fail(std::string msg) {
        error->offset = pos;
        error->message = std::move(msg);
        return false;
    }
    std::string shown() const {
        if (pos >= text.size()) return "end of stylesheet";
        return std::string("'") + text[pos] + "'";
    }
};

} // namespace

bool stylable_attribute(std::string_view name) {
    for (auto s : kStylable)
        if (s == name) return true;
    return false;
}

bool StyleRule::matches(const Node& n) const {
    switch (selector) {
    case Selector::any:
        return true;
    case Selector::shape:
        return n.attr("shape", std::string(shape_of(n.kind))) == name;
    case Selector::klass:
        for (const auto& c : n.classes)
            if (c == name) return true;
        return false;
    case Selector::id:
        return n.id == name;
    }
    return false;
}

bool parse_stylesheet(std::string_view text, std::vector<StyleRule>& rules,
                      StylesheetError& error) {
    Cursor c{text, 0, &error};
    rules.clear();
    while (!c.at_end()) {
        StyleRule rule;
        if (c.eat('*')) {
            rule.selector = StyleRule::Selector::any;
        } else {
            if (c.eat('.'))
                rule.selector = StyleRule::Selector::klass;
            else if (c.eat('#'))
                rule.selector = StyleRule::Selector::id;
            else
                rule.selector = StyleRule::Selector::shape;
            rule.name = c.name();
            if (rule.name.empty())
                return c.fail("expected a selector (*, a shape, .class or #id), found " +
                              c.shown());
            if (rule.selector == StyleRule::Selector::shape && !kind_from_shape(rule.name))
                return c.fail("unknown shape \"" + rule.name + "\" as a selector");
        }
        if (!c.eat('{')) return c.fail("expected '{' after the selector, found " + c.shown());
        while (!c.eat('}')) {
            if (c.at_end()) return c.fail("missing '}' at the end of the rule");
            size_t at = c.pos;
            std::string prop = c.name();
            if (prop.empty()) return c.fail("expected an attribute name, found " + c.shown());
            if (!stylable_attribute(prop)) {
                c.pos = at;
                return c.fail("\"" + prop +
                              "\" cannot be set by the stylesheet (model, backend, "
                              "reasoning_effort, timeout, max_retries, retry_policy can)");
            }
            if (!c.eat(':'))
                return c.fail("expected ':' after \"" + prop + "\", found " + c.shown());
            c.skip_space();
            std::string value;
            if (c.pos < text.size() && text[c.pos] == '"') {
                auto end = text.find('"', c.pos + 1);
                if (end == std::string_view::npos) return c.fail("unterminated quoted value");
                value = std::string(text.substr(c.pos + 1, end - c.pos - 1));
                c.pos = end + 1;
            } else {
                size_t b = c.pos;
                while (c.pos < text.size() && text[c.pos] != ';' && text[c.pos] != '}' &&
                       text[c.pos] != '\n')
                    ++c.pos;
                value = std::string(text.substr(b, c.pos - b));
                while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
                    value.pop_back();
            }
            if (value.empty()) return c.fail("\"" + prop + "\" has no value");
            rule.declarations.emplace_back(std::move(prop), std::move(value));
            if (!c.eat(';')) {
                c.skip_space();
                if (c.pos < text.size() && text[c.pos] != '}')
                    return c.fail("expected ';' or '}' after a value, found " + c.shown());
            }
        }
        rules.push_back(std::move(rule));
    }
    return true;
}

void apply_stylesheet(const std::vector<StyleRule>& rules, Node& node,
                      const std::set<std::string, std::less<>>& explicit_attrs) {
    // attribute → (specificity, rule index, value): the best rule so far.
    std::map<std::string, std::pair<std::pair<int, size_t>, std::string>> best;
    for (size_t i = 0; i < rules.size(); ++i) {
        if (!rules[i].matches(node)) continue;
        std::pair<int, size_t> rank{rules[i].specificity(), i};
        for (const auto& [k, v] : rules[i].declarations) {
            auto it = best.find(k);
            if (it == best.end() || it->second.first <= rank) best[k] = {rank, v};
        }
    }
    for (auto& [k, v] : best)
        if (!explicit_attrs.contains(k)) node.attrs[k] = v.second;
}

} // namespace fab::workflow
