#!/usr/bin/env bash
# Run the production topology on one machine, in the foreground:
#
#   nginx :PORT ─┬─ /socket.io/ ── ip_hash ─┬─ python wsgi_socket.py --port 8101  (gevent, 1 process)
#                │                          └─ python wsgi_socket.py --port 8102  (gevent, 1 process)
#                └─ everything else ──────── gunicorn -k gthread :8000           (pages)
#   all of them share REDIS_URL (Socket.IO message queue) and DATABASE_URL.
#
# Ctrl-C or SIGTERM stops everything, in order, without dropping a request in
# flight: nginx stops accepting and finishes what it has (graceful quit), the
# socket processes close their connections (clients reconnect and replay), then
# gunicorn finishes its requests; STOP_TIMEOUT bounds the whole. Any one of the
# processes exiting stops the others the same way.
#
#   deploy/run-topology.sh                 # http://127.0.0.1:8080
#   DEMO=1 deploy/run-topology.sh          # with the demo programme and accounts
#   deploy/run-topology.sh --print-nginx   # print the rendered nginx server config
#
# Settings (environment variables):
#   PORT=8080                     where nginx listens
#   LISTEN_HOST=127.0.0.1         nginx's address (0.0.0.0 to be reachable from elsewhere)
#   SERVER_NAME=_                 nginx server_name
#   PAGES_PORT=8000               gunicorn (pages), on 127.0.0.1
#   SOCKET_PORTS="8101 8102"      one gevent socket process per port, on 127.0.0.1
#   WORKERS=2 THREADS=8           gunicorn workers, and threads per worker
#   REDIS_URL=redis://127.0.0.1:6379/0
#   DATABASE_URL                  unset: the instance's SQLite file, fine for trying;
#                                 use PostgreSQL in production
#   EMENTORING_INSTANCE=<repository>/instance
#   UPLOAD_MAX_MB=50              also sets nginx's client_max_body_size
#   TRUSTED_PROXIES=1             proxies whose X-Forwarded-For the app believes (nginx)
#   DEMO=1                        run `ementoring demo` (once) before starting
#   NGINX=/usr/sbin/nginx         the nginx binary (default: found on PATH or in /usr/sbin)
#   STOP_TIMEOUT=30               seconds a stop may take before what is left is killed
#
# Every start runs `ementoring init --no-admin` (create or upgrade the database,
# compile translations; it also creates instance/secret_key when SECRET_KEY is
# unset, before the processes that share it start). Uses the project's .venv.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/.venv/bin"
TEMPLATE="$ROOT/deploy/nginx.conf.template"

PORT=${PORT:-8080}
LISTEN_HOST=${LISTEN_HOST:-127.0.0.1}
SERVER_NAME=${SERVER_NAME:-_}
PAGES_PORT=${PAGES_PORT:-8000}
SOCKET_PORTS=${SOCKET_PORTS:-8101 8102}
WORKERS=${WORKERS:-2}
THREADS=${THREADS:-8}
UPLOAD_MAX_MB=${UPLOAD_MAX_MB:-50}
DEMO=${DEMO:-0}
STOP_TIMEOUT=${STOP_TIMEOUT:-30}
# gunicorn keeps an idle connection from nginx open longer than nginx does (see
# keepalive_timeout in nginx.conf.template): nginx must be the side that closes it
UPSTREAM_IDLE=60
GUNICORN_KEEPALIVE=$((UPSTREAM_IDLE + 15))
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
export EMENTORING_INSTANCE=${EMENTORING_INSTANCE:-$ROOT/instance}
# nginx in front: believe its X-Forwarded-For/-Proto, so limits and the security
# log see the client's address (one more if another proxy stands before nginx)
export TRUSTED_PROXIES=${TRUSTED_PROXIES:-1}
export UPLOAD_MAX_MB
export PYTHONUNBUFFERED=1

PIDS=()
NAMES=()
TMP=""

die() {
    echo "run-topology: error: $*" >&2
    exit 1
}

say() {
    echo "run-topology: $*" >&2
}

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
}

is_port() {
    [[ $1 =~ ^[0-9]+$ ]] && (($1 >= 1 && $1 <= 65535))
}

# True when something accepts connections on host:port.
listening() {
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# DATABASE_URL without its password, for messages.
masked_database_url() {
    printf '%s' "${DATABASE_URL:-}" | sed -E 's#(://[^:/@]*):[^@]*@#\1:***@#'
}

render_nginx() {
    local template pages sockets port
    [[ -r $TEMPLATE ]] || die "cannot read $TEMPLATE"
    template=$(<"$TEMPLATE")
    pages="    server 127.0.0.1:$PAGES_PORT;"
    sockets=""
    for port in $SOCKET_PORTS; do
        sockets+="${sockets:+$'\n'}    server 127.0.0.1:$port;"
    done
    template=${template//@LISTEN@/$LISTEN_HOST:$PORT}
    template=${template//@SERVER_NAME@/$SERVER_NAME}
    template=${template//@CLIENT_MAX_BODY_SIZE@/$((UPLOAD_MAX_MB + 1))m}
    template=${template//@PAGES_SERVERS@/$pages}
    template=${template//@SOCKET_SERVERS@/$sockets}
    template=${template//@UPSTREAM_IDLE@/$UPSTREAM_IDLE}
    template=${template//@GUNICORN_KEEPALIVE@/$GUNICORN_KEEPALIVE}
    if [[ $template =~ @[A-Z_]+@ ]]; then
        die "placeholder ${BASH_REMATCH[0]} of $TEMPLATE is not filled in"
    fi
    printf '%s\n' "$template"
}

# Copy a process's output to ours, each line prefixed with its name.
prefix() {
    local line
    while IFS= read -r line || [[ -n $line ]]; do
        printf '[%s] %s\n' "$1" "$line"
    done
}

# start NAME COMMAND...: run COMMAND in the background, remember its pid.
start() {
    local name=$1
    shift
    "$@" > >(prefix "$name") 2>&1 &
    PIDS+=("$!")
    NAMES+=("$name")
}

# wait_port NAME HOST PORT PID: until PORT accepts connections; fail if PID dies first.
wait_port() {
    local i
    for ((i = 0; i < 600; i++)); do
        if listening "$2" "$3"; then
            return 0
        fi
        if ! kill -0 "$4" 2>/dev/null; then
            die "$1 exited before listening on port $3 (its output is above)"
        fi
        sleep 0.1
    done
    die "$1 does not listen on port $3 after 60 s"
}

# wait_gone SECONDS PID...: until none of the PIDs is running; false on timeout.
wait_gone() {
    local i pid alive=1
    for ((i = 0; i < $1 * 10; i++)); do
        alive=0
        for pid in "${@:2}"; do
            if kill -0 "$pid" 2>/dev/null; then alive=1; fi
        done
        if ((!alive)); then return 0; fi
        sleep 0.1
    done
    return 1
}

# pids_named PREFIX: the pids of the started processes whose name starts with PREFIX.
pids_named() {
    local i
    for i in "${!NAMES[@]}"; do
        if [[ ${NAMES[$i]} == "$1"* ]]; then printf '%s\n' "${PIDS[$i]}"; fi
    done
}

cleanup() {
    local rc=$? deadline nginx_pids socket_pids page_pids left
    set +e
    trap - EXIT INT TERM
    if ((${#PIDS[@]})); then
        deadline=$((SECONDS + STOP_TIMEOUT))
        mapfile -t nginx_pids < <(pids_named nginx)
        mapfile -t socket_pids < <(pids_named socket:)
        mapfile -t page_pids < <(pids_named pages)
        # 1. nginx stops accepting and finishes the requests it has (QUIT: graceful);
        #    the pages and socket processes behind it still answer them
        if ((${#nginx_pids[@]})); then
            say "stopping: nginx finishes the requests in flight"
            kill -QUIT "${nginx_pids[@]}" 2>/dev/null
        fi
        # 2. socket processes close their connections (clients reconnect and replay),
        #    which also lets nginx's workers finish
        if ((${#socket_pids[@]})); then kill -TERM "${socket_pids[@]}" 2>/dev/null; fi
        if ((${#nginx_pids[@]})); then
            wait_gone $((deadline - SECONDS)) "${nginx_pids[@]}" ||
                say "nginx still running after ${STOP_TIMEOUT} s"
        fi
        # 3. gunicorn finishes what is left (graceful, up to --graceful-timeout)
        if ((${#page_pids[@]})); then
            say "stopping pages: gunicorn finishes what is left"
            kill -TERM "${page_pids[@]}" 2>/dev/null
        fi
        left=$((deadline - SECONDS))
        if ! wait_gone $((left > 1 ? left : 1)) "${PIDS[@]}"; then
            say "still running after ${STOP_TIMEOUT} s: killing"
            kill -KILL "${PIDS[@]}" 2>/dev/null
        fi
        wait "${PIDS[@]}" 2>/dev/null
    fi
    if [[ -n $TMP ]]; then rm -rf "$TMP"; fi
    exit "$rc"
}

find_nginx() {
    if [[ -n ${NGINX:-} ]]; then
        [[ -x $NGINX ]] || die "NGINX=$NGINX is not an executable"
        return 0
    fi
    NGINX=$(PATH="$PATH:/usr/sbin:/sbin" command -v nginx || true)
    if [[ -n $NGINX ]]; then return 0; fi
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        say "nginx is missing: installing Debian's nginx package"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
        say "note: on a systemd host Debian also starts its own nginx service (port 80);" \
            "'systemctl disable --now nginx' if you do not want it"
        NGINX=$(PATH="$PATH:/usr/sbin:/sbin" command -v nginx || true)
        [[ -n $NGINX ]] || die "nginx is still missing after apt-get install nginx"
    else
        die "nginx is missing: install it (sudo apt-get install nginx) or set NGINX=/path/to/nginx"
    fi
}

# --- arguments and settings --------------------------------------------------------

PRINT_NGINX=0
for arg in "$@"; do
    case $arg in
        -h | --help) usage; exit 0 ;;
        --print-nginx) PRINT_NGINX=1 ;;
        *) die "unknown argument: $arg (see --help)" ;;
    esac
done

for port in "$PORT" "$PAGES_PORT" $SOCKET_PORTS; do
    is_port "$port" || die "not a port number: '$port'"
done
[[ -n ${SOCKET_PORTS// /} ]] || die "SOCKET_PORTS is empty"
[[ $UPLOAD_MAX_MB =~ ^[0-9]+$ ]] || die "UPLOAD_MAX_MB is not a number: '$UPLOAD_MAX_MB'"
[[ $STOP_TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "STOP_TIMEOUT is not a number: '$STOP_TIMEOUT'"
[[ $WORKERS =~ ^[1-9][0-9]*$ && $THREADS =~ ^[1-9][0-9]*$ ]] ||
    die "WORKERS and THREADS must be positive numbers"
# shellcheck disable=SC2086  # word splitting of the port list is meant
if [[ $(printf '%s\n' "$PORT" "$PAGES_PORT" $SOCKET_PORTS | sort | uniq -d) ]]; then
    die "PORT, PAGES_PORT and SOCKET_PORTS must all differ"
fi

if ((PRINT_NGINX)); then
    render_nginx
    exit 0
fi

# --- checks --------------------------------------------------------------------

cd "$ROOT"
for tool in python gunicorn ementoring; do
    [[ -x $BIN/$tool ]] || die "$BIN/$tool is missing: run 'make setup' first"
done
find_nginx
for port in "$PAGES_PORT" $SOCKET_PORTS; do
    if listening 127.0.0.1 "$port"; then die "port $port is in use (change PAGES_PORT or SOCKET_PORTS)"; fi
done
CHECK_HOST=$LISTEN_HOST
if [[ $CHECK_HOST == 0.0.0.0 ]]; then CHECK_HOST=127.0.0.1; fi
if listening "$CHECK_HOST" "$PORT"; then die "port $PORT is in use (set PORT)"; fi

"$BIN/python" - "$REDIS_URL" <<'PY' || die "Redis at $REDIS_URL does not answer: start it (sudo apt-get install redis-server) or set REDIS_URL"
import sys

import redis

try:
    redis.Redis.from_url(sys.argv[1], socket_connect_timeout=3, socket_timeout=3).ping()
except Exception as exc:  # noqa: BLE001
    sys.exit(f"run-topology: {type(exc).__name__}: {exc}")
PY

if [[ -n ${DATABASE_URL:-} ]]; then
    say "database: $(masked_database_url)"
else
    say "database: SQLite in $EMENTORING_INSTANCE (fine for trying; set DATABASE_URL to PostgreSQL in production)"
fi
say "instance: $EMENTORING_INSTANCE; Redis: $REDIS_URL"
"$BIN/ementoring" init --no-admin || die "'ementoring init' failed: is the database reachable?"
if [[ $DEMO == 1 ]]; then
    "$BIN/ementoring" demo || die "'ementoring demo' failed"
fi

# --- nginx configuration -------------------------------------------------------

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ementoring-topology.XXXXXX")
# run as root, nginx's workers run as nobody: they must reach the temp paths
# (buffered uploads), so TMPDIR must be open to others, as /tmp is
chmod 755 "$TMP"
render_nginx >"$TMP/ementoring.conf"
cat >"$TMP/nginx.conf" <<EOF
# written by deploy/run-topology.sh; removed when it stops
worker_processes 1;
daemon off;
pid $TMP/nginx.pid;
error_log stderr;
# a graceful stop waits for requests in flight, but not for ever (open WebSockets)
worker_shutdown_timeout $((STOP_TIMEOUT * 2 / 3))s;

events {
    worker_connections 1024;
}

http {
    # which process answered each request: \$upstream_addr
    log_format topology '\$remote_addr "\$request" \$status \$body_bytes_sent '
                        '-> \$upstream_addr \${request_time}s';
    access_log /dev/stdout topology;
    client_body_temp_path $TMP/client_body;
    proxy_temp_path $TMP/proxy;
    fastcgi_temp_path $TMP/fastcgi;
    uwsgi_temp_path $TMP/uwsgi;
    scgi_temp_path $TMP/scgi;
    include $TMP/ementoring.conf;
}
EOF
NGINX_ARGS=(-p "$TMP/" -c "$TMP/nginx.conf")
# -e (nginx >= 1.19.5): no attempt to open the packaged /var/log/nginx/error.log
NGINX_HELP=$("$NGINX" -h 2>&1 || true)
if [[ $NGINX_HELP == *"-e filename"* ]]; then NGINX_ARGS+=(-e stderr); fi
"$NGINX" -t -q "${NGINX_ARGS[@]}" || die "nginx refused the configuration in $TMP/ementoring.conf"
say "nginx configuration: $TMP/ementoring.conf (removed on exit)"

# --- the processes ---------------------------------------------------------------

say "pages: gunicorn -k gthread -w $WORKERS --threads $THREADS on 127.0.0.1:$PAGES_PORT"
GUNICORN_ARGS=(-k gthread -w "$WORKERS" --threads "$THREADS" -b "127.0.0.1:$PAGES_PORT"
    --graceful-timeout 10 --keep-alive "$GUNICORN_KEEPALIVE")
# recent gunicorn opens a control socket, by default one per user (~/.gunicorn)
GUNICORN_HELP=$("$BIN/gunicorn" --help 2>&1 || true)
if [[ $GUNICORN_HELP == *--control-socket* ]]; then
    GUNICORN_ARGS+=(--control-socket "$TMP/gunicorn.ctl")
fi
start pages "$BIN/gunicorn" "${GUNICORN_ARGS[@]}" 'core:create_app()'
PAGES_PID=${PIDS[-1]}
for port in $SOCKET_PORTS; do
    say "socket: wsgi_socket.py (gevent) on 127.0.0.1:$port"
    start "socket:$port" "$BIN/python" "$ROOT/wsgi_socket.py" --host 127.0.0.1 --port "$port"
done

wait_port pages 127.0.0.1 "$PAGES_PORT" "$PAGES_PID"
i=1
for port in $SOCKET_PORTS; do
    wait_port "socket:$port" 127.0.0.1 "$port" "${PIDS[$i]}"
    i=$((i + 1))
done

start nginx "$NGINX" "${NGINX_ARGS[@]}"
wait_port nginx "$CHECK_HOST" "$PORT" "${PIDS[-1]}"

say "ementoring is up at http://$CHECK_HOST:$PORT/ (Ctrl-C stops everything)"

# --- until one of them exits, or Ctrl-C ---------------------------------------------

while true; do
    for i in "${!PIDS[@]}"; do
        if ! kill -0 "${PIDS[$i]}" 2>/dev/null; then
            rc=0
            wait "${PIDS[$i]}" || rc=$?
            die "${NAMES[$i]} exited (status $rc); stopping the others"
        fi
    done
    sleep 1 &
    wait $! || true
done
