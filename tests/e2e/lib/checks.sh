# shellcheck shell=bash
# Counters and JSON-lines checks for the standalone check scripts (tests/e2e/check-fake-server.sh,
# tests/scripted/test-scripted-agent.sh), which do not use common.sh. Source it, don't run it.
#
#   ok NAME / fail NAME WHY [FILE]   counters; fail shows the last 8 lines of FILE
#   has_line FILE JS-EXPR            some line of FILE is JSON for which EXPR (over `o`) is true
#   count_lines FILE JS-EXPR         how many JSON lines of FILE satisfy EXPR
#   field FILE JS-EXPR               the value of EXPR for the first line where it is not
#                                    undefined/null
#   expect NAME FILE CHECK...        ok NAME when every CHECK holds, else FAIL NAME with the
#                                    first failing CHECK's WHY (and the tail of the file)
# Needs node.

PASS=0 FAIL=0
ok()   { echo "ok $1"; PASS=$((PASS + 1)); }
fail() {
  echo "FAIL $1${2:+: $2}"; FAIL=$((FAIL + 1))
  [ -n "${3:-}" ] && [ -f "$3" ] && tail -n 8 "$3" | cut -c1-400 | sed 's/^/    | /'
}

has_line() {
  node -e '
    const f = new Function("o", "return (" + process.argv[2] + ");");
    const ok = require("fs").readFileSync(process.argv[1], "utf8").split("\n").some((l) => {
      try { return !!f(JSON.parse(l)); } catch { return false; }
    });
    process.exit(ok ? 0 : 1);' "$1" "$2"
}
count_lines() {
  node -e '
    const f = new Function("o", "return (" + process.argv[2] + ");");
    console.log(require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter((l) => {
      try { return !!f(JSON.parse(l)); } catch { return false; }
    }).length);' "$1" "$2"
}
field() {
  node -e '
    const f = new Function("o", "return (" + process.argv[2] + ");");
    for (const l of require("fs").readFileSync(process.argv[1], "utf8").split("\n")) {
      let v; try { v = f(JSON.parse(l)); } catch { continue; }
      if (v !== undefined && v !== null) { console.log(v); break; }
    }' "$1" "$2"
}

# expect NAME FILE CHECK...: the checks, in order, until one fails (FAIL NAME WHY, with the
# tail of the file being read); ok NAME when all hold. A CHECK is one of
#   line JS-EXPR WHY      some line of the file satisfies EXPR (see has_line)
#   noline JS-EXPR WHY    no line does
#   file PATH WHY         PATH is a regular file
#   nofile PATH WHY       it is not
#   --in FILE             the line checks after it read FILE instead
expect() {
  local name=$1 file=$2 kind arg why
  shift 2
  while [ $# -gt 0 ]; do
    if [ "$1" = --in ]; then file=$2; shift 2; continue; fi
    kind=$1 arg=$2 why=$3
    shift 3
    case $kind in
      line) has_line "$file" "$arg" ;;
      noline) ! has_line "$file" "$arg" ;;
      file) [ -f "$arg" ] ;;
      nofile) [ ! -f "$arg" ] ;;
      *) echo "expect: unknown check '$kind'" >&2; false ;;
    esac || { fail "$name" "$why" "$file"; return 1; }
  done
  ok "$name"
}
