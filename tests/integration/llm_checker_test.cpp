// The llm permission checker end to end: the real daemon, hosts, hook and
// scripted agent, and a fake model server in this process (the fake HTTP(S)
// server of tests/common, plain or over TLS) that answers one word per
// request: "unsafe" when the tool call holds "rm -rf", "safe" otherwise.
// Checked: safe runs with no human, over http and https; unsafe is denied
// (deny) or left for a human (ask); a server that is down, slow, rejects the
// key or shows an untrusted certificate leaves the request for a human and
// never allows it; AskUserQuestion never reaches the model; the API key never
// reaches fab.log.
#include "fake_http_server.hpp"
#include "harness.hpp"

#include <boost/test/unit_test.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

using namespace fab;
using namespace fab::test;
namespace fs = std::filesystem;

namespace {

const char* kKeyEnv = "FAB_TEST_LLM_KEY";
const char* kKey = "sk-test-7d1f3b0a9e-do-not-log";

// A fake Anthropic Messages / OpenAI Responses endpoint (non-streaming); with
// TLS its certificate is for "localhost", and url() names the server so.
class FakeModel {
  public:
    enum class Mode { judge, hang, reject };
    static constexpr bool kTls = true;

    explicit FakeModel(Mode mode, bool tls = false)
        : tls_(tls), server_([mode](const std::string& req) { return answer(mode, req); },
                             {.tls = tls, .san = "DNS:localhost"}) {}
    std::string url() const { return server_.url(tls_ ? "localhost" : "127.0.0.1"); }
    std::string cert() const { return server_.cert(); }
    std::string sni() const { return server_.sni(); }
    std::vector<std::string> requests() const { return server_.requests(); }

  private:
    // std::nullopt (hang): the connection is held, never answered.
    static std::optional<std::string> answer(Mode mode, const std::string& req) {
        if (mode == Mode::hang) return std::nullopt;
        bool openai = req.rfind("POST /v1/responses ", 0) == 0;
        if (mode == Mode::reject) {
            // Like a real API, quote (part of) the rejected key back.
            std::string body = Json{{"type", "error"},
                                    {"error",
                                     {{"type", "authentication_error"},
                                      {"message", std::string("invalid x-api-key ") + kKey}}}}
                                   .dump();
            return "HTTP/1.1 401 Unauthorized\r\nContent-Type: "
                   "application/json\r\nContent-Length: " +
                   std::to_string(body.size()) + "\r\n\r\n" + body;
        }
        auto call = req.find("<tool_call>");
        std::string verdict =
            call != std::string::npos && req.find("rm -rf", call) != std::string::npos ? "unsafe"
                                                                                       : "safe";
        if (openai) {
            Json out = {{"id", "resp_1"},
                        {"object", "response"},
                        {"status", "completed"},
                        {"output",
                         {{{"type", "reasoning"}, {"id", "rs_1"}, {"summary", Json::array()}},
                          {{"type", "message"},
                           {"id", "msg_1"},
                           {"role", "assistant"},
                           {"content",
                            {{{"type", "output_text"},
                              {"text", verdict},
                              {"annotations", Json::array()}}}}}}}};
            std::string body = out.dump();
            // Chunked, in two chunks, as a real server may send it.
            size_t half = body.size() / 2;
            auto hex = [](size_t n) {
                std::ostringstream o;
                o << std::hex << n;
                return o.str();
            };
            std::string h1 = hex(half), h2 = hex(body.size() - half);
            return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: "
                   "chunked\r\n\r\n" +
                   h1 + "\r\n" + body.substr(0, half) + "\r\n" + h2 + "\r\n" + body.substr(half) +
                   "\r\n0\r\n\r\n";
        }
        Json msg = {{"id", "msg_1"},
                    {"type", "message"},
                    {"role", "assistant"},
                    {"model", "fake"},
                    {"content", {{{"type", "text"}, {"text", verdict}}}},
                    {"stop_reason", "end_turn"},
                    {"usage", {{"input_tokens", 100}, {"output_tokens", 1}}}};
        std::string body = msg.dump();
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body;
    }

    bool tls_;
    FakeHttpServer server_;
};

// The URL of a server that is gone: connecting is refused.
std::string closed_url() {
    FakeHttpServer gone(silent());
    return gone.url();
}

struct Checked {
    Sandbox sb;
    std::string repo;

    Checked() {
        sb.set_env(kKeyEnv, kKey); // the daemon inherits it from `fab server start`
        BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
        repo = sb.make_repo("web");
        auto r = sb.fab({"project", "add", repo});
        BOOST_TEST_REQUIRE(r.code == 0, r.err);
    }
    ~Checked() {
        std::string log = read_text(sb.fab_dir() + "/fab.log");
        BOOST_TEST(log.find(kKey) == std::string::npos, "the API key is in fab.log");
        BOOST_TEST(log.find("sk-test-7d1f") == std::string::npos,
                   "part of the API key is in fab.log");
    }

    // [defaults] permissions-checker = llm and a provider at `url`.
    void configure(const std::string& url, const std::string& unsafe_action,
                   const std::string& type = "anthropic", int timeout = 10) {
        std::string cfg = read_text(sb.config_file());
        std::ofstream(sb.config_file())
            << "[defaults]\npermissions-checker = llm\n\n"
            << "[providers \"fake\"]\ntype = " << type << "\nbase-url = " << url
            << (type == "openai" ? "/v1" : "") << "\napi-key-env = " << kKeyEnv
            << "\nmodel = fake-small\n\n"
            << "[llm-auth]\nprovider = fake\nunsafe-action = " << unsafe_action
            << "\ntimeout = " << timeout << "\n\n"
            << cfg;
    }

    // Restarts the daemon trusting the certificate in `cert_file` through
    // SSL_CERT_FILE (fab has no config key for a CA file; OpenSSL's default
    // verify paths read it), or with "" neither SSL_CERT_FILE nor
    // SSL_CERT_DIR: the system store alone.
    void restart_trusting(const std::string& cert_file) {
        sb.unset_env("SSL_CERT_DIR");
        if (cert_file.empty())
            sb.unset_env("SSL_CERT_FILE");
        else
            sb.set_env("SSL_CERT_FILE", cert_file);
        auto r = sb.fab({"server", "restart"});
        BOOST_TEST_REQUIRE(r.code == 0, r.err);
    }

    std::string create(const std::string& prompt) {
        auto r = sb.fab({"agent", "create", "--project", "web", "--backend", "scripted", "--prompt",
                         prompt, "--json"});
        BOOST_TEST_REQUIRE(r.code == 0, r.err);
        return Json::parse(r.out).value("id", "");
    }
    std::string history(const std::string& id) { return sb.fab({"agent", "history", id}).out; }
    bool wait_history(const std::string& id, const std::string& text, int ms = 20000) {
        return wait_for([&] { return history(id).find(text) != std::string::npos; }, ms);
    }
    Json pending() {
        return Json::parse(sb.fab({"permission", "list", "--json"}).out, nullptr, false)
            .value("requests", Json::array());
    }
    std::string log() { return read_text(sb.fab_dir() + "/fab.log"); }
    bool wait_log(const std::string& text, int ms = 20000) {
        return wait_for([&] { return log().find(text) != std::string::npos; }, ms);
    }
    std::string worktree(const std::string& id) {
        return sb.fab_dir() + "/projects/web/worktrees/wt-" + id;
    }

    // An agent's `touch <file>` runs without a human: the model was asked
    // once (Anthropic API, with the key) and said safe. Returns the agent.
    std::string expect_runs_without_a_human(const FakeModel& model, const std::string& file) {
        std::string id = create("SCRIPT:bash touch " + file);
        BOOST_TEST(wait_for([&] { return fs::exists(worktree(id) + "/" + file); }));
        BOOST_TEST(wait_history(id, "turn done"));
        BOOST_TEST(pending().empty());
        auto reqs = model.requests();
        BOOST_TEST_REQUIRE(reqs.size() == 1u);
        BOOST_TEST(reqs[0].rfind("POST /v1/messages HTTP/1.1\r\n", 0) == 0u, reqs[0]);
        BOOST_TEST(reqs[0].find(std::string("x-api-key: ") + kKey + "\r\n") != std::string::npos);
        BOOST_TEST(reqs[0].find("touch " + file) != std::string::npos);
        BOOST_TEST(wait_log("Bash touch " + file + ": safe; allowed"), log());
        return id;
    }

    // The request is pending, the checker has had its say (`logged`), and it
    // is still pending: a human must answer. Denies it to end the turn.
    void expect_left_for_a_human(const std::string& id, const std::string& logged,
                                 const std::string& file) {
        BOOST_TEST_REQUIRE(wait_for([&] { return !pending().empty(); }));
        BOOST_TEST_REQUIRE(wait_log(logged), log());
        Json p = pending();
        BOOST_TEST_REQUIRE(p.size() == 1u);
        BOOST_TEST(p[0]["agent_id"] == id);
        BOOST_TEST(!fs::exists(worktree(id) + "/" + file), "nothing runs without a human");
        BOOST_TEST(sb.fab({"permission", "deny", p[0].value("id", ""), "--reason", "human says no"})
                       .code == 0);
        BOOST_TEST(wait_history(id, "tool error: human says no"));
        BOOST_TEST(!fs::exists(worktree(id) + "/" + file));
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(llm_checker, Checked)

BOOST_AUTO_TEST_CASE(safe_call_runs_without_a_human) {
    FakeModel model(FakeModel::Mode::judge);
    configure(model.url(), "deny");
    std::string id = expect_runs_without_a_human(model, "checked.txt");
    std::string req = model.requests().at(0);
    BOOST_TEST(req.find("anthropic-version: 2023-06-01\r\n") != std::string::npos);
    BOOST_TEST(req.find("\"model\":\"fake-small\"") != std::string::npos);
    // The context: the agent's prompt came before the call.
    BOOST_TEST(req.find("user: SCRIPT:bash touch checked.txt") != std::string::npos, req);
    BOOST_TEST(log().find("agent " + id + ": llm checker: ") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(safe_call_over_https_runs_without_a_human) {
    FakeModel model(FakeModel::Mode::judge, FakeModel::kTls);
    configure(model.url(), "deny"); // https://localhost:<port>
    restart_trusting(model.cert());
    expect_runs_without_a_human(model, "over-https.txt");
    BOOST_TEST(model.requests().at(0).find("Host: localhost:") != std::string::npos);
    BOOST_TEST(model.sni() == "localhost");
}

BOOST_AUTO_TEST_CASE(untrusted_certificate_leaves_it_for_a_human_and_sends_no_key) {
    FakeModel model(FakeModel::Mode::judge, FakeModel::kTls);
    configure(model.url(), "deny");
    restart_trusting(""); // the system store: a throwaway certificate is not in it
    std::string id = create("SCRIPT:bash touch untrusted.txt");
    expect_left_for_a_human(id, "check failed (TLS: certificate of localhost not trusted",
                            "untrusted.txt");
    BOOST_TEST(model.requests().empty(), "a request (and the key) went to an untrusted server");
    // The fixture checks on teardown that the key is not in fab.log.
}

BOOST_AUTO_TEST_CASE(many_agents_at_once_are_all_checked) {
    // More checks than may run at once on the pool (max-agents allows 3): the
    // rest queue, none is lost.
    FakeModel model(FakeModel::Mode::judge);
    configure(model.url(), "deny");
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i)
        ids.push_back(create("SCRIPT:bash touch many-" + std::to_string(i) + ".txt"));
    for (int i = 0; i < 3; ++i)
        BOOST_TEST(wait_for(
            [&] { return fs::exists(worktree(ids[i]) + "/many-" + std::to_string(i) + ".txt"); }));
    BOOST_TEST(model.requests().size() == 3u);
    BOOST_TEST(pending().empty());
}

BOOST_AUTO_TEST_CASE(openai_provider_is_spoken_too) {
    FakeModel model(FakeModel::Mode::judge);
    configure(model.url(), "deny", "openai");
    std::string id = create("SCRIPT:bash touch via-openai.txt");
    BOOST_TEST(wait_for([&] { return fs::exists(worktree(id) + "/via-openai.txt"); }));
    auto reqs = model.requests();
    BOOST_TEST_REQUIRE(reqs.size() == 1u);
    BOOST_TEST(reqs[0].rfind("POST /v1/responses HTTP/1.1\r\n", 0) == 0u, reqs[0]);
    BOOST_TEST(reqs[0].find(std::string("Authorization: Bearer ") + kKey + "\r\n") !=
               std::string::npos);
    BOOST_TEST(reqs[0].find("\"instructions\":") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unsafe_call_is_denied_and_the_agent_reads_why) {
    FakeModel model(FakeModel::Mode::judge);
    configure(model.url(), "deny");
    std::string id = create("SCRIPT:bash touch evil.txt && rm -rf build");
    BOOST_TEST(wait_history(id, "tool error: fab's safety checker judged this unsafe"),
               history(id));
    BOOST_TEST(wait_history(id, "turn done"));
    BOOST_TEST(!fs::exists(worktree(id) + "/evil.txt"));
    BOOST_TEST(pending().empty());
    BOOST_TEST(log().find("unsafe; denied") != std::string::npos, log());
}

BOOST_AUTO_TEST_CASE(unsafe_call_with_ask_waits_for_a_human) {
    FakeModel model(FakeModel::Mode::judge);
    configure(model.url(), "ask");
    std::string id = create("SCRIPT:bash touch risky.txt && rm -rf build");
    expect_left_for_a_human(id, "unsafe; left for a human", "risky.txt");
    BOOST_TEST(model.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(server_down_leaves_it_for_a_human) {
    configure(closed_url(), "deny");
    std::string id = create("SCRIPT:bash touch down.txt");
    expect_left_for_a_human(id, "check failed (cannot connect", "down.txt");
}

BOOST_AUTO_TEST_CASE(slow_server_times_out_and_leaves_it_for_a_human) {
    FakeModel model(FakeModel::Mode::hang);
    configure(model.url(), "deny", "anthropic", 1);
    std::string id = create("SCRIPT:bash touch slow.txt");
    expect_left_for_a_human(id, "check failed (timed out after 1000 ms waiting for the answer",
                            "slow.txt");
    BOOST_TEST(model.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(rejected_key_leaves_it_for_a_human_and_is_not_logged) {
    FakeModel model(FakeModel::Mode::reject);
    configure(model.url(), "deny");
    std::string id = create("SCRIPT:bash touch rejected.txt");
    expect_left_for_a_human(id, "check failed (HTTP 401: invalid x-api-key [redacted])",
                            "rejected.txt");
}

BOOST_AUTO_TEST_CASE(missing_key_variable_leaves_it_for_a_human) {
    FakeModel model(FakeModel::Mode::judge);
    configure(model.url(), "deny");
    std::string cfg = read_text(sb.config_file());
    auto at = cfg.find(std::string("api-key-env = ") + kKeyEnv);
    BOOST_TEST_REQUIRE(at != std::string::npos);
    cfg.replace(at, std::string("api-key-env = ").size() + std::strlen(kKeyEnv),
                "api-key-env = FAB_TEST_UNSET_KEY");
    std::ofstream(sb.config_file()) << cfg;
    std::string id = create("SCRIPT:bash touch nokey.txt");
    expect_left_for_a_human(id, "FAB_TEST_UNSET_KEY", "nokey.txt");
    BOOST_TEST(model.requests().empty());
}

BOOST_AUTO_TEST_CASE(questions_are_for_the_human_only) {
    FakeModel model(FakeModel::Mode::judge);
    configure(model.url(), "deny");
    std::string id =
        create("SCRIPT:ask Which database?|Postgres|SQLite\nSCRIPT:bash touch after.txt");
    std::string qid = sb.wait_question();
    BOOST_TEST_REQUIRE(!qid.empty());
    BOOST_TEST(sb.fab({"question", "answer", qid, "1"}).code == 0);
    // The Bash call after it is checked (and allowed): the question was not.
    BOOST_TEST(wait_for([&] { return fs::exists(worktree(id) + "/after.txt"); }));
    auto reqs = model.requests();
    BOOST_TEST_REQUIRE(reqs.size() == 1u);
    BOOST_TEST(reqs[0].find("touch after.txt") != std::string::npos);
    BOOST_TEST(log().find("AskUserQuestion") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(manual_checker_never_calls_the_model) {
    FakeModel model(FakeModel::Mode::judge);
    configure(model.url(), "deny");
    std::string cfg = read_text(sb.config_file());
    cfg.replace(cfg.find("permissions-checker = llm"), 25, "permissions-checker = manual");
    std::ofstream(sb.config_file()) << cfg;
    std::string id = create("SCRIPT:bash touch manual.txt");
    BOOST_TEST_REQUIRE(wait_for([&] { return !pending().empty(); }));
    BOOST_TEST(model.requests().empty());
    BOOST_TEST(sb.fab({"permission", "allow", pending()[0].value("id", "")}).code == 0);
    BOOST_TEST(wait_for([&] { return fs::exists(worktree(id) + "/manual.txt"); }));
    BOOST_TEST(model.requests().empty());
}

BOOST_AUTO_TEST_SUITE_END()
