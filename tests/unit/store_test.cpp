#include "store/store.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <sqlite3.h>
#include <unistd.h>

using namespace fab;

namespace {
struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/fab-store-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};
} // namespace

BOOST_AUTO_TEST_SUITE(store)

BOOST_AUTO_TEST_CASE(new_database_is_migrated_to_latest_in_wal_mode) {
    TempDir t;
    auto s = Store::open(t.path + "/state.db");
    BOOST_TEST_REQUIRE(s.ok(), (s.ok() ? std::string() : s.error()));
    BOOST_TEST((*s)->schema_version() == Store::latest_schema_version());
    BOOST_TEST(std::filesystem::exists(t.path + "/state.db-wal"));
}

BOOST_AUTO_TEST_CASE(events_and_projects_survive_reopen) {
    TempDir t;
    {
        auto s = Store::open(t.path + "/state.db");
        BOOST_TEST_REQUIRE(s.ok());
        BOOST_TEST((*s)->record_event("daemon.start", "pid 1").ok());
        BOOST_TEST((*s)->record_event("project.add", "web").ok());
        BOOST_TEST((*s)->upsert_project({"web", "/src/web", "/f/projects/web/repo", 5}).ok());
        BOOST_TEST((*s)->upsert_project({"web", "/src/web2", "/f/projects/web/repo", 9}).ok());
    }
    auto s = Store::open(t.path + "/state.db");
    BOOST_TEST_REQUIRE(s.ok());
    auto ev = (*s)->recent_events(10);
    BOOST_TEST_REQUIRE(ev.ok());
    BOOST_TEST(ev->size() == 2u);
    BOOST_TEST(ev->at(0).kind == "project.add"); // newest first
    auto p = (*s)->projects();
    BOOST_TEST_REQUIRE(p->size() == 1u);
    BOOST_TEST(p->at(0).remote_url == "/src/web2");
    BOOST_TEST(p->at(0).added_ms == 5); // upsert keeps the first added time
    BOOST_TEST((*s)->remove_project("web").ok());
    BOOST_TEST((*s)->projects()->empty());
}

BOOST_AUTO_TEST_CASE(database_from_a_newer_fab_is_refused) {
    TempDir t;
    std::string db = t.path + "/state.db";
    {
        auto s = Store::open(db);
        BOOST_TEST_REQUIRE(s.ok());
        BOOST_TEST((*s)->exec("PRAGMA user_version=999").ok());
    }
    auto s = Store::open(db);
    BOOST_TEST(!s.ok());
    BOOST_TEST(s.error().find("newer than this fab") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(garbage_file_is_a_clear_error) {
    TempDir t;
    std::string db = t.path + "/state.db";
    FILE* f = std::fopen(db.c_str(), "w");
    std::fputs("this is not a database, just text long enough to matter..........", f);
    std::fclose(f);
    auto s = Store::open(db);
    BOOST_TEST(!s.ok());
    BOOST_TEST(s.error().find("state.db") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(one_agent_per_ticket_and_claims_survive_reopening) {
    TempDir t;
    std::string db = t.path + "/state.db";
    {
        auto s = Store::open(db);
        BOOST_TEST_REQUIRE(s.ok());
        BOOST_TEST((*s)->claim("web", "web-a1b2", "ag1").ok());
        BOOST_TEST((*s)->claim("web", "web-a1b2", "ag1").ok()); // again: no-op
        auto other = (*s)->claim("web", "web-a1b2", "ag2");
        BOOST_TEST(!other.ok());
        BOOST_TEST(other.error().find("claimed by agent ag1") != std::string::npos);
        BOOST_TEST((*s)->claim("api", "web-a1b2", "ag2").ok()); // another project
    }
    auto s = Store::open(db);
    BOOST_TEST_REQUIRE(s.ok());
    BOOST_TEST((*s)->claims("")->size() == 2u);
    BOOST_TEST((*s)->claims("web")->at(0).agent_id == "ag1");
    BOOST_TEST((*s)->release_claims("ag1").ok());
    BOOST_TEST((*s)->claims("web")->empty());
    BOOST_TEST((*s)->claim("web", "web-a1b2", "ag2").ok());
}

BOOST_AUTO_TEST_CASE(commits_newest_first_and_counted_per_project) {
    TempDir t;
    auto s = Store::open(t.path + "/state.db");
    BOOST_TEST_REQUIRE(s.ok());
    CommitRecord c;
    c.project = "web";
    c.agent_id = "ag1";
    c.sha = "aaa";
    c.subject = "first";
    BOOST_TEST((*s)->record_commit(c).ok());
    c.sha = "bbb";
    c.subject = "second";
    BOOST_TEST((*s)->record_commit(c).ok());
    c.project = "api";
    BOOST_TEST((*s)->record_commit(c).ok());
    // The same merged commit again (a merge logged after a killed daemon): once.
    auto again = (*s)->record_commit(c);
    BOOST_TEST_REQUIRE(again.ok());
    BOOST_TEST(*again == false);
    auto web = (*s)->recent_commits("web", 10);
    BOOST_TEST_REQUIRE(web->size() == 2u);
    BOOST_TEST(web->at(0).sha == "bbb");
    BOOST_TEST(*(*s)->commit_count("web") == 2);
    BOOST_TEST(*(*s)->commit_count("") == 3);
}

BOOST_AUTO_TEST_SUITE_END()
