#include "daemon/registry.hpp"

#include "config/schema.hpp"
#include "util/fs.hpp"

#include <sys/stat.h>

namespace fab {

namespace {
bool stat_file(const std::string& path, timespec& mtime, off_t& size) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        mtime = {};
        size = -1;
        return false;
    }
    mtime = st.st_mtim;
    size = st.st_size;
    return true;
}
} // namespace

Status Registry::reload() {
    auto doc = IniDocument::load(path_);
    if (!doc) return make_error(doc.error());
    auto cfg = config_from_document(*doc, path_);
    if (!cfg) return make_error(cfg.error());
    doc_ = std::move(*doc);
    config_ = std::move(*cfg);
    stat_file(path_, mtime_, size_);
    return {};
}

Status Registry::reload_if_changed() {
    timespec m{};
    off_t s = -1;
    stat_file(path_, m, s);
    if (m.tv_sec == mtime_.tv_sec && m.tv_nsec == mtime_.tv_nsec && s == size_) return {};
    return reload();
}

template <typename F>
Status Registry::update(F change) {
    if (auto s = reload_if_changed(); !s) return s;
    IniDocument next = doc_;
    if (auto s = change(next); !s) return s;
    auto cfg = config_from_document(next, path_);
    if (!cfg) return make_error(cfg.error());
    if (auto s = make_dirs(dir_, 0700); !s) return s;
    if (auto s = next.save(path_); !s) return s;
    doc_ = std::move(next);
    config_ = std::move(*cfg);
    stat_file(path_, mtime_, size_);
    return {};
}

Status Registry::add_project(const std::string& name,
                             const std::vector<std::pair<std::string, std::string>>& settings) {
    return update([&](IniDocument& d) -> Status {
        if (d.find("project", name)) return make_error("project \"" + name + "\" already exists");
        for (const auto& [key, value] : settings) {
            if (auto s = validate_value("project", key, value); !s) return s;
            if (auto s = d.set("project", name, key, value); !s) return s;
        }
        return {};
    });
}

Status Registry::remove_project(const std::string& name) {
    return update([&](IniDocument& d) -> Status {
        if (!d.remove_section("project", name)) return make_error("no project \"" + name + "\"");
        return {};
    });
}

Status Registry::set_value(const std::string& project, const std::string& key,
                           const std::string& value) {
    return update([&](IniDocument& d) -> Status {
        if (!d.find("project", project)) return make_error("no project \"" + project + "\"");
        if (auto s = validate_value("project", key, value); !s) return s;
        return d.set("project", project, key, value);
    });
}

std::vector<EffectiveValue> Registry::effective(const ProjectConfig& p) const {
    std::vector<EffectiveValue> out;
    const IniSection* proj = doc_.find("project", p.name);
    const IniSection* defs = doc_.find("defaults");
    for (const KeySpec& k : config_keys()) {
        if (!(k.sections & kSectionProject)) continue;
        EffectiveValue v{std::string(k.name), {}, "unset"};
        const IniEntry* e = proj ? proj->find(k.name) : nullptr;
        if (e) {
            v.value = e->value;
            v.source = "project";
        } else if (const IniEntry* d =
                       (defs && (k.sections & kSectionDefaults)) ? defs->find(k.name) : nullptr) {
            v.value = d->value;
            v.source = "defaults";
        } else if (!k.default_value.empty()) {
            v.value = std::string(k.default_value);
            v.source = "built-in";
        }
        // Backends resolve through a documented chain, not a plain default.
        if (!e && (k.name == "agent-backend" || k.name == "planner-backend" ||
                   k.name == "coding-backend")) {
            std::string role(k.name.substr(0, k.name.find('-')));
            v.value = resolve_backend(config_, p, role);
            if (v.source == "unset") v.source = "built-in";
        }
        // A role's model falls back to model (project, then [defaults]).
        if (!e && (k.name == "planner-model" || k.name == "coding-model")) {
            std::string role(k.name.substr(0, k.name.find('-')));
            v.value = resolve_model(config_, &p, role);
            if (!v.value.empty() && v.source == "unset") v.source = "defaults";
        }
        out.push_back(std::move(v));
    }
    return out;
}

} // namespace fab
