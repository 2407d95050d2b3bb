#!/usr/bin/env bash
# bench/remote.sh — server mode over TLS, with and without authentication:
#   - TLS handshakes per second against fabd (openssl s_time, a new session each
#     time): server certificate only, then with a client certificate (auth = mtls)
#   - GET /api/v1/runs/{id} throughput over HTTPS with keep-alive (h2load, HTTP/1.1
#     and h2): no auth, then auth = jwt with a bearer token on every request
#   - the remote CLI's round trip, `fab --server-url … agent list` (fab execs
#     fab-remote, its bridge, TLS + JWT, POST /api/v1/messages), against the local
#     socket, `fab agent list`
# Prints figures; never fails for slowness; not run by the tests.
#   BUILD=build bench/remote.sh       REQUESTS=20000 CONNS=10 TLS_SECONDS=5 ROUNDS=30
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
REQUESTS=${REQUESTS:-20000}
CONNS=${CONNS:-10}
TLS_SECONDS=${TLS_SECONDS:-5}
ROUNDS=${ROUNDS:-30}
for tool in h2load openssl curl python3; do
    command -v $tool >/dev/null || { echo "remote: $tool missing"; exit 1; }
done

root=$(mktemp -d /tmp/fab-bench-remote.XXXXXX)
export FAB_DIR=$root/fab HOME=$root/home XDG_CONFIG_HOME=$root/xdg GIT_CONFIG_NOSYSTEM=1
export PATH=$PWD/$BUILD:$PWD/$BUILD/scripted:$PATH
unset FAB_SERVER_URL FAB_TOKEN FAB_TOKEN_FILE FAB_TLS_CERT FAB_TLS_KEY FAB_TLS_CA
mkdir -p "$HOME" "$FAB_DIR/config"
chmod 700 "$FAB_DIR"
cleanup() {
    fab server stop >/dev/null 2>&1
    for p in /proc/[0-9]*; do
        grep -qz "^FAB_DIR=$FAB_DIR\$" "$p/environ" 2>/dev/null && kill -KILL "${p#/proc/}" 2>/dev/null
    done
    rm -rf "$root"
}
trap cleanup EXIT

# Certificates: a CA, the server's (IP 127.0.0.1), a client's (CN alice); a JWT for alice.
P=$root/pki
mkdir -p "$P"
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
{
    openssl req -x509 "${ec[@]}" -days 1 -subj /CN=bench-ca -keyout "$P/ca.key" -out "$P/ca.pem"
    openssl req "${ec[@]}" -subj /CN=127.0.0.1 -keyout "$P/server.key" -out "$P/server.csr"
    printf 'subjectAltName=IP:127.0.0.1\n' >"$P/san.ext"
    openssl x509 -req -in "$P/server.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" -CAcreateserial \
        -days 1 -extfile "$P/san.ext" -out "$P/server.pem"
    openssl req "${ec[@]}" -subj /CN=alice -keyout "$P/client.key" -out "$P/client.csr"
    openssl x509 -req -in "$P/client.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" -CAcreateserial \
        -days 1 -out "$P/client.pem"
} >"$root/pki.log" 2>&1 || { echo "remote: openssl failed"; cat "$root/pki.log"; exit 1; }
fab token keygen --dir "$root/keys" >/dev/null || exit 1
token=$(fab token issue --sub alice --ttl 1h --key "$root/keys/jwt-ed25519.pem") || exit 1
echo "$token" >"$root/token"
chmod 600 "$root/token"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=https://127.0.0.1:$port
# serve AUTH: (re)starts fabd with HTTPS and `auth = AUTH` ("" = none).
serve() {
    fab server stop >/dev/null 2>&1
    cat >"$FAB_DIR/config/config.ini" <<INI
[server]
http-listen = 127.0.0.1:$port
${1:+auth = $1}
allowed-users = alice
jwt-public-key = $root/keys/jwt-ed25519.pub.pem
tls-cert = $P/server.pem
tls-key = $P/server.key
tls-client-ca = $P/ca.pem
INI
    fab server start >/dev/null || exit 1
    for _ in $(seq 100); do
        # (with mtls alone, a client without a certificate fails its handshake)
        curl -s -o /dev/null --cacert "$P/ca.pem" --cert "$P/client.pem" --key "$P/client.key" \
            "$url/" && return 0
        sleep 0.1
    done
    echo "remote: the server did not come up"; exit 1
}
handshakes() { # LABEL [s_time options]
    local label=$1; shift
    local out
    out=$(openssl s_time -connect "127.0.0.1:$port" -new -time "$TLS_SECONDS" -CAfile "$P/ca.pem" "$@" 2>&1)
    local n real
    n=$(echo "$out" | sed -n 's/^\([0-9]*\) connections in [0-9]* real seconds.*/\1/p')
    real=$(echo "$out" | sed -n 's/^[0-9]* connections in \([0-9]*\) real seconds.*/\1/p')
    if [ -n "$n" ] && [ -n "$real" ] && [ "$real" -gt 0 ]; then
        echo "  TLS handshakes, $label: $((n / real))/s ($n in ${real} s, one client, new session each)"
    else
        echo "  TLS handshakes, $label: s_time failed:"; echo "$out" | tail -3 | sed 's/^/      /'
    fi
}
throughput() { # LABEL [h2load options]
    local label=$1; shift
    local mode name flag out
    for mode in "h1:--h1" "h2:"; do
        name=${mode%%:*}; flag=${mode#*:}
        out=$(h2load $flag -n "$REQUESTS" -c "$CONNS" "$@" "$url/api/v1/runs/$id" 2>&1)
        echo "  GET /api/v1/runs/{id} over TLS, $name, $label: $(echo "$out" | sed -n 's/^finished in \(.*\), \(.*req\/s\).*/\2 (\1)/p')"
        echo "$out" | grep -E "^status codes:" | sed 's/^/      /'
    done
}
ms_per_round() { # COMMAND...: the median and mean wall time of ROUNDS runs, in ms
    python3 - "$ROUNDS" "$@" <<'PY'
import subprocess, sys, time, statistics
rounds, cmd = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(rounds):
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    times.append((time.perf_counter() - t) * 1000)
    if r.returncode != 0:
        print("failed: " + r.stderr.decode(errors="replace").strip()); sys.exit(0)
print(f"median {statistics.median(times):.2f} ms, mean {statistics.mean(times):.2f} ms, "
      f"min {min(times):.2f} ms ({rounds} runs)")
PY
}

git init -q "$root/web" && git -C "$root/web" -c user.name=b -c user.email=b@x commit -q --allow-empty -m init
serve ""
fab project add "$root/web" >/dev/null || exit 1
fab agent create --project web --backend scripted --prompt 'SCRIPT:say ready' >/dev/null || exit 1
id=$(curl -s --cacert "$P/ca.pem" -X POST "$url/api/v1/runs" \
    -d '{"project":"web","goal":"SCRIPT:sleep 600","backend":"scripted"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])') || exit 1
echo "== fabd over HTTPS on $url (TLS by OpenSSL through h2o), run $id"
echo "-- auth: none (loopback)"
handshakes "server certificate only"
throughput "no auth"
serve "jwt"
echo "-- auth = jwt"
throughput "Authorization: Bearer (EdDSA)" -H "authorization: Bearer $token"
echo "  remote CLI, fab --server-url … agent list (fab-remote, TLS + JWT): $(ms_per_round \
    fab --server-url "$url" --ca "$P/ca.pem" --token-file "$root/token" agent list)"
echo "  local socket, fab agent list:                                       $(ms_per_round fab agent list)"
serve "mtls"
echo "-- auth = mtls"
handshakes "with a client certificate (CN alice)" -cert "$P/client.pem" -key "$P/client.key"
echo "  remote CLI with the client certificate, fab --server-url … agent list: $(ms_per_round \
    fab --server-url "$url" --ca "$P/ca.pem" --cert "$P/client.pem" --key "$P/client.key" agent list)"
