// Untrusted text (tickets, agent output) on its way to a terminal or a log
// line. An ESC or C1 control in it would be executed by the terminal (a
// title change, a cleared screen, a forged prompt); a newline in a log
// message would forge a log line. Both are shown as visible escapes instead.
#pragma once

#include <string>
#include <string_view>

namespace fab {

// C0 controls, DEL, C1 controls (U+0080..U+009F) and bytes that are not
// valid UTF-8 become visible escapes: "\x1b", "\x7f", "\u009b", "\xff";
// \n, \r and \t as "\n", "\r", "\t". With `keep_layout`, newline and tab
// stay as they are (text shown on several lines). Valid UTF-8 is unchanged.
std::string escape_controls(std::string_view s, bool keep_layout);

} // namespace fab
