// manager.start|stop|status|send_message|chat_history|clear_history {project}
// and director.*, the same without a project: the persistent role agents
// (daemon/roles/roles.hpp).
#include "daemon/daemon.hpp"
#include "daemon/roles/roles.hpp"

namespace fab {

namespace {

// The names of one role's family.
struct RoleMessages {
    const char* start;
    const char* stop;
    const char* status;
    const char* send_message;
    const char* chat_history;
    const char* clear_history;
};

std::vector<Router::Route> role_routes(Daemon& d, const std::string& kind, const RoleMessages& m) {
    auto project_of = [kind](const Request& q) {
        return kind == "manager" ? field_string(q.payload, "project") : std::string();
    };
    auto reply = [](const Reply& r) {
        return [r](Result<Json> out) { out ? r.ok(*out) : r.fail(out.error()); };
    };
    // The role's agent, newest first, live or not; "" (after answering why)
    // when there is none.
    auto agent_of = [&d, kind, project_of](const Request& q, const Reply& r) {
        auto st = roles::role_status(d, kind, project_of(q));
        if (!st) {
            r.fail(st.error());
            return std::string();
        }
        const Json& a = (*st)["agent"];
        std::string id = a.is_object() ? a.value("id", "") : "";
        if (id.empty())
            r.fail("the " + kind + (kind == "manager" ? " of " + project_of(q) : "") +
                   " was never started");
        return id;
    };
    auto start = [&d, kind, project_of, reply](const Request& q, const Reply& r) {
        roles::start_role(d, kind, project_of(q), q.payload.value("model", ""), reply(r));
    };
    auto stop = [&d, kind, project_of, reply](const Request& q, const Reply& r) {
        roles::stop_role(d, kind, project_of(q), reply(r));
    };
    auto clear_history = [&d, kind, project_of, reply](const Request& q, const Reply& r) {
        roles::clear_role(d, kind, project_of(q), q.payload.value("model", ""), reply(r));
    };
    auto status = [&d, kind, project_of, reply](const Request& q, const Reply& r) {
        reply(r)(roles::role_status(d, kind, project_of(q)));
    };
    auto send = [&d, agent_of](const Request& q, const Reply& r) {
        std::string text = require(q, "text", r);
        if (text.empty()) return;
        std::string id = agent_of(q, r);
        if (!id.empty()) send_message(d, id, text, r);
    };
    auto history = [&d, agent_of](const Request& q, const Reply& r) {
        std::string id = agent_of(q, r);
        if (!id.empty()) send_history(d, id, q.payload, r);
    };
    return {{m.start, start},          {m.stop, stop},
            {m.status, status},        {m.send_message, send},
            {m.chat_history, history}, {m.clear_history, clear_history}};
}

} // namespace

Status register_manager_handlers(Router& router, Daemon& d) {
    using namespace msg;
    if (auto s = router.add(
            role_routes(d, "manager",
                        {kManagerStart, kManagerStop, kManagerStatus, kManagerSendMessage,
                         kManagerChatHistory, kManagerClearHistory}));
        !s)
        return s;
    return router.add(
        role_routes(d, "director",
                    {kDirectorStart, kDirectorStop, kDirectorStatus, kDirectorSendMessage,
                     kDirectorChatHistory, kDirectorClearHistory}));
}

} // namespace fab
