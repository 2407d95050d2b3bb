// libFuzzer target: a permissions.ini as a user (or an agent that can write
// one) may leave it. Parsing must answer rules or an error, never crash; a
// parsed rule's pattern is evaluated against a fixed tool call.
#include "config/ini_document.hpp"
#include "rules/evaluate.hpp"
#include "rules/rules.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    auto doc = fab::IniDocument::parse(text, "/fuzz/permissions.ini");
    if (!doc) return 0;
    auto rules = fab::rules::parse_rules(*doc, "/fuzz/home");
    if (!rules) return 0;
    // Scripts are never run here: only Bash/Read/Write calls on plain paths.
    fab::rules::MatchContext ctx;
    ctx.worktree = "/fuzz/wt";
    ctx.home = "/fuzz/home";
    std::vector<fab::rules::Rule> plain;
    for (const auto& r : *rules)
        if (r.script.empty()) plain.push_back(r);
    (void)fab::rules::evaluate(plain, "Bash", {{"command", "git status && rm -rf ../x"}}, ctx);
    (void)fab::rules::evaluate(plain, "Write", {{"file_path", "/fuzz/wt/a/../.git/config"}}, ctx);
    (void)fab::rules::evaluate(plain, "Read", {{"file_path", "~/notes.md"}}, ctx);
    return 0;
}
