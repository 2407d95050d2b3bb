#!/usr/bin/env bash
# Formatting is checked, not hoped for: every C++ source and header must be
# what clang-format (.clang-format at the top) makes of it. Prints one line
# per file that differs, then "N passed, N failed" like the other suites.
# Fix: make format (or clang-format -i the files named).
set -u
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null; then
    echo "clang-format is not installed (scripts/install-deps installs it)"
    echo "0 passed, 1 failed"
    exit 1
fi
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
else
    mapfile -t files < <(find src daemon tui scripted tests bench man \( -name '*.cpp' -o -name '*.hpp' \) -type f)
fi
bad=0
for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "not formatted: $f"
        bad=$((bad + 1))
    fi
done
echo "checked ${#files[@]} files"
if [ "$bad" -eq 0 ]; then
    echo "1 passed, 0 failed"
else
    echo "0 passed, 1 failed"
    exit 1
fi
