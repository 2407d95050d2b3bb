#include "config/schema.hpp"

#include "util/strings.hpp"

#include <array>
#include <cstdlib>

namespace fab {

namespace {

using enum ValueType;

constexpr unsigned kDefProj = kSectionDefaults | kSectionProject;
// scripted: fab-scripted-agent (tests and `make demo`; no model behind it).
constexpr std::string_view kBackends = "claude|codex|scripted";

// Keys shared by [defaults] and [project]: a project's value overrides the
// [defaults] value, which overrides the default given here.
constexpr std::array kKeys{
    // [project "name"] only
    KeySpec{.name = "remote-url",
            .sections = kSectionProject,
            .type = Remote,
            .doc = "Git remote of the project: a URL (https://, ssh://, git@host:path) or an "
                   "absolute path to a local repository."},
    KeySpec{.name = "allowed-authors",
            .sections = kSectionProject,
            .type = List,
            .doc = "Authors whose issues agents may work on: GitHub logins (github backend) or "
                   "e-mail addresses (linear); an issue from anyone else is never handed to an "
                   "agent. Empty means anyone's."},
    KeySpec{.name = "linear-team",
            .sections = kSectionProject,
            .type = String,
            .doc = "Linear team key for the linear issue backend."},
    KeySpec{.name = "linear-project",
            .sections = kSectionProject,
            .type = String,
            .doc = "Linear project name for the linear issue backend."},
    KeySpec{.name = "github-repo",
            .sections = kSectionProject,
            .type = String,
            .doc = "owner/name of the GitHub repository for the github issue backend; unset "
                   "means the one remote-url names."},
    KeySpec{.name = "kickstart-prompt",
            .sections = kSectionProject,
            .type = Path,
            .doc = "File whose text replaces the default kickstart prompt."},

    // [defaults] and [project "name"]
    KeySpec{.name = "max-agents",
            .sections = kDefProj,
            .type = Integer,
            .min = 1,
            .max = 100,
            .default_value = "3",
            .doc = "Most coding agents running at once for a project."},
    KeySpec{.name = "autostart",
            .sections = kDefProj,
            .type = Boolean,
            .default_value = "false",
            .doc = "Start the project's orchestrator when the daemon starts."},
    KeySpec{.name = "issue-backend",
            .sections = kDefProj,
            .type = Choice,
            .choices = "tk|github|linear",
            .aliases = "gh=github", // the Go fab's spelling
            .default_value = "tk",
            .doc = "Where issues come from (gh is accepted for github)."},
    KeySpec{.name = "permissions-checker",
            .sections = kDefProj,
            .type = Choice,
            .choices = "manual|llm",
            .default_value = "manual",
            .doc = "Who answers permission requests no rule decides: a person, or the "
                   "[llm-auth] model."},
    KeySpec{.name = "agent-backend",
            .sections = kDefProj,
            .type = Choice,
            .choices = kBackends,
            .default_value = "claude",
            .doc = "Agent CLI for every role unless planner-backend or coding-backend says "
                   "otherwise."},
    KeySpec{.name = "planner-backend",
            .sections = kDefProj,
            .type = Choice,
            .choices = kBackends,
            .doc = "Agent CLI for the planner; unset means agent-backend."},
    KeySpec{.name = "coding-backend",
            .sections = kDefProj,
            .type = Choice,
            .choices = kBackends,
            .doc = "Agent CLI for coding agents; unset means agent-backend."},
    KeySpec{.name = "model",
            .sections = kDefProj,
            .type = Model,
            .doc = "Model the agent CLI uses for every role unless planner-model or coding-model "
                   "says otherwise (passed as claude --model / codex -m); unset means the CLI's "
                   "own default. The CLI checks the name: an unknown model fails the agent "
                   "with the CLI's message."},
    KeySpec{.name = "planner-model",
            .sections = kDefProj,
            .type = Model,
            .doc = "Model for planner agents; unset means model."},
    KeySpec{.name = "coding-model",
            .sections = kDefProj,
            .type = Model,
            .doc = "Model for coding agents; unset means model."},
    KeySpec{.name = "merge-strategy",
            .sections = kDefProj,
            .type = Choice,
            .choices = "direct|pull-request",
            .default_value = "direct",
            .doc = "direct: rebase the agent's branch onto main and fast-forward; pull-request: "
                   "open a pull request."},

    // [defaults] only
    KeySpec{.name = "permission-timeout",
            .sections = kSectionDefaults,
            .type = Integer,
            .min = 1,
            .max = 86400,
            .default_value = "300",
            .doc = "Seconds a permission request waits for an answer before it is denied."},
    KeySpec{.name = "heartbeat-continue",
            .sections = kSectionDefaults,
            .type = Integer,
            .min = 1,
            .max = 86400,
            .default_value = "120",
            .doc = "Seconds of agent silence before fab nudges it to continue."},
    KeySpec{.name = "heartbeat-abort",
            .sections = kSectionDefaults,
            .type = Integer,
            .min = 1,
            .max = 86400,
            .default_value = "240",
            .doc = "Seconds of agent silence before fab aborts it; more than "
                   "heartbeat-continue."},
    KeySpec{.name = "agent-retention",
            .sections = kSectionDefaults,
            .type = Integer,
            .min = 0,
            .max = 36500,
            .default_value = "14",
            .doc = "Days an ended agent's record and transcript are kept; 0 keeps them forever. "
                   "An agent with uncommitted or unmerged work is never removed."},
    KeySpec{.name = "log-level",
            .sections = kSectionDefaults,
            .type = Choice,
            .choices = "debug|info|warn|error",
            .default_value = "info",
            .doc = "Least severe message the daemon logs."},

    // [providers "name"]
    KeySpec{.name = "type",
            .sections = kSectionProviders,
            .type = Choice,
            .choices = "anthropic|openai|github|linear",
            .doc = "API the provider speaks (required, except in [providers \"github\"] and "
                   "[providers \"linear\"])."},
    KeySpec{.name = "api-url",
            .sections = kSectionProviders,
            .type = Url,
            .doc = "github: API base URL (GitHub Enterprise, tests); unset means $GITHUB_API_URL, "
                   "else https://api.github.com. linear: the GraphQL endpoint."},
    KeySpec{.name = "webhook-secret-env",
            .sections = kSectionProviders,
            .type = EnvVar,
            .doc = "github: name of the environment variable holding the webhook secret that "
                   "POST /api/v1/webhooks/github checks."},
    KeySpec{.name = "poll-interval",
            .sections = kSectionProviders,
            .type = Integer,
            .min = 1,
            .max = 3600,
            .default_value = "30",
            .doc = "github, linear: seconds between polls of the issues."},
    KeySpec{.name = "base-url",
            .sections = kSectionProviders,
            .type = Url,
            .doc = "API endpoint; unset means the type's public endpoint."},
    KeySpec{.name = "api-key-env",
            .sections = kSectionProviders,
            .type = EnvVar,
            .doc = "Name of the environment variable that holds the API key (never the key "
                   "itself)."},
    KeySpec{.name = "model",
            .sections = kSectionProviders | kSectionLlmAuth,
            .type = String,
            .doc = "Model name; in [llm-auth] it overrides the provider's model."},

    // [llm-auth]
    KeySpec{.name = "provider",
            .sections = kSectionLlmAuth,
            .type = String,
            .doc = "Name of the [providers \"name\"] section the permission checker uses."},
    KeySpec{.name = "unsafe-action",
            .sections = kSectionLlmAuth,
            .type = Choice,
            .choices = "ask|deny",
            .default_value = "ask",
            .doc = "What happens to a request the model judges unsafe: ask a person, or deny."},
    KeySpec{.name = "timeout",
            .sections = kSectionLlmAuth,
            .type = Integer,
            .min = 1,
            .max = 600,
            .default_value = "30",
            .doc = "Seconds to wait for the model; after that the request waits for a person."},

    // [pricing "model"]: US dollars per million tokens (see config/pricing.hpp)
    KeySpec{.name = "input",
            .sections = kSectionPricing,
            .type = Price,
            .doc = "Price of a million input tokens that were not read from the cache, in "
                   "US dollars (required)."},
    KeySpec{.name = "cached-input",
            .sections = kSectionPricing,
            .type = Price,
            .doc = "Price of a million input tokens read from the cache; unset means the "
                   "input price."},
    KeySpec{.name = "output",
            .sections = kSectionPricing,
            .type = Price,
            .doc = "Price of a million output tokens (reasoning included), in US dollars "
                   "(required)."},

    // [manager]
    KeySpec{.name = "allowed-patterns",
            .sections = kSectionManager,
            .type = List,
            .default_value = "fab:*",
            .doc = "The only shell commands the manager and the director may run (permission-rule "
                   "patterns: text:* is a prefix, :* everything); any other is refused."},

    // [server]
    KeySpec{.name = "http-listen",
            .sections = kSectionServer,
            .type = String,
            .doc = "HOST:PORT (or PORT) the HTTP API listens on; unset means HTTP is off "
                   "unless `fab server start --http` asks for it."},
    KeySpec{.name = "max-concurrent-runs",
            .sections = kSectionServer,
            .type = Integer,
            .min = 1,
            .max = 1000,
            .default_value = "5",
            .doc = "Runs that may be active at once; the queued ones wait in submission order."},
    KeySpec{.name = "auth",
            .sections = kSectionServer,
            .type = List,
            .doc = "How HTTP clients prove who they are, in order: jwt, mtls (either or both); "
                   "unset means only a loopback listener is allowed."},
    KeySpec{.name = "allowed-users",
            .sections = kSectionServer,
            .type = List,
            .doc = "The users let in: a JWT's sub (its last path segment) or a client "
                   "certificate's CN."},
    KeySpec{.name = "jwt-public-key",
            .sections = kSectionServer,
            .type = List,
            .doc = "Ed25519 public key files (PEM) whose tokens are accepted (several during a "
                   "key rotation); fab token keygen writes one."},
    KeySpec{.name = "jwt-issuer",
            .sections = kSectionServer,
            .type = String,
            .default_value = "fab",
            .doc = "The iss claim a token must carry."},
    KeySpec{.name = "tls-cert",
            .sections = kSectionServer,
            .type = Path,
            .doc = "The server's certificate chain (PEM): HTTPS instead of HTTP."},
    KeySpec{.name = "tls-key",
            .sections = kSectionServer,
            .type = Path,
            .doc = "The private key of tls-cert (PEM)."},
    KeySpec{.name = "tls-client-ca",
            .sections = kSectionServer,
            .type = Path,
            .doc = "CA certificates (PEM) that sign client certificates, for mtls."},

    // [cli]: read by `fab` itself (not the daemon), see config/cli_config.hpp.
    KeySpec{.name = "mode",
            .sections = kSectionCli,
            .type = Choice,
            .choices = "local|server",
            .default_value = "local",
            .doc = "Where fab and fab tui send their commands: the local daemon, or the fab "
                   "server at server-url."},
    KeySpec{.name = "server-url",
            .sections = kSectionCli,
            .type = Url,
            .doc = "The fab server, http(s)://host[:port], used with mode = server (--server-url, "
                   "FAB_SERVER_URL win over it)."},
    KeySpec{.name = "token-file",
            .sections = kSectionCli,
            .type = Path,
            .doc = "A file holding the token (fab token issue) sent to server-url."},
    KeySpec{.name = "tls-cert",
            .sections = kSectionCli,
            .type = Path,
            .doc = "A client certificate (PEM) presented to server-url (mTLS)."},
    KeySpec{.name = "tls-key",
            .sections = kSectionCli,
            .type = Path,
            .doc = "The private key of the client certificate tls-cert."},
    KeySpec{.name = "tls-ca",
            .sections = kSectionCli,
            .type = Path,
            .doc = "CA certificates (PEM) that sign server-url's certificate."},
};

constexpr std::array kSections{
    SectionSpec{"defaults", kSectionDefaults, false, "Values every project inherits."},
    SectionSpec{"project", kSectionProject, true, "One managed repository."},
    SectionSpec{"providers", kSectionProviders, true, "An LLM API endpoint."},
    SectionSpec{"llm-auth", kSectionLlmAuth, false, "The LLM permission checker."},
    SectionSpec{"manager", kSectionManager, false, "The manager agent."},
    SectionSpec{"server", kSectionServer, false, "Server mode: the HTTP API and the run queue."},
    SectionSpec{"cli", kSectionCli, false, "The client: which server fab and fab tui talk to."},
    SectionSpec{"pricing", kSectionPricing, true,
                "What a model's tokens cost, to put a price on usage no CLI prices."},
};

std::string quote(std::string_view s) {
    return "\"" + std::string(s) + "\"";
}

std::string choices_list(std::string_view choices) {
    std::string out;
    for (const std::string& c : split(choices, '|')) out += (out.empty() ? "" : ", ") + c;
    return out;
}

bool valid_url(std::string_view v) {
    for (std::string_view scheme : {"http://", "https://"}) {
        if (v.substr(0, scheme.size()) == scheme) {
            std::string_view host = v.substr(scheme.size());
            host = host.substr(0, host.find('/'));
            return !host.empty() && v.find_first_of(" \t") == std::string_view::npos;
        }
    }
    return false;
}

bool valid_remote(std::string_view v) {
    if (v.empty() || v.find_first_of(" \t") != std::string_view::npos) return false;
    if (v.front() == '/') return true;
    if (size_t p = v.find("://"); p != std::string_view::npos) return p > 0 && p + 3 < v.size();
    // scp-like `[user@]host:path`: a ':' before any '/'.
    size_t colon = v.find(':');
    size_t slash = v.find('/');
    return colon != std::string_view::npos && colon > 0 && colon + 1 < v.size() &&
           (slash == std::string_view::npos || colon < slash);
}

bool valid_env_name(std::string_view v) {
    if (v.empty() || (v.front() >= '0' && v.front() <= '9')) return false;
    for (char c : v) {
        bool ok =
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok) return false;
    }
    return true;
}

std::string section_display(const SectionSpec& s) {
    return s.labelled ? std::string(s.kind) + " \"name\"" : std::string(s.kind);
}

} // namespace

std::span<const KeySpec> config_keys() {
    return kKeys;
}
std::span<const SectionSpec> config_sections() {
    return kSections;
}

const SectionSpec* find_section_spec(std::string_view kind) {
    for (const SectionSpec& s : kSections)
        if (s.kind == kind) return &s;
    return nullptr;
}

const KeySpec* find_key_spec(std::string_view section_kind, std::string_view key) {
    const SectionSpec* sec = find_section_spec(section_kind);
    if (!sec) return nullptr;
    for (const KeySpec& k : kKeys)
        if (k.name == key && (k.sections & sec->bit)) return &k;
    return nullptr;
}

std::string describe_type(const KeySpec& k) {
    switch (k.type) {
    case String:
        return "string";
    case Url:
        return "http(s) URL";
    case Remote:
        return "git remote URL or absolute path";
    case Path:
        return "file path";
    case EnvVar:
        return "environment variable name";
    case Integer:
        return "integer " + std::to_string(k.min) + "-" + std::to_string(k.max);
    case Boolean:
        return "boolean";
    case Choice:
        return "one of: " + choices_list(k.choices);
    case List:
        return "comma-separated list";
    case Price:
        return "decimal number >= 0";
    case Model:
        return "model name";
    }
    return "?";
}

Status validate_section(std::string_view kind, std::string_view label) {
    const SectionSpec* sec = find_section_spec(kind);
    if (!sec) {
        std::string allowed;
        for (const SectionSpec& s : kSections)
            allowed += (allowed.empty() ? "[" : ", [") + section_display(s) + "]";
        return make_error("unknown section [" + std::string(kind) +
                          "]; allowed sections: " + allowed);
    }
    if (sec->labelled && label.empty())
        return make_error("[" + std::string(kind) + "] needs a name: [" + section_display(*sec) +
                          "]");
    if (!sec->labelled && !label.empty())
        return make_error("[" + std::string(kind) + "] takes no name: write [" + std::string(kind) +
                          "]");
    return {};
}

Status validate_value(std::string_view section_kind, std::string_view key, std::string_view value) {
    const SectionSpec* sec = find_section_spec(section_kind);
    if (!sec) return validate_section(section_kind, {});
    const KeySpec* k = find_key_spec(section_kind, key);
    if (!k) {
        std::string allowed, elsewhere;
        for (const KeySpec& spec : kKeys) {
            if (spec.sections & sec->bit)
                allowed += (allowed.empty() ? "" : ", ") + std::string(spec.name);
            else if (spec.name == key && elsewhere.empty())
                for (const SectionSpec& s : kSections)
                    if (spec.sections & s.bit) elsewhere = std::string(s.kind);
        }
        std::string msg = "unknown key " + quote(key) + " in [" + std::string(section_kind) +
                          "]; allowed keys: " + allowed;
        if (!elsewhere.empty()) msg += " (" + quote(key) + " belongs in [" + elsewhere + "])";
        return make_error(msg);
    }
    std::string name(k->name);
    switch (k->type) {
    case String:
    case List:
        return {};
    case Path:
        if (value.empty()) return make_error(name + " must be a file path, got \"\"");
        return {};
    case Url:
        if (!valid_url(value))
            return make_error(name + " must be an http:// or https:// URL, got " + quote(value));
        return {};
    case Remote:
        if (!valid_remote(value))
            return make_error(name +
                              " must be a URL (https://..., ssh://..., git@host:path) or "
                              "an absolute path, got " +
                              quote(value));
        return {};
    case EnvVar:
        // The value is not echoed: if it fails, it may well be the key itself.
        if (!valid_env_name(value))
            return make_error(name + " must be the name of an environment variable (like "
                                     "ANTHROPIC_API_KEY), not the key itself");
        return {};
    case Integer: {
        auto n = parse_int(value);
        if (!n || *n < k->min || *n > k->max)
            return make_error(name + " must be an integer from " + std::to_string(k->min) + " to " +
                              std::to_string(k->max) + ", got " + quote(value));
        return {};
    }
    case Price:
        if (!parse_price(value))
            return make_error(name +
                              " must be a number of US dollars per million tokens "
                              "(like 1.25), got " +
                              quote(value));
        return {};
    case Model:
        if (Status s = check_model_name(value); !s) return make_error(name + ": " + s.error());
        return {};
    case Boolean:
        if (!parse_bool(value))
            return make_error(name + " must be true or false, got " + quote(value));
        return {};
    case Choice:
        for (const std::string& c : split(k->choices, '|'))
            if (c == value || c == canonical_value(*k, value)) return {};
        return make_error(name + " must be one of: " + choices_list(k->choices) + "; got " +
                          quote(value));
    }
    return {};
}

std::optional<double> parse_price(std::string_view value) {
    if (value.empty() || value.size() > 20) return std::nullopt;
    bool dot = false, digit = false;
    for (char c : value) {
        if (c == '.' && !dot) {
            dot = true;
        } else if (c >= '0' && c <= '9') {
            digit = true;
        } else {
            return std::nullopt;
        }
    }
    if (!digit) return std::nullopt;
    double v = std::strtod(std::string(value).c_str(), nullptr);
    if (v < 0 || v > 1e6) return std::nullopt;
    return v;
}

Status check_model_name(std::string_view model) {
    bool bad = model.size() > 200 || (!model.empty() && model.front() == '-');
    for (char ch : model)
        if (static_cast<unsigned char>(ch) <= ' ' || ch == 0x7f) bad = true;
    if (bad)
        return make_error("\"" + std::string(model.substr(0, 200)) +
                          "\" is not a model name (no leading '-', blanks or control characters)");
    return {};
}

std::string canonical_value(const KeySpec& key, std::string_view value) {
    for (const std::string& alias : split(key.aliases, '|')) {
        size_t eq = alias.find('=');
        if (eq != std::string::npos && alias.substr(0, eq) == value) return alias.substr(eq + 1);
    }
    return std::string(value);
}

std::vector<std::string> split_list(std::string_view value) {
    std::vector<std::string> out;
    for (const std::string& item : split(value, ',', false)) {
        std::string_view t = trim(item);
        if (!t.empty()) out.emplace_back(t);
    }
    return out;
}

} // namespace fab
