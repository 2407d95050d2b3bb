#include "workflow/gate_options.hpp"

#include "util/strings.hpp"

#include <cctype>
#include <set>

namespace fab::workflow {

namespace {

std::string upper(std::string_view s) {
    std::string u(s);
    for (auto& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return u;
}

bool key_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c));
}

} // namespace

Accelerated split_accelerator(std::string_view label) {
    std::string_view s = trim(label);
    // "[A] Approve"
    if (s.size() >= 3 && s[0] == '[') {
        auto close = s.find(']');
        if (close != std::string_view::npos && close >= 2 && close <= 4) {
            auto key = s.substr(1, close - 1);
            bool ok = true;
            for (char c : key) ok = ok && key_char(c);
            if (ok) return {upper(key), std::string(trim(s.substr(close + 1)))};
        }
    }
    // "A) Approve" and "A - Approve": one character, then the separator (a
    // longer word would catch labels such as "Go - now").
    size_t k = 1;
    if (s.size() > 1 && key_char(s[0])) {
        if (s[k] == ')') return {upper(s.substr(0, k)), std::string(trim(s.substr(k + 1)))};
        auto rest = s.substr(k);
        if (rest.starts_with(" - ") || rest.starts_with(" -\t"))
            return {upper(s.substr(0, k)), std::string(trim(rest.substr(3)))};
    }
    return {{}, std::string(s)};
}

std::vector<GateOption> gate_options(const Workflow& wf, std::string_view node_id) {
    std::vector<GateOption> out;
    for (size_t i : wf.out_edges(node_id)) {
        const Edge& e = wf.edges[i];
        auto a = split_accelerator(e.label.empty() ? e.to : e.label);
        out.push_back(GateOption{a.key, a.label, e.to, i, e.freeform});
    }
    // Labels without an accelerator get their first letter when it is unique.
    std::multiset<std::string> taken;
    for (const auto& o : out)
        if (!o.key.empty()) taken.insert(o.key);
    std::multiset<std::string> firsts;
    for (const auto& o : out)
        if (o.key.empty() && !o.label.empty() && key_char(o.label[0]))
            firsts.insert(upper(o.label.substr(0, 1)));
    for (auto& o : out) {
        if (!o.key.empty() || o.label.empty() || !key_char(o.label[0])) continue;
        std::string k = upper(o.label.substr(0, 1));
        if (firsts.count(k) == 1 && !taken.contains(k)) o.key = k;
    }
    return out;
}

std::optional<size_t> match_gate_answer(const std::vector<GateOption>& options,
                                        std::string_view answer) {
    std::string_view a = trim(answer);
    if (a.empty()) return std::nullopt;
    if (auto n = parse_int(a); n && *n >= 1 && static_cast<size_t>(*n) <= options.size())
        return static_cast<size_t>(*n - 1);
    std::string ua = upper(a);
    for (size_t i = 0; i < options.size(); ++i)
        if (!options[i].key.empty() && options[i].key == ua) return i;
    for (size_t i = 0; i < options.size(); ++i)
        if (upper(options[i].label) == ua) return i;
    return std::nullopt;
}

} // namespace fab::workflow
