// The project registry: the [project "name"] sections of config.ini, plus
// every other setting. The file is the source of truth (users may edit it);
// the daemon re-reads it when its mtime changes and keeps the last good
// version when an edit breaks it. Writes are validated against the whole
// document before an atomic save that keeps the user's comments and order.
#pragma once

#include "config/config.hpp"
#include "config/ini_document.hpp"
#include "config/paths.hpp"

#include <ctime>
#include <string>
#include <utility>
#include <vector>

namespace fab {

struct EffectiveValue {
    std::string key, value;
    std::string source; // "project", "defaults", "built-in" or "unset"
};

class Registry {
  public:
    explicit Registry(const Paths& paths) : path_(paths.config_file), dir_(paths.config_dir) {}

    Status reload();
    Status reload_if_changed();

    const Config& config() const { return config_; }
    const std::string& path() const { return path_; }

    Status add_project(const std::string& name,
                       const std::vector<std::pair<std::string, std::string>>& settings);
    Status remove_project(const std::string& name);
    Status set_value(const std::string& project, const std::string& key, const std::string& value);

    // Every project key with the value in force and where it comes from.
    std::vector<EffectiveValue> effective(const ProjectConfig& p) const;

  private:
    // Applies `change` to a copy, validates the result, saves it atomically
    // and only then makes it current.
    template <typename F>
    Status update(F change);

    std::string path_, dir_;
    IniDocument doc_;
    Config config_;
    timespec mtime_{};
    off_t size_ = -1;
};

} // namespace fab
