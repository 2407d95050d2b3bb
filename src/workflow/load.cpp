#include "workflow/load.hpp"

#include "util/fs.hpp"
#include "util/strings.hpp"
#include "workflow/dot_string.hpp"
#include "workflow/source_lines.hpp"
#include "workflow/stylesheet.hpp"

#include "workflow/cgraph_read.hpp"

#include <graphviz/cgraph.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

namespace fab::workflow {

namespace {

std::string value_of(void* obj, Agsym_t* sym) {
    char* v = agxget(obj, sym);
    if (!v || !*v) return {};
    if (aghtmlstr(v)) return v;
    return unescape_dot(v);
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// The class a cluster gives its nodes: its `class`, else its label, else its
// name without the "cluster" prefix; lower-case, blanks as '-'.
std::vector<std::string> cluster_classes(Agraph_t* sub) {
    std::string name = agnameof(sub);
    if (lower(name).rfind("cluster", 0) != 0) return {};
    std::string c =
        agget(sub, const_cast<char*>("class")) ? agget(sub, const_cast<char*>("class")) : "";
    if (!c.empty()) {
        std::vector<std::string> out;
        for (auto& w : split(c, ',')) out.push_back(std::string(trim(w)));
        return out;
    }
    std::string label =
        agget(sub, const_cast<char*>("label")) ? agget(sub, const_cast<char*>("label")) : "";
    std::string base = !label.empty() ? label : name.substr(7);
    while (!base.empty() && (base[0] == '_' || base[0] == '-')) base.erase(0, 1);
    base = lower(std::string(trim(base)));
    for (auto& ch : base)
        if (std::isspace(static_cast<unsigned char>(ch))) ch = '-';
    if (base.empty()) return {};
    return {base};
}

void collect_clusters(Agraph_t* g, std::vector<std::string> inherited,
                      std::map<std::string, std::vector<std::string>>& classes) {
    for (Agraph_t* sub = agfstsubg(g); sub; sub = agnxtsubg(sub)) {
        auto mine = inherited;
        for (auto& c : cluster_classes(sub)) mine.push_back(c);
        for (Agnode_t* n = agfstnode(sub); n; n = agnxtnode(sub, n)) {
            auto& list = classes[agnameof(n)];
            for (auto& c : mine)
                if (std::find(list.begin(), list.end(), c) == list.end()) list.push_back(c);
        }
        collect_clusters(sub, mine, classes);
    }
}

} // namespace

Loaded load_workflow_text(std::string_view text, const std::string& file, const std::string& dir) {
    Loaded out;
    if (text.size() > kMaxWorkflowBytes) {
        out.errors.push_back(Diagnostic{file, 0, "larger than 1 MiB; not a workflow"});
        return out;
    }
    // cgraph stops at a NUL byte; a binary file is refused instead.
    if (text.find('\0') != std::string_view::npos) {
        out.errors.push_back(Diagnostic{file, 0, "contains a NUL byte; not a text file"});
        return out;
    }
    SourceLines lines(text);
    if (const auto& open = lines.unterminated()) {
        out.errors.push_back(Diagnostic{
            file, open->line, "DOT: " + open->what + " not closed before the end of the file"});
        return out;
    }
    Workflow wf;
    wf.file = file;
    wf.dir = dir;
    wf.graph_line = lines.graph_line();

    auto lock = lock_cgraph();
    ReadResult read = read_graph(text, file);
    out.errors = std::move(read.errors);
    for (auto& d : out.errors)
        if (d.line == 0 && d.message.starts_with("more than one graph"))
            d.line = lines.second_graph_line();
    if (!read.graph) return out;
    Agraph_t* g = read.graph.get();
    if (!agisdirected(g)) {
        out.errors.push_back(
            Diagnostic{file, wf.graph_line, "an undirected `graph`; a workflow is a `digraph`"});
        return out;
    }
    wf.name = agnameof(g) ? agnameof(g) : "";
    if (!wf.name.empty() && wf.name[0] == '%') wf.name.clear(); // cgraph's anonymous name

    for (Agsym_t* sym = agnxtattr(g, AGRAPH, nullptr); sym; sym = agnxtattr(g, AGRAPH, sym)) {
        std::string v = value_of(g, sym);
        if (v.empty()) continue;
        wf.graph_attrs[sym->name] = v;
        int line = lines.graph_attr_line(sym->name);
        wf.graph_attr_lines[sym->name] = line ? line : wf.graph_line;
    }

    std::map<std::string, std::vector<std::string>> cluster_of;
    collect_clusters(g, {}, cluster_of);

    std::vector<StyleRule> rules;
    if (auto ss = wf.graph_attr("model_stylesheet"); !ss.empty()) {
        StylesheetError err;
        if (!parse_stylesheet(ss, rules, err)) {
            rules.clear();
            // Lines inside the (multi-line) string count from its attribute.
            char* raw = agget(g, const_cast<char*>("model_stylesheet"));
            std::string_view rv = raw ? raw : "";
            size_t ro = raw_offset(rv, err.offset);
            int line =
                wf.graph_attr_line("model_stylesheet") +
                static_cast<int>(std::count(
                    rv.begin(), rv.begin() + static_cast<long>(std::min(ro, rv.size())), '\n'));
            out.errors.push_back(Diagnostic{file, line, "model_stylesheet: " + err.message});
        }
    }

    for (Agnode_t* n = agfstnode(g); n; n = agnxtnode(g, n)) {
        Node node;
        node.id = agnameof(n);
        node.line = lines.node_line(node.id);
        if (!node.line) node.line = wf.graph_line;
        std::set<std::string, std::less<>> explicit_attrs;
        for (Agsym_t* sym = agnxtattr(g, AGNODE, nullptr); sym; sym = agnxtattr(g, AGNODE, sym)) {
            std::string v = value_of(n, sym);
            if (v.empty()) continue;
            node.attrs[sym->name] = v;
            explicit_attrs.insert(sym->name);
        }
        for (auto& c : split(node.attr("class"), ',')) {
            for (auto& w : split(c, ' ')) node.classes.push_back(w);
        }
        for (auto& c : cluster_of[node.id])
            if (std::find(node.classes.begin(), node.classes.end(), c) == node.classes.end())
                node.classes.push_back(c);

        std::string type = node.attr("type");
        std::string shape = node.attr("shape", "box");
        if (!type.empty()) {
            auto k = kind_from_type(type);
            if (!k)
                out.errors.push_back(Diagnostic{
                    file, node.line,
                    "stage \"" + node.id + "\": unknown type \"" + type +
                        "\" (start, exit, agent, prompt, command, human, conditional, fan_out, "
                        "fan_in)"});
            node.kind = k.value_or(StageKind::agent);
        } else {
            auto k = kind_from_shape(shape);
            if (!k)
                out.errors.push_back(Diagnostic{
                    file, node.line,
                    "stage \"" + node.id + "\": shape \"" + shape +
                        "\" is no stage kind (Mdiamond, Msquare, box, tab, parallelogram, "
                        "hexagon, diamond, component, tripleoctagon; or set type=)"});
            node.kind = k.value_or(StageKind::agent);
        }
        apply_stylesheet(rules, node, explicit_attrs);

        node.label = node.attr("label", node.id);
        if (node.label == "\\N") node.label = node.id; // DOT's "the node's name"
        std::string prompt = node.attr("prompt");
        if (prompt.size() > 1 && prompt[0] == '@') {
            std::filesystem::path p = prompt.substr(1);
            if (p.is_relative()) p = std::filesystem::path(dir) / p;
            node.prompt_file = p.lexically_normal().string();
            // Only a regular file of sane size: `@/dev/zero` must not hang the loader.
            std::error_code ec;
            bool regular = std::filesystem::is_regular_file(node.prompt_file, ec);
            auto size = regular ? std::filesystem::file_size(node.prompt_file, ec) : 0;
            auto body = regular && !ec && size <= kMaxWorkflowBytes
                            ? read_file(node.prompt_file)
                            : Result<std::string>(make_error("not a readable regular file"));
            if (body)
                node.prompt = std::move(*body);
            else
                node.prompt_file_missing = true;
        } else {
            node.prompt = prompt;
        }
        wf.nodes.push_back(std::move(node));
    }

    // Edges in file order (cgraph numbers them as it creates them).
    std::vector<Agedge_t*> edges;
    for (Agnode_t* n = agfstnode(g); n; n = agnxtnode(g, n))
        for (Agedge_t* e = agfstout(g, n); e; e = agnxtout(g, e)) edges.push_back(e);
    std::sort(edges.begin(), edges.end(),
              [](Agedge_t* a, Agedge_t* b) { return AGSEQ(a) < AGSEQ(b); });
    std::map<std::pair<std::string, std::string>, int> seen;
    for (Agedge_t* e : edges) {
        Edge edge;
        edge.from = agnameof(agtail(e));
        edge.to = agnameof(aghead(e));
        edge.line = lines.edge_line(edge.from, edge.to, seen[{edge.from, edge.to}]++);
        if (!edge.line) edge.line = wf.graph_line;
        for (Agsym_t* sym = agnxtattr(g, AGEDGE, nullptr); sym; sym = agnxtattr(g, AGEDGE, sym)) {
            std::string v = value_of(e, sym);
            if (!v.empty()) edge.attrs[sym->name] = v;
        }
        auto get = [&](const char* k) {
            auto it = edge.attrs.find(k);
            return it == edge.attrs.end() ? std::string() : it->second;
        };
        edge.label = get("label");
        edge.condition = std::string(trim(get("condition")));
        if (auto w = parse_int(get("weight"))) edge.weight = static_cast<int>(*w);
        edge.freeform = parse_bool(get("freeform")).value_or(false);
        wf.edges.push_back(std::move(edge));
    }
    read.graph.reset();
    wf.index();
    out.workflow = std::move(wf);
    return out;
}

Loaded load_workflow_file(const std::string& path) {
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > kMaxWorkflowBytes) {
        Loaded out;
        out.errors.push_back(Diagnostic{path, 0, "larger than 1 MiB; not a workflow"});
        return out;
    }
    auto text = read_file(path);
    if (!text) {
        Loaded out;
        out.errors.push_back(Diagnostic{path, 0, text.error()});
        return out;
    }
    std::string dir = std::filesystem::path(absolute_path(path)).parent_path().string();
    return load_workflow_text(*text, path, dir);
}

} // namespace fab::workflow
