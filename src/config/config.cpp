#include "config/config.hpp"

#include "config/schema.hpp"
#include "util/strings.hpp"

#include <cstdlib>

namespace fab {

namespace {

std::string at(const std::string& file, int line, std::string_view what) {
    return file + ":" + std::to_string(line) + ": " + std::string(what);
}

// One section's values with the schema's defaults behind them. `sec` may be
// null (section absent), which yields the defaults.
struct Values {
    const IniSection* sec;
    std::string_view kind;

    const IniEntry* entry(std::string_view key) const { return sec ? sec->find(key) : nullptr; }

    // Aliases ("gh") come out as the choice they stand for ("github").
    std::string str(std::string_view key) const {
        const KeySpec* k = find_key_spec(kind, key);
        if (const IniEntry* e = entry(key)) return k ? canonical_value(*k, e->value) : e->value;
        return k ? std::string(k->default_value) : std::string();
    }
    // Values were validated before any typed read, so the parses succeed.
    int integer(std::string_view key) const {
        return static_cast<int>(parse_int(str(key)).value_or(0));
    }
    bool boolean(std::string_view key) const { return parse_bool(str(key)).value_or(false); }
    std::vector<std::string> list(std::string_view key) const { return split_list(str(key)); }

    // The section's own value, or `inherited` when the section does not set it.
    std::string str_or(std::string_view key, const std::string& inherited) const {
        return entry(key) ? str(key) : inherited;
    }
};

std::string dir_of(const std::string& path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

// kickstart-prompt: `~/` is the user's home; a relative path is relative to
// the config file, so the file means the same whatever the daemon's cwd.
std::string resolve_path(const std::string& value, const std::string& config_file) {
    if (value.empty() || value.front() == '/') return value;
    if (value.rfind("~/", 0) == 0) {
        const char* home = std::getenv("HOME");
        if (home && *home) return std::string(home) + value.substr(1);
    }
    return dir_of(config_file) + "/" + value;
}

// Checks every header and value against the schema before anything is typed.
Status check_document(const IniDocument& doc, const std::string& file) {
    for (const IniSection& s : doc.sections()) {
        if (Status st = validate_section(s.kind, s.label); !st)
            return make_error(at(file, s.line, st.error()));
        if (!s.label.empty() && !valid_project_name(s.label)) {
            return make_error(at(file, s.line,
                                 "invalid name \"" + s.label + "\" in [" + s.header +
                                     "]: use 1-64 of A-Z a-z 0-9 . _ -, not starting with . or -"));
        }
        for (const IniEntry& e : s.entries)
            if (Status st = validate_value(s.kind, e.key, e.value); !st)
                return make_error(at(file, e.line, st.error()));
    }
    return {};
}

// [cli], its values already validated. server-url must name a server, not a
// page on it (the client appends /api/v1/...), and mode = server needs it.
Result<CliConfig> cli_from_section(const IniSection* sec, const std::string& file) {
    const Values v{sec, "cli"};
    CliConfig c;
    c.server_mode = v.str("mode") == "server";
    c.server_url = v.str("server-url");
    while (!c.server_url.empty() && c.server_url.back() == '/') c.server_url.pop_back();
    if (const IniEntry* e = v.entry("server-url"); e && !c.server_url.empty()) {
        size_t host = c.server_url.find("://") + 3;
        if (c.server_url.find('/', host) != std::string::npos)
            return make_error(at(file, e->line,
                                 "server-url must be http(s)://host[:port] without a path, got \"" +
                                     e->value + "\""));
    }
    if (c.server_mode && c.server_url.empty()) {
        const IniEntry* e = v.entry("mode");
        return make_error(at(file, e ? e->line : 1, "mode = server needs server-url in [cli]"));
    }
    for (auto [key, field] :
         {std::pair{"token-file", &c.token_file}, std::pair{"tls-cert", &c.tls_cert},
          std::pair{"tls-key", &c.tls_key}, std::pair{"tls-ca", &c.tls_ca}})
        if (std::string p = v.str(key); !p.empty()) *field = resolve_path(p, file);
    if (c.tls_cert.empty() != c.tls_key.empty()) {
        const IniEntry* e = v.entry(c.tls_cert.empty() ? "tls-key" : "tls-cert");
        return make_error(at(file, e ? e->line : 1,
                             "a client certificate needs both tls-cert and tls-key in [cli]"));
    }
    return c;
}

} // namespace

Result<CliConfig> load_cli_config(const std::string& path) {
    auto doc = IniDocument::load(path);
    if (!doc) return make_error(doc.error());
    const IniSection* cli = doc->find("cli");
    if (!cli) return CliConfig{};
    for (const IniEntry& e : cli->entries)
        if (Status st = validate_value("cli", e.key, e.value); !st)
            return make_error(at(path, e.line, st.error()));
    return cli_from_section(cli, path);
}

const ProjectConfig* Config::project(std::string_view name) const {
    for (const ProjectConfig& p : projects)
        if (p.name == name) return &p;
    return nullptr;
}

const ProviderConfig* Config::provider(std::string_view name) const {
    for (const ProviderConfig& p : providers)
        if (p.name == name) return &p;
    return nullptr;
}

Result<Config> load_config(const std::string& path) {
    auto doc = IniDocument::load(path);
    if (!doc) return make_error(doc.error());
    return config_from_document(*doc, path);
}

Result<Config> config_from_document(const IniDocument& doc, const std::string& file) {
    if (Status st = check_document(doc, file); !st) return make_error(st.error());
    Config c;
    c.filename = file;

    const Values def{doc.find("defaults"), "defaults"};
    DefaultsConfig& d = c.defaults;
    d.max_agents = def.integer("max-agents");
    d.autostart = def.boolean("autostart");
    d.issue_backend = def.str("issue-backend");
    d.permissions_checker = def.str("permissions-checker");
    d.agent_backend = def.str("agent-backend");
    d.planner_backend = def.str("planner-backend");
    d.coding_backend = def.str("coding-backend");
    d.merge_strategy = def.str("merge-strategy");
    d.model = def.str("model");
    d.planner_model = def.str("planner-model");
    d.coding_model = def.str("coding-model");
    d.permission_timeout = def.integer("permission-timeout");
    d.heartbeat_continue = def.integer("heartbeat-continue");
    d.heartbeat_abort = def.integer("heartbeat-abort");
    d.agent_retention = def.integer("agent-retention");
    d.log_level = def.str("log-level");
    if (d.heartbeat_abort <= d.heartbeat_continue) {
        const IniEntry* e = def.entry("heartbeat-abort");
        if (!e) e = def.entry("heartbeat-continue");
        return make_error(at(file, e ? e->line : 1,
                             "heartbeat-abort (" + std::to_string(d.heartbeat_abort) +
                                 ") must be greater than heartbeat-continue (" +
                                 std::to_string(d.heartbeat_continue) + ")"));
    }

    for (const IniSection& s : doc.sections()) {
        if (s.kind == "providers") {
            const Values v{&s, "providers"};
            // [providers "github"] and [providers "linear"] are the issue
            // backends' APIs: their type goes without saying.
            bool issue_api = s.label == "github" || s.label == "linear";
            if (!v.entry("type") && !issue_api)
                return make_error(
                    at(file, s.line, "[" + s.header + "] has no type (anthropic or openai)"));
            ProviderConfig pc{s.label,           v.str_or("type", s.label),
                              v.str("base-url"), v.str("api-key-env"),
                              v.str("model"),    s.line};
            pc.api_url = v.str("api-url");
            pc.webhook_secret_env = v.str("webhook-secret-env");
            pc.poll_interval = v.entry("poll-interval") ? v.integer("poll-interval") : 30;
            c.providers.push_back(std::move(pc));
        } else if (s.kind == "pricing") {
            const Values v{&s, "pricing"};
            for (const char* key : {"input", "output"})
                if (!v.entry(key))
                    return make_error(at(file, s.line,
                                         "[" + s.header + "] has no " + key +
                                             " (US dollars per million tokens)"));
            PricingConfig pc;
            pc.model = s.label;
            pc.line = s.line;
            pc.input = parse_price(v.str("input")).value_or(0);
            pc.output = parse_price(v.str("output")).value_or(0);
            pc.cached_input =
                v.entry("cached-input") ? parse_price(v.str("cached-input")).value_or(0) : pc.input;
            c.pricing.push_back(std::move(pc));
        } else if (s.kind == "project") {
            const Values v{&s, "project"};
            if (!v.entry("remote-url"))
                return make_error(at(file, s.line, "[" + s.header + "] has no remote-url"));
            ProjectConfig p;
            p.name = s.label;
            p.line = s.line;
            p.remote_url = v.str("remote-url");
            p.max_agents = v.entry("max-agents") ? v.integer("max-agents") : d.max_agents;
            p.autostart = v.entry("autostart") ? v.boolean("autostart") : d.autostart;
            p.issue_backend = v.str_or("issue-backend", d.issue_backend);
            p.permissions_checker = v.str_or("permissions-checker", d.permissions_checker);
            // Backends stay "" when unset (not the schema's [defaults] value):
            // resolve_backend() applies the inheritance order per role.
            p.agent_backend = v.str_or("agent-backend", "");
            p.planner_backend = v.str_or("planner-backend", "");
            p.coding_backend = v.str_or("coding-backend", "");
            p.merge_strategy = v.str_or("merge-strategy", d.merge_strategy);
            // Like the backends: "" when unset, resolve_model() applies the order.
            p.model = v.str_or("model", "");
            p.planner_model = v.str_or("planner-model", "");
            p.coding_model = v.str_or("coding-model", "");
            p.allowed_authors = v.list("allowed-authors");
            p.linear_team = v.str("linear-team");
            p.linear_project = v.str("linear-project");
            p.github_repo = v.str("github-repo");
            if (p.issue_backend == "linear" && p.linear_team.empty())
                return make_error(at(file, s.line,
                                     "[" + s.header +
                                         "] issue-backend = linear needs linear-team (the key "
                                         "of the Linear team, e.g. ENG)"));
            p.kickstart_prompt = resolve_path(v.str("kickstart-prompt"), file);
            c.projects.push_back(std::move(p));
        }
    }
    const Values llm{doc.find("llm-auth"), "llm-auth"};
    c.llm_auth.present = llm.sec != nullptr;
    c.llm_auth.provider = llm.str("provider");
    c.llm_auth.model = llm.str("model");
    c.llm_auth.unsafe_action = llm.str("unsafe-action");
    c.llm_auth.timeout = llm.integer("timeout");
    if (const IniEntry* e = llm.entry("provider"); e && !c.provider(e->value)) {
        std::string known;
        for (const ProviderConfig& p : c.providers) known += (known.empty() ? "" : ", ") + p.name;
        return make_error(
            at(file, e->line,
               "provider \"" + e->value + "\" names no [providers \"" + e->value + "\"] section" +
                   (known.empty() ? std::string("; none is defined") : "; defined: " + known)));
    }
    // The llm checker cannot run without a provider: say so at load time,
    // where the file and line are known, not at the first permission request.
    if (c.llm_auth.provider.empty()) {
        for (const IniSection& s : doc.sections()) {
            const IniEntry* e = s.find("permissions-checker");
            if (e && e->value == "llm")
                return make_error(at(file, e->line,
                                     "permissions-checker = llm needs [llm-auth] with provider = "
                                     "<name of a [providers \"name\"] section>"));
        }
    }

    c.manager.allowed_patterns = Values{doc.find("manager"), "manager"}.list("allowed-patterns");
    const Values server{doc.find("server"), "server"};
    c.server.http_listen = server.str("http-listen");
    c.server.max_concurrent_runs = server.integer("max-concurrent-runs");
    c.server.auth = server.list("auth");
    c.server.allowed_users = server.list("allowed-users");
    for (const auto& k : server.list("jwt-public-key"))
        c.server.jwt_public_keys.push_back(resolve_path(k, file));
    c.server.jwt_issuer = server.str("jwt-issuer");
    for (auto [key, field] :
         {std::pair{"tls-cert", &c.server.tls_cert}, std::pair{"tls-key", &c.server.tls_key},
          std::pair{"tls-client-ca", &c.server.tls_client_ca}})
        if (std::string v = server.str(key); !v.empty()) *field = resolve_path(v, file);
    auto cli = cli_from_section(doc.find("cli"), file);
    if (!cli) return make_error(cli.error());
    c.cli = *cli;
    return c;
}

std::string resolve_backend(const Config& config, const ProjectConfig& project,
                            std::string_view role) {
    const std::string* project_role = nullptr;
    const std::string* default_role = nullptr;
    if (role == "planner") {
        project_role = &project.planner_backend;
        default_role = &config.defaults.planner_backend;
    } else if (role == "coding") {
        project_role = &project.coding_backend;
        default_role = &config.defaults.coding_backend;
    }
    if (project_role && !project_role->empty()) return *project_role;
    if (!project.agent_backend.empty()) return project.agent_backend;
    if (default_role && !default_role->empty()) return *default_role;
    if (!config.defaults.agent_backend.empty()) return config.defaults.agent_backend;
    return "claude";
}

std::string resolve_model(const Config& config, const ProjectConfig* project, std::string_view role,
                          const std::string& flag) {
    if (!flag.empty()) return flag;
    auto role_of = [role](const std::string& planner, const std::string& coding) {
        return role == "planner" ? planner : role == "coding" ? coding : std::string();
    };
    if (project) {
        if (std::string m = role_of(project->planner_model, project->coding_model); !m.empty())
            return m;
        if (!project->model.empty()) return project->model;
    }
    const DefaultsConfig& d = config.defaults;
    if (std::string m = role_of(d.planner_model, d.coding_model); !m.empty()) return m;
    return d.model;
}

bool valid_project_name(std::string_view name) {
    if (name.empty() || name.size() > 64 || name.front() == '.' || name.front() == '-')
        return false;
    for (char ch : name) {
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
        if (!ok) return false;
    }
    return true;
}

} // namespace fab
