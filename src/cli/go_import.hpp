// `fab config import`: the Go fab's TOML configuration turned into fab's INI.
//
// The Go fab (github.com/tessro/fab) kept its settings in
// ~/.config/fab/config.toml and its rules in permissions.toml (and per
// project in ~/.fab/projects/<name>/permissions.toml). The conversion is pure:
// TOML text in, edits to an IniDocument out, plus one note per setting that
// has no equivalent here (printed by the command, never silently dropped).
// toml++ is included in go_import.cpp only, header-only: the hook path of
// the static `fab` never runs it and pays nothing at start-up.
#pragma once

#include "config/ini_document.hpp"
#include "util/result.hpp"

#include <string>
#include <vector>

namespace fab::cli {

struct ImportReport {
    std::vector<std::string> done;      // "project web", "[defaults] log-level", "rule imported-1"
    std::vector<std::string> not_moved; // "webhook: no webhook server in fab; ..."
};

// config.toml → config.ini: top-level log_level, [defaults], [llm_auth],
// [providers.<name>] (the key itself is never copied: fab names an
// environment variable instead), [manager] allowed_patterns and every
// [[projects]] entry. Values are checked against fab's schema; a bad one is
// reported and left out. Fails only when the TOML itself does not parse.
Result<ImportReport> import_go_config(const std::string& toml_text, const std::string& filename,
                                      IniDocument& into);

// permissions.toml → permissions.ini: each [[rules]] entry becomes a
// [rule "<prefix>-N"] section after the document's existing rules.
Result<ImportReport> import_go_permissions(const std::string& toml_text,
                                           const std::string& filename, IniDocument& into,
                                           const std::string& prefix = "imported");

} // namespace fab::cli
