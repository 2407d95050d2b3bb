// Stored plans: $FAB_DIR/plans/<id>.md, one Markdown file per plan, with a
// small front matter (id, agent, project, created, title, source) between
// `---` lines, then the plan as the planner wrote it. The plan id is the id
// of the agent that wrote it, so a planner that refines its plan rewrites one
// file. Pure file functions: they block (fsync), so the daemon calls them on
// the thread pool.
#pragma once

#include "util/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fab::plans {

// A plan is a page or a few of text, not a data set.
inline constexpr size_t kMaxPlanBytes = 1 << 20;

struct Plan {
    std::string id, agent, project, created, title, source;
    std::string body; // everything after the front matter
    std::string path;
};

// Plan ids become file names: [A-Za-z0-9_-]{1,64}.
bool valid_plan_id(std::string_view id);

// The title: the first Markdown heading, else the first non-empty line,
// on one line and at most 80 bytes.
std::string title_of(std::string_view body);

std::string format_plan(const Plan& p);
// `path` names the file in errors ("<path>:<line>: …").
Result<Plan> parse_plan(const std::string& path, std::string_view text);

// Writes dir/<id>.md atomically (created now when p.created is empty).
Result<Plan> write_plan(const std::string& dir, Plan p);
Result<Plan> read_plan(const std::string& dir, const std::string& id);

// The top-level steps of a plan: lines `1. …` / `2) …` at the start of a
// line (under any heading: plans group steps in phases), each with the
// lines under it up to the next step or heading.
struct Step {
    std::string title; // the step's first line, without its number
    std::string body;  // the lines under it
};
std::vector<Step> top_level_steps(std::string_view body);

struct Listing {
    std::vector<Plan> plans;           // newest first; bodies dropped
    std::vector<std::string> problems; // unreadable files, each "<path>:<line>: …"
};
Listing list_plans(const std::string& dir, const std::string& project);

} // namespace fab::plans
