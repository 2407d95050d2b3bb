// stdout of fab-scripted-agent: whole NDJSON lines, one write(2) each, so a
// reader never sees half a line even when we die right after (as claude's
// stream-json output behaves under a supervisor).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace scripted {

// Serialises `line` and writes it plus '\n' to stdout in one write. Invalid
// UTF-8 from command output is replaced rather than thrown on. A closed
// stdout means the supervisor is gone: the process exits 1.
void emit(const nlohmann::json& line);

// Same serialisation, for files and child stdin.
std::string dump(const nlohmann::json& j);

// A random RFC 4122 version-4 UUID (request ids, message uuids, sessions).
std::string make_uuid();

// j[key] when it is a string, else "" (protocol input is never trusted).
std::string str_field(const nlohmann::json& j, const char* key);
bool is_uuid(const std::string& s);

} // namespace scripted
