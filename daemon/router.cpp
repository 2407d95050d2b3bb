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

Status Router::add(std::vector<Route> family) {
    for (Route& r : family) {
        const proto::Message* m = proto::find_message(kind_, r.type);
        if (!m)
            return make_error(std::string("handler for \"") + r.type + "\", which is not a " +
                              proto::kind_name(kind_) + " of the protocol table");
        if (m->alias_of)
            return make_error(std::string("handler for \"") + r.type +
                              "\", a deprecated name of \"" + m->alias_of +
                              "\": register the canonical name");
        if (!handlers_.emplace(r.type, std::move(r.handler)).second)
            return make_error(std::string("two handlers for \"") + r.type + "\"");
    }
    return {};
}

Status Router::check_complete() const {
    std::string missing;
    for (const proto::Message& m : proto::messages())
        if (m.kind == kind_ && !m.alias_of && !handlers_.count(m.name))
            missing += std::string(missing.empty() ? "" : ", ") + m.name;
    if (!missing.empty()) return make_error("no handler for " + missing);
    return {};
}

std::vector<std::string> Router::names() const {
    std::vector<std::string> out;
    for (const auto& [name, h] : handlers_) out.push_back(name);
    return out;
}

void Router::dispatch(const Request& req, const Reply& reply) const {
    auto it = handlers_.find(req.type);
    if (it == handlers_.end()) it = handlers_.find(proto::canonical_name(kind_, req.type));
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
