// IniDocument: an INI file that knows where every key came from and can be
// written back unchanged except for the keys that were edited.
//
// Parsing goes through inih (`ini_parse_stream`) so that fab reads INI the way
// inih reads it (separators, comments, trimming). Debian's inih 55 build has
// line numbers and the new-section callback compiled off and truncates section
// names at 49 bytes, so our own line reader feeds inih one raw line at a time:
// it counts lines, parses section headers itself and keeps every raw line for
// the round trip. inih supplies the key/value split of each key line.
//
// Syntax accepted (see also fab.conf(5)):
//   [kind]  or  [kind "label"]     kind: [A-Za-z0-9_.-]+, label has no `"`
//   key = value  or  key: value    the first `=` or `:` separates
//   ; comment  or  # comment       at the start of a line
//   key = value ; comment          inline comments start at a `;` that follows
//                                  whitespace, even inside quotes (inih rule)
// Values are trimmed; one pair of surrounding double quotes is removed, so
// `key = " x "` keeps its spaces. There are no continuation lines and no
// escapes. Errors read `<file>:<line>: <what is wrong>`.
#pragma once

#include "util/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fab {

struct IniEntry {
    std::string key;
    std::string value; // trimmed, inline comment and surrounding quotes removed
    int line = 0;      // 1-based
};

struct IniSection {
    std::string header; // raw text inside [], e.g. `project "web"`
    std::string kind;   // "project"
    std::string label;  // "web"; "" for [defaults]
    int line = 0;       // line of the header
    std::vector<IniEntry> entries;

    const IniEntry* find(std::string_view key) const;
};

class IniDocument {
  public:
    // Longest accepted line in bytes (without the newline). inih's own
    // default is 200 and it silently cuts longer lines; we raise it and
    // report anything longer as an error instead of cutting.
    static constexpr size_t kMaxLine = 64 * 1024;

    IniDocument() = default;

    // `filename` only names the source in error messages.
    static Result<IniDocument> parse(const std::string& text, const std::string& filename);
    // A missing file is an empty document (nothing configured yet).
    static Result<IniDocument> load(const std::string& path);

    const std::string& filename() const { return filename_; }
    const std::vector<IniSection>& sections() const { return sections_; }
    const IniSection* find(std::string_view kind, std::string_view label = {}) const;
    // The value of one key, or nullptr when the section or key is absent.
    const IniEntry* find(std::string_view kind, std::string_view label, std::string_view key) const;

    // Sets `key` in section [kind "label"] (label "" => [kind]). An existing
    // line is rewritten in place, keeping its indentation and any inline
    // comment; a new key goes after the section's last entry; a new section
    // is appended at the end of the file. Fails (leaving the document as it
    // was) when the key, label or value cannot be written as INI, e.g. a
    // value with a newline or a ` ;` that would read back as a comment.
    Status set(std::string_view kind, std::string_view label, std::string_view key,
               std::string_view value);
    // Removes the key's line. Returns false when there was no such key.
    bool unset(std::string_view kind, std::string_view label, std::string_view key);
    // Removes the header and every line up to the section's last entry;
    // comments after the last entry stay, as they usually introduce the next
    // section. Returns false when there was no such section.
    bool remove_section(std::string_view kind, std::string_view label);

    // The document as text: byte-for-byte the parsed text when unedited.
    std::string text() const;
    // Atomic write (temp file + rename), mode 0600: config can name secrets'
    // environment variables and the user's private repositories.
    Status save(const std::string& path) const;

  private:
    // Re-parses lines_ after an edit so sections_ and line numbers stay true.
    Status reparse();

    std::string filename_;
    std::vector<std::string> lines_; // raw lines without '\n' ('\r' kept)
    bool final_newline_ = true;      // whether the text ended with '\n'
    std::vector<IniSection> sections_;
};

} // namespace fab
