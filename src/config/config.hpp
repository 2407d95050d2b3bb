// Config: the typed view of config.ini, checked against the schema.
//
// Loading is all-or-nothing: the first problem is returned as
// `<file>:<line>: <what is wrong>` and no partial Config escapes, so the
// daemon either runs with exactly what the user wrote or tells them where to
// look. Defaults come from the schema table (config/schema.cpp), never from
// literals here, so the man page test and the behaviour cannot disagree.
#pragma once

#include "config/ini_document.hpp"
#include "util/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace fab {

// [defaults], every key typed with the schema's default applied.
struct DefaultsConfig {
    int max_agents = 0;
    bool autostart = false;
    std::string issue_backend, permissions_checker, merge_strategy;
    std::string agent_backend;                      // never empty ("claude" by default)
    std::string planner_backend, coding_backend;    // "" = use agent_backend
    std::string model, planner_model, coding_model; // "" = the CLI's default
    int permission_timeout = 0;                     // seconds
    int heartbeat_continue = 0;                     // seconds
    int heartbeat_abort = 0;                        // seconds
    int agent_retention = 0;                        // days; 0 = keep ended agents forever
    std::string log_level;
};

// [project "name"]: values the section does not set are taken from [defaults],
// except the three backends, which keep "" so resolve_backend() can apply the
// documented order (project role, project agent, defaults role, defaults agent).
struct ProjectConfig {
    std::string name, remote_url;
    int max_agents = 0;
    bool autostart = false;
    std::string issue_backend, permissions_checker;
    std::string agent_backend, planner_backend, coding_backend; // "" = not set in the project
    std::string model, planner_model, coding_model;             // "" = not set in the project
    std::string merge_strategy;
    std::vector<std::string> allowed_authors;
    std::string linear_team, linear_project;
    std::string github_repo;      // "owner/name"; "" = from remote-url
    std::string kickstart_prompt; // absolute path after loading, or ""
    int line = 0;                 // line of the section header, for later error messages
};

// [providers "name"]
struct ProviderConfig {
    std::string name, type, base_url, api_key_env, model;
    int line = 0;
    // Issue backends ([providers "github"], [providers "linear"]).
    std::string api_url;            // "" = GITHUB_API_URL, else the public API
    std::string webhook_secret_env; // github: the variable holding the webhook secret
    int poll_interval = 30;         // seconds between polls of the issues
};

// [llm-auth]
struct LlmAuthConfig {
    bool present = false; // the section exists
    std::string provider, model, unsafe_action;
    int timeout = 0; // seconds
};

// [pricing "model"]: US dollars per million tokens.
struct PricingConfig {
    std::string model;
    double input = 0, cached_input = 0, output = 0;
    int line = 0; // 0: one of fab's built-in defaults (config/pricing.cpp)
};

// [manager]
struct ManagerConfig {
    std::vector<std::string> allowed_patterns;
};

// [server]
struct ServerConfig {
    std::string http_listen; // "" = HTTP off (unless asked on the command line)
    int max_concurrent_runs = 0;
    std::vector<std::string> auth; // "jwt", "mtls", in order
    std::vector<std::string> allowed_users;
    std::vector<std::string> jwt_public_keys; // paths, resolved against the config file
    std::string jwt_issuer;
    std::string tls_cert, tls_key, tls_client_ca; // paths ("" = unset)
};

// [cli]: where `fab` and `fab tui` send their commands. Paths are resolved
// against the config file; `line` fields point at the keys for later errors.
struct CliConfig {
    bool server_mode = false; // mode = server
    std::string server_url;   // no trailing '/'; "" = unset
    std::string token_file;   // paths ("" = unset)
    std::string tls_cert, tls_key, tls_ca;
};

struct Config {
    std::string filename;
    DefaultsConfig defaults;
    std::vector<ProviderConfig> providers; // file order
    LlmAuthConfig llm_auth;
    ManagerConfig manager;
    ServerConfig server;
    CliConfig cli;
    std::vector<ProjectConfig> projects; // file order
    std::vector<PricingConfig> pricing;  // file order

    const ProjectConfig* project(std::string_view name) const;
    const ProviderConfig* provider(std::string_view name) const;
};

// A missing file gives the defaults and no projects.
Result<Config> load_config(const std::string& path);
// Only the [cli] section (a missing file or section: mode local): the lean
// client reads no more on its way to a command, and a mistake in another
// section is the daemon's to report. Errors read `<file>:<line>: ...`.
Result<CliConfig> load_cli_config(const std::string& path);
// `filename` names the source in errors and anchors relative kickstart-prompt paths.
Result<Config> config_from_document(const IniDocument& doc, const std::string& filename);

// The agent CLI for `role` ("planner", "coding"; anything else, e.g. "agent",
// uses only agent-backend): project <role>-backend, project agent-backend,
// [defaults] <role>-backend, [defaults] agent-backend, then "claude".
std::string resolve_backend(const Config& config, const ProjectConfig& project,
                            std::string_view role);

// The model for `role` ("planner", "coding"; anything else uses only model):
// `flag` when given, then project <role>-model, project model, [defaults]
// <role>-model, [defaults] model; "" = the CLI's own default. `project` may be
// null (the director belongs to no project).
std::string resolve_model(const Config& config, const ProjectConfig* project, std::string_view role,
                          const std::string& flag = {});

// [A-Za-z0-9._-]{1,64}, not starting with '.' or '-': a project name becomes a
// directory name and a command-line argument, so it must be neither a hidden
// file, "..", nor mistaken for an option.
bool valid_project_name(std::string_view name);

} // namespace fab
