// Request routing: one handler per message type. Handlers answer through a
// Reply, now or later (after a git clone finishes, say), without knowing the
// transport: the Unix-socket server and the HTTP server each implement a
// Responder. A Reply whose client has gone away is dropped silently. Loop
// thread only.
#pragma once

#include "protocol/envelope.hpp"
#include "protocol/fields.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace fab {

// One request's way back to its client. A transport implements the three
// sends; Reply makes sure only one answer (ok or fail) goes out.
class Responder {
  public:
    virtual ~Responder() = default;
    virtual void send_ok(const Json& payload) = 0;
    virtual void send_error(const std::string& error) = 0;
    // An event for this request only, before its answer (a clone's
    // progress). False when it was dropped because the client lags.
    virtual bool send_event(const Json& ev) = 0;
    // The connection's id for event subscriptions (`attach`); 0 when the
    // transport has no long-lived connection to subscribe.
    virtual uint64_t client() const = 0;

  private:
    friend class Reply;
    bool answered_ = false;
};

class Reply {
  public:
    explicit Reply(std::shared_ptr<Responder> to) : to_(std::move(to)) {}
    // The answer. A second answer is a bug in the handler: asserted in debug
    // builds, dropped (and logged) otherwise.
    void ok(const Json& payload = Json::object()) const;
    void fail(const std::string& error) const;
    // Before the answer: an event for this request only
    // ({"type":"event","event":…,"request_id":id,…}), e.g. a clone's
    // progress. Clients that wait for the answer skip events, so it is safe
    // to send to any. Dropped (false) while the client's queue holds more
    // than a little: progress is worth nothing late.
    bool event(const Json& ev) const { return to_->send_event(ev); }
    uint64_t client() const { return to_->client(); }
    bool answered() const { return to_->answered_; }

  private:
    bool first_answer() const;
    std::shared_ptr<Responder> to_;
};

// The string field `key` of the request's payload; when it is missing or
// empty, replies with an error naming it and returns "" (the handler returns).
// A field of the wrong type throws FieldError (answered by dispatch).
inline std::string require(const Request& q, const char* key, const Reply& r) {
    std::string v = field_string(q.payload, key);
    if (v.empty()) r.fail(std::string("missing \"") + key + "\"");
    return v;
}

class Router {
  public:
    using Handler = std::function<void(const Request&, const Reply&)>;
    void add(const std::string& type, Handler h) { handlers_[type] = std::move(h); }
    // Unknown types get an error response naming the type.
    void dispatch(const Request& req, const Reply& reply) const;

  private:
    std::map<std::string, Handler, std::less<>> handlers_;
};

} // namespace fab
