#include "workflow/condition.hpp"

#include "util/strings.hpp"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <memory>
#include <vector>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace fab::workflow {

namespace {

constexpr size_t kMaxDepth = 64;          // nesting of ( and !: bounds the recursion
constexpr size_t kMaxPattern = 512;       // a `matches` regex
constexpr size_t kMatchWindow = 4096;     // `matches` searches this many trailing bytes
constexpr uint32_t kMatchLimit = 100'000; // PCRE2 backtracking steps per search
constexpr uint32_t kHeapLimitKiB = 1024;  // PCRE2 backtracking memory per search
constexpr size_t kMaxConditionLen = 8192;

enum class Op { eq, ne, lt, gt, le, ge, contains, matches };

enum class Tok { end, lparen, rparen, bang, and_, or_, op, word, string };

struct Token {
    Tok kind = Tok::end;
    size_t pos = 0;
    std::string text; // words and strings
    Op op = Op::eq;
};

bool word_char(char c) {
    return !std::isspace(static_cast<unsigned char>(c)) && c != '(' && c != ')' && c != '!' &&
           c != '=' && c != '<' && c != '>' && c != '&' && c != '|' && c != '"' && c != '\'';
}

std::optional<double> number(std::string_view s) {
    if (s.empty()) return std::nullopt;
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

bool truthy(std::string_view v) {
    return !(v.empty() || v == "false" || v == "0" || v == "no");
}

} // namespace

struct Condition::Expr {
    enum class Kind { or_, and_, not_, compare, truthy } kind = Kind::truthy;
    std::unique_ptr<Expr> left, right; // or/and: both; not: left
    std::string key, value;
    Op op = Op::eq;
    std::optional<double> number_value;
    std::shared_ptr<pcre2_code> regex; // matches: compiled once, shared by copies
};

namespace {

// PCRE2 rather than std::regex: libstdc++'s engine recurses per character and
// overflows its own integers on quantifiers like {2222222222222222222}
// (fuzz_condition found both); PCRE2 keeps backtracking frames on the heap
// and stops at the match and heap limits below.
std::shared_ptr<pcre2_code> compile_regex(const std::string& pattern, std::string& why) {
    int code = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code* re = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code, &offset, nullptr);
    if (!re) {
        PCRE2_UCHAR buf[256];
        pcre2_get_error_message(code, buf, sizeof buf);
        why = reinterpret_cast<const char*>(buf);
        why += " at offset " + std::to_string(offset);
        return nullptr;
    }
    return std::shared_ptr<pcre2_code>(re, pcre2_code_free);
}

// A search that hits a limit counts as no match: a condition stays a yes/no.
bool regex_search(const pcre2_code& re, std::string_view s) {
    std::unique_ptr<pcre2_match_context, decltype(&pcre2_match_context_free)> ctx(
        pcre2_match_context_create(nullptr), pcre2_match_context_free);
    std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)> md(
        pcre2_match_data_create_from_pattern(&re, nullptr), pcre2_match_data_free);
    if (!ctx || !md) return false;
    pcre2_set_match_limit(ctx.get(), kMatchLimit);
    pcre2_set_heap_limit(ctx.get(), kHeapLimitKiB);
    int rc = pcre2_match(&re, reinterpret_cast<PCRE2_SPTR>(s.data()), s.size(), 0, 0, md.get(),
                         ctx.get());
    return rc >= 0;
}

class Parser {
  public:
    Parser(std::string_view text, ConditionError& error) : text_(text), error_(error) {}

    std::unique_ptr<Condition::Expr> parse() {
        if (text_.size() > kMaxConditionLen)
            return fail(kMaxConditionLen,
                        "longer than " + std::to_string(kMaxConditionLen) + " bytes");
        if (!next()) return nullptr;
        if (tok_.kind == Tok::end) return fail(0, "empty condition");
        auto e = parse_or(0);
        if (!e) return nullptr;
        if (tok_.kind != Tok::end) return fail(tok_.pos, "unexpected " + describe(tok_));
        return e;
    }

  private:
    using ExprPtr = std::unique_ptr<Condition::Expr>;

    ExprPtr fail(size_t pos, std::string msg) {
        if (!failed_) {
            failed_ = true;
            error_.pos = pos;
            error_.message = std::move(msg);
        }
        return nullptr;
    }

    std::string describe(const Token& t) const {
        switch (t.kind) {
        case Tok::end:
            return "end of condition";
        case Tok::lparen:
            return "'('";
        case Tok::rparen:
            return "')'";
        case Tok::bang:
            return "'!'";
        case Tok::and_:
            return "'&&'";
        case Tok::or_:
            return "'||'";
        case Tok::op:
            return "operator '" + std::string(text_.substr(t.pos, t.text.size())) + "'";
        case Tok::word:
            return "\"" + t.text + "\"";
        case Tok::string:
            return "string \"" + t.text + "\"";
        }
        return "?";
    }

    // Reads the next token into tok_; false on a lexical error.
    bool next() {
        while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
        tok_ = Token{};
        tok_.pos = pos_;
        if (pos_ >= text_.size()) return true;
        char c = text_[pos_];
        auto two = text_.substr(pos_, 2);
        auto op = [&](Op o, size_t len) {
            tok_.kind = Tok::op;
            tok_.op = o;
            tok_.text = std::string(text_.substr(pos_, len));
            pos_ += len;
            return true;
        };
        if (two == "&&") return pos_ += 2, tok_.kind = Tok::and_, true;
        if (two == "||") return pos_ += 2, tok_.kind = Tok::or_, true;
        if (two == "!=") return op(Op::ne, 2);
        if (two == "<=") return op(Op::le, 2);
        if (two == ">=") return op(Op::ge, 2);
        if (two == "==") return op(Op::eq, 2);
        if (c == '=') return op(Op::eq, 1);
        if (c == '<') return op(Op::lt, 1);
        if (c == '>') return op(Op::gt, 1);
        if (c == '(') return ++pos_, tok_.kind = Tok::lparen, true;
        if (c == ')') return ++pos_, tok_.kind = Tok::rparen, true;
        if (c == '!') return ++pos_, tok_.kind = Tok::bang, true;
        if (c == '&' || c == '|') {
            fail(pos_, std::string("'") + c + "' alone; did you mean '" + c + c + "'?");
            return false;
        }
        if (c == '"' || c == '\'') {
            char quote = c;
            ++pos_;
            std::string s;
            while (pos_ < text_.size() && text_[pos_] != quote) {
                if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
                s += text_[pos_++];
            }
            if (pos_ >= text_.size()) {
                fail(tok_.pos, "unterminated string");
                return false;
            }
            ++pos_;
            tok_.kind = Tok::string;
            tok_.text = std::move(s);
            return true;
        }
        size_t b = pos_;
        while (pos_ < text_.size() && word_char(text_[pos_])) ++pos_;
        tok_.kind = Tok::word;
        tok_.text = std::string(text_.substr(b, pos_ - b));
        if (tok_.text == "contains") tok_.kind = Tok::op, tok_.op = Op::contains;
        if (tok_.text == "matches") tok_.kind = Tok::op, tok_.op = Op::matches;
        return true;
    }

    ExprPtr binary(Condition::Expr::Kind kind, ExprPtr l, ExprPtr r) {
        auto e = std::make_unique<Condition::Expr>();
        e->kind = kind;
        e->left = std::move(l);
        e->right = std::move(r);
        return e;
    }

    ExprPtr parse_or(size_t depth) {
        auto l = parse_and(depth);
        while (l && tok_.kind == Tok::or_) {
            if (!next()) return nullptr;
            auto r = parse_and(depth);
            if (!r) return nullptr;
            l = binary(Condition::Expr::Kind::or_, std::move(l), std::move(r));
        }
        return l;
    }

    ExprPtr parse_and(size_t depth) {
        auto l = parse_unary(depth);
        while (l && tok_.kind == Tok::and_) {
            if (!next()) return nullptr;
            auto r = parse_unary(depth);
            if (!r) return nullptr;
            l = binary(Condition::Expr::Kind::and_, std::move(l), std::move(r));
        }
        return l;
    }

    ExprPtr parse_unary(size_t depth) {
        if (depth > kMaxDepth) return fail(tok_.pos, "nested deeper than 64 levels");
        if (tok_.kind == Tok::bang) {
            if (!next()) return nullptr;
            auto inner = parse_unary(depth + 1);
            if (!inner) return nullptr;
            auto e = std::make_unique<Condition::Expr>();
            e->kind = Condition::Expr::Kind::not_;
            e->left = std::move(inner);
            return e;
        }
        if (tok_.kind == Tok::lparen) {
            size_t open = tok_.pos;
            if (!next()) return nullptr;
            auto inner = parse_or(depth + 1);
            if (!inner) return nullptr;
            if (tok_.kind != Tok::rparen)
                return fail(tok_.pos, "expected ')' to close the '(' at column " +
                                          std::to_string(open + 1) + ", found " + describe(tok_));
            if (!next()) return nullptr;
            return inner;
        }
        return parse_comparison();
    }

    ExprPtr parse_comparison() {
        if (tok_.kind != Tok::word)
            return fail(tok_.pos, "expected a key (outcome, preferred_label, context.K, …), "
                                  "found " +
                                      describe(tok_));
        size_t key_pos = tok_.pos;
        auto e = std::make_unique<Condition::Expr>();
        e->key = tok_.text;
        if (!known_condition_key(e->key))
            return fail(key_pos, "unknown key \"" + e->key +
                                     "\" (outcome, preferred_label, context.K, human.gate.K, "
                                     "command.output, internal.node_visit_count)");
        if (!next()) return nullptr;
        if (tok_.kind != Tok::op) {
            e->kind = Condition::Expr::Kind::truthy;
            return e;
        }
        e->kind = Condition::Expr::Kind::compare;
        e->op = tok_.op;
        std::string op_text = tok_.text;
        if (!next()) return nullptr;
        if (tok_.kind != Tok::word && tok_.kind != Tok::string)
            return fail(tok_.pos,
                        "expected a value after '" + op_text + "', found " + describe(tok_));
        size_t value_pos = tok_.pos;
        e->value = tok_.text;
        if (e->op == Op::lt || e->op == Op::gt || e->op == Op::le || e->op == Op::ge) {
            e->number_value = number(e->value);
            if (!e->number_value)
                return fail(value_pos,
                            "'" + op_text + "' compares numbers; \"" + e->value + "\" is not one");
        }
        if (e->op == Op::matches) {
            if (e->value.size() > kMaxPattern)
                return fail(value_pos, "regex longer than 512 bytes");
            std::string why;
            e->regex = compile_regex(e->value, why);
            if (!e->regex) return fail(value_pos, "bad regex \"" + e->value + "\": " + why);
        }
        if (!next()) return nullptr;
        return e;
    }

    std::string_view text_;
    ConditionError& error_;
    size_t pos_ = 0;
    Token tok_;
    bool failed_ = false;
};

bool eval(const Condition::Expr& e, const ConditionVars& vars) {
    using K = Condition::Expr::Kind;
    switch (e.kind) {
    case K::or_:
        return eval(*e.left, vars) || eval(*e.right, vars);
    case K::and_:
        return eval(*e.left, vars) && eval(*e.right, vars);
    case K::not_:
        return !eval(*e.left, vars);
    case K::truthy:
        return truthy(vars.lookup(e.key));
    case K::compare:
        break;
    }
    std::string v = vars.lookup(e.key);
    switch (e.op) {
    case Op::eq:
        return v == e.value;
    case Op::ne:
        return v != e.value;
    case Op::contains:
        return v.find(e.value) != std::string::npos;
    case Op::matches: {
        std::string_view s = v;
        if (s.size() > kMatchWindow) s = s.substr(s.size() - kMatchWindow);
        return regex_search(*e.regex, s);
    }
    default:
        break;
    }
    auto n = number(fab::trim(v));
    if (!n) return false;
    switch (e.op) {
    case Op::lt:
        return *n < *e.number_value;
    case Op::gt:
        return *n > *e.number_value;
    case Op::le:
        return *n <= *e.number_value;
    case Op::ge:
        return *n >= *e.number_value;
    default:
        return false;
    }
}

} // namespace

std::string ConditionVars::lookup(std::string_view key) const {
    if (key == "outcome") return outcome;
    if (key == "preferred_label") return preferred_label;
    if (key == "command.output") return command_output;
    if (key == "internal.node_visit_count") return std::to_string(node_visit_count);
    if (key.starts_with("context.")) {
        auto it = context.find(key.substr(8));
        return it == context.end() ? std::string() : it->second;
    }
    if (key.starts_with("human.gate.")) {
        auto it = human_gate.find(key.substr(11));
        return it == human_gate.end() ? std::string() : it->second;
    }
    return {};
}

std::string ConditionError::str() const {
    return "column " + std::to_string(pos + 1) + ": " + message;
}

bool known_condition_key(std::string_view key) {
    if (key == "outcome" || key == "preferred_label" || key == "command.output" ||
        key == "internal.node_visit_count")
        return true;
    if (key.starts_with("context.") && key.size() > 8) return true;
    if (key.starts_with("human.gate.") && key.size() > 11) return true;
    return false;
}

std::optional<Condition> Condition::parse(std::string_view text, ConditionError& error) {
    Parser p(text, error);
    auto root = p.parse();
    if (!root) return std::nullopt;
    Condition c;
    c.text_ = std::string(text);
    c.root_ = std::move(root);
    return c;
}

bool Condition::evaluate(const ConditionVars& vars) const {
    return root_ && eval(*root_, vars);
}

Condition::Condition(Condition&&) noexcept = default;
Condition& Condition::operator=(Condition&&) noexcept = default;
Condition::~Condition() = default;

} // namespace fab::workflow
