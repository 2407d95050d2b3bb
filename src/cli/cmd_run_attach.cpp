// fab run attach|questions|answer: follow a run's events until it ends, and
// answer what it waits for — over the daemon's socket, the same handlers as
// the HTTP API's /runs/{id}/events, /questions and /questions/{qid}/answer.
#include "cli/daemon_link.hpp"
#include "cli/handlers.hpp"
#include "cli/run_print.hpp"
#include "cli/tty_text.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <cstdio>
#include <unistd.h>

namespace fab::cli {

namespace {

// How long attach waits before asking again when nothing new came.
constexpr useconds_t kIdlePollUs = 200 * 1000;

bool is_over(const std::string& status) {
    return status == "succeeded" || status == "failed" || status == "archived";
}

} // namespace

int cmd_run_attach(Invocation& inv) {
    const std::string& id = inv.args[0];
    int64_t since = 0;
    if (inv.has("since")) {
        auto n = parse_int(inv.flag("since"));
        if (!n || *n < 0) return fail("--since must be a number, 0 or more", Exit::usage);
        since = *n;
    }
    bool json = inv.has("json");
    int rc = Exit::ok;
    // The status is read before the events: once a finished run's log has
    // nothing after `since`, nothing more can come.
    for (;;) {
        auto shown = call_daemon(inv, "run.show", {{"id", id}}, rc);
        if (!shown) return rc;
        std::string status = (*shown)["run"].value("status", "");
        auto r = call_daemon(inv, "run.events", {{"id", id}, {"since_seq", since}}, rc);
        if (!r) return rc;
        for (const auto& e : (*r)["data"]) {
            print_run_event(e, json);
            since = std::max(since, e.value("seq", since));
        }
        std::fflush(stdout);
        if ((*r)["meta"].value("has_more", false)) continue;
        if (is_over(status)) {
            if (!json) std::printf("run %s: %s\n", id.c_str(), status.c_str());
            return status == "succeeded" ? Exit::ok : Exit::failure;
        }
        ::usleep(kIdlePollUs);
    }
}

int cmd_run_questions(Invocation& inv) {
    int rc = Exit::ok;
    auto r = call_daemon(inv, "run.questions", {{"id", inv.args[0]}}, rc);
    if (!r) return rc;
    if (inv.has("json")) {
        std::printf("%s\n", dump_json(*r).c_str());
        return Exit::ok;
    }
    const Json& qs = (*r)["data"];
    if (qs.empty()) std::printf("no questions waiting\n");
    for (const auto& q : qs) {
        std::printf("%s  %s\n  %s\n", q.value("id", "").c_str(),
                    q.value("question_type", "").c_str(),
                    tty_safe(q.value("text", ""), 1, false).c_str());
        for (const auto& o : q.value("options", Json::array()))
            std::printf("    [%s] %s\n", tty_safe(o.value("key", ""), 1, false).c_str(),
                        tty_safe(o.value("label", ""), 1, false).c_str());
    }
    return Exit::ok;
}

int cmd_run_answer(Invocation& inv) {
    // `fab run answer RUN QUESTION ANSWER…` answers in words; --option KEY
    // and --options K1,K2 choose among the question's options.
    Json answer;
    int given = (inv.args.size() > 2) + inv.has("option") + inv.has("options");
    if (given != 1)
        return fail("give the answer as words, --option KEY or --options K1,K2", Exit::usage);
    if (inv.has("option")) {
        answer = {{"selected_option_key", inv.flag("option")}};
    } else if (inv.has("options")) {
        Json keys = Json::array();
        for (const auto& k : split(inv.flag("options"), ','))
            if (!k.empty()) keys.push_back(k);
        answer = {{"selected_option_keys", keys}};
    } else {
        std::string words;
        for (size_t i = 2; i < inv.args.size(); ++i)
            words += (words.empty() ? "" : " ") + inv.args[i];
        answer = {{"value", words}};
    }
    int rc = Exit::ok;
    auto r = call_daemon(inv, "run.answer",
                         {{"id", inv.args[0]}, {"question", inv.args[1]}, {"answer", answer}}, rc);
    if (!r) return rc;
    std::printf("answered %s\n", inv.args[1].c_str());
    return Exit::ok;
}

} // namespace fab::cli
