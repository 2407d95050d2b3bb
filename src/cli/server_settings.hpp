// Whether a command runs against a fab server, and with which credentials:
// each setting from `fab`'s own options first (--server-url, --token,
// --token-file, --cert, --key, --ca: before the command, or after `tui`),
// then the environment (FAB_SERVER_URL, FAB_TOKEN, FAB_TOKEN_FILE,
// FAB_TLS_CERT, FAB_TLS_KEY, FAB_TLS_CA), then [cli] in config.ini. The
// outcome is left in those environment variables, which is how it reaches
// fab-remote and, through it, fab-tui.
#pragma once

#include "util/result.hpp"

#include <string>
#include <vector>

namespace fab::cli {

// Takes the server options out of `words` and settles every setting.
// `config_file` is read only when the command might go to a server (never
// for the hook, which always answers its local daemon). The [cli]
// credentials go only to the [cli] server-url: a --server-url naming another
// server does not get its token. True when the command runs remotely.
Result<bool> settle_server_settings(std::vector<std::string>& words,
                                    const std::string& config_file);

} // namespace fab::cli
