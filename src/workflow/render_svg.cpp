#include "workflow/render_svg.hpp"

#include "workflow/cgraph_read.hpp"
#include "workflow/source_lines.hpp"

#include <graphviz/gvc.h>
#include <graphviz/gvplugin.h>

#include <cstdlib>
#include <memory>

// The two plugins a dot-to-SVG rendering needs, linked in and registered by
// hand: no dependence on the plugin directory's config file being present
// (Debian writes it only when the `graphviz` package runs `dot -c`).
extern "C" {
extern gvplugin_library_t gvplugin_dot_layout_LTX_library;
extern gvplugin_library_t gvplugin_core_LTX_library;
}

namespace fab::workflow {

namespace {

struct ContextCloser {
    void operator()(GVC_t* c) const { gvFreeContext(c); }
};

} // namespace

Result<std::string> render_svg(std::string_view dot_text, const std::string& file) {
    // Text that ends inside a string or comment would leave cgraph's lexer
    // in that state for the next read (load.cpp refuses it the same way).
    SourceLines lines(dot_text);
    if (const auto& open = lines.unterminated())
        return make_error(file + ":" + std::to_string(open->line) + ": " + open->what +
                          " not closed before the end of the file");
    auto lock = lock_cgraph();
    ReadResult read = read_graph(dot_text, file);
    if (!read.graph) {
        std::string why = read.errors.empty() ? "cannot parse" : read.errors.front().str();
        return make_error(why);
    }
    std::unique_ptr<GVC_t, ContextCloser> gvc(gvContextPlugins(nullptr, 0));
    if (!gvc) return make_error("graphviz: cannot create a context");
    gvAddLibrary(gvc.get(), &gvplugin_dot_layout_LTX_library);
    gvAddLibrary(gvc.get(), &gvplugin_core_LTX_library);
    if (gvLayout(gvc.get(), read.graph.get(), "dot") != 0)
        return make_error("graphviz: dot layout failed");
    char* data = nullptr;
    unsigned int len = 0;
    int rc = gvRenderData(gvc.get(), read.graph.get(), "svg", &data, &len);
    std::string svg = rc == 0 && data ? std::string(data, len) : std::string();
    if (data) gvFreeRenderData(data);
    gvFreeLayout(gvc.get(), read.graph.get());
    if (rc != 0) return make_error("graphviz: SVG rendering failed");
    return svg;
}

} // namespace fab::workflow
