// fab-workflow: `fab workflow validate|graph` (fab execs it). A program of
// its own because it links cgraph and libgvc, which `fab` — the hook on every
// tool call — must not (ARCHITECTURE.md, "Why three and not one").
//
//   fab-workflow validate FILE...      errors as file:line: message; exit 1
//   fab-workflow graph [--svg] FILE    the workflow as text, or SVG
#include "util/fs.hpp"
#include "util/std_fds.hpp"
#include "workflow/render_svg.hpp"
#include "workflow/render_text.hpp"
#include "workflow/validate.hpp"

#include <cstdio>
#include <string>
#include <vector>

using namespace fab;
using namespace fab::workflow;

namespace {

enum Exit : int { ok = 0, invalid = 1, usage = 2 };

int usage_error(const char* msg) {
    std::fprintf(stderr,
                 "fab workflow: %s\nusage: fab workflow validate FILE...\n"
                 "       fab workflow graph [--svg] FILE\n",
                 msg);
    return Exit::usage;
}

void print_errors(const std::vector<Diagnostic>& errors) {
    for (const auto& d : errors) std::fprintf(stderr, "%s\n", d.str().c_str());
}

int validate_files(const std::vector<std::string>& files) {
    int status = Exit::ok;
    for (const auto& f : files) {
        std::optional<Workflow> wf;
        auto errors = check_workflow_file(f, &wf);
        if (!errors.empty()) {
            print_errors(errors);
            std::fprintf(stderr, "%s: %zu error%s\n", f.c_str(), errors.size(),
                         errors.size() == 1 ? "" : "s");
            status = Exit::invalid;
            continue;
        }
        std::printf("%s: ok (%zu stages, %zu edges)\n", f.c_str(), wf->nodes.size(),
                    wf->edges.size());
    }
    return status;
}

int graph(const std::string& file, bool svg) {
    std::optional<Workflow> wf;
    auto errors = check_workflow_file(file, &wf);
    if (!wf) {
        print_errors(errors);
        return Exit::invalid;
    }
    // A picture of a workflow with problems still helps to find them: draw it,
    // and say what is wrong on stderr.
    print_errors(errors);
    if (!svg) {
        std::fputs(render_text(*wf).c_str(), stdout);
        return errors.empty() ? Exit::ok : Exit::invalid;
    }
    auto text = read_file(file);
    if (!text)
        return std::fprintf(stderr, "fab workflow: %s\n", text.error().c_str()), Exit::invalid;
    auto out = render_svg(*text, file);
    if (!out) return std::fprintf(stderr, "fab workflow: %s\n", out.error().c_str()), Exit::invalid;
    std::fwrite(out->data(), 1, out->size(), stdout);
    return errors.empty() ? Exit::ok : Exit::invalid;
}

} // namespace

int main(int argc, char** argv) {
    StdFds fds = ensure_std_fds();
    (void)fds;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) return usage_error("missing command");
    std::string cmd = args[0];
    bool svg = false;
    std::vector<std::string> files;
    bool only_files = false;
    for (size_t i = 1; i < args.size(); ++i) {
        if (!only_files && args[i] == "--") {
            only_files = true;
        } else if (!only_files && args[i] == "--svg" && cmd == "graph") {
            svg = true;
        } else if (!only_files && args[i].size() > 1 && args[i][0] == '-') {
            return usage_error(("unknown option " + args[i]).c_str());
        } else {
            files.push_back(args[i]);
        }
    }
    if (cmd == "validate") {
        if (files.empty()) return usage_error("missing FILE");
        return validate_files(files);
    }
    if (cmd == "graph") {
        if (files.size() != 1) return usage_error("graph takes one FILE");
        return graph(files[0], svg);
    }
    return usage_error(("unknown command \"" + cmd + "\"").c_str());
}
