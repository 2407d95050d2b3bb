// manager.start|stop|status|clear {project} and director.start|stop|status|
// clear: the persistent role agents (daemon/roles/roles.hpp).
#include "daemon/daemon.hpp"
#include "daemon/roles/roles.hpp"

namespace fab {

namespace {

void add_role(Router& router, Daemon& d, const std::string& kind) {
    auto project_of = [kind](const Request& q) {
        return kind == "manager" ? field_string(q.payload, "project") : std::string();
    };
    auto reply = [](const Reply& r) {
        return [r](Result<Json> out) { out ? r.ok(*out) : r.fail(out.error()); };
    };
    router.add(kind + ".start", [&d, kind, project_of, reply](const Request& q, const Reply& r) {
        roles::start_role(d, kind, project_of(q), q.payload.value("model", ""), reply(r));
    });
    router.add(kind + ".stop", [&d, kind, project_of, reply](const Request& q, const Reply& r) {
        roles::stop_role(d, kind, project_of(q), reply(r));
    });
    router.add(kind + ".clear", [&d, kind, project_of, reply](const Request& q, const Reply& r) {
        roles::clear_role(d, kind, project_of(q), q.payload.value("model", ""), reply(r));
    });
    router.add(kind + ".status", [&d, kind, project_of, reply](const Request& q, const Reply& r) {
        reply(r)(roles::role_status(d, kind, project_of(q)));
    });
}

} // namespace

void register_manager_handlers(Router& router, Daemon& d) {
    add_role(router, d, "manager");
    add_role(router, d, "director");
}

} // namespace fab
