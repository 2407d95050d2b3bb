// run.submit|list|show|cancel|pause|unpause|archive|unarchive|delete|events|
// steer|billing|files|board|questions|answer: the run queue (server mode). The
// HTTP API (daemon/http/routes.cpp) dispatches to these same handlers.
#include "daemon/daemon.hpp"
#include "daemon/runs/run_engine.hpp"
#include "daemon/runs/run_files.hpp"
#include "protocol/messages.hpp"
#include "util/strings.hpp"

#include <algorithm>

namespace fab {

namespace {

std::function<void(std::string)> text_reply(const Reply& r) {
    return [r](const std::string& err) { err.empty() ? r.ok() : r.fail(err); };
}

Router::Route action(Daemon& d, const char* type, runs::RunEvent what) {
    return {type, [&d, what](const Request& q, const Reply& r) {
                std::string id = require(q, "id", r);
                if (id.empty()) return;
                std::string err = d.runs().act(id, what);
                if (!err.empty()) return r.fail(err);
                r.ok({{"run", d.runs().run_json(*d.runs().find(id))}});
            }};
}

} // namespace

Status register_run_handlers(Router& router, Daemon& d) {
    auto submit = [&d](const Request& q, const Reply& r) {
        auto req = runs::run_request_from_json(q.payload);
        if (!req) return r.fail(req.error());
        auto out = d.runs().submit(*req);
        out ? r.ok(*out) : r.fail(out.error());
    };

    auto list = [&d](const Request& q, const Reply& r) {
        RunEngine::ListQuery lq;
        if (auto s = field_list(q.payload, "status")) {
            for (const auto& name : *s)
                if (!runs::parse_status(name)) return r.fail("unknown status \"" + name + "\"");
            lq.statuses.insert(s->begin(), s->end());
        }
        if (auto p = field_list(q.payload, "project")) lq.projects.insert(p->begin(), p->end());
        lq.limit = field_int(q.payload, "limit", 20);
        lq.offset = field_int(q.payload, "offset", 0);
        if (lq.limit < 1 || lq.limit > 100) return r.fail("page[limit] must be 1-100");
        if (lq.offset < 0) return r.fail("page[offset] must be 0 or more");
        r.ok(d.runs().list(lq));
    };

    auto show = [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        const Run* run = d.runs().find(id);
        if (!run) return r.fail(not_found("no run \"" + id + "\""));
        r.ok({{"run", d.runs().run_json(*run)}});
    };

    auto remove = [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        std::string err = d.runs().remove(id);
        err.empty() ? r.ok() : r.fail(err);
    };

    auto events = [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        int64_t since = field_int(q.payload, "since_seq", 0);
        int64_t limit = field_int(q.payload, "limit", 1000);
        if (limit < 1 || limit > 1000) return r.fail("limit must be 1-1000");
        if (since < 0) return r.fail("since_seq must be 0 or more");
        auto out = d.runs().events(id, since, limit);
        out ? r.ok(*out) : r.fail(out.error());
    };

    auto steer = [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        std::string guidance = require(q, "guidance", r);
        if (guidance.empty()) return;
        d.runs().steer(id, guidance, text_reply(r));
    };

    auto billing = [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        auto out = d.runs().billing(id);
        out ? r.ok(*out) : r.fail(out.error());
    };

    auto files = [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        int64_t max_patch = field_int(q.payload, "max_patch_bytes", 512 * 1024);
        if (max_patch < 0 || max_patch > 4 * 1024 * 1024)
            return r.fail("max_patch_bytes must be 0-4194304");
        run_files(d, id, max_patch,
                  [r](Result<Json> out) { out ? r.ok(*out) : r.fail(out.error()); });
    };

    auto board = [&d](const Request&, const Reply& r) { r.ok(d.runs().board()); };

    auto questions = [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        auto out = d.runs().questions(id);
        out ? r.ok(*out) : r.fail(out.error());
    };

    // {id, question, answer: {value} | {selected_option_key} | {selected_option_keys}}
    auto answer_question = [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        std::string qid = require(q, "question", r);
        if (qid.empty()) return;
        const Json* answer = field_object(q.payload, "answer");
        if (!answer) return r.fail("missing \"answer\"");
        d.runs().answer(id, qid, *answer, text_reply(r));
    };

    return router.add({
        {msg::kRunSubmit, submit},
        {msg::kRunList, list},
        {msg::kRunShow, show},
        action(d, msg::kRunCancel, runs::RunEvent::cancel),
        action(d, msg::kRunPause, runs::RunEvent::pause),
        action(d, msg::kRunUnpause, runs::RunEvent::unpause),
        action(d, msg::kRunArchive, runs::RunEvent::archive),
        action(d, msg::kRunUnarchive, runs::RunEvent::unarchive),
        {msg::kRunDelete, remove},
        {msg::kRunEvents, events},
        {msg::kRunSteer, steer},
        {msg::kRunBilling, billing},
        {msg::kRunFiles, files},
        {msg::kRunBoard, board},
        {msg::kRunQuestions, questions},
        {msg::kRunAnswer, answer_question},
    });
}

} // namespace fab
