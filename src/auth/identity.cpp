#include "auth/identity.hpp"

#include <algorithm>

namespace fab::auth {

std::string_view last_path_segment(std::string_view subject) {
    size_t slash = subject.rfind('/');
    return slash == std::string_view::npos ? subject : subject.substr(slash + 1);
}

bool user_allowed(std::string_view user, const std::vector<std::string>& allowed) {
    return !user.empty() && std::find(allowed.begin(), allowed.end(), user) != allowed.end();
}

} // namespace fab::auth
