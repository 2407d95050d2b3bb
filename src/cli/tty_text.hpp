// Text from tickets and agents on its way to stdout. On a terminal an ESC in
// a ticket title or in agent output would be obeyed (a window title changed,
// the screen cleared, a line rewritten), so control bytes are shown escaped
// there; into a pipe or a file (and in --json) the text stays as it is.
#pragma once

#include <string>
#include <string_view>

namespace fab::cli {

// `s` escaped (util/terminal_text.hpp; newline and tab kept with
// `keep_layout`) when `fd` (stdout or stderr) is a terminal, unchanged
// otherwise.
std::string tty_safe(std::string_view s, int fd = 1, bool keep_layout = true);

} // namespace fab::cli
