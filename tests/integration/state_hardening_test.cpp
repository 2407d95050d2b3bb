// Damaged and hostile state, as an unlucky user or another local user would
// leave it: a broken state.db, a FAB_DIR or config dir others can write to,
// a regular file where the socket goes, malformed or redirected tickets, a
// flood of unfinished lines, and request fields of the wrong type. Each case
// is the fault itself; the test checks that fab refuses it clearly and that
// nothing is lost or overwritten.
#include "harness.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace fab;
using namespace fab::test;
namespace fs = std::filesystem;

namespace {

constexpr uid_t kNobody = 65534;

std::string bytes_of(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const std::string& path, const std::string& data, std::streamoff at = 0) {
    std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(at);
    f.write(data.data(), static_cast<std::streamsize>(data.size()));
}

std::string garbage(size_t n) {
    std::string g(n, '\0');
    uint32_t x = 2463534242u;
    for (char& c : g) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        c = static_cast<char>(x);
    }
    return g;
}

// A stopped daemon that knew project "web": its state.db is settled (WAL
// checkpointed into the file on a clean stop).
struct StoppedWithProject {
    Sandbox sb;
    std::string db;
    StoppedWithProject() {
        BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
        auto r = sb.fab({"project", "add", sb.make_repo("web")});
        BOOST_TEST_REQUIRE(r.code == 0, r.err);
        BOOST_TEST_REQUIRE(sb.fab({"server", "stop"}).code == 0);
        db = sb.fab_dir() + "/state.db";
        BOOST_TEST_REQUIRE(fs::file_size(db) > 8192u);
    }

    // Start refused with the one line; the damaged file byte-for-byte as it
    // was; once moved aside, a fresh start brings project "web" back.
    void expect_refused_then_recovered(const std::string& why) {
        std::string before = bytes_of(db);
        auto r = sb.fab({"server", "start"});
        BOOST_TEST(r.code != 0);
        BOOST_TEST(r.err.find(db + " is damaged (" + why) != std::string::npos, r.err);
        BOOST_TEST(r.err.find("mv " + db + " " + db + ".bad") != std::string::npos, r.err);
        BOOST_TEST(r.err.find('\n') == r.err.size() - 1, "one line: " + r.err);
        BOOST_TEST(sb.daemon_pid() == 0);
        BOOST_TEST(bytes_of(db) == before, "the damaged file is left untouched");

        auto fg = sb.run({build_path("fabd"), "--foreground"});
        BOOST_TEST(fg.code != 0);
        BOOST_TEST(fg.err.find("\nfabd: " + db + " is damaged (") != std::string::npos, fg.err);
        BOOST_TEST(bytes_of(db) == before);

        fs::rename(db, db + ".bad");
        auto again = sb.fab({"server", "start"});
        BOOST_TEST_REQUIRE(again.code == 0, again.err);
        auto list = Json::parse(sb.fab({"project", "list", "--json"}).out, nullptr, false);
        BOOST_TEST(list.dump().find("\"web\"") != std::string::npos, list.dump());
        struct stat st {};
        BOOST_TEST(::stat(db.c_str(), &st) == 0);
        BOOST_TEST((st.st_mode & 0777) == 0600u);
        BOOST_TEST(bytes_of(db + ".bad") == before);
    }
};

Connection raw(const Sandbox& sb) {
    auto c = Connection::open(sb.socket());
    BOOST_TEST_REQUIRE(c.ok());
    return std::move(*c);
}

Json answer(Connection& c, const std::string& line) {
    BOOST_TEST_REQUIRE(c.send_line(line + "\n").ok());
    auto got = c.read_line(10000);
    BOOST_TEST_REQUIRE(got.ok(), (got.ok() ? std::string() : got.error()));
    return Json::parse(*got, nullptr, false);
}

long rss_kib(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    while (in >> key) {
        if (key == "VmRSS:") {
            long v = 0;
            in >> v;
            return v;
        }
        std::getline(in, key);
    }
    return -1;
}

} // namespace

BOOST_AUTO_TEST_SUITE(state_hardening)

BOOST_FIXTURE_TEST_CASE(state_db_with_garbage_pages_is_refused_and_left_as_is, StoppedWithProject) {
    write_bytes(db, garbage(4096), 4096); // page 2 onwards: b-tree pages
    expect_refused_then_recovered("quick_check: ");
}

BOOST_FIXTURE_TEST_CASE(state_db_missing_a_table_is_refused, StoppedWithProject) {
    sqlite3* h = nullptr;
    BOOST_TEST_REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
    BOOST_TEST_REQUIRE(sqlite3_exec(h, "DROP TABLE claims", nullptr, nullptr, nullptr) ==
                       SQLITE_OK);
    sqlite3_close(h);
    BOOST_TEST_REQUIRE(!fs::exists(db + "-wal"));
    expect_refused_then_recovered("table claims: no such table: claims");
}

BOOST_FIXTURE_TEST_CASE(state_db_of_zero_bytes_is_refused, StoppedWithProject) {
    fs::resize_file(db, 0);
    expect_refused_then_recovered("0 bytes");
}

BOOST_FIXTURE_TEST_CASE(state_db_of_garbage_bytes_is_refused, StoppedWithProject) {
    std::ofstream(db, std::ios::binary | std::ios::trunc) << garbage(20000);
    expect_refused_then_recovered("not an SQLite database");
}

BOOST_FIXTURE_TEST_CASE(a_wal_left_behind_is_never_replayed_into_a_new_database,
                        StoppedWithProject) {
    std::ofstream(db + "-wal", std::ios::binary) << garbage(8192);
    fs::rename(db, db + ".bad");
    auto r = sb.fab({"server", "start"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    bool kept = false;
    for (const auto& e : fs::directory_iterator(sb.fab_dir()))
        kept |= e.path().filename().string().rfind("state.db-wal.orphaned-", 0) == 0;
    BOOST_TEST(kept, "the stray -wal is kept under another name");
    BOOST_TEST(sb.fab({"status"}).code == 0);
}

BOOST_AUTO_TEST_CASE(fab_dir_owned_by_another_user_is_refused) {
    Sandbox sb;
    fs::create_directories(sb.fab_dir());
    if (::geteuid() != 0) return; // only root can give a directory away
    BOOST_TEST_REQUIRE(::chown(sb.fab_dir().c_str(), kNobody, kNobody) == 0);
    auto r = sb.fab({"server", "start"});
    BOOST_TEST(r.code != 0);
    BOOST_TEST(r.err.find(sb.fab_dir() + " is owned by uid 65534, not by you") != std::string::npos,
               r.err);
    auto fg = sb.run({build_path("fabd"), "--foreground"});
    BOOST_TEST(fg.code != 0);
    BOOST_TEST(fg.err.find("is owned by uid 65534") != std::string::npos, fg.err);
    BOOST_TEST(!fs::exists(sb.fab_dir() + "/state.db"), "nothing written into it");
    // The hook fails closed: a deny, never a silent allow.
    auto hook = sb.run_input({build_path("fab"), "hook", "PreToolUse"},
                             R"({"tool_name":"Bash","tool_input":{"command":"ls"}})");
    BOOST_TEST(hook.out.find("deny") != std::string::npos, hook.out + hook.err);
    BOOST_TEST(hook.out.find("is owned by uid 65534") != std::string::npos, hook.out);
    BOOST_TEST_REQUIRE(::chown(sb.fab_dir().c_str(), 0, 0) == 0);
}

BOOST_AUTO_TEST_CASE(group_writable_fab_dir_and_config_dir_are_refused) {
    Sandbox sb;
    fs::create_directories(sb.fab_dir() + "/config");
    ::chmod(sb.fab_dir().c_str(), 0770);
    auto r = sb.fab({"status"});
    BOOST_TEST(r.code != 0);
    BOOST_TEST(r.err.find(sb.fab_dir() + " is writable by its group (mode 0770)") !=
                   std::string::npos,
               r.err);
    BOOST_TEST(r.err.find("chmod go-w " + sb.fab_dir()) != std::string::npos, r.err);
    auto fg = sb.run({build_path("fabd"), "--foreground"});
    BOOST_TEST(fg.code != 0);
    BOOST_TEST(fg.err.find("is writable by its group") != std::string::npos, fg.err);
    ::chmod(sb.fab_dir().c_str(), 0700);

    ::chmod((sb.fab_dir() + "/config").c_str(), 0757);
    auto s = sb.fab({"server", "start"});
    BOOST_TEST(s.code != 0);
    BOOST_TEST(s.err.find(sb.fab_dir() + "/config is writable by others") != std::string::npos,
               s.err);
    BOOST_TEST(sb.daemon_pid() == 0);
    ::chmod((sb.fab_dir() + "/config").c_str(), 0700);
    BOOST_TEST(sb.fab({"server", "start"}).code == 0);
}

BOOST_AUTO_TEST_CASE(created_state_dirs_are_private) {
    Sandbox sb;
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    for (const char* d : {"", "/agents", "/hosts", "/projects", "/plans", "/config"}) {
        struct stat st {};
        std::string path = sb.fab_dir() + d;
        if (::stat(path.c_str(), &st) != 0) continue; // config/ appears with the first write
        BOOST_TEST((st.st_mode & 0777) == 0700u, path);
    }
}

BOOST_AUTO_TEST_CASE(regular_file_at_the_socket_path_is_never_deleted) {
    Sandbox sb;
    fs::create_directories(sb.fab_dir());
    ::chmod(sb.fab_dir().c_str(), 0700);
    std::ofstream(sb.socket()) << "someone's notes\n";
    auto r = sb.fab({"server", "start"});
    BOOST_TEST(r.code != 0);
    BOOST_TEST(r.err.find(sb.socket() + " exists and is not a socket") != std::string::npos, r.err);
    BOOST_TEST(read_text(sb.socket()) == "someone's notes\n");
    BOOST_TEST(sb.daemon_pid() == 0);
}

BOOST_AUTO_TEST_CASE(too_many_connections_from_one_uid_get_an_error) {
    Sandbox sb;
    sb.set_env("FAB_MAX_CLIENTS", "8");
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    std::vector<Connection> held;
    for (int i = 0; i < 8; ++i) {
        held.push_back(raw(sb));
        BOOST_TEST_REQUIRE(held.back().request("ping", {{"protocol", 1}}).ok());
    }
    auto extra = raw(sb); // accepted by the kernel, refused by the daemon
    auto line = extra.read_line(10000);
    BOOST_TEST_REQUIRE(line.ok());
    BOOST_TEST(line->find("too many connections (8, the limit is 8)") != std::string::npos, *line);
    BOOST_TEST(!extra.read_line(10000).ok(), "then closed");
    held.pop_back();
    BOOST_TEST(wait_for([&] { return sb.fab({"status"}).code == 0; }));
}

// Unbounded, 40 clients × 15 MiB would be 600 MiB more; the budget holds
// 64 MiB plus 256 KiB free per connection. The bound is on growth over the
// daemon's own RSS after start: under AddressSanitizer that start is over
// 200 MiB (the debug binary's image) and freed buffers sit in ASan's
// quarantine (256 MiB by default) before their pages are reused, so that
// build's bound is the budget plus the quarantine.
#if defined(__SANITIZE_ADDRESS__)
constexpr long kParkedRssGrowthKib = 400 * 1024;
#else
constexpr long kParkedRssGrowthKib = 185 * 1024;
#endif

BOOST_AUTO_TEST_CASE(forty_clients_parking_15_mib_each_stay_within_a_global_budget) {
    Sandbox sb;
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    int pid = sb.daemon_pid();
    auto bystander = raw(sb);
    BOOST_TEST_REQUIRE(bystander.request("ping", {{"protocol", 1}}).ok());
    const long bound = rss_kib(pid) + kParkedRssGrowthKib;
    const std::string chunk(1024 * 1024, 'x');
    std::vector<Connection> parked;
    int refused = 0;
    for (int i = 0; i < 40; ++i) {
        parked.push_back(raw(sb));
        bool sent = true;
        for (int mib = 0; mib < 15 && sent; ++mib) sent = parked.back().send_line(chunk).ok();
        long rss = rss_kib(pid);
        BOOST_TEST(rss < bound, "client " << i << ": fabd RSS " << rss << " KiB, bound " << bound);
        if (!sent) ++refused;
    }
    // Each refused client got the reason before it was closed.
    int told = 0;
    for (auto& c : parked) {
        auto l = c.read_line(200);
        if (l && l->find("too much unfinished input") != std::string::npos) ++told;
    }
    BOOST_TEST(told >= 30, told << " clients were told, " << refused << " saw the close");
    BOOST_TEST(rss_kib(pid) < bound);
    BOOST_TEST(bystander.request("ping", {{"protocol", 1}}).ok());
    parked.clear();
    // Once they are gone their budget is free again: a new client may send
    // a 15 MiB line, and it is read to its end (then refused as not JSON).
    BOOST_TEST(wait_for([&] {
        auto c = Connection::open(sb.socket());
        if (!c) return false;
        for (int mib = 0; mib < 15; ++mib)
            if (!c->send_line(chunk).ok()) return false;
        if (!c->send_line("\n").ok()) return false;
        auto l = c->read_line(5000);
        return l && l->find("malformed JSON") != std::string::npos;
    }));
    BOOST_TEST(sb.fab({"status"}).code == 0);
    BOOST_TEST(process_alive(pid));
}

BOOST_AUTO_TEST_CASE(wrong_typed_fields_are_named_not_internal_errors) {
    Sandbox sb;
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    auto c = raw(sb);
    struct Case {
        const char* line;
        const char* error;
    } cases[] = {
        {R"({"type":"ping","id":"1","payload":{"protocol":"1"}})",
         R"(field "protocol" must be an integer)"},
        {R"({"type":"agent.history","id":"2","payload":{"id":5}})",
         R"(field "id" must be a string)"},
        {R"({"type":"agent.history","id":"3","payload":{"id":"a1","limit":"9"}})",
         R"(field "limit" must be an integer)"},
        {R"({"type":"project.remove","id":"4","payload":{"name":"x","force":"yes"}})",
         R"(field "force" must be a bool)"},
        {R"({"type":"attach","id":"5","payload":{"since":[1]}})",
         R"(field "since" must be an object)"},
        {R"({"type":"project.add","id":"6","payload":{"source":["/tmp"]}})",
         R"(field "source" must be a string)"},
        {R"({"type":"permission.respond","id":"7","payload":{"id":{}}})",
         R"(field "id" must be a string)"},
        {R"({"type":"issue.list","id":"8","payload":{"project":1}})",
         R"(field "project" must be a string)"},
    };
    for (const auto& k : cases) {
        Json j = answer(c, k.line);
        BOOST_TEST(j["success"] == false, k.line);
        BOOST_TEST(j.value("error", "") == k.error, k.line << " → " << j.dump());
    }
    BOOST_TEST(c.request("ping", {{"protocol", 1}}).ok(), "the connection lives on");
    BOOST_TEST(read_text(sb.fab_dir() + "/fab.log").find("threw") == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(huge_numeric_answer_is_free_text, AgentsFixture) {
    start_project();
    std::string id = create("SCRIPT:ask Which database?|Postgres|SQLite");
    std::string qid = sb.wait_question();
    BOOST_TEST_REQUIRE(!qid.empty());
    auto r = sb.fab({"question", "answer", qid, "99999999999999999999"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(wait_history(id, "\"Which database?\"=\"99999999999999999999\""));
}

BOOST_FIXTURE_TEST_CASE(agents_come_back_from_their_transcripts_with_a_new_state_db,
                        AgentsFixture) {
    start_project();
    std::string id = create("SCRIPT:say remembered line");
    BOOST_TEST_REQUIRE(wait_history(id, "remembered line"));
    BOOST_TEST_REQUIRE(sb.fab({"server", "stop"}).code == 0);
    std::string db = sb.fab_dir() + "/state.db";
    fs::rename(db, db + ".bad");
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    BOOST_TEST(wait_for([&] { return !agent(id).empty(); }));
    Json a = agent(id);
    BOOST_TEST(a.value("project", "") == "web", a.dump());
    BOOST_TEST(a.value("backend", "") == "scripted", a.dump());
    BOOST_TEST(a.value("branch", "") == "fab/" + id, a.dump());
    BOOST_TEST(wait_history(id, "remembered line"));
    BOOST_TEST(read_text(sb.fab_dir() + "/fab.log").find("rebuilt 1 agent(s)") !=
               std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
