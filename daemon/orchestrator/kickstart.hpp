// The default kickstart prompt, compiled into fabd so that orchestrators
// work without share/ installed. tests/unit/kickstart_test.cpp checks that
// this copy equals share/kickstart.md byte for byte: edit both together.
// A project's `kickstart-prompt` key names a file whose text replaces it.
#pragma once

#include <string_view>

namespace fab {

std::string_view default_kickstart();

} // namespace fab
