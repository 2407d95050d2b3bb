#include "protocol/messages_man.hpp"

#include "protocol/messages.hpp"

#include <string_view>

namespace fab::proto {

namespace {

// roff-safe text: backslashes and hyphens escaped, no line starting with a
// control character.
std::string roff(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '\\')
            out += "\\e";
        else if (c == '-')
            out += "\\-";
        else
            out += c;
    }
    if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
    return out;
}

void fields(std::string& out, const Message& m) {
    if (m.fields.empty()) {
        out += ".PP\nNo payload fields.\n";
        return;
    }
    for (const Field& f : m.fields) {
        out += ".TP\n.BR " + roff(f.name) + " \" (" + roff(f.type) +
               (f.required ? ", required" : ", optional") + ")\"\n" + roff(f.doc) + "\n";
    }
}

void section(std::string& out, Kind kind, const char* title) {
    out += ".SH " + std::string(title) + "\n";
    for (const Message& m : messages()) {
        if (m.kind != kind || m.alias_of) continue;
        out += ".SS " + roff(m.name) + "\n" + roff(m.doc) + " (family " + roff(m.family) + ").\n";
        fields(out, m);
    }
}

} // namespace

std::string protocol_man_page() {
    std::string out;
    out += ".\\\" Generated from src/protocol/messages.cpp by the build (man/meson.build);\n"
           ".\\\" tests/docs fails when this copy differs. Edit the table, not this file.\n";
    out += ".TH FAB\\-PROTOCOL 7 \"\" \"fab\" \"fab manual\"\n";
    out += ".SH NAME\nfab\\-protocol \\- the messages of fab's daemon and agent-host sockets\n";
    out += R"(.SH DESCRIPTION
The daemon listens on
.I $FAB_DIR/fab.sock
and each agent host on
.IR $FAB_DIR/hosts/<agent\-id>.sock ,
both Unix sockets (mode 0600, peers of another uid refused). Both speak
newline\-delimited JSON: one object per line, at most 16 MiB per line.
.PP
A request is
.BR {"type":"agent.list","id":"r1","payload":{...}} ;
its response echoes type and id:
.B {"type":"agent.list","id":"r1","success":true,"payload":{...}}
or
.BR {"type":"agent.list","id":"r1","success":false,"error":"..."} .
The first exchange is
.BR ping ,
whose payload carries the client's major protocol version; another major
version is refused with a clear error.
.PP
After
.B attach
the daemon pushes events
.B {"type":"event","event":"agent.output",...}
on that connection. Each client has a bounded queue: one that falls behind
gets a
.B resync
event and must attach again for a snapshot.
.PP
Payload fields are listed with their JSON type; a required field that is
missing or empty is answered with an error naming it, and a field of the
wrong type with an error too.
)";
    section(out, Kind::request, "REQUESTS");
    section(out, Kind::event, "EVENTS");
    section(out, Kind::host_request, "HOST REQUESTS");
    section(out, Kind::host_event, "HOST EVENTS");
    out += ".SH DEPRECATED NAMES\n"
           "The previous release's names are answered for one more release, by the\n"
           "handler of the message that replaces them (the response echoes the name\n"
           "the client used). Host messages are never renamed: agent hosts outlive\n"
           "the daemon that started them.\n";
    for (const Message& m : messages()) {
        if (!m.alias_of) continue;
        out += ".TP\n.B " + roff(m.name) + "\nuse\n.B " + roff(m.alias_of) + "\n";
    }
    out += ".SH SEE ALSO\n.BR fab (1),\n.BR fab.conf (5)\n";
    return out;
}

} // namespace fab::proto
