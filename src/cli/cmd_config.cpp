// fab config import [PATH]: the Go fab's config.toml and permissions.toml
// (and its projects' permissions.toml) written as fab's INI files. Runs in
// the client: the daemon notices the changed config.ini by itself.
#include "cli/go_import.hpp"
#include "cli/handlers.hpp"
#include "config/ini_document.hpp"
#include "util/fs.hpp"

#include <cstdio>
#include <filesystem>

namespace fab::cli {

namespace {

// One INI file to write: where, its document (the existing file's, comments
// and all, when --force merges into it), and whether it existed.
struct Target {
    std::string path;
    IniDocument doc;
    bool existed = false;
    bool changed = false;
};

Result<Target> open_target(const std::string& path, bool force) {
    Target t;
    t.path = path;
    t.existed = path_exists(path);
    if (t.existed && !force)
        return make_error(path +
                          " already exists; --force merges the imported settings into it (its "
                          "comments and other settings stay; imported keys replace its values)");
    auto doc = IniDocument::load(path);
    if (!doc) return make_error(doc.error());
    t.doc = std::move(*doc);
    return t;
}

void print_report(const std::string& from, const ImportReport& r) {
    std::printf("%s:\n", from.c_str());
    for (const std::string& d : r.done) std::printf("  imported  %s\n", d.c_str());
    for (const std::string& n : r.not_moved) std::printf("  NOT IMPORTED  %s\n", n.c_str());
    if (r.done.empty() && r.not_moved.empty()) std::printf("  (nothing in it)\n");
}

} // namespace

int cmd_config_import(Invocation& inv) {
    namespace fs = std::filesystem;
    // The Go fab kept config.toml where fab keeps config.ini ($FAB_DIR/config,
    // else ~/.config/fab), and project rules under the same $FAB_DIR.
    std::string dir = inv.paths.config_dir;
    std::string config_toml = dir + "/config.toml";
    if (!inv.args.empty()) {
        std::string p = absolute_path(inv.args[0]);
        if (fs::is_directory(p)) {
            dir = p;
            config_toml = p + "/config.toml";
        } else {
            config_toml = p;
            dir = fs::path(p).parent_path().string();
        }
    }
    std::string perms_toml = dir + "/permissions.toml";
    bool force = inv.has("force"), dry = inv.has("dry-run");
    if (!path_exists(config_toml) && !path_exists(perms_toml))
        return fail("no Go fab configuration found: neither " + config_toml + " nor " + perms_toml +
                    " exists (give its directory or config.toml as PATH)");

    std::vector<Target> targets;
    std::vector<std::string> projects;
    int not_moved = 0;
    if (path_exists(config_toml)) {
        auto text = read_file(config_toml);
        if (!text) return fail(text.error());
        auto t = open_target(inv.paths.config_file, force);
        if (!t) return fail(t.error());
        auto r = import_go_config(*text, config_toml, t->doc);
        if (!r) return fail("cannot read " + r.error());
        print_report(config_toml + " -> " + t->path, *r);
        not_moved += static_cast<int>(r->not_moved.size());
        t->changed = !r->done.empty();
        for (const IniSection& s : t->doc.sections())
            if (s.kind == "project") projects.push_back(s.label);
        targets.push_back(std::move(*t));
    }
    // The global rules, then each project's.
    std::vector<std::pair<std::string, std::string>> rule_files;
    if (path_exists(perms_toml)) rule_files.emplace_back(perms_toml, inv.paths.permissions_file);
    for (const std::string& p : projects) {
        std::string from = inv.paths.project_dir(p) + "/permissions.toml";
        if (path_exists(from))
            rule_files.emplace_back(from, inv.paths.project_dir(p) + "/permissions.ini");
    }
    for (const auto& [from, to] : rule_files) {
        auto text = read_file(from);
        if (!text) return fail(text.error());
        auto t = open_target(to, force);
        if (!t) return fail(t.error());
        auto r = import_go_permissions(*text, from, t->doc);
        if (!r) return fail("cannot read " + r.error());
        print_report(from + " -> " + to, *r);
        if (t->existed && !r->done.empty())
            std::printf("  (after the rules already in %s: they still match first)\n", to.c_str());
        not_moved += static_cast<int>(r->not_moved.size());
        t->changed = !r->done.empty();
        targets.push_back(std::move(*t));
    }

    for (const Target& t : targets) {
        if (!t.changed) continue;
        if (dry) {
            std::printf("\n--- %s (--dry-run: not written)\n%s", t.path.c_str(),
                        t.doc.text().c_str());
            continue;
        }
        std::string parent = fs::path(t.path).parent_path().string();
        if (auto s = make_dirs(parent, 0700); !s) return fail(s.error());
        if (auto s = t.doc.save(t.path); !s) return fail(s.error());
        std::printf("wrote %s\n", t.path.c_str());
    }
    if (not_moved > 0)
        std::printf("%d setting(s) not imported: see NOT IMPORTED above\n", not_moved);
    return Exit::ok;
}

} // namespace fab::cli
