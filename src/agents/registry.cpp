// Backend lookup by the name stored with each agent ("claude", "codex",
// "scripted"). Unknown names give nullptr so the caller can report which
// name was wrong instead of crashing on it.
#include "agents/backend.hpp"
#include "agents/common.hpp"

namespace fab {

std::unique_ptr<Backend> make_backend(std::string_view name) {
    if (name == "claude") return agents::make_claude_backend("claude", "claude");
    if (name == "codex") return agents::make_codex_backend();
    // The scripted agent speaks claude's protocol byte for byte (it exists
    // to test and demo fab without a model), so it is the claude adapter
    // under another name and program.
    if (name == "scripted") return agents::make_claude_backend("scripted", "fab-scripted-agent");
    return nullptr;
}

} // namespace fab
