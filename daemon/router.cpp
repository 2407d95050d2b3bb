#include "daemon/router.hpp"

#include "daemon/server.hpp"
#include "util/log.hpp"

namespace fab {

void Reply::ok(const Json& payload) const {
    server_->send(client_, encode_response(type_, id_, payload));
}

void Reply::fail(const std::string& error) const {
    server_->send(client_, encode_error(type_, id_, error));
}

bool Reply::event(const Json& ev) const {
    constexpr size_t kMaxQueued = 64 * 1024;
    if (server_->queued_bytes(client_) > kMaxQueued) return false;
    Json e = ev;
    e["type"] = "event";
    e["request_id"] = id_;
    server_->send(client_, dump_json(e) + "\n");
    return true;
}

void Router::dispatch(const Request& req, const Reply& reply) const {
    auto it = handlers_.find(req.type);
    if (it == handlers_.end()) {
        reply.fail("unknown request type \"" + req.type + "\"");
        return;
    }
    // No exception may cross the loop: a handler that throws answers with
    // an error and the daemon keeps serving.
    try {
        it->second(req, reply);
    } catch (const FieldError& e) { // the client's mistake, not ours
        reply.fail(e.what());
    } catch (const std::exception& e) {
        log::error("handler " + req.type + " threw: " + e.what());
        reply.fail(std::string("internal error: ") + e.what());
    }
}

} // namespace fab
