// The command line fab gives `claude`, parsed the way claude parses it (the
// flags fab uses; unknown ones are warned about and ignored).
#pragma once

#include "util/result.hpp"

#include <optional>
#include <string>

namespace scripted {

struct Options {
    bool print = false;
    bool verbose = false;
    std::string input_format = "text";
    std::string output_format = "text";
    std::string permission_mode = "default";
    std::string permission_prompt_tool;  // "stdio": prompts become can_use_tool requests
    std::optional<std::string> settings; // JSON text or a file path
    std::optional<std::string> session_id;
    std::optional<std::string> resume;
    bool fork_session = false;
    std::string model;
    std::string append_system_prompt;
};

// Fails with the message claude prints for the same mistake (exit 1).
fab::Result<Options> parse_options(int argc, char** argv);

} // namespace scripted
