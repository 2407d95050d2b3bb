// In-repo tickets: the front-matter parser (good, malformed and hostile
// files), ready computation, the text edits and id generation.
#include "issues/tickets.hpp"
#include "issues/write.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace fab;
using namespace fab::issues;

namespace {

struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/fab-issues-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    void put(const std::string& name, const std::string& text) const {
        std::ofstream(path + "/" + name, std::ios::binary) << text;
    }
};

std::string ticket(const std::string& id, const std::string& extra = "",
                   const std::string& title = "A title") {
    return "---\nid: " + id +
           "\nstatus: open\ndeps: []\nlinks: []\ncreated: 2026-01-01T00:00:00Z\n" +
           "type: task\npriority: 2\n" + extra + "---\n# " + title + "\n\nBody text.\n";
}

Ticket parse_ok(const std::string& path, const std::string& text) {
    Ticket t;
    ParseProblem p;
    bool ok = parse_ticket(path, text, t, p);
    BOOST_TEST_REQUIRE(ok, p.path + ":" + std::to_string(p.line) + ": " + p.message);
    return t;
}

ParseProblem parse_bad(const std::string& path, const std::string& text) {
    Ticket t;
    ParseProblem p;
    BOOST_TEST_REQUIRE(!parse_ticket(path, text, t, p));
    return p;
}

} // namespace

BOOST_AUTO_TEST_SUITE(issues)

BOOST_AUTO_TEST_CASE(parses_every_known_key_and_the_body) {
    Ticket t = parse_ok("/x/.tickets/web-a1b2.md",
                        "---\nid: web-a1b2\nstatus: in_progress\ndeps: [web-0000, 'web-1111']\n"
                        "links: []\ncreated: 2026-11-21T10:00:00Z\ntype: bug\npriority: 0\n"
                        "labels: [ui, \"backend\"]\nparent: web-9999\n---\n# Fix the login\n\n"
                        "It fails.\n\n## Plan\n\n1. look\n");
    BOOST_TEST(t.id == "web-a1b2");
    BOOST_TEST(t.status == "in_progress");
    BOOST_TEST((t.deps == std::vector<std::string>{"web-0000", "web-1111"}));
    BOOST_TEST(t.links.empty());
    BOOST_TEST(t.created == "2026-11-21T10:00:00Z");
    BOOST_TEST(t.type == "bug");
    BOOST_TEST(t.priority == 0);
    BOOST_TEST((t.labels == std::vector<std::string>{"ui", "backend"}));
    BOOST_TEST(t.parent == "web-9999");
    BOOST_TEST(t.title == "Fix the login");
    BOOST_TEST(t.body == "It fails.\n\n## Plan\n\n1. look\n");
    BOOST_TEST(t.path == "/x/.tickets/web-a1b2.md");
}

BOOST_AUTO_TEST_CASE(block_lists_and_defaults) {
    Ticket t = parse_ok("web-b.md", "---\nid: web-b\ndeps:\n  - web-a\n  - \"web-c\"\n"
                                    "links:\n---\n# T\n");
    BOOST_TEST((t.deps == std::vector<std::string>{"web-a", "web-c"}));
    BOOST_TEST(t.links.empty());
    BOOST_TEST(t.status == "open");
    BOOST_TEST(t.type == "task");
    BOOST_TEST(t.priority == 2);
    BOOST_TEST(t.body.empty());
}

BOOST_AUTO_TEST_CASE(unknown_keys_are_kept_in_order) {
    Ticket t =
        parse_ok("w-1.md", ticket("w-1", "assignee: ann\nexternal-ref: gh-12\ntags:\n- a\n"));
    BOOST_TEST_REQUIRE(t.extra.size() == 3u);
    BOOST_TEST(t.extra[0].first == "assignee");
    BOOST_TEST(t.extra[0].second == "ann");
    BOOST_TEST(t.extra[1].first == "external-ref");
    BOOST_TEST(t.extra[2].second == "[a]");
}

BOOST_AUTO_TEST_CASE(crlf_and_bom_are_accepted) {
    std::string text = "\xEF\xBB\xBF---\r\nid: w-2\r\nstatus: closed\r\ndeps: [w-1]\r\n---\r\n"
                       "# Title\r\n\r\nBody\r\n";
    Ticket t = parse_ok("w-2.md", text);
    BOOST_TEST(t.status == "closed");
    BOOST_TEST((t.deps == std::vector<std::string>{"w-1"}));
    BOOST_TEST(t.title == "Title");
    BOOST_TEST(t.body == "Body\n");
}

BOOST_AUTO_TEST_CASE(malformed_files_report_path_and_line) {
    auto p = parse_bad("d/w-1.md", "# no front matter\n");
    BOOST_TEST(p.path == "d/w-1.md");
    BOOST_TEST(p.line == 1);
    BOOST_TEST(p.message.find("front matter") != std::string::npos);

    p = parse_bad("w-1.md", "---\nid: w-1\nstatus: open\n# never closed\n");
    BOOST_TEST(p.message.find("unterminated") != std::string::npos);

    p = parse_bad("w-1.md", "");
    BOOST_TEST(p.line == 1);

    p = parse_bad("w-1.md", "---\nid: w-1\nstatus: done\n---\n# T\n");
    BOOST_TEST(p.line == 3);
    BOOST_TEST(p.message.find("status") != std::string::npos);

    p = parse_bad("w-1.md", "---\nid: w-1\npriority: 7\n---\n# T\n");
    BOOST_TEST(p.line == 3);
    p = parse_bad("w-1.md", "---\nid: w-1\npriority: high\n---\n# T\n");
    BOOST_TEST(p.line == 3);
    p = parse_bad("w-1.md", "---\nid: w-1\ntype: story\n---\n# T\n");
    BOOST_TEST(p.line == 3);

    p = parse_bad("w-1.md", "---\nid: w-1\nstatus: open\nstatus: closed\n---\n# T\n");
    BOOST_TEST(p.line == 4);
    BOOST_TEST(p.message.find("duplicate") != std::string::npos);

    p = parse_bad("w-1.md", "---\nid: w-2\n---\n# T\n");
    BOOST_TEST(p.line == 2);
    BOOST_TEST(p.message.find("file name") != std::string::npos);

    p = parse_bad("w-1.md", "---\nid: w-1\ndeps: [a, b\n---\n# T\n");
    BOOST_TEST(p.line == 3);

    p = parse_bad("w-1.md", "---\nid: w-1\njust words\n---\n# T\n");
    BOOST_TEST(p.line == 3);

    p = parse_bad("w-1.md", "---\nid: w-1\nstatus: open\n  - stray\n---\n# T\n");
    BOOST_TEST(p.line == 4);

    p = parse_bad("w-1.md", "---\nid: ../../etc/passwd\n---\n");
    BOOST_TEST(p.message.find("invalid id") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(hostile_files_are_reported_not_fatal) {
    auto p = parse_bad("w-1.md", std::string("---\nid: w-1\n\0\n---\n", 17));
    BOOST_TEST(p.line == 3);
    BOOST_TEST(p.message.find("NUL") != std::string::npos);

    std::string huge = ticket("w-1") + std::string(kMaxTicketBytes, 'x');
    p = parse_bad("w-1.md", huge);
    BOOST_TEST(p.message.find("too large") != std::string::npos);

    std::string long_line = "---\nid: w-1\nnote: " + std::string(100000, 'y') + "\n---\n# T\n";
    p = parse_bad("w-1.md", long_line);
    BOOST_TEST(p.line == 3);

    // A long body line is fine: only front matter is bounded per line.
    Ticket t = parse_ok("w-1.md", ticket("w-1") + std::string(200000, 'z') + "\n");
    BOOST_TEST(t.body.size() > 200000u);

    // Random bytes never crash the parser.
    std::string junk;
    for (int i = 0; i < 5000; ++i) junk += static_cast<char>((i * 7919 + 13) % 255 + 1);
    Ticket t2;
    ParseProblem p2;
    parse_ticket("w-1.md", "---\n" + junk, t2, p2);
    parse_ticket("w-1.md", junk, t2, p2);
}

BOOST_AUTO_TEST_CASE(load_dir_skips_bad_files_and_keeps_the_rest) {
    TempDir d;
    d.put("w-b.md", ticket("w-b"));
    d.put("w-a.md", ticket("w-a"));
    d.put("w-bad.md", "---\nid: w-bad\nstatus: nope\n---\n# x\n");
    d.put("w-big.md", std::string(kMaxTicketBytes + 10, 'a'));
    d.put("notes.txt", "not a ticket");
    d.put(".w-tmp.md", "half written");
    ::mkfifo((d.path + "/w-fifo.md").c_str(), 0600);
    ::symlink("/dev/zero", (d.path + "/w-zero.md").c_str());

    TicketSet set = load_dir(d.path);
    BOOST_TEST_REQUIRE(set.tickets.size() == 2u);
    BOOST_TEST(set.tickets[0].id == "w-a");
    BOOST_TEST(set.tickets[1].id == "w-b");
    BOOST_TEST(set.find("w-b") == &set.tickets[1]);
    BOOST_TEST(set.find("w-c") == nullptr);
    BOOST_TEST_REQUIRE(set.problems.size() == 4u);
    bool saw_status = false;
    for (const auto& p : set.problems) {
        if (p.path == d.path + "/w-bad.md") {
            BOOST_TEST(p.line == 3);
            saw_status = true;
        }
    }
    BOOST_TEST(saw_status);
}

BOOST_AUTO_TEST_CASE(missing_directory_is_an_empty_set) {
    TicketSet set = load_dir("/nonexistent/fab/.tickets");
    BOOST_TEST(set.tickets.empty());
    BOOST_TEST(set.problems.empty());
}

BOOST_AUTO_TEST_CASE(ready_needs_open_closed_deps_and_no_claim) {
    TempDir d;
    auto mk = [&](const std::string& id, const std::string& status, const std::string& deps,
                  int prio, const std::string& created) {
        d.put(id + ".md", "---\nid: " + id + "\nstatus: " + status + "\ndeps: [" + deps +
                              "]\ncreated: " + created + "\npriority: " + std::to_string(prio) +
                              "\n---\n# " + id + "\n");
    };
    mk("t-done", "closed", "", 2, "2026-01-01T00:00:00Z");
    mk("t-wip", "in_progress", "", 0, "2026-01-01T00:00:00Z");
    mk("t-open", "open", "", 0, "2026-01-01T00:00:00Z");
    mk("t-new", "open", "t-done", 1, "2026-01-03T00:00:00Z");
    mk("t-old", "open", "t-done", 1, "2026-01-02T00:00:00Z");
    mk("t-blocked", "open", "t-open", 0, "2026-01-01T00:00:00Z");
    mk("t-orphan", "open", "t-missing", 0, "2026-01-01T00:00:00Z");
    mk("t-claimed", "open", "", 0, "2026-01-01T00:00:00Z");
    mk("t-low", "open", "", 2, "2025-01-01T00:00:00Z");
    mk("t-stuck", "blocked", "", 0, "2026-01-01T00:00:00Z");
    d.put("t-epic.md", "---\nid: t-epic\nstatus: open\ntype: epic\npriority: 0\n---\n# A plan\n");
    TicketSet set = load_dir(d.path);
    BOOST_TEST_REQUIRE(set.problems.empty());

    auto r = ready(set, {"t-claimed"});
    std::vector<std::string> ids;
    for (auto* t : r) ids.push_back(t->id);
    BOOST_TEST((ids == std::vector<std::string>{"t-open", "t-old", "t-new", "t-low"}));
}

BOOST_AUTO_TEST_CASE(id_prefix_follows_the_project_name) {
    BOOST_TEST(id_prefix("web") == "web");
    BOOST_TEST(id_prefix("my-cool_app") == "mca");
    BOOST_TEST(id_prefix("Fab") == "fab");
    BOOST_TEST(id_prefix("averyveryverylongname") == "averyver");
    BOOST_TEST(id_prefix("") == "t");
    BOOST_TEST(id_prefix("---") == "t");
}

BOOST_AUTO_TEST_CASE(create_writes_a_parsable_ticket_and_avoids_ids) {
    TempDir d;
    NewTicket n;
    n.title = "Add search";
    n.type = "feature";
    n.priority = 1;
    n.deps = {"web-0001"};
    n.parent = "web-epic";
    n.description = "Search by name.";
    auto t = create(d.path + "/.tickets", "web", n);
    BOOST_TEST_REQUIRE(t.ok(), (t.ok() ? "" : t.error()));
    BOOST_TEST(t->id.size() == 8u);
    BOOST_TEST(t->id.starts_with("web-"));
    TicketSet set = load_dir(d.path + "/.tickets");
    BOOST_TEST_REQUIRE(set.tickets.size() == 1u);
    const Ticket& r = set.tickets[0];
    BOOST_TEST(r.title == "Add search");
    BOOST_TEST(r.type == "feature");
    BOOST_TEST(r.priority == 1);
    BOOST_TEST((r.deps == std::vector<std::string>{"web-0001"}));
    BOOST_TEST(r.parent == "web-epic");
    BOOST_TEST(r.body == "Search by name.\n");
    BOOST_TEST(r.created.size() == 20u);

    // With a one-character prefix space of 36^4 we cannot exhaust ids, but
    // an avoid set that covers the first draws must be honoured.
    std::set<std::string> avoid;
    for (const auto& e : std::filesystem::directory_iterator(d.path + "/.tickets"))
        avoid.insert(e.path().stem().string());
    for (int i = 0; i < 20; ++i) {
        auto more = create(d.path + "/.tickets", "web", n, avoid);
        BOOST_TEST_REQUIRE(more.ok());
        BOOST_TEST(!avoid.count(more->id));
        avoid.insert(more->id);
    }
    BOOST_TEST(load_dir(d.path + "/.tickets").tickets.size() == 21u);

    NewTicket bad;
    bad.title = "x";
    bad.priority = 5;
    BOOST_TEST(!create(d.path, "web", bad).ok());
    bad.priority = 1;
    bad.title = "two\nlines";
    BOOST_TEST(!create(d.path, "web", bad).ok());
    bad.title = "ok";
    bad.deps = {"../x"};
    BOOST_TEST(!create(d.path, "web", bad).ok());
}

BOOST_AUTO_TEST_CASE(concurrent_creates_never_share_an_id) {
    // One-character ids (36 of them): two threads filling 30 collide all the
    // time, so the "name taken meanwhile" path really runs.
    TempDir d;
    const std::string dir = d.path + "/.tickets";
    std::vector<std::string> a, b;
    auto run = [&](std::vector<std::string>& out) {
        NewTicket n;
        n.title = "race";
        for (int i = 0; i < 15; ++i) {
            auto t = create(dir, "r", n, {}, 1);
            if (t.ok()) out.push_back(t->id);
        }
    };
    std::thread t1(run, std::ref(a));
    std::thread t2(run, std::ref(b));
    t1.join();
    t2.join();
    BOOST_TEST(a.size() == 15u);
    BOOST_TEST(b.size() == 15u);
    std::set<std::string> all(a.begin(), a.end());
    all.insert(b.begin(), b.end());
    BOOST_TEST(all.size() == 30u);
    TicketSet set = load_dir(dir);
    BOOST_TEST(set.tickets.size() == 30u);
    BOOST_TEST(set.problems.empty());
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
    BOOST_TEST(files == 30u); // no temp file left behind

    // When every id is taken, create says so instead of looping for ever.
    NewTicket n;
    n.title = "full";
    std::set<std::string> avoid;
    for (char c : std::string("0123456789abcdefghijklmnopqrstuvwxyz"))
        avoid.insert(std::string("r-") + c);
    auto full = create(dir, "r", n, avoid, 1);
    BOOST_TEST_REQUIRE(!full.ok());
    BOOST_TEST(full.error().find("free ticket id") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(update_keeps_unknown_keys_comments_and_body) {
    std::string text =
        "---\nid: w-1\nstatus: open\n# a comment in front matter\n"
        "assignee: ann\ndeps:\n  - w-0\n  - w-9\nlinks: []\ncreated: 2026-01-01T00:00:00Z\n"
        "type: task\npriority: 2\n---\n# Old title\n\nOld description.\n\n"
        "## Plan\n\n1. step\n\n## Notes\n\n**2026-01-01T00:00:00Z**\n\nhello\n";
    TicketUpdate u;
    u.status = "in_progress";
    u.deps = std::vector<std::string>{"w-0"};
    u.title = "New title";
    u.priority = 0;
    u.parent = "w-epic";
    auto out = apply_update(text, u);
    BOOST_TEST_REQUIRE(out.ok(), (out.ok() ? "" : out.error()));
    Ticket t = parse_ok("w-1.md", *out);
    BOOST_TEST(t.status == "in_progress");
    BOOST_TEST((t.deps == std::vector<std::string>{"w-0"}));
    BOOST_TEST(t.title == "New title");
    BOOST_TEST(t.priority == 0);
    BOOST_TEST(t.parent == "w-epic");
    BOOST_TEST(out->find("# a comment in front matter\n") != std::string::npos);
    BOOST_TEST(out->find("assignee: ann\n") != std::string::npos);
    BOOST_TEST(out->find("w-9") == std::string::npos);
    BOOST_TEST(t.body == "Old description.\n\n## Plan\n\n1. step\n\n## Notes\n\n"
                         "**2026-01-01T00:00:00Z**\n\nhello\n");

    TicketUpdate d;
    d.description = "New description.";
    auto out2 = apply_update(*out, d);
    BOOST_TEST_REQUIRE(out2.ok());
    Ticket t2 = parse_ok("w-1.md", *out2);
    BOOST_TEST(t2.body == "New description.\n\n## Plan\n\n1. step\n\n## Notes\n\n"
                          "**2026-01-01T00:00:00Z**\n\nhello\n");

    // An update that changes nothing gives back the same text (round trip).
    TicketUpdate same;
    same.status = "in_progress";
    auto out3 = apply_update(*out2, same);
    BOOST_TEST_REQUIRE(out3.ok());
    BOOST_TEST(*out3 == *out2);

    // A block list with blank and comment lines between its items is
    // replaced whole; the next key survives.
    std::string gappy =
        "---\nid: w-1\ndeps:\n  - w-0\n\n  # old\n  - w-9\nstatus: open\n---\n# T\n";
    TicketUpdate nd;
    nd.deps = std::vector<std::string>{"w-5"};
    auto out4 = apply_update(gappy, nd);
    BOOST_TEST_REQUIRE(out4.ok(), (out4.ok() ? "" : out4.error()));
    Ticket t4 = parse_ok("w-1.md", *out4);
    BOOST_TEST((t4.deps == std::vector<std::string>{"w-5"}));
    BOOST_TEST(out4->find("w-9") == std::string::npos, *out4);
    BOOST_TEST(out4->find("status: open") != std::string::npos, *out4);

    TicketUpdate bad;
    bad.status = "finished";
    BOOST_TEST(!apply_update(text, bad).ok());
    BOOST_TEST(!apply_update("not a ticket", same).ok());
}

BOOST_AUTO_TEST_CASE(comments_append_to_notes_and_plan_is_upserted) {
    std::string text = ticket("w-1");
    auto c1 = append_comment(text, "2026-01-01T00:00:00Z", "first");
    BOOST_TEST_REQUIRE(c1.ok());
    auto c2 = append_comment(*c1, "2026-01-02T00:00:00Z", "second\nline");
    BOOST_TEST_REQUIRE(c2.ok());
    Ticket t = parse_ok("w-1.md", *c2);
    BOOST_TEST(t.body == "Body text.\n\n## Notes\n\n**2026-01-01T00:00:00Z**\n\nfirst\n\n"
                         "**2026-01-02T00:00:00Z**\n\nsecond\nline\n");
    BOOST_TEST(!append_comment(text, "x", "  ").ok());

    auto p1 = upsert_plan(*c2, "1. a\n2. b");
    BOOST_TEST_REQUIRE(p1.ok());
    t = parse_ok("w-1.md", *p1);
    BOOST_TEST(t.body == "Body text.\n\n## Plan\n\n1. a\n2. b\n\n## Notes\n\n"
                         "**2026-01-01T00:00:00Z**\n\nfirst\n\n"
                         "**2026-01-02T00:00:00Z**\n\nsecond\nline\n");
    auto p2 = upsert_plan(*p1, "only c");
    BOOST_TEST_REQUIRE(p2.ok());
    t = parse_ok("w-1.md", *p2);
    BOOST_TEST(t.body.find("## Plan\n\nonly c\n\n## Notes") != std::string::npos);
    BOOST_TEST(t.body.find("1. a") == std::string::npos);

    // A plan on a ticket without notes goes at the end; comments go after it.
    auto p3 = upsert_plan(text, "x");
    BOOST_TEST_REQUIRE(p3.ok());
    auto c3 = append_comment(*p3, "2026-01-03T00:00:00Z", "after plan");
    BOOST_TEST_REQUIRE(c3.ok());
    t = parse_ok("w-1.md", *c3);
    BOOST_TEST(
        t.body ==
        "Body text.\n\n## Plan\n\nx\n\n## Notes\n\n**2026-01-03T00:00:00Z**\n\nafter plan\n");
}

BOOST_AUTO_TEST_CASE(file_writers_are_atomic_and_refuse_bad_ids) {
    TempDir d;
    NewTicket n;
    n.title = "t";
    auto t = create(d.path, "w", n);
    BOOST_TEST_REQUIRE(t.ok());
    BOOST_TEST(close(d.path, t->id).ok());
    BOOST_TEST(comment(d.path, t->id, "done").ok());
    BOOST_TEST(set_plan(d.path, t->id, "none").ok());
    TicketSet set = load_dir(d.path);
    BOOST_TEST_REQUIRE(set.tickets.size() == 1u);
    BOOST_TEST(set.tickets[0].status == "closed");
    BOOST_TEST(set.tickets[0].body.find("done") != std::string::npos);
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(d.path)) ++files;
    BOOST_TEST(files == 1u); // no temp files left behind

    BOOST_TEST(!close(d.path, "../etc").ok());
    auto missing = close(d.path, "w-zzzz");
    BOOST_TEST_REQUIRE(!missing.ok());
    BOOST_TEST(missing.error().find("no ticket") != std::string::npos);

    d.put("w-bad.md", "---\nid: w-bad\nstatus: weird\n---\n# x\n");
    auto bad = close(d.path, "w-bad");
    BOOST_TEST_REQUIRE(!bad.ok());
    BOOST_TEST(bad.error().find("w-bad.md:3: ") != std::string::npos, bad.error());

    // The id does not match the file name: refused before anything is written.
    const std::string other = "---\nid: w-other\nstatus: open\n---\n# x\n";
    d.put("w-mis.md", other);
    auto mismatch = close(d.path, "w-mis");
    BOOST_TEST_REQUIRE(!mismatch.ok());
    BOOST_TEST(mismatch.error().find("w-mis.md:2: ") != std::string::npos, mismatch.error());
    std::ifstream in(d.path + "/w-mis.md");
    BOOST_TEST(std::string(std::istreambuf_iterator<char>(in), {}) == other);
}

BOOST_AUTO_TEST_CASE(tickets_dir_symlinked_out_of_its_clone_is_refused) {
    TempDir d;
    std::filesystem::create_directories(d.path + "/clone");
    std::filesystem::create_directories(d.path + "/outside");
    std::filesystem::create_directories(d.path + "/clone/real");
    std::filesystem::create_directory_symlink(d.path + "/outside", d.path + "/clone/.tickets");
    auto s = check_tickets_dir(d.path + "/clone/.tickets");
    BOOST_TEST_REQUIRE(!s.ok());
    BOOST_TEST(s.error().find("symlink out of the repository") != std::string::npos);
    BOOST_TEST(load_dir(d.path + "/clone/.tickets").problems.size() == 1u);
    BOOST_TEST(!create(d.path + "/clone/.tickets", "w", NewTicket{"t"}).ok());
    BOOST_TEST(std::filesystem::is_empty(d.path + "/outside"));
    std::filesystem::remove(d.path + "/clone/.tickets");
    std::filesystem::create_directory_symlink("real", d.path + "/clone/.tickets");
    BOOST_TEST(check_tickets_dir(d.path + "/clone/.tickets").ok(), "a link within the clone");
    BOOST_TEST(check_tickets_dir(d.path + "/clone/none").ok(), "missing");
}

BOOST_AUTO_TEST_SUITE_END()
