// The run lifecycle: every (status, event) pair against an independent
// statement of the rules, the failure reasons, archive/unarchive, and the
// error that names both states.
#include "runs/run_state.hpp"

#include <boost/test/unit_test.hpp>

#include <ostream>
#include <set>
#include <tuple>
#include <utility>

using namespace fab::runs;

namespace fab::runs {
std::ostream& operator<<(std::ostream& o, RunStatus s) {
    return o << status_name(s);
}
std::ostream& operator<<(std::ostream& o, FailReason r) {
    return o << reason_name(r);
}
std::ostream& operator<<(std::ostream& o, RunEvent e) {
    return o << event_name(e);
}
} // namespace fab::runs

namespace {

// The lifecycle written out as "which statuses accept each event", apart
// from the table in run_state.cpp: the two must agree on every pair.
std::set<RunStatus> accepting(RunEvent e) {
    using enum RunStatus;
    switch (e) {
    case RunEvent::queue:
        return {submitted};
    case RunEvent::start:
        return {queued};
    case RunEvent::requeue:
        return {starting};
    case RunEvent::launched:
        return {starting};
    case RunEvent::block:
        return {running, paused};
    case RunEvent::unblock:
        return {blocked, paused};
    case RunEvent::pause:
        return {running, blocked};
    case RunEvent::unpause:
        return {paused};
    case RunEvent::succeed:
        return {running, blocked, paused};
    case RunEvent::fail:
    case RunEvent::cancel:
        return {submitted, queued, starting, running, blocked, paused};
    case RunEvent::archive:
        return {succeeded, failed};
    case RunEvent::unarchive:
        return {archived};
    }
    return {};
}

RunStatus expected_target(RunStatus from, RunEvent e, RunStatus archived_from) {
    using enum RunStatus;
    switch (e) {
    case RunEvent::queue:
        return queued;
    case RunEvent::start:
        return starting;
    case RunEvent::requeue:
        return queued;
    case RunEvent::launched:
        return running;
    case RunEvent::block:
        return from == paused ? paused : blocked;
    case RunEvent::unblock:
        return from == paused ? paused : running;
    case RunEvent::pause:
        return paused;
    case RunEvent::unpause:
        return running;
    case RunEvent::succeed:
        return succeeded;
    case RunEvent::fail:
    case RunEvent::cancel:
        return failed;
    case RunEvent::archive:
        return archived;
    case RunEvent::unarchive:
        return archived_from;
    }
    return from;
}

} // namespace

BOOST_AUTO_TEST_SUITE(run_state)

BOOST_AUTO_TEST_CASE(every_status_and_event_pair_follows_the_lifecycle) {
    size_t legal = 0, illegal = 0;
    for (RunStatus from : kAllStatuses) {
        for (RunEvent e : kAllEvents) {
            for (RunStatus af : {RunStatus::succeeded, RunStatus::failed}) {
                RunPosition at{
                    from, from == RunStatus::failed ? FailReason::workflow_error : FailReason::none,
                    af};
                auto next = transition(at, e);
                bool want = accepting(e).count(from) > 0;
                BOOST_TEST(next.ok() == want, status_name(from) << " + " << event_name(e));
                if (next) {
                    ++legal;
                    BOOST_TEST(next->status == expected_target(from, e, af),
                               status_name(from) << " + " << event_name(e) << " gave "
                                                 << status_name(next->status));
                } else {
                    ++illegal;
                    // 409's text names the state it is in and the states the request needs.
                    BOOST_TEST(next.error().find(std::string("is ") + status_name(from)) !=
                                   std::string::npos,
                               next.error());
                    BOOST_TEST(next.error().find(event_name(e)) != std::string::npos);
                }
            }
        }
    }
    BOOST_TEST(legal > 0u);
    BOOST_TEST(illegal > 0u);
}

BOOST_AUTO_TEST_CASE(the_table_has_no_row_twice_and_every_row_is_reachable) {
    std::set<std::tuple<RunStatus, RunEvent, RunStatus>> rows;
    for (const Transition& t : transition_table()) {
        BOOST_TEST(rows.insert({t.from, t.event, t.to}).second, "duplicate row");
        BOOST_TEST(accepting(t.event).count(t.from) == 1u);
    }
}

BOOST_AUTO_TEST_CASE(terminal_statuses_accept_nothing_but_archive) {
    for (RunStatus s : {RunStatus::succeeded, RunStatus::failed})
        for (RunEvent e : kAllEvents)
            BOOST_TEST(transition({s, FailReason::none, s}, e).ok() == (e == RunEvent::archive));
}

BOOST_AUTO_TEST_CASE(fail_keeps_its_reason_and_cancel_is_always_cancelled) {
    RunPosition running{RunStatus::running};
    BOOST_TEST(transition(running, RunEvent::fail, FailReason::launch_failed)->reason ==
               FailReason::launch_failed);
    BOOST_TEST(transition(running, RunEvent::fail)->reason == FailReason::workflow_error);
    BOOST_TEST(transition(running, RunEvent::fail, FailReason::none)->reason ==
               FailReason::workflow_error);
    BOOST_TEST(transition(running, RunEvent::cancel, FailReason::terminated)->reason ==
               FailReason::cancelled);
}

BOOST_AUTO_TEST_CASE(archive_remembers_where_unarchive_returns) {
    RunPosition failed{RunStatus::failed, FailReason::cancelled};
    auto archived = transition(failed, RunEvent::archive);
    BOOST_TEST_REQUIRE(archived.ok());
    BOOST_TEST(archived->status == RunStatus::archived);
    BOOST_TEST(archived->archived_from == RunStatus::failed);
    auto back = transition(*archived, RunEvent::unarchive);
    BOOST_TEST_REQUIRE(back.ok());
    BOOST_TEST(back->status == RunStatus::failed);
    BOOST_TEST(back->reason == FailReason::cancelled);
}

BOOST_AUTO_TEST_CASE(illegal_request_names_both_states) {
    auto r = transition({RunStatus::queued}, RunEvent::pause);
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST(r.error() == "cannot pause a run that is queued: pause needs running or blocked");
}

BOOST_AUTO_TEST_CASE(names_round_trip) {
    for (RunStatus s : kAllStatuses) BOOST_TEST((parse_status(status_name(s)) == s));
    for (auto r : {FailReason::none, FailReason::workflow_error, FailReason::cancelled,
                   FailReason::terminated, FailReason::launch_failed, FailReason::budget_exhausted})
        BOOST_TEST((parse_reason(reason_name(r)) == r));
    BOOST_TEST(!parse_status("runing").has_value());
    BOOST_TEST(is_active(RunStatus::paused));
    BOOST_TEST(!is_active(RunStatus::queued));
    BOOST_TEST(is_terminal(RunStatus::archived));
}

BOOST_AUTO_TEST_SUITE_END()
