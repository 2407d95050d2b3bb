#include "daemon/router.hpp"

#include "util/log.hpp"

#include <cassert>

namespace fab {

bool Reply::first_answer() const {
    if (!to_->answered_) {
        to_->answered_ = true;
        return true;
    }
    assert(!"a request answered twice");
    log::error("a request was answered twice; the second answer is dropped");
    return false;
}

void Reply::ok(const Json& payload) const {
    if (first_answer()) to_->send_ok(payload);
}

void Reply::fail(const std::string& error) const {
    if (first_answer()) to_->send_error(error);
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
