// Request routing: one handler per message type. Handlers reply through a
// Reply, now or later (after a git clone finishes, say); a Reply whose client
// has gone away is dropped silently. Loop thread only.
#pragma once

#include "protocol/envelope.hpp"
#include "protocol/fields.hpp"

#include <functional>
#include <map>
#include <string>

namespace fab {

class IpcServer;

class Reply {
  public:
    Reply(IpcServer* server, uint64_t client, std::string type, std::string id)
        : server_(server), client_(client), type_(std::move(type)), id_(std::move(id)) {}
    void ok(const Json& payload = Json::object()) const;
    void fail(const std::string& error) const;
    // Before the answer: an event for this request only
    // ({"type":"event","event":…,"request_id":id,…}), e.g. a clone's
    // progress. Clients that wait for the answer skip events, so it is safe
    // to send to any. Dropped (false) while the client's queue holds more
    // than a little: progress is worth nothing late.
    bool event(const Json& ev) const;
    uint64_t client() const { return client_; }

  private:
    IpcServer* server_;
    uint64_t client_;
    std::string type_, id_;
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
