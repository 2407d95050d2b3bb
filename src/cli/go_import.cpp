// The Go fab's TOML (config.toml, permissions.toml) mapped onto fab's INI.
// Formats as documented by the Go fab (docs/configuration.md and
// docs/permissions.md of github.com/tessro/fab): snake_case or kebab-case
// keys, `[[projects]]` with name and remote-url, `[[rules]]` with tool,
// action, pattern or patterns, script.
#include "cli/go_import.hpp"

#include "config/config.hpp"
#include "config/schema.hpp"
#include "rules/rules.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>

// Header-only and without exceptions: this one TU compiles toml++; nothing
// links its shared library, so the static `fab` stays self-contained.
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#include <toml++/toml.h>

namespace fab::cli {

namespace {

// The Go fab wrote both `log_level` and `max-agents`: fab's keys are kebab-case.
std::string kebab(std::string_view key) {
    std::string k(key);
    std::replace(k.begin(), k.end(), '_', '-');
    return k;
}

std::string where(const std::string& path, const toml::node& n) {
    return path + " (line " + std::to_string(n.source().begin.line) + ")";
}

// A TOML value as an INI value: strings as they are, integers, booleans, and
// arrays of strings as a comma-separated list. Anything else (tables, dates,
// floats, a list item holding a comma) has no INI form: nullopt, `why` says so.
std::optional<std::string> ini_value(const toml::node& v, std::string& why) {
    if (auto s = v.value<std::string>(); s && v.is_string()) return *s;
    if (v.is_integer()) return std::to_string(*v.value<int64_t>());
    if (v.is_boolean()) return *v.value<bool>() ? std::string("true") : std::string("false");
    if (const toml::array* a = v.as_array()) {
        std::vector<std::string> items;
        for (const toml::node& item : *a) {
            auto s = item.value<std::string>();
            if (!s || !item.is_string()) {
                why = "a list of anything but strings";
                return std::nullopt;
            }
            if (s->find(',') != std::string::npos) {
                why = "a list item with a comma (\"" + *s + "\"), which fab's lists cannot hold";
                return std::nullopt;
            }
            items.push_back(*s);
        }
        return join(items, ", ");
    }
    why = std::string("a TOML ") + (v.is_table() ? "table" : "value of this type");
    return std::nullopt;
}

struct Writer {
    IniDocument& doc;
    ImportReport& report;

    // Sets [kind "label"] key = the TOML value, after fab's schema has checked it.
    void set(const std::string& kind, const std::string& label, const std::string& key,
             const toml::node& v, const std::string& path) {
        std::string why;
        auto value = ini_value(v, why);
        if (!value) return report.not_moved.push_back(path + ": " + why);
        set_text(kind, label, key, *value, path);
    }
    void set_text(const std::string& kind, const std::string& label, const std::string& key,
                  const std::string& value, const std::string& path) {
        std::string section = label.empty() ? "[" + kind + "]" : "[" + kind + " \"" + label + "\"]";
        if (Status s = validate_value(kind, key, value); !s)
            return report.not_moved.push_back(path + ": " + s.error());
        if (Status s = doc.set(kind, label, key, value); !s)
            return report.not_moved.push_back(path + ": " + s.error());
        report.done.push_back(section + " " + key + " = " + value);
    }
};

// Go's providers hold the API key itself; fab names the environment variable
// that holds it, and never writes a key to disk.
const char* key_env_of(std::string_view provider) {
    if (provider == "anthropic") return "ANTHROPIC_API_KEY";
    if (provider == "openai") return "OPENAI_API_KEY";
    return nullptr;
}

void import_provider(Writer& w, const std::string& name, const toml::table& t,
                     const std::string& path) {
    const char* env = key_env_of(name);
    if (!env) {
        // github, linear: credentials of issue backends, read from their CLIs
        // and the environment, not from fab's config.
        w.report.not_moved.push_back(path + ": fab keeps no credentials for \"" + name +
                                     "\" in its config (github: `gh auth login`; others: the "
                                     "daemon's environment)");
        return;
    }
    w.set_text("providers", name, "type", name, path + ".type");
    w.set_text("providers", name, "api-key-env", env, path + ".api-key-env");
    for (auto&& [k, v] : t) {
        std::string key = kebab(k.str());
        std::string p = path + "." + std::string(k.str());
        if (key == "api-key")
            w.report.not_moved.push_back(p + ": the key itself is not copied; export " + env +
                                         " where the daemon runs (fab reads it from there)");
        else if (key == "base-url" || key == "model")
            w.set("providers", name, key, v, p);
        else
            w.report.not_moved.push_back(p + ": no such provider setting in fab");
    }
}

void import_project(Writer& w, const toml::table& t, const std::string& path) {
    auto name = t["name"].value<std::string>();
    if (!name || name->empty())
        return w.report.not_moved.push_back(path + ": a project without a name");
    if (!valid_project_name(*name))
        return w.report.not_moved.push_back(path + ": project name \"" + *name +
                                            "\" is not valid here (1-64 of A-Z a-z 0-9 . _ -)");
    std::string p = path + " \"" + *name + "\"";
    auto is_remote = [](const std::string& key) {
        return key == "remote-url" || key == "remote" || key == "url";
    };
    // A project section without a usable remote-url would make config.ini
    // fail to load: such a project is left out whole.
    bool remote = false;
    for (auto&& [k, v] : t) {
        auto url = v.value<std::string>();
        if (is_remote(kebab(k.str())) && url && validate_value("project", "remote-url", *url))
            remote = true;
    }
    if (!remote)
        return w.report.not_moved.push_back(
            p + ": no valid remote-url (fab needs one per project); the project is left out");
    for (auto&& [k, v] : t) {
        std::string key = kebab(k.str());
        std::string kp = p + "." + std::string(k.str());
        if (key == "name") continue;
        if (is_remote(key)) {
            w.set("project", *name, "remote-url", v, kp);
        } else if (key == "issue-backend" && v.value<std::string>() == "gh") {
            w.set_text("project", *name, key, "github", kp); // the Go fab's alias
        } else if (find_key_spec("project", key)) {
            w.set("project", *name, key, v, kp);
        } else {
            w.report.not_moved.push_back(kp + ": no such project setting in fab");
        }
    }
}

// [manager] allowed_patterns: the Go fab read it from permissions.toml.
void import_manager(Writer& w, const toml::table& t, const std::string& path) {
    for (auto&& [k, v] : t) {
        std::string key = kebab(k.str());
        std::string p = path + "." + std::string(k.str());
        if (key == "allowed-patterns")
            w.set("manager", "", key, v, p);
        else
            w.report.not_moved.push_back(p + ": no such manager setting in fab");
    }
}

std::string parse_error(const toml::parse_error& e, const std::string& filename) {
    return filename + ":" + std::to_string(e.source().begin.line) + ": " +
           std::string(e.description());
}

} // namespace

Result<ImportReport> import_go_config(const std::string& toml_text, const std::string& filename,
                                      IniDocument& into) {
    toml::parse_result parsed = toml::parse(toml_text, filename);
    if (!parsed) return make_error(parse_error(parsed.error(), filename));
    const toml::table& root = parsed.table();
    ImportReport report;
    Writer w{into, report};
    std::set<std::string> providers;
    if (const toml::table* p = root["providers"].as_table())
        for (auto&& [k, v] : *p) providers.insert(std::string(k.str()));

    for (auto&& [k, v] : root) {
        std::string key = kebab(k.str());
        std::string path = std::string(k.str());
        if (key == "log-level") {
            w.set("defaults", "", key, v, where(path, v));
        } else if (key == "defaults" && v.is_table()) {
            for (auto&& [dk, dv] : *v.as_table()) {
                std::string dkey = kebab(dk.str());
                std::string dp = path + "." + std::string(dk.str());
                if (dkey == "issue-backend" && dv.value<std::string>() == "gh")
                    w.set_text("defaults", "", dkey, "github", dp);
                else if (find_key_spec("defaults", dkey))
                    w.set("defaults", "", dkey, dv, dp);
                else
                    report.not_moved.push_back(dp + ": no such [defaults] setting in fab");
            }
        } else if (key == "providers" && v.is_table()) {
            for (auto&& [name, pv] : *v.as_table()) {
                std::string pp = path + "." + std::string(name.str());
                if (!pv.is_table()) {
                    report.not_moved.push_back(pp + ": not a table");
                    continue;
                }
                import_provider(w, std::string(name.str()), *pv.as_table(), pp);
            }
        } else if (key == "llm-auth" && v.is_table()) {
            for (auto&& [lk, lv] : *v.as_table()) {
                std::string lkey = kebab(lk.str());
                std::string lp = path + "." + std::string(lk.str());
                auto name = lv.value<std::string>();
                if (lkey == "provider" && name && !providers.count(*name) && key_env_of(*name)) {
                    // The Go fab defaulted the provider's endpoint; fab needs
                    // the section the provider key names.
                    w.set_text("providers", *name, "type", *name, lp);
                    w.set_text("providers", *name, "api-key-env", key_env_of(*name), lp);
                }
                if (find_key_spec("llm-auth", lkey))
                    w.set("llm-auth", "", lkey, lv, lp);
                else
                    report.not_moved.push_back(lp + ": no such [llm-auth] setting in fab");
            }
        } else if (key == "manager" && v.is_table()) {
            import_manager(w, *v.as_table(), path);
        } else if (key == "projects" && v.is_array()) {
            size_t i = 0;
            for (const toml::node& pn : *v.as_array()) {
                std::string pp = "projects[" + std::to_string(i++) + "]";
                if (const toml::table* t = pn.as_table())
                    import_project(w, *t, pp);
                else
                    report.not_moved.push_back(pp + ": not a table");
            }
        } else if (key == "webhook") {
            report.not_moved.push_back(
                where(path, v) + ": fab has no webhook server (its HTTP API is `fab server`'s)");
        } else {
            report.not_moved.push_back(where(path, v) + ": no such setting in fab");
        }
    }
    return report;
}

Result<ImportReport> import_go_permissions(const std::string& toml_text,
                                           const std::string& filename, IniDocument& into,
                                           const std::string& prefix) {
    toml::parse_result parsed = toml::parse(toml_text, filename);
    if (!parsed) return make_error(parse_error(parsed.error(), filename));
    const toml::table& root = parsed.table();
    ImportReport report;
    std::set<std::string> names;
    for (const IniSection& s : into.sections())
        if (s.kind == "rule") names.insert(s.label);
    size_t n = 0;
    auto next_name = [&] {
        std::string name;
        do name = prefix + "-" + std::to_string(++n);
        while (names.count(name));
        names.insert(name);
        return name;
    };
    const char* home = std::getenv("HOME");

    for (auto&& [k, v] : root) {
        std::string key = kebab(k.str());
        if (key == "manager") {
            report.not_moved.push_back(
                where(std::string(k.str()), v) +
                ": the manager's allowed_patterns go in config.ini ([manager] allowed-patterns); "
                "`fab config import` moves them when it reads config.toml");
            continue;
        }
        if (key != "rules" || !v.is_array()) {
            report.not_moved.push_back(where(std::string(k.str()), v) +
                                       ": no such permissions setting in fab");
            continue;
        }
        size_t i = 0;
        for (const toml::node& rn : *v.as_array()) {
            std::string rp = "rules[" + std::to_string(i++) + "]";
            const toml::table* t = rn.as_table();
            if (!t) {
                report.not_moved.push_back(rp + ": not a table");
                continue;
            }
            rp += " (line " + std::to_string(rn.source().begin.line) + ")";
            // Each rule is checked alone by fab's own rule parser before it is
            // added: a rule fab would refuse is reported, not written.
            std::vector<std::pair<std::string, std::string>> keys;
            std::string why;
            bool ok = true;
            for (auto&& [rk, rv] : *t) {
                std::string rkey = kebab(rk.str());
                if (rkey != "tool" && rkey != "action" && rkey != "pattern" && rkey != "patterns" &&
                    rkey != "script") {
                    why = "key \"" + std::string(rk.str()) + "\" has no equivalent in fab";
                    ok = false;
                    break;
                }
                // One pattern in a list: `pattern`, which may hold a comma.
                const toml::array* list = rv.as_array();
                if (rkey == "patterns" && list && list->size() == 1 && (*list)[0].is_string()) {
                    keys.emplace_back("pattern", *(*list)[0].value<std::string>());
                    continue;
                }
                auto value = ini_value(rv, why);
                if (!value) {
                    ok = false;
                    why = rkey + ": " + why;
                    break;
                }
                keys.emplace_back(rkey, *value);
            }
            if (!ok) {
                report.not_moved.push_back(rp + ": " + why);
                continue;
            }
            std::string name = next_name();
            IniDocument one;
            for (const auto& [rk, rv] : keys)
                if (Status s = one.set("rule", name, rk, rv); !s) {
                    ok = false;
                    why = s.error();
                    break;
                }
            if (ok) {
                auto doc = IniDocument::parse(one.text(), filename);
                if (!doc) {
                    ok = false;
                    why = doc.error();
                } else if (auto checked = rules::parse_rules(*doc, home ? home : ""); !checked) {
                    ok = false;
                    why = checked.error();
                }
            }
            if (!ok) {
                names.erase(name);
                --n;
                report.not_moved.push_back(rp + ": " + why);
                continue;
            }
            for (const auto& [rk, rv] : keys) (void)into.set("rule", name, rk, rv);
            report.done.push_back("[rule \"" + name + "\"] from " + rp);
        }
    }
    return report;
}

} // namespace fab::cli
