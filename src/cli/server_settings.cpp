#include "cli/server_settings.hpp"

#include "config/config.hpp"

#include <cstdlib>
#include <string_view>
#include <utility>

namespace fab::cli {

namespace {

struct Option {
    std::string_view flag;
    const char* var;
    const char* rival; // the other way to give the same setting, dropped by this one
};

constexpr Option kOptions[] = {
    {"--server-url", "FAB_SERVER_URL", nullptr},
    {"--token", "FAB_TOKEN", "FAB_TOKEN_FILE"},
    {"--token-file", "FAB_TOKEN_FILE", "FAB_TOKEN"},
    {"--cert", "FAB_TLS_CERT", nullptr},
    {"--key", "FAB_TLS_KEY", nullptr},
    {"--ca", "FAB_TLS_CA", nullptr},
};

bool env_set(const char* var) {
    const char* v = std::getenv(var);
    return v && *v;
}

// Lifts one option at words[i] into the environment; the words it took (0: none).
size_t lift_option(std::vector<std::string>& words, size_t i) {
    for (const Option& o : kOptions) {
        std::string value;
        size_t n = 0;
        if (words[i] == o.flag && i + 1 < words.size()) {
            value = words[i + 1];
            n = 2;
        } else if (words[i].starts_with(std::string(o.flag) + "=")) {
            value = words[i].substr(o.flag.size() + 1);
            n = 1;
        } else {
            continue;
        }
        ::setenv(o.var, value.c_str(), 1);
        // A flag beats the environment: `--token-file F` wins over FAB_TOKEN.
        if (o.rival) ::unsetenv(o.rival);
        words.erase(words.begin() + static_cast<long>(i), words.begin() + static_cast<long>(i + n));
        return n;
    }
    return 0;
}

std::string without_trailing_slash(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

} // namespace

Result<bool> settle_server_settings(std::vector<std::string>& words,
                                    const std::string& config_file) {
    bool flagged = false;
    while (!words.empty() && lift_option(words, 0) > 0) flagged = true;
    // `fab tui --server-url …`: tui has no flags of these names.
    if (!words.empty() && words[0] == "tui") {
        for (size_t i = 1; i < words.size() && words[i] != "--";) {
            if (lift_option(words, i) > 0)
                flagged = true;
            else
                ++i;
        }
    }
    if (words.empty()) return make_error("no command after the server options");
    // Always local: help, the token tools (they make the credentials), and
    // the hook unless it was pointed at a server explicitly (run_remote
    // then refuses it).
    const std::string& first = words[0];
    if (first == "help" || first == "token") return false;
    if (first == "hook") return flagged && env_set("FAB_SERVER_URL");

    auto cli = config_file.empty() ? Result<CliConfig>(CliConfig{}) : load_cli_config(config_file);
    if (!cli) return make_error(cli.error());
    if (!env_set("FAB_SERVER_URL")) {
        if (!cli->server_mode) return false;
        ::setenv("FAB_SERVER_URL", cli->server_url.c_str(), 1);
    }
    if (without_trailing_slash(std::getenv("FAB_SERVER_URL")) == cli->server_url) {
        if (!env_set("FAB_TOKEN") && !env_set("FAB_TOKEN_FILE") && !cli->token_file.empty())
            ::setenv("FAB_TOKEN_FILE", cli->token_file.c_str(), 1);
        for (auto [var, value] :
             {std::pair{"FAB_TLS_CERT", &cli->tls_cert}, std::pair{"FAB_TLS_KEY", &cli->tls_key},
              std::pair{"FAB_TLS_CA", &cli->tls_ca}})
            if (!env_set(var) && !value->empty()) ::setenv(var, value->c_str(), 1);
    }
    return true;
}

} // namespace fab::cli
