// The route table of the HTTP API, apart from h2o and the daemon so that
// tests can hold it against share/openapi.json.
#include "daemon/http/routes.hpp"

#include "util/strings.hpp"

namespace fab::http {

std::string percent_decode(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        auto hex = [](char h) -> int {
            if (h >= '0' && h <= '9') return h - '0';
            if (h >= 'a' && h <= 'f') return h - 'a' + 10;
            if (h >= 'A' && h <= 'F') return h - 'A' + 10;
            return -1;
        };
        if (c == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            out += c == '+' ? ' ' : c;
        }
    }
    return out;
}

std::span<const Route> routes() {
    static const Route kRoutes[] = {
        {"GET", "/health", "", 200, nullptr},
        {"GET", "/api/v1/system/info", "", 200, nullptr},
        {"GET", "/api/v1/openapi.json", "", 200, nullptr},
        {"POST", "/api/v1/runs", "run.submit", 201, nullptr},
        {"GET", "/api/v1/runs", "run.list", 200, nullptr},
        {"GET", "/api/v1/runs/{id}", "run.show", 200, "run"},
        {"DELETE", "/api/v1/runs/{id}", "run.delete", 204, nullptr},
        {"POST", "/api/v1/runs/{id}/cancel", "run.cancel", 200, "run"},
        {"POST", "/api/v1/runs/{id}/pause", "run.pause", 200, "run"},
        {"POST", "/api/v1/runs/{id}/unpause", "run.unpause", 200, "run"},
        {"POST", "/api/v1/runs/{id}/archive", "run.archive", 200, "run"},
        {"POST", "/api/v1/runs/{id}/unarchive", "run.unarchive", 200, "run"},
        {"GET", "/api/v1/runs/{id}/events", "run.events", 200, nullptr},
        {"GET", "/api/v1/runs/{id}/attach", "", 200, nullptr},
        {"GET", "/api/v1/runs/{id}/billing", "run.billing", 200, nullptr},
        {"GET", "/api/v1/runs/{id}/files", "run.files", 200, nullptr},
        {"POST", "/api/v1/runs/{id}/steer", "run.steer", 202, nullptr},
        {"GET", "/api/v1/runs/{id}/questions", "run.questions", 200, nullptr},
        {"POST", "/api/v1/runs/{id}/questions/{qid}/answer", "run.answer", 204, nullptr},
        {"GET", "/api/v1/boards/runs", "run.board", 200, nullptr},
        {"GET", "/api/v1/attach", "", 200, nullptr},
        {"POST", "/api/v1/messages", "", 200, nullptr},
        {"POST", "/api/v1/webhooks/github", "", 202, nullptr},
        {"GET", "/", "", 200, nullptr},       // the web UI (static_files.hpp)
        {"GET", "/{file}", "", 200, nullptr}, // after every other route
    };
    return kRoutes;
}

bool match_route(const Route& r, std::string_view path,
                 std::map<std::string, std::string>& params) {
    auto want = split(r.pattern, '/');
    auto have = split(std::string(path), '/');
    if (want.size() != have.size()) return false;
    for (size_t i = 0; i < want.size(); ++i) {
        if (want[i].size() > 2 && want[i].front() == '{') {
            if (have[i].empty()) return false;
            params[want[i].substr(1, want[i].size() - 2)] = percent_decode(have[i]);
        } else if (want[i] != have[i]) {
            return false;
        }
    }
    return true;
}

} // namespace fab::http
