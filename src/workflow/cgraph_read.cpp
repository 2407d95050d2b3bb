#include "workflow/cgraph_read.hpp"

#include "util/strings.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace fab::workflow {

namespace {

// cgraph's global state (lexer, error handler) is guarded by this; the error
// handler appends to `g_messages` while it is held.
std::mutex g_cgraph_mutex;
std::string g_messages;

int collect_error(char* message) {
    g_messages += message;
    return 0;
}

// Feeds cgraph the text in blocks (not lines): whatever the parser leaves
// after the first graph stays in this channel or in the lexer's buffer, and
// the drain in read_graph() sees all of it.
struct TextChannel {
    std::string_view text;
    size_t pos = 0;
};

int read_channel(void* chan, char* buf, int size) {
    auto* c = static_cast<TextChannel*>(chan);
    size_t n = std::min(c->text.size() - c->pos, static_cast<size_t>(std::max(size, 0)));
    std::memcpy(buf, c->text.data() + c->pos, n);
    c->pos += n;
    return static_cast<int>(n);
}

// "Error: syntax error in line 3 near '}'" → {3, "syntax error near '}'"}.
Diagnostic cgraph_diagnostic(const std::string& file, std::string text) {
    Diagnostic d{file, 0, {}};
    std::string first = std::string(trim(text));
    if (first.rfind("Error:", 0) == 0) first = std::string(trim(first.substr(6)));
    auto at = first.find(" in line ");
    if (at != std::string::npos) {
        size_t b = at + 9, e = b;
        while (e < first.size() && std::isdigit(static_cast<unsigned char>(first[e]))) ++e;
        if (auto n = parse_int(first.substr(b, e - b))) d.line = static_cast<int>(*n);
        first.erase(at, e - at);
    }
    for (auto& c : first)
        if (c == '\n') c = ' ';
    d.message = "DOT: " + first;
    return d;
}

Agiodisc_t g_io = {read_channel, AgIoDisc.putstr, AgIoDisc.flush};
Agdisc_t g_disc = {&AgMemDisc, &AgIdDisc, &g_io};

// True when cgraph reads an empty graph cleanly: its lexer is in its initial
// state with nothing buffered.
bool lexer_clean() {
    TextChannel probe{"digraph{}", 0};
    GraphPtr g{agread(&probe, &g_disc)};
    bool ok = g && agnnodes(g.get()) == 0;
    while (GraphPtr more{agread(&probe, &g_disc)}) ok = false;
    return ok;
}

// After a failed read. The loader refuses texts that end inside a string,
// comment or HTML string (source_lines.hpp), which is what leaves cgraph's
// lexer in such a state for the next read; should one get through anyway,
// this closes it with each closer in turn until an empty graph reads cleanly.
void recover_lexer() {
    if (lexer_clean()) return;
    for (int round = 0; round < 70; ++round) // HTML strings nest: one '>' per level
        for (const char* closer : {"\"", "*/", ">"}) {
            TextChannel c{closer, 0};
            while (GraphPtr g{agread(&c, &g_disc)}) {}
            if (lexer_clean()) return;
        }
}

} // namespace

std::unique_lock<std::mutex> lock_cgraph() {
    return std::unique_lock<std::mutex>(g_cgraph_mutex);
}

ReadResult read_graph(std::string_view text, const std::string& file) {
    ReadResult r;
    g_messages.clear();
    agreseterrors();
    agreadline(1);
    auto previous = agseterrf(collect_error);
    TextChannel chan{text, 0};
    r.graph.reset(agread(&chan, &g_disc));
    // Anything after the first graph: another graph, or garbage cgraph reports.
    int extra = 0;
    if (r.graph)
        while (GraphPtr more{agread(&chan, &g_disc)}) ++extra;
    std::string messages = std::move(g_messages);
    recover_lexer(); // a read can succeed and still leave the lexer inside a comment
    agseterrf(previous);
    g_messages.clear();
    agreseterrors();
    // cgraph reports in pieces; one message per "Error"/"Warning" start.
    std::vector<std::string> parts;
    for (size_t pos = 0; pos < messages.size();) {
        size_t next = std::string::npos;
        for (const char* tag : {"Error", "Warning"}) {
            size_t t = messages.find(tag, pos + 1);
            if (t != std::string::npos && (t == 0 || messages[t - 1] == '\n'))
                next = std::min(next, t);
        }
        parts.push_back(messages.substr(pos, next == std::string::npos ? next : next - pos));
        pos = next;
    }
    for (const auto& p : parts)
        if (p.rfind("Warning", 0) != 0 && !trim(p).empty())
            r.errors.push_back(cgraph_diagnostic(file, p));
    if (!r.graph && r.errors.empty())
        r.errors.push_back(
            Diagnostic{file, 0, "no graph in the file (expected `digraph NAME { … }`)"});
    if (extra > 0)
        r.errors.push_back(
            Diagnostic{file, 0, "more than one graph in the file; a workflow is one digraph"});
    return r;
}

} // namespace fab::workflow
