// `fab token keygen` and `fab token issue`: the server's Ed25519 key pair and
// the JWTs people and services present to it (`Authorization: Bearer …`).
#include "auth/ed25519.hpp"
#include "auth/jwt.hpp"
#include "remote/handlers.hpp"
#include "util/fs.hpp"
#include "util/time.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <unistd.h>

namespace fab::remote {

namespace {

constexpr const char* kPrivateName = "jwt-ed25519.pem";
constexpr const char* kPublicName = "jwt-ed25519.pub.pem";
constexpr int64_t kMaxTtl = 366LL * 24 * 3600;

// "90", "90s", "15m", "1h", "7d" → seconds; 0 when malformed.
int64_t parse_ttl(const std::string& text) {
    if (text.empty() || text.size() > 12) return 0;
    size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    if (digits == 0 || text.size() - digits > 1) return 0;
    int64_t n = std::stoll(text.substr(0, digits));
    char unit = digits < text.size() ? text[digits] : 's';
    int64_t scale = unit == 's'   ? 1
                    : unit == 'm' ? 60
                    : unit == 'h' ? 3600
                    : unit == 'd' ? 86400
                                  : 0;
    return n > kMaxTtl ? 0 : n * scale;
}

} // namespace

int cmd_token_keygen(cli::Invocation& inv) {
    std::string dir = inv.flag("dir", inv.paths.config_dir);
    std::string priv = dir + "/" + kPrivateName, pub = dir + "/" + kPublicName;
    if (!inv.has("force"))
        for (const auto& p : {priv, pub})
            if (path_exists(p))
                return cli::fail(p +
                                 " exists; tokens signed with it would stop working. "
                                 "--force keeps it as " +
                                 p + ".old and writes a new one");
    auto key = auth::Ed25519Key::generate();
    if (!key) return cli::fail(key.error());
    auto priv_pem = key->private_pem();
    auto pub_pem = key->public_pem();
    if (!priv_pem || !pub_pem) return cli::fail(!priv_pem ? priv_pem.error() : pub_pem.error());
    if (auto s = make_dirs(dir); !s) return cli::fail(s.error());
    for (const auto& p : {priv, pub})
        if (path_exists(p) && ::rename(p.c_str(), (p + ".old").c_str()) != 0)
            return cli::fail("cannot keep " + p + " as " + p + ".old: " + std::strerror(errno));
    if (auto s = write_file_atomic(priv, *priv_pem, 0600); !s) return cli::fail(s.error());
    if (auto s = write_file_atomic(pub, *pub_pem, 0644); !s) return cli::fail(s.error());
    std::printf("private key: %s (0600: keep it on the machine that issues tokens)\n"
                "public key:  %s\n\n"
                "For the server's config.ini:\n"
                "  [server]\n  auth = jwt\n  jwt-public-key = %s\n  jwt-issuer = fab\n"
                "  allowed-users = <names>\n",
                priv.c_str(), pub.c_str(), pub.c_str());
    return cli::Exit::ok;
}

int cmd_token_issue(cli::Invocation& inv) {
    std::string sub = inv.flag("sub");
    if (sub.empty()) return cli::fail("--sub NAME is required", cli::Exit::usage);
    int64_t ttl = parse_ttl(inv.flag("ttl", "1h"));
    if (ttl <= 0)
        return cli::fail("--ttl \"" + inv.flag("ttl") +
                             "\" is not a lifetime like 90s, 15m, 1h or 7d (at most 366d)",
                         cli::Exit::usage);
    std::string key_path = inv.flag("key", inv.paths.config_dir + "/" + kPrivateName);
    auto key = auth::Ed25519Key::load_private(key_path);
    if (!key) return cli::fail(key.error() + " (make one with 'fab token keygen')");
    auto token = auth::issue_jwt(*key, inv.flag("issuer", "fab"), sub,
                                 static_cast<int64_t>(std::time(nullptr)), ttl);
    if (!token) return cli::fail(token.error());
    std::printf("%s\n", token->c_str());
    return cli::Exit::ok;
}

} // namespace fab::remote
