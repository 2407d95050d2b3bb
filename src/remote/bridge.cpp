#include "remote/bridge.hpp"

#include "protocol/envelope.hpp"
#include "protocol/framing.hpp"
#include "remote/attach_offsets.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace fab::remote {

namespace {

constexpr size_t kMaxErrorBody = 64 * 1024;

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

bool is_loopback_url(const std::string& url) {
    size_t host = url.find("://") + 3;
    std::string rest = url.substr(host);
    return rest.starts_with("127.") || rest.starts_with("localhost") || rest.starts_with("[::1]");
}

// Writes all of `data`; false when the peer is gone.
bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

struct CurlFree {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistFree {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

} // namespace

Result<ServerTarget> target_from_env() {
    ServerTarget t;
    t.url = env("FAB_SERVER_URL");
    while (!t.url.empty() && t.url.back() == '/') t.url.pop_back();
    if (!(t.url.starts_with("http://") || t.url.starts_with("https://")) ||
        t.url.find('/', t.url.find("://") + 3) != std::string::npos ||
        t.url.size() <= t.url.find("://") + 3)
        return make_error("the server URL \"" + env("FAB_SERVER_URL") +
                          "\" is not http(s)://host[:port]");
    t.token = env("FAB_TOKEN");
    if (t.token.empty() && !env("FAB_TOKEN_FILE").empty()) {
        auto text = read_file(env("FAB_TOKEN_FILE"));
        if (!text) return make_error("token file: " + text.error());
        t.token = std::string(trim(*text));
    }
    t.cert = env("FAB_TLS_CERT");
    t.key = env("FAB_TLS_KEY");
    t.ca = env("FAB_TLS_CA");
    if (!t.token.empty() && t.url.starts_with("http://") && !is_loopback_url(t.url))
        return make_error("refusing to send a token over plain http:// to " + t.url +
                          "; use https://");
    if (t.cert.empty() != t.key.empty())
        return make_error("a client certificate needs both --cert and --key");
    return t;
}

struct Bridge::Client {
    UniqueFd fd;
    std::mutex write_mu;
    std::atomic<bool> gone{false};
    std::atomic<bool> finished{false};
    std::thread reader;
    std::mutex streams_mu;
    std::list<std::thread> streams;

    void send(const std::string& line) {
        std::lock_guard lock(write_mu);
        if (!gone && !write_all(fd.get(), line)) gone = true;
    }
};

Bridge::Bridge(ServerTarget target, BridgeOptions opts) : target_(std::move(target)), opts_(opts) {}

Result<std::unique_ptr<Bridge>> Bridge::start(ServerTarget target, BridgeOptions opts) {
    std::unique_ptr<Bridge> b(new Bridge(std::move(target), opts));
    std::string base = env("XDG_RUNTIME_DIR");
    if (base.empty() || !path_exists(base)) base = "/tmp";
    std::string tmpl = base + "/fab-remote-XXXXXX";
    if (!::mkdtemp(tmpl.data())) // mode 0700
        return make_error("cannot make a private directory in " + base + ": " +
                          errno_string(errno));
    b->dir_ = tmpl;
    b->socket_ = b->dir_ + "/bridge.sock";
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (b->socket_.size() >= sizeof addr.sun_path)
        return make_error("socket path too long: " + b->socket_);
    std::copy(b->socket_.begin(), b->socket_.end(), addr.sun_path);
    b->listener_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!b->listener_.valid() ||
        ::bind(b->listener_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::chmod(b->socket_.c_str(), 0600) != 0 || ::listen(b->listener_.get(), 16) != 0)
        return make_error("cannot listen on " + b->socket_ + ": " + errno_string(errno));
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) != 0) return make_error("pipe: " + errno_string(errno));
    b->wake_read_.reset(pipefd[0]);
    b->wake_write_.reset(pipefd[1]);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    b->acceptor_ = std::thread([p = b.get()] { p->accept_loop(); });
    return b;
}

Bridge::~Bridge() {
    stopping_ = true;
    if (wake_write_.valid()) (void)!::write(wake_write_.get(), "x", 1);
    if (acceptor_.joinable()) acceptor_.join();
    for (auto& c : clients_) {
        c->gone = true;
        ::shutdown(c->fd.get(), SHUT_RDWR);
        if (c->reader.joinable()) c->reader.join();
    }
    clients_.clear();
    if (!socket_.empty()) ::unlink(socket_.c_str());
    if (!dir_.empty()) ::rmdir(dir_.c_str());
}

void Bridge::accept_loop() {
    while (!stopping_) {
        pollfd fds[2] = {{listener_.get(), POLLIN, 0}, {wake_read_.get(), POLLIN, 0}};
        if (::poll(fds, 2, 1000) < 0 && errno != EINTR) return;
        {
            // Join the threads of clients that have left.
            std::lock_guard lock(clients_mu_);
            for (auto it = clients_.begin(); it != clients_.end();)
                if ((*it)->finished) {
                    (*it)->reader.join();
                    it = clients_.erase(it);
                } else {
                    ++it;
                }
        }
        if (stopping_ || !(fds[0].revents & POLLIN)) continue;
        UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (!fd.valid()) continue;
        ucred cred{};
        socklen_t len = sizeof cred;
        if (::getsockopt(fd.get(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
            cred.uid != ::getuid())
            continue; // only our own uid speaks for us to the server
        auto c = std::make_unique<Client>();
        c->fd = std::move(fd);
        Client* raw = c.get();
        std::lock_guard lock(clients_mu_);
        clients_.push_back(std::move(c));
        raw->reader = std::thread([this, raw] { serve(*raw); });
    }
}

void Bridge::serve(Client& c) {
    LineBuffer in;
    std::string line;
    char buf[16384];
    while (!c.gone && !stopping_) {
        ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        in.append(buf, static_cast<size_t>(n));
        for (;;) {
            auto next = in.next(line);
            if (next == LineBuffer::Next::need_more) break;
            if (next == LineBuffer::Next::too_long) {
                c.send(encode_error("error", "", "line exceeds the 16 MiB limit"));
                c.gone = true;
                break;
            }
            if (line.empty()) continue;
            auto parsed = parse_request(line);
            if (!parsed.error.empty()) {
                c.send(encode_error(parsed.request.type, parsed.request.id, parsed.error));
                continue;
            }
            if (parsed.request.type == "attach") {
                // Its events go on while the client sends other requests.
                std::lock_guard lock(c.streams_mu);
                c.streams.emplace_back([this, &c, line] { relay(c, line, true); });
            } else {
                relay(c, line, false);
            }
        }
    }
    c.gone = true;
    {
        std::lock_guard lock(c.streams_mu);
        for (auto& t : c.streams) t.join();
    }
    c.finished = true;
}

namespace {

// What one POST collects: SSE data lines go straight to the client; an
// error status's body is kept (bounded) to explain the failure.
struct Transfer {
    std::function<void(const std::string&)> forward;
    std::function<bool()> cancelled;
    CURL* curl = nullptr;
    LineBuffer in{kMaxLineBytes};
    std::string error_body;
    bool answered = false;
    std::string id;

    long status() const {
        long code = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
        return code;
    }
    void take(const char* data, size_t len) {
        if (status() >= 400) {
            error_body.append(
                data, std::min(len, kMaxErrorBody - std::min(kMaxErrorBody, error_body.size())));
            return;
        }
        in.append(data, len);
        std::string line;
        while (in.next(line) == LineBuffer::Next::line) {
            // SSE: "data: <json>" carries a line of the protocol; comments
            // (":") are keep-alives; other fields are not used by fab.
            if (!line.starts_with("data:")) continue;
            std::string_view payload(line);
            payload.remove_prefix(5);
            if (!payload.empty() && payload.front() == ' ') payload.remove_prefix(1);
            Json j = Json::parse(payload, nullptr, false);
            if (j.is_object() && j.value("id", "") == id && j.value("type", "") != "event")
                answered = true;
            forward(std::string(payload) + "\n");
        }
    }
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
    static_cast<Transfer*>(user)->take(data, size * n);
    return size * n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<Transfer*>(user)->cancelled() ? 1 : 0;
}

// The server's {"errors":[{"status","title","detail"}]} as one line.
std::string error_text(long status, const std::string& body) {
    Json j = Json::parse(body, nullptr, false);
    if (j.is_object() && j.contains("errors") && j["errors"].is_array() && !j["errors"].empty()) {
        const Json& e = j["errors"][0];
        std::string detail = e.value("detail", e.value("title", ""));
        if (!detail.empty()) return detail;
    }
    return "the server answered HTTP " + std::to_string(status);
}

} // namespace

Bridge::Posted Bridge::post(Client& c, const std::string& line,
                            const std::function<void(const std::string&)>& forward) {
    auto parsed = parse_request(line);
    const std::string id = parsed.request.id;
    std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
    if (!curl) return {"cannot start an HTTP request", false};
    std::unique_ptr<curl_slist, SlistFree> headers;
    auto add_header = [&](const std::string& h) {
        headers.reset(curl_slist_append(headers.release(), h.c_str()));
    };
    add_header("Content-Type: application/json");
    add_header("Accept: text/event-stream");
    if (!target_.token.empty()) add_header("Authorization: Bearer " + target_.token);
    std::string url = target_.url + "/api/v1/messages";
    Transfer t;
    t.curl = curl.get();
    t.id = id;
    t.forward = forward;
    t.cancelled = [&c, this] { return c.gone.load() || stopping_.load(); };
    CURL* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, line.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(line.size()));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &t);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    if (!target_.ca.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, target_.ca.c_str());
    if (!target_.cert.empty()) {
        curl_easy_setopt(h, CURLOPT_SSLCERT, target_.cert.c_str());
        curl_easy_setopt(h, CURLOPT_SSLKEY, target_.key.c_str());
    }
    CURLcode rc = curl_easy_perform(h);
    long status = t.status();
    if (rc != CURLE_OK && !t.answered)
        return {"cannot reach the fab server at " + target_.url + ": " + curl_easy_strerror(rc),
                false};
    if (status >= 400) return {"server: " + error_text(status, t.error_body), false};
    if (!t.answered) return {"the server closed the request without an answer", false};
    return {"", true};
}

void Bridge::relay(Client& c, const std::string& line, bool stream) {
    auto parsed = parse_request(line);
    const std::string type = parsed.request.type, id = parsed.request.id;
    AttachOffsets offsets;
    bool attached = false;
    auto forward = [&](const std::string& l) {
        if (stream && opts_.resume_attach) {
            Json j = Json::parse(l, nullptr, false);
            if (j.is_object() && j.value("type", "") == "event") {
                offsets.see_event(j);
            } else if (j.is_object() && j.value("id", "") == id && j.value("success", false)) {
                offsets.see_snapshot(j.value("payload", Json::object()));
                attached = true;
            }
        }
        c.send(l);
    };
    Posted p = post(c, line, forward);
    if (c.gone || stopping_) return;
    if (!p.error.empty()) c.send(encode_error(type, id, p.error));
    if (!stream) return;
    // An attach stream that ends means the server went away: the client sees
    // its connection close, as with a local daemon that stops — unless the
    // bridge may attach again for it.
    if (attached)
        while (resume_attach(c, line, offsets)) {}
    c.gone = true;
    ::shutdown(c.fd.get(), SHUT_RDWR);
}

bool Bridge::resume_attach(Client& c, const std::string& line, AttachOffsets& offsets) {
    if (c.gone || stopping_) return false;
    std::fprintf(stderr, "fab: lost the stream from the fab server at %s; reconnecting…\n",
                 target_.url.c_str());
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(opts_.resume_window_s);
    std::string last_error;
    for (int attempt = 1; std::chrono::steady_clock::now() < deadline; ++attempt) {
        // A short pause between tries (the server is starting), cut short
        // when the client leaves.
        for (int i = 0; i < 5 && !c.gone && !stopping_; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (c.gone || stopping_) return false;
        std::string again_id = "resume" + std::to_string(attempt);
        std::string again = offsets.request_again(line, again_id);
        if (!again.empty() && again.back() == '\n') again.pop_back();
        bool back = false, refused = false;
        auto forward = [&](const std::string& l) {
            Json j = Json::parse(l, nullptr, false);
            if (!j.is_object()) return;
            if (j.value("type", "") == "event") {
                offsets.see_event(j);
                c.send(l);
            } else if (j.value("id", "") == again_id) {
                // The new attach's own answer is the bridge's: the client
                // already has its snapshot. Its replay follows as events.
                if (!j.value("success", false)) {
                    refused = true;
                    last_error = j.value("error", std::string("attach refused"));
                    return;
                }
                offsets.see_snapshot(j.value("payload", Json::object()));
                back = true;
                std::fprintf(stderr,
                             "fab: reconnected to the fab server at %s; output resumes where it "
                             "stopped\n",
                             target_.url.c_str());
            }
        };
        Posted p = post(c, again, forward);
        if (c.gone || stopping_) return false;
        if (back) return true; // streamed until it ended again
        if (refused) break;
        last_error = p.error;
    }
    std::fprintf(stderr, "fab: the fab server at %s did not come back within %d s%s%s\n",
                 target_.url.c_str(), opts_.resume_window_s, last_error.empty() ? "" : ": ",
                 last_error.c_str());
    return false;
}

} // namespace fab::remote
