// libFuzzer target: a bearer token as any client on the network may send it.
// Two ways in, chosen by the first byte: the raw bytes as a token (header,
// base64url, signature parsing), or the bytes as the claims of a token the
// server's own key signs (so the claim checks behind the signature are
// reached too). A refusal is an answer; only a crash, leak or sanitizer
// report is a finding.
#include "auth/base64url.hpp"
#include "auth/jwt.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct Keys {
    std::vector<fab::auth::Ed25519Key> list;
    Keys() { list.push_back(std::move(fab::auth::Ed25519Key::generate()).value()); }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const Keys keys; // generated once: keygen is not what is fuzzed
    static const fab::auth::JwtPolicy policy{"fab", {"alice"}, 60};
    if (size == 0) return 0;
    std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::string token;
    if (data[0] & 1) {
        std::string input = fab::auth::base64url_encode(R"({"alg":"EdDSA"})") + "." +
                            fab::auth::base64url_encode(rest);
        token = input + "." + fab::auth::base64url_encode(keys.list[0].sign(input).value());
    } else {
        token = std::string(rest);
        (void)fab::auth::base64url_decode(rest);
        (void)fab::auth::bearer_token(rest);
    }
    (void)fab::auth::verify_jwt(token, keys.list, policy, 1'800'000'000);
    return 0;
}
