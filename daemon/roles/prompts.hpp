// The role prompts (share/planner.md, manager.md, director.md), compiled in
// from those files by daemon/meson.build so the daemon needs nothing
// installed beside it. `{{project}}` becomes the project's name.
#pragma once

#include <string>
#include <string_view>

namespace fab::roles {

// kind: "plan", "manager" or "director"; "" for anything else.
std::string role_prompt(std::string_view kind, const std::string& project);

} // namespace fab::roles
