// The default rule file, compiled into fab so that `fab permissions init`
// works without share/ installed. tests/unit/rules_test.cpp checks that this
// copy equals share/permissions.ini byte for byte: edit both together.
#pragma once

#include <string_view>

namespace fab::rules {

std::string_view default_permissions_ini();

} // namespace fab::rules
