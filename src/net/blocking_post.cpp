#include "net/blocking_post.hpp"

#include "ev/handle.hpp"

#include <uv.h>

namespace fab::net {

Result<Response> post_blocking(const std::string& url, const Headers& headers, std::string body,
                               const PostOptions& opts) {
    uv_loop_t loop;
    if (int rc = uv_loop_init(&loop); rc != 0)
        return make_error(std::string("cannot make an event loop: ") + uv_strerror(rc));
    Result<Response> out = make_error("the request did not finish");
    {
        HttpClient client(&loop);
        auto id = client.post(url, headers, std::move(body), opts,
                              [&out](Result<Response> r) { out = std::move(r); });
        if (!id)
            out = make_error(id.error());
        else
            uv_run(&loop, UV_RUN_DEFAULT); // until the transfer's handles are gone
    }
    ev::close_loop(&loop);
    return out;
}

} // namespace fab::net
