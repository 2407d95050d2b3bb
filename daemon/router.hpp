// Request routing: one handler per message type, registered per family from
// {name, handler} tables checked against the protocol table
// (src/protocol/messages.hpp). Handlers answer through a
// Reply, now or later (after a git clone finishes, say), without knowing the
// transport: the Unix-socket server and the HTTP server each implement a
// Responder. A Reply whose client has gone away is dropped silently. Loop
// thread only.
#pragma once

#include "protocol/envelope.hpp"
#include "protocol/fields.hpp"
#include "protocol/messages.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

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
    struct Route {
        const char* type; // a msg:: constant
        Handler handler;
    };

    // `kind`: requests to the daemon, or host requests (fab-host).
    explicit Router(proto::Kind kind = proto::Kind::request) : kind_(kind) {}

    // One family's handlers. A name that is not a canonical message of this
    // router's kind in the protocol table (unknown, or a deprecated alias:
    // aliases reach the canonical handler by themselves), or a name already
    // registered, is an error: the process refuses to start.
    Status add(std::vector<Route> family);
    // After every family: each canonical message of this kind has a handler.
    Status check_complete() const;
    std::vector<std::string> names() const;
    // Without the table check: for tests' fake servers, which speak made-up
    // messages. The daemon and the hosts register through add().
    void add_unchecked(std::string type, Handler h) { handlers_[std::move(type)] = std::move(h); }

    // Unknown types get an error response naming the type; a deprecated name
    // is served by its canonical handler.
    void dispatch(const Request& req, const Reply& reply) const;

  private:
    proto::Kind kind_;
    std::map<std::string, Handler, std::less<>> handlers_;
};

} // namespace fab
