// The remote client's bridge: a private Unix socket that speaks fab's NDJSON
// protocol, relaying each request to a fab server over HTTP(S) — so every
// `fab` command and `fab-tui` run against a server unchanged, with the same
// output and exit codes as locally (they talk to the bridge's socket as to a
// local daemon).
//
// Over HTTP: each request is `POST <url>/api/v1/messages` with the request
// line as its body; the server answers with what the socket would have
// written (events for the request, then its response), as SSE `data:` lines.
// `attach` keeps its POST open: its events follow, live, until the client
// goes. Blocking libcurl calls in threads: this is a client program, not the
// daemon's loop. Every thread is joined and every fd closed by ~Bridge.
//
// With `resume_attach` (for `fab attach`), an attach stream the server drops
// — it restarted, or the network blinked — is asked for again until the
// server answers or `resume_window_s` passes, with `since` set to what was
// already relayed, so the client sees the output of the gap once and nothing
// twice; the bridge says so on stderr. Without it (fab-tui, which reconnects
// and reloads everything itself) the client's connection closes, as with a
// local daemon that stops.
#pragma once

#include "util/fd.hpp"
#include "util/result.hpp"

#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace fab::remote {

struct ServerTarget {
    std::string url;           // "https://host:3000", no trailing slash
    std::string token;         // bearer token ("" = none)
    std::string cert, key, ca; // client certificate and key (mTLS), CA bundle
};

class AttachOffsets;

struct BridgeOptions {
    bool resume_attach = false;
    int resume_window_s = 120;
};

// From the environment that `fab` sets from its flags and config:
// FAB_SERVER_URL, FAB_TOKEN (or FAB_TOKEN_FILE), FAB_TLS_CERT, FAB_TLS_KEY,
// FAB_TLS_CA. Fails when the URL is not http(s)://host[:port].
Result<ServerTarget> target_from_env();

class Bridge {
  public:
    static Result<std::unique_ptr<Bridge>> start(ServerTarget target, BridgeOptions opts = {});
    ~Bridge();
    Bridge(const Bridge&) = delete;
    Bridge& operator=(const Bridge&) = delete;

    const std::string& socket_path() const { return socket_; }

  private:
    struct Client;
    Bridge(ServerTarget target, BridgeOptions opts);
    void accept_loop();
    void serve(Client& c);
    void relay(Client& c, const std::string& line, bool stream);
    // One POST of `line`; every SSE data line goes to `forward`. Returns the
    // error to answer with ("" = the request was answered), and whether
    // the server answered at all.
    struct Posted {
        std::string error;
        bool answered = false;
    };
    Posted post(Client& c, const std::string& line,
                const std::function<void(const std::string&)>& forward);
    // An attach whose stream ended: asks again, from where it stopped, until
    // the server is back; false when it gave up or the client left.
    bool resume_attach(Client& c, const std::string& line, AttachOffsets& offsets);

    ServerTarget target_;
    BridgeOptions opts_;
    std::string dir_, socket_;
    UniqueFd listener_, wake_read_, wake_write_;
    std::atomic<bool> stopping_{false};
    std::thread acceptor_;
    std::mutex clients_mu_;
    std::list<std::unique_ptr<Client>> clients_;
};

} // namespace fab::remote
