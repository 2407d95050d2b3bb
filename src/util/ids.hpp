// Random identifiers: agent ids ("a" + 5 base36 chars) and UUIDs (claude
// session ids must be UUIDs).
#pragma once

#include <string>

namespace fab {

std::string uuid_v4();
std::string random_id(const std::string& prefix, size_t chars); // base36

} // namespace fab
