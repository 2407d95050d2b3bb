#include "net/http_client.hpp"

#include "ev/handle.hpp"
#include "net/curl_lib.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <unordered_map>
#include <uv.h>

namespace fab::net {

namespace {

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

bool is_token_char(char c) { // RFC 9110 tchar
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

constexpr size_t kMaxHeaderBytes = 64 * 1024; // of one response, all lines

// Deleters that call into the loaded library.
struct EasyCleanup {
    decltype(&::curl_easy_cleanup) fn = nullptr;
    void operator()(CURL* e) const { fn(e); }
};
struct SlistFree {
    decltype(&::curl_slist_free_all) fn = nullptr;
    void operator()(curl_slist* l) const { fn(l); }
};
struct MultiCleanup {
    decltype(&::curl_multi_cleanup) fn = nullptr;
    void operator()(CURLM* m) const { fn(m); }
};

// One request in flight. Heap-allocated and never moved: curl holds pointers
// to its body, error buffer and itself (CURLOPT_PRIVATE).
struct Transfer {
    HttpClient::Id id = 0;
    std::unique_ptr<CURL, EasyCleanup> easy;
    std::unique_ptr<curl_slist, SlistFree> header_list;
    std::string body;
    Url url;
    int timeout_ms = 0;
    size_t max_body = 0;
    size_t header_bytes = 0;
    bool body_too_large = false;
    bool headers_too_large = false;
    bool connected = false; // TCP and TLS up, the request about to be sent
    Response resp;
    char errbuf[CURL_ERROR_SIZE] = {};
    HttpClient::Done done;
};

// The response header lines of `t`. A status line starts a new header block:
// interim (1xx) responses come first, and only the final block is kept.
size_t on_header(char* data, size_t size, size_t n, void* userp) {
    auto* t = static_cast<Transfer*>(userp);
    size_t len = size * n;
    t->header_bytes += len;
    if (t->header_bytes > kMaxHeaderBytes) {
        t->headers_too_large = true;
        return 0; // aborts the transfer (CURLE_WRITE_ERROR)
    }
    std::string_view line(data, len);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.empty()) return len;
    if (line.rfind("HTTP/", 0) == 0) { // "HTTP/1.1 200 OK", "HTTP/2 200"
        t->resp.headers.clear();
        t->resp.reason.clear();
        auto sp = line.find(' ');
        if (sp != std::string_view::npos && line.size() > sp + 4)
            t->resp.reason = std::string(trim(line.substr(sp + 4)));
        return len;
    }
    if (line[0] == ' ' || line[0] == '\t') { // obsolete line folding
        if (!t->resp.headers.empty())
            t->resp.headers.back().second += " " + std::string(trim(line));
        return len;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return len; // curl checked the syntax
    t->resp.headers.emplace_back(std::string(line.substr(0, colon)),
                                 std::string(trim(line.substr(colon + 1))));
    return len;
}

int on_connected(void* userp, char*, char*, int, int) {
    static_cast<Transfer*>(userp)->connected = true;
    return CURL_PREREQFUNC_OK;
}

size_t on_body(char* data, size_t size, size_t n, void* userp) {
    auto* t = static_cast<Transfer*>(userp);
    size_t len = size * n;
    if (t->resp.body.size() + len > t->max_body) {
        t->body_too_large = true;
        return 0; // aborts the transfer (CURLE_WRITE_ERROR)
    }
    t->resp.body.append(data, len);
    return len;
}

// A one-line reason for a failed transfer, in fab's words, with curl's
// detail (which names hosts and ports, never header values).
std::string describe_failure(const CurlLib& api, const Transfer& t, CURLcode rc) {
    std::string detail = t.errbuf[0] ? std::string(t.errbuf) : api.easy_strerror(rc);
    const std::string& host = t.url.host;
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT: {
        // Which step the deadline cut short. (curl 7.88 records the connect
        // time only once TLS is up too, so TCP and TLS are one step here.)
        curl_off_t resolved = 0;
        api.easy_getinfo(t.easy.get(), CURLINFO_NAMELOOKUP_TIME_T, &resolved);
        std::string step = resolved == 0 ? "resolving " + host
                           : !t.connected
                               ? "connecting to " + host +
                                     (t.url.scheme == "https" ? " (TCP or TLS handshake)" : "")
                               : "waiting for the answer of " + host;
        return "timed out after " + std::to_string(t.timeout_ms) + " ms " + step;
    }
    case CURLE_COULDNT_RESOLVE_HOST:
        return "cannot resolve " + host + ": " + detail;
    case CURLE_COULDNT_CONNECT:
        return "cannot connect to " + host + ":" + std::to_string(t.url.port) + ": " + detail;
    case CURLE_PEER_FAILED_VERIFICATION: {
        // curl checks the name itself after OpenSSL accepted the chain, so
        // its message is the only place that says which check failed.
        bool name = detail.find("subject name") != std::string::npos ||
                    detail.find("does not match") != std::string::npos;
        return "TLS: certificate of " + host +
               " not trusted: " + (name ? "host name mismatch (" + detail + ")" : detail);
    }
    case CURLE_SSL_CACERT_BADFILE:
        return "TLS: cannot load the trusted certificates: " + detail;
    case CURLE_SSL_CONNECT_ERROR:
        return "TLS handshake with " + host + " failed: " + detail;
    case CURLE_WRITE_ERROR:
    case CURLE_FILESIZE_EXCEEDED:
        if (t.headers_too_large) return "HTTP response headers too large";
        if (t.body_too_large || rc == CURLE_FILESIZE_EXCEEDED)
            return "HTTP response body too large (over " + std::to_string(t.max_body) + " bytes)";
        break;
    case CURLE_GOT_NOTHING:
        return "the server closed the connection without a response";
    case CURLE_PARTIAL_FILE:
        return "the server closed the connection before the response was complete";
    default:
        break;
    }
    return "HTTP request to " + host + " failed: " + detail;
}

} // namespace

Status check_headers(const Headers& headers) {
    for (const auto& [name, value] : headers) {
        if (name.empty() || !std::all_of(name.begin(), name.end(), is_token_char))
            return make_error("invalid HTTP header name \"" + name + "\"");
        // The value is not quoted in the error: it may be an API key.
        if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
            return make_error("the value of HTTP header " + name +
                              " contains a line break or NUL; refusing to send it");
    }
    return {};
}

std::string Response::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return v;
    return "";
}

// ---------- the multi handle on the loop ----------

struct HttpClient::Impl {
    // A socket curl asked us to watch.
    struct Watch {
        uv_poll_t* poll = nullptr;
        ~Watch() { ev::close_and_free(poll); }
    };

    CurlLib api;
    uv_loop_t* loop;
    std::unique_ptr<CURLM, MultiCleanup> multi;
    uv_timer_t* timer = nullptr;
    std::unordered_map<curl_socket_t, std::unique_ptr<Watch>> watches;
    std::map<Id, std::unique_ptr<Transfer>> transfers;
    Id next_id = 1;

    Impl(CurlLib lib, uv_loop_t* l) : api(lib), loop(l) {
        // Reference-counted, and thread-safe since curl 7.84.
        api.global_init(CURL_GLOBAL_DEFAULT);
        multi = {api.multi_init(), MultiCleanup{api.multi_cleanup}};
        timer = new uv_timer_t;
        uv_timer_init(loop, timer);
        timer->data = this;
        if (multi) {
            api.multi_setopt(multi.get(), CURLMOPT_SOCKETFUNCTION, &Impl::on_socket);
            api.multi_setopt(multi.get(), CURLMOPT_SOCKETDATA, this);
            api.multi_setopt(multi.get(), CURLMOPT_TIMERFUNCTION, &Impl::on_timer);
            api.multi_setopt(multi.get(), CURLMOPT_TIMERDATA, this);
        }
        update_refs();
    }

    ~Impl() {
        for (auto& [id, t] : transfers) api.multi_remove_handle(multi.get(), t->easy.get());
        transfers.clear();
        multi.reset(); // closes the cached connections; may still call on_socket/on_timer
        watches.clear();
        ev::close_and_free(timer);
        api.global_cleanup();
    }

    // Transfers keep the loop alive; an idle client with cached connections
    // does not (the daemon must be able to stop).
    void update_refs() {
        bool busy = !transfers.empty();
        auto set = [busy](uv_handle_t* h) { busy ? uv_ref(h) : uv_unref(h); };
        set(reinterpret_cast<uv_handle_t*>(timer));
        for (auto& [fd, w] : watches) set(reinterpret_cast<uv_handle_t*>(w->poll));
    }

    static int on_socket(CURL*, curl_socket_t s, int what, void* userp, void*) {
        auto* self = static_cast<Impl*>(userp);
        if (what == CURL_POLL_REMOVE) { // called before curl closes the socket
            self->watches.erase(s);
            return 0;
        }
        auto& w = self->watches[s];
        if (!w) {
            w = std::make_unique<Watch>();
            auto* p = new uv_poll_t;
            if (uv_poll_init_socket(self->loop, p, s) != 0) {
                delete p; // never initialised: nothing to close
                self->watches.erase(s);
                return -1;
            }
            p->data = self;
            w->poll = p;
            if (self->transfers.empty()) uv_unref(reinterpret_cast<uv_handle_t*>(p));
        }
        int events = 0;
        if (what & CURL_POLL_IN) events |= UV_READABLE;
        if (what & CURL_POLL_OUT) events |= UV_WRITABLE;
        uv_poll_start(w->poll, events, &Impl::on_poll);
        return 0;
    }

    static void on_poll(uv_poll_t* p, int status, int events) {
        auto* self = static_cast<Impl*>(p->data);
        if (!self) return;
        uv_os_fd_t fd;
        if (uv_fileno(reinterpret_cast<uv_handle_t*>(p), &fd) != 0) return;
        int flags = 0;
        if (status < 0) {
            flags = CURL_CSELECT_ERR;
        } else {
            if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
            if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
        }
        self->drive(fd, flags);
    }

    static int on_timer(CURLM*, long timeout_ms, void* userp) {
        auto* self = static_cast<Impl*>(userp);
        if (timeout_ms < 0) {
            uv_timer_stop(self->timer);
        } else {
            // Even 0 goes through the loop: curl must not be re-entered from
            // inside its own callback.
            uv_timer_start(
                self->timer,
                [](uv_timer_t* t) {
                    if (auto* me = static_cast<Impl*>(t->data)) me->drive(CURL_SOCKET_TIMEOUT, 0);
                },
                static_cast<uint64_t>(timeout_ms), 0);
        }
        return 0;
    }

    void drive(curl_socket_t s, int flags) {
        int running = 0;
        api.multi_socket_action(multi.get(), s, flags, &running);
        finish_done();
    }

    // Takes every finished transfer out of curl, then calls the callbacks
    // (which may start or cancel other transfers).
    void finish_done() {
        std::vector<std::pair<Done, Result<Response>>> ready;
        int left = 0;
        while (CURLMsg* m = api.multi_info_read(multi.get(), &left)) {
            if (m->msg != CURLMSG_DONE) continue;
            CURL* easy = m->easy_handle;
            CURLcode rc = m->data.result; // read before removing: m belongs to curl
            char* priv = nullptr;
            api.easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
            api.multi_remove_handle(multi.get(), easy);
            auto node = transfers.extract(reinterpret_cast<Transfer*>(priv)->id);
            if (node.empty()) continue;
            Transfer& t = *node.mapped();
            if (rc == CURLE_OK) {
                long status = 0;
                api.easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
                t.resp.status = static_cast<int>(status);
                ready.emplace_back(std::move(t.done), std::move(t.resp));
            } else {
                ready.emplace_back(std::move(t.done), make_error(describe_failure(api, t, rc)));
            }
        }
        update_refs();
        for (auto& [done, r] : ready) done(std::move(r));
    }

    Result<Id> start(const Url& u, const std::string& url, const Headers& headers, std::string body,
                     const PostOptions& opts, Done done) {
        if (!multi) return make_error("cannot start libcurl");
        auto t = std::make_unique<Transfer>();
        t->id = next_id++;
        t->url = u;
        t->body = std::move(body);
        t->timeout_ms = std::max(opts.timeout_ms, 1);
        t->max_body = opts.max_body_bytes;
        t->done = std::move(done);
        t->easy = {api.easy_init(), EasyCleanup{api.easy_cleanup}};
        if (!t->easy) return make_error("cannot create a libcurl handle");

        std::vector<std::string> lines = {"Content-Type: " + opts.content_type,
                                          "Accept: application/json",
                                          "Expect:"}; // no 100-continue round trip
        for (const auto& [name, value] : headers)
            lines.push_back(value.empty() ? name + ";" : name + ": " + value); // "X;" sends "X:"
        curl_slist* list = nullptr;
        for (const auto& line : lines) {
            curl_slist* next = api.slist_append(list, line.c_str());
            if (!next) {
                api.slist_free_all(list);
                return make_error("out of memory for HTTP headers");
            }
            list = next;
        }
        t->header_list = {list, SlistFree{api.slist_free_all}};

        CURL* e = t->easy.get();
        api.easy_setopt(e, CURLOPT_URL, url.c_str());
        api.easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
        api.easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        api.easy_setopt(e, CURLOPT_POST, 1L);
        api.easy_setopt(e, CURLOPT_POSTFIELDS, t->body.data());
        api.easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t->body.size()));
        api.easy_setopt(e, CURLOPT_HTTPHEADER, t->header_list.get());
        api.easy_setopt(e, CURLOPT_USERAGENT, "fab");
        api.easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(t->timeout_ms));
        api.easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(t->max_body));
        api.easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
        api.easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
        api.easy_setopt(e, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
        if (!opts.ca_file.empty()) { // that file alone
            api.easy_setopt(e, CURLOPT_CAINFO, opts.ca_file.c_str());
            api.easy_setopt(e, CURLOPT_CAPATH, nullptr);
        } else {
            // The variables OpenSSL's default verify paths read; curl's
            // built-in defaults (the system store) do not look at them.
            if (const char* f = std::getenv("SSL_CERT_FILE"); f && *f)
                api.easy_setopt(e, CURLOPT_CAINFO, f);
            if (const char* d = std::getenv("SSL_CERT_DIR"); d && *d)
                api.easy_setopt(e, CURLOPT_CAPATH, d);
        }
        api.easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
        api.easy_setopt(e, CURLOPT_HEADERFUNCTION, &on_header);
        api.easy_setopt(e, CURLOPT_HEADERDATA, t.get());
        api.easy_setopt(e, CURLOPT_WRITEFUNCTION, &on_body);
        api.easy_setopt(e, CURLOPT_WRITEDATA, t.get());
        api.easy_setopt(e, CURLOPT_PREREQFUNCTION, &on_connected);
        api.easy_setopt(e, CURLOPT_PREREQDATA, t.get());
        api.easy_setopt(e, CURLOPT_PRIVATE, t.get());

        if (CURLMcode mc = api.multi_add_handle(multi.get(), e); mc != CURLM_OK)
            return make_error(std::string("cannot start the HTTP request: ") +
                              api.multi_strerror(mc));
        Id id = t->id;
        transfers.emplace(id, std::move(t));
        update_refs();
        return id;
    }

    // Takes `id` out of curl; its callback is the caller's to run.
    Done take(Id id) {
        auto node = transfers.extract(id);
        if (node.empty()) return nullptr;
        api.multi_remove_handle(multi.get(), node.mapped()->easy.get());
        update_refs();
        return std::move(node.mapped()->done);
    }
};

HttpClient::HttpClient(uv_loop_t* loop) : loop_(loop) {}

HttpClient::~HttpClient() = default;

Result<HttpClient::Impl*> HttpClient::impl() {
    if (!impl_) {
        auto lib = load_curl();
        if (!lib) return make_error(lib.error());
        impl_ = std::make_unique<Impl>(*lib, loop_);
    }
    return impl_.get();
}

Result<HttpClient::Id> HttpClient::post(const std::string& url, const Headers& headers,
                                        std::string body, const PostOptions& opts, Done done) {
    auto u = parse_url(url);
    if (!u) return make_error(u.error());
    if (auto s = check_headers(headers); !s) return make_error(s.error());
    auto im = impl();
    if (!im) return make_error(im.error());
    return (*im)->start(*u, url, headers, std::move(body), opts, std::move(done));
}

bool HttpClient::cancel(Id id) {
    if (!impl_) return false;
    Done done = impl_->take(id);
    if (!done) return false;
    done(make_error("cancelled"));
    return true;
}

void HttpClient::cancel_all() {
    if (!impl_) return;
    std::vector<Done> cancelled;
    while (!impl_->transfers.empty())
        cancelled.push_back(impl_->take(impl_->transfers.begin()->first));
    for (auto& done : cancelled)
        if (done) done(make_error("cancelled"));
}

size_t HttpClient::in_flight() const {
    return impl_ ? impl_->transfers.size() : 0;
}

} // namespace fab::net
