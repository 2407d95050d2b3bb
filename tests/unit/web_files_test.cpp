// The web UI's built-in files (daemon/http/static_files.hpp): request paths
// are made canonical before lookup (no way above the root), every file of
// share/web is built in with a content type, the budget holds, and nothing
// in them needs 'unsafe-inline' or fetches from elsewhere.
#include "daemon/http/static_files.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using namespace fab;
using http::normalise_web_path;

BOOST_AUTO_TEST_SUITE(web_files)

BOOST_AUTO_TEST_CASE(paths_are_made_canonical) {
    BOOST_TEST(*normalise_web_path("/") == "/index.html");
    BOOST_TEST(*normalise_web_path("//") == "/index.html");
    BOOST_TEST(*normalise_web_path("/app.js") == "/app.js");
    BOOST_TEST(*normalise_web_path("/./app.js") == "/app.js");
    BOOST_TEST(*normalise_web_path("//app.js") == "/app.js");
    BOOST_TEST(*normalise_web_path("/x/../app.js") == "/app.js");
    BOOST_TEST(*normalise_web_path("/x/./y/../../app.js") == "/app.js");
    BOOST_TEST(*normalise_web_path("/%61pp.js") == "/app.js");
    BOOST_TEST(*normalise_web_path("/a+b") == "/a+b"); // '+' is no space in a path
}

BOOST_AUTO_TEST_CASE(paths_above_the_root_or_odd_are_refused) {
    for (const char* p : {"/..", "/../", "/../etc/passwd", "/x/../../etc/passwd",
                          "/%2e%2e/etc/passwd", "/%2E%2E%2Fetc%2Fpasswd", "/.%2e/x", "/a%00b",
                          "/a%5C..%5Cb", "/..\\x", "/%zz", "/%2", "app.js", ""})
        BOOST_TEST(!normalise_web_path(p).has_value(), p);
}

BOOST_AUTO_TEST_CASE(lookup_finds_built_in_files_only) {
    const auto* index = http::find_web_asset("/");
    BOOST_TEST_REQUIRE(index);
    BOOST_TEST(index->path == "/index.html");
    BOOST_TEST(index->content_type == "text/html; charset=utf-8");
    BOOST_TEST(http::find_web_asset("/app.js")->content_type == "text/javascript; charset=utf-8");
    BOOST_TEST(http::find_web_asset("/app.css")->content_type == "text/css; charset=utf-8");
    BOOST_TEST(http::find_web_asset("/js/../app.css") == http::find_web_asset("/app.css"));
    BOOST_TEST(!http::find_web_asset("/../../etc/passwd"));
    BOOST_TEST(!http::find_web_asset("/etc/passwd"));
    BOOST_TEST(!http::find_web_asset("/nothing.js"));
}

BOOST_AUTO_TEST_CASE(web_requests_are_get_outside_the_api) {
    BOOST_TEST(http::is_web_request("GET", "/"));
    BOOST_TEST(http::is_web_request("HEAD", "/app.js"));
    BOOST_TEST(!http::is_web_request("POST", "/"));
    BOOST_TEST(!http::is_web_request("GET", "/health"));
    BOOST_TEST(!http::is_web_request("GET", "/api"));
    BOOST_TEST(!http::is_web_request("GET", "/api/v1/runs"));
}

BOOST_AUTO_TEST_CASE(every_file_of_share_web_is_built_in_within_budget) {
    std::set<std::string> on_disk, built_in;
    for (const auto& e : std::filesystem::directory_iterator(FAB_SOURCE_ROOT "/share/web"))
        on_disk.insert("/" + e.path().filename().string());
    size_t total = 0;
    for (const auto& a : http::web_assets()) {
        built_in.insert(std::string(a.path));
        total += a.body.size();
        BOOST_TEST(!a.content_type.empty());
        std::ifstream in(FAB_SOURCE_ROOT "/share/web" + std::string(a.path), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        BOOST_TEST(ss.str() == a.body, a.path << " differs from share/web (rebuild)");
    }
    BOOST_TEST(on_disk == built_in);
    BOOST_TEST(total <= 150u * 1024u);
}

BOOST_AUTO_TEST_CASE(nothing_needs_unsafe_inline_or_another_origin) {
    BOOST_TEST(http::kWebCsp.find("unsafe") == std::string_view::npos);
    BOOST_TEST(http::kWebCsp.find("script-src 'self'") != std::string_view::npos);
    for (const auto& a : http::web_assets()) {
        std::string body(a.body);
        // SVG's namespace is a name, not a place anything is fetched from.
        for (size_t at; (at = body.find("http://www.w3.org/2000/svg")) != std::string::npos;)
            body.erase(at, std::string_view("http://www.w3.org/2000/svg").size());
        BOOST_TEST(body.find("://") == std::string::npos, a.path << " names another origin");
        BOOST_TEST(body.find("innerHTML") == std::string::npos, a.path);
        BOOST_TEST(body.find("eval(") == std::string::npos, a.path);
        if (a.path.ends_with(".html")) {
            BOOST_TEST(body.find(" style=") == std::string::npos, a.path);
            BOOST_TEST(body.find(" onclick=") == std::string::npos, a.path);
            // Every script is a file: no inline <script> body.
            for (size_t at = body.find("<script"); at != std::string::npos;
                 at = body.find("<script", at + 1))
                BOOST_TEST(body.substr(at, body.find('>', at) - at).find(" src=") !=
                           std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
