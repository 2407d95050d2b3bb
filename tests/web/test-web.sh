#!/usr/bin/env bash
# fab's web UI in a real browser: the system Chromium (Debian `chromium`)
# driven by playwright-core (.deps/npm) against a real fabd serving HTTP with
# JWT auth, one run at a time, and scripted agents. browser.mjs plays the
# user: token login (a bad token refused), runs submitted from the form
# (queued → running → succeeded on the board), live events that resume after
# a reload without duplicates, steering, a permission request allowed from
# "Waiting for you" (the agent goes on), a question answered from the CLI
# vanishing, the diff, agents and projects, demo mode, no console errors.
# Screenshots of each view at 1280×800 and 360×740 go to
# $FAB_BUILD/web-artifacts (the path is printed).
# Prints ok/FAIL lines, then `N passed, N failed`.
# Env: FAB_BUILD, FAB_NPM_BIN (as tests/e2e), FAB_E2E_KEEP=1 keeps the temp dir.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../e2e/lib/common.sh"

e2e_init web
NPM_DIR=$(cd "$FAB_NPM_BIN/../.." 2>/dev/null && pwd)
CHROMIUM=${FAB_CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || { fail setup "$CHROMIUM missing (scripts/install-deps installs chromium)"; finish; }
[ -f "$NPM_DIR/node_modules/playwright-core/package.json" ] ||
  { fail setup "playwright-core missing in $NPM_DIR (scripts/install-deps)"; finish; }
[ -x "$FAB_BUILD/scripted/fab-scripted-agent" ] || { fail setup "fab-scripted-agent not built"; finish; }

ARTIFACTS=$FAB_BUILD/web-artifacts
rm -rf "$ARTIFACTS" && mkdir -p "$ARTIFACTS"

# JWT auth on plain HTTP (loopback); one run at a time, so that a second run
# waits in the queue.
fab token keygen --dir "$T/keys" >"$T/keygen.out" 2>&1 || { fail setup "fab token keygen" "$T/keygen.out"; finish; }
mkdir -p "$FAB_DIR/config"
cat >"$FAB_DIR/config/config.ini" <<INI
[server]
auth = jwt
jwt-public-key = $T/keys/jwt-ed25519.pub.pem
allowed-users = web
max-concurrent-runs = 1
INI
# Run B's agent commits without asking; its `touch` waits for a person.
allow_rule web-git-add 'git add:*'
allow_rule web-git-commit 'git commit:*'
allow_rule web-done 'fab agent done:*'
allow_rule web-write ':*' Write # run C's file, for its diff
GOOD_TOKEN=$(fab token issue --sub web --key "$T/keys/jwt-ed25519.pem")
fab token keygen --dir "$T/other-keys" >/dev/null 2>&1
BAD_TOKEN=$(fab token issue --sub web --key "$T/other-keys/jwt-ed25519.pem")
[ -n "$GOOD_TOKEN" ] && [ -n "$BAD_TOKEN" ] || { fail setup "no tokens"; finish; }

HTTP_PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
make_repo "$T/repo"
if ! fab server start --http "127.0.0.1:$HTTP_PORT" >"$T/server-start.out" 2>&1; then
  fail daemon-start "fab server start --http failed" "$T/server-start.out" "$FAB_DIR/fab.log"
  finish
fi
wait_until 10 test -S "$FAB_DIR/fab.sock"
if fab project add "$T/repo" --name web --max-agents 20 >"$T/project.out" 2>&1; then ok project-add; else fail project-add "" "$T/project.out"; finish; fi

# The static files themselves, without a browser: content types, CSP,
# no way out of the web root, no token needed for the page.
url=http://127.0.0.1:$HTTP_PORT
hdr() { curl -s -o /dev/null -D - --path-as-is "$url$1" | tr -d '\r'; }
code() { curl -s -o /dev/null -w '%{http_code}' --path-as-is "$url$1"; }
h=$(hdr /)
if echo "$h" | grep -qi '^content-type: text/html' && echo "$h" | grep -qi "^content-security-policy: .*script-src 'self'" &&
   ! echo "$h" | grep -qi 'unsafe-inline'; then ok static-index-html-csp; else fail static-index-html-csp "$h"; fi
if hdr /app.js | grep -qi '^content-type: text/javascript' && hdr /app.css | grep -qi '^content-type: text/css'; then
  ok static-content-types; else fail static-content-types "$(hdr /app.js | head -5)"; fi
bad=''
for p in /../../../../etc/passwd /%2e%2e/%2e%2e/etc/passwd /..%2f..%2fetc%2fpasswd '/..\..\etc\passwd' /nothing.js /a%00b; do
  c=$(code "$p"); [ "$c" = 404 ] || bad="$bad $p→$c"
done
if [ -z "$bad" ] && [ "$(code /x/../app.js)" = 200 ]; then ok static-no-traversal; else fail static-no-traversal "$bad"; fi
if [ "$(code /api/v1/runs)" = 401 ]; then ok api-needs-token; else fail api-needs-token "$(code /api/v1/runs)"; fi
head_out=$(curl -s -I "$url/app.js" | tr -d '\r')
len=$(echo "$head_out" | sed -n 's/^content-length: //Ip')
if echo "$head_out" | grep -q '^HTTP/1.1 200' && [ "$len" = "$(stat -c %s "$E2E_REPO/share/web/app.js")" ] &&
   [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url/app.js")" = 401 ]; then # not a file: the API's auth
  ok static-head-and-methods; else fail static-head-and-methods "$head_out"; fi

start=$SECONDS
out=$T/browser.out
WEB_URL=$url ARTIFACTS=$ARTIFACTS FAB=$FAB GOOD_TOKEN=$GOOD_TOKEN BAD_TOKEN=$BAD_TOKEN \
  FAB_NPM_DIR=$NPM_DIR CHROMIUM=$CHROMIUM PROFILE_PARENT=$T timeout 150 node "$HERE/browser.mjs" >"$out" 2>&1
rc=$?
while IFS= read -r line; do
  case $line in
    "ok "*) ok "${line#ok }" ;;
    "FAIL "*) rest=${line#FAIL }; fail "${rest%%:*}" "${rest#*: }" ;;
    "skip "*) echo "$line" ;;
    *) log "$line" ;;
  esac
done <"$out"
if [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' "$out"; then fail browser "node exited $rc" "$out" "$FAB_DIR/fab.log"; fi
[ "$FAIL" -gt 0 ] && tail -n 20 "$FAB_DIR/fab.log" | sed 's/^/    | /'
log "browser part: $((SECONDS - start)) s"
echo "# screenshots: $ARTIFACTS ($(ls "$ARTIFACTS" | wc -l) files)"
finish
