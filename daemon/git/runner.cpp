#include "daemon/git/runner.hpp"

#include "util/strings.hpp"

#include <git2.h>

namespace fab::git {

namespace {

// core.sshCommand from the user's global, XDG and system config files (not
// from any repository's: an agent can write its clone's config). "" when
// unset or unreadable. Needs libgit2 initialised (gitq::Library).
std::string read_users_ssh_command() {
    git_config* cfg = nullptr;
    if (git_config_open_default(&cfg) != 0) return {};
    std::string out;
    git_buf buf = GIT_BUF_INIT;
    if (git_config_get_string_buf(&buf, cfg, "core.sshCommand") == 0 && buf.ptr) out = buf.ptr;
    git_buf_dispose(&buf);
    git_config_free(cfg);
    return out;
}

} // namespace

void Runner::init_libgit2() {
    if (!libgit2_) libgit2_.emplace();
}

const std::string& Runner::users_ssh_command() {
    if (!users_ssh_command_) {
        init_libgit2();
        users_ssh_command_ = read_users_ssh_command();
    }
    return *users_ssh_command_;
}

ev::SpawnOptions Runner::command(const safegit::Where& where,
                                 const std::vector<std::string>& args) {
    return safegit::command(where, args, users_ssh_command());
}

void Runner::run(const ev::SpawnOptions& command, ev::Process::DoneFn done) {
    ev::run_process(loop_, command, std::move(done));
}

void Runner::run(const safegit::Where& where, std::vector<std::string> args,
                 ev::Process::DoneFn done, std::vector<std::string> extra_env) {
    ev::SpawnOptions o = command(where, args);
    for (auto& e : extra_env) o.env.push_back(std::move(e));
    ev::run_process(loop_, o, std::move(done));
}

std::vector<std::string> lines(const std::string& out) {
    std::vector<std::string> v;
    for (const auto& l : split(out, '\n')) {
        std::string t(trim(l));
        if (!t.empty()) v.push_back(std::move(t));
    }
    return v;
}

std::string first_line(const std::string& out) {
    auto v = lines(out);
    return v.empty() ? std::string() : v.front();
}

std::string failure(const std::string& what, const ev::ProcessResult& r) {
    std::string why = r.last_error_line();
    if (why.empty()) why = "exit status " + std::to_string(r.exit_status);
    return what + ": " + why;
}

} // namespace fab::git
