// The workflow as SVG (`fab workflow graph --svg`), laid out by Graphviz's
// dot through libgvc. Takes the DOT text itself: the picture is the file's,
// with its own colours and labels. Linked only by programs that draw.
#pragma once

#include "util/result.hpp"

#include <string>
#include <string_view>

namespace fab::workflow {

Result<std::string> render_svg(std::string_view dot_text, const std::string& file);

} // namespace fab::workflow
