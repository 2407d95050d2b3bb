#include "hooks.hpp"

#include "emit.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <regex.h>
#include <set>

namespace scripted {

namespace {

// claude: no matcher, "" or "*" match all; names and '|' lists match
// exactly; anything else is a regular expression searched in the name.
bool matcher_accepts(const nlohmann::json& group, const std::string& query) {
    if (query.empty() || !group.contains("matcher") || !group["matcher"].is_string()) return true;
    std::string m = group["matcher"].get<std::string>();
    if (m.empty() || m == "*") return true;
    bool plain = true;
    for (char c : m)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '|')) plain = false;
    if (plain) {
        for (const auto& alt : fab::split(m, '|'))
            if (alt == query) return true;
        return false;
    }
    // POSIX ERE, close enough to claude's JS RegExp for matchers like "Edit.*".
    regex_t re;
    if (regcomp(&re, m.c_str(), REG_EXTENDED | REG_NOSUB) != 0) return false;
    bool hit = regexec(&re, query.c_str(), 0, nullptr, 0) == 0;
    regfree(&re);
    return hit;
}

} // namespace

fab::Result<HookConfig> HookConfig::load(const std::string& arg) {
    std::string text = arg;
    auto t = fab::trim(arg);
    if (t.empty() || t.front() != '{') {
        auto f = fab::read_file(arg);
        if (!f) return fab::make_error("Error processing settings: " + f.error());
        text = *f;
    }
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object())
        return fab::make_error("Error processing settings: Invalid JSON provided to --settings");
    HookConfig c;
    if (j.contains("hooks") && j["hooks"].is_object()) c.hooks_ = j["hooks"];
    return c;
}

std::vector<HookCommand> HookConfig::matching(const std::string& event,
                                              const std::string& query) const {
    std::vector<HookCommand> out;
    std::set<std::string> seen; // claude runs an identical command only once
    if (!hooks_.contains(event) || !hooks_[event].is_array()) return out;
    for (const auto& group : hooks_[event]) {
        if (!group.is_object() || !matcher_accepts(group, query)) continue;
        if (!group.contains("hooks") || !group["hooks"].is_array()) continue;
        for (const auto& h : group["hooks"]) {
            if (str_field(h, "type") != "command") continue;
            if (!h.contains("command") || !h["command"].is_string()) continue;
            HookCommand c{h["command"].get<std::string>(), 600};
            if (h.contains("timeout") && h["timeout"].is_number())
                c.timeout_s = std::max(1, h["timeout"].get<int>());
            if (seen.insert(c.command).second) out.push_back(std::move(c));
        }
    }
    return out;
}

HookBatch::HookBatch(Loop& loop, std::vector<HookCommand> cmds, const nlohmann::json& input,
                     const std::string& cwd, const std::vector<std::string>& env)
    : loop_(loop) {
    std::string in = dump(input);
    for (auto& c : cmds) {
        Run r;
        r.cmd = std::move(c);
        r.deadline = fab::monotonic_ms() + int64_t{r.cmd.timeout_s} * 1000;
        ChildSpec spec{{"/bin/sh", "-c", r.cmd.command}, cwd, env, in, false, 1 << 20};
        auto ch = Child::spawn(spec);
        if (ch) {
            r.child = std::move(*ch);
            loop_.add(r.child.get());
        } else {
            r.spawn_error = ch.error();
        }
        runs_.push_back(std::move(r));
    }
}

HookBatch::~HookBatch() {
    for (auto& r : runs_)
        if (r.child) loop_.remove(r.child.get());
}

bool HookBatch::done() {
    bool all = true;
    int64_t now = fab::monotonic_ms();
    for (auto& r : runs_) {
        if (!r.child || r.child->done()) continue;
        if (now >= r.deadline && !r.timed_out) {
            r.timed_out = true; // claude: outcome "cancelled", late output ignored
            r.child->kill();
        }
        all = false;
    }
    return all;
}

void HookBatch::cancel() {
    for (auto& r : runs_)
        if (r.child && !r.child->done()) {
            r.timed_out = true;
            r.child->kill();
        }
}

std::vector<HookOutcome> HookBatch::outcomes() const {
    std::vector<HookOutcome> outs;
    for (const auto& r : runs_) {
        HookOutcome o;
        o.command = r.cmd.command;
        if (!r.child) {
            o.err = r.spawn_error;
        } else if (!r.timed_out && r.child->done()) {
            o.exit_code = r.child->exit_code();
            o.out = r.child->out();
            o.err = r.child->err();
            auto t = fab::trim(o.out);
            if (!t.empty() && t.front() == '{') {
                auto j = nlohmann::json::parse(t, nullptr, false);
                if (j.is_object()) o.json = std::move(j);
            }
        }
        outs.push_back(std::move(o));
    }
    return outs;
}

PreToolVerdict pre_tool_verdict(const std::vector<HookOutcome>& outs, const std::string& tool) {
    PreToolVerdict v;
    std::optional<std::string> deny, block, ask;
    bool allow = false;
    for (const auto& o : outs) {
        // JSON is honoured on exit 0 only; exit 2 blocks; other exits are
        // errors that do not block (the tool goes through the normal flow).
        if (o.exit_code == 2) {
            std::string e(fab::trim(o.err));
            block = "PreToolUse:" + tool + " hook error: [" + o.command + "]: " + e;
        }
        if (o.exit_code != 0 || !o.json) continue;
        const auto& j = *o.json;
        if (j.contains("continue") && j["continue"].is_boolean() && !j["continue"].get<bool>()) {
            v.stop = true;
            v.stop_reason = str_field(j, "stopReason");
        }
        std::string decision, reason;
        if (j.contains("hookSpecificOutput") && j["hookSpecificOutput"].is_object()) {
            const auto& h = j["hookSpecificOutput"];
            decision = str_field(h, "permissionDecision");
            reason = str_field(h, "permissionDecisionReason");
            if (h.contains("updatedInput") && h["updatedInput"].is_object())
                v.updated_input = h["updatedInput"];
        } else { // the older top-level form
            std::string d = str_field(j, "decision");
            decision = d == "approve" ? "allow" : d == "block" ? "deny" : "";
            reason = str_field(j, "reason");
        }
        if (decision == "deny" && !deny)
            deny = reason;
        else if (decision == "ask" && !ask)
            ask = reason;
        else if (decision == "allow")
            allow = true;
    }
    if (deny) {
        v.kind = PreToolVerdict::Deny;
        v.reason = *deny;
    } else if (block) {
        v.kind = PreToolVerdict::Deny;
        v.reason = *block;
    } else if (ask) {
        v.kind = PreToolVerdict::Ask;
        v.reason = *ask;
    } else if (allow) {
        v.kind = PreToolVerdict::Allow;
    }
    return v;
}

PermissionVerdict permission_verdict(const std::vector<HookOutcome>& outs) {
    PermissionVerdict v;
    for (const auto& o : outs) {
        if (o.exit_code != 0 || !o.json) continue;
        const auto& j = *o.json;
        if (!j.contains("hookSpecificOutput") || !j["hookSpecificOutput"].is_object()) continue;
        const auto& h = j["hookSpecificOutput"];
        if (!h.contains("decision") || !h["decision"].is_object()) continue;
        const auto& d = h["decision"];
        std::string b = str_field(d, "behavior");
        if (b == "deny") {
            v.kind = PermissionVerdict::Deny;
            v.message = str_field(d, "message");
            if (v.message.empty()) v.message = "Permission denied by hook";
            return v; // deny wins
        }
        if (b == "allow") {
            v.kind = PermissionVerdict::Allow;
            if (d.contains("updatedInput") && d["updatedInput"].is_object())
                v.updated_input = d["updatedInput"];
        }
    }
    return v;
}

std::optional<std::string> stop_block_reason(const std::vector<HookOutcome>& outs) {
    for (const auto& o : outs) {
        if (o.exit_code == 2) return std::string(fab::trim(o.err));
        if (o.exit_code != 0 || !o.json) continue;
        const auto& j = *o.json;
        if (str_field(j, "decision") == "block") return str_field(j, "reason");
    }
    return std::nullopt;
}

} // namespace scripted
