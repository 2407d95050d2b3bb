#include "daemon/orchestrator/git_cmd.hpp"

#include "util/strings.hpp"

namespace fab::gitcmd {

void run(uv_loop_t* loop, const safegit::Where& where, std::vector<std::string> args,
         ev::Process::DoneFn done, std::vector<std::string> extra_env) {
    ev::SpawnOptions o = safegit::command(where, args);
    for (auto& e : extra_env) o.env.push_back(std::move(e));
    ev::run_process(loop, o, std::move(done));
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

} // namespace fab::gitcmd
