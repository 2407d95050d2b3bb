// HttpClient::post for code that runs on the daemon's thread pool (the
// issue backends: their calls are plain blocking functions, like the tk
// backend's file I/O). Each call runs the transfer on a private libuv loop
// of the calling thread, so it never touches the daemon's loop; it returns
// when the transfer ends (PostOptions::timeout_ms bounds it). Not for the
// loop thread itself: there, use HttpClient.
#pragma once

#include "net/http_client.hpp"

namespace fab::net {

Result<Response> post_blocking(const std::string& url, const Headers& headers, std::string body,
                               const PostOptions& opts);

} // namespace fab::net
