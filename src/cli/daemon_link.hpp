// How CLI commands reach the daemon: connect + handshake with a uniform
// "daemon not running" error and exit code, and where fabd lives.
#pragma once

#include "cli/command.hpp"
#include "client/connection.hpp"

#include <optional>

namespace fab::cli {

// Connects (no handshake); on failure prints the error and sets `exit_code`.
std::optional<Connection> connect_daemon_socket(const Invocation& inv, int& exit_code);
// Connects and shakes hands (for long-lived connections such as attach).
std::optional<Connection> open_daemon(const Invocation& inv, int& exit_code);

// Handshake and one request in a single round trip; prints "fab: <error>"
// on failure. Sets exit_code.
std::optional<Json> call_daemon(const Invocation& inv, const std::string& type, const Json& payload,
                                int& exit_code, int timeout_ms = 30000);

// fabd next to this fab (git finds its sub-commands the same way), else PATH.
std::string sibling_program(const char* name);

} // namespace fab::cli
