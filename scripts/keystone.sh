#!/usr/bin/env bash
# A real Keystone (PyPI keystone==30.0.0, SQLite, fernet tokens) for Portwatch's tests, on
# loopback only.
#
#   scripts/keystone.sh install                venv from tests/keystone/requirements.txt
#   scripts/keystone.sh start | stop           start (installs if needed, bootstraps, seeds) / stop
#   scripts/keystone.sh running                exit 0 when it answers GET /v3
#   scripts/keystone.sh status                 one line: running or stopped
#   scripts/keystone.sh env [USER]             export lines: PORTWATCH_TEST_KEYSTONE_URL, and the
#                                              OS_* variables of a seeded USER if one is named
#   scripts/keystone.sh register-network URL   catalog: service "portwatch" (type network), public +
#                                              internal endpoints in RegionOne -> URL (idempotent)
#
# Keystone: http://127.0.0.1:$PORTWATCH_KEYSTONE_PORT/v3 (default 5001; the reference anchor uses
#           5000), keystone.wsgi.api:application under gunicorn (sync workers).
# Venv:     $PORTWATCH_KEYSTONE_VENV (default /var/tmp/portwatch-keystone-venv), rebuilt only when
#           the sha256 of tests/keystone/requirements.txt or the Python version changes.
# Runtime:  $PORTWATCH_KEYSTONE_DIR (default /tmp/portwatch-keystone): keystone.conf, keystone.db,
#           fernet and credential keys, log/, run/keystone.pid. Made anew when it is missing or was
#           made for another port or venv; otherwise reused (keystone.conf is rendered each start).
# Accounts (domain Default): admin/admin-secret (admin on project admin and system all),
#           portwatch/portwatch-secret (admin + service on service), demo/demo-secret (member on
#           demo), dpi/dpi-secret (member + data_plane_integrator on demo), reader/reader-secret
#           (reader on demo), other/other-secret (member on other). See tests/keystone/README.md.
# Serving:  one gunicorn sync worker with Keystone's in-process cache (dogpile.cache.memory; one
#           process keeps it coherent); PORTWATCH_KEYSTONE_CACHE=0: no cache (upstream default),
#           2 workers, about 1 s per token validation here instead of about 12 ms.
# Knobs:    PORTWATCH_KEYSTONE_START_TIMEOUT (90 s), PORTWATCH_KEYSTONE_PYTHON (python3).
# Starting an instance that is already running only re-runs the (idempotent) seed. Stopping acts
# on this instance's own pid (and its process group) only.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KS_SRC="$ROOT/tests/keystone"
REQS="$KS_SRC/requirements.txt"
KS_PORT=${PORTWATCH_KEYSTONE_PORT:-5001}
KS_DIR=${PORTWATCH_KEYSTONE_DIR:-/tmp/portwatch-keystone}
KS_VENV=${PORTWATCH_KEYSTONE_VENV:-/var/tmp/portwatch-keystone-venv}
KS_PYTHON=${PORTWATCH_KEYSTONE_PYTHON:-python3}
KS_CACHE=${PORTWATCH_KEYSTONE_CACHE:-1}
case "$KS_CACHE" in
0 | false | no) KS_CACHE=false KS_WORKERS=2 ;;
*) KS_CACHE=true KS_WORKERS=1 ;; # the cache lives in the worker: one worker keeps it coherent
esac
KS_START_TIMEOUT=${PORTWATCH_KEYSTONE_START_TIMEOUT:-90}
KS_URL="http://127.0.0.1:$KS_PORT/v3"
PIDFILE="$KS_DIR/run/keystone.pid"
MARKER="$KS_DIR/.portwatch-keystone" # holds the runtime key; only a folder with it is ever removed
LOCK="${KS_DIR%/}.lock"

log() { echo "keystone.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now_ms() { date +%s%3N; }
since() { local ms=$(($(now_ms) - $1)); printf '%d.%01ds' $((ms / 1000)) $((ms % 1000 / 100)); }

[[ "$KS_PORT" =~ ^[0-9]+$ ]] && ((KS_PORT > 0 && KS_PORT < 65536)) ||
    die "PORTWATCH_KEYSTONE_PORT=$KS_PORT is not a TCP port"

# shellcheck source=scripts/process.sh
source "$(dirname "${BASH_SOURCE[0]}")/process.sh"

# HTTP status of GET $1 (000 when nothing answers within 5 s).
http_code() {
    if command -v curl >/dev/null 2>&1; then
        curl -s -m 5 -o /dev/null -w '%{http_code}' "$1" 2>/dev/null || true
    else
        "$KS_VENV/bin/python" - "$1" <<'EOF' 2>/dev/null || echo 000
import sys, urllib.request, urllib.error
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=5).status)
except urllib.error.HTTPError as e:
    print(e.code)
EOF
    fi
}

take_lock() {
    mkdir -p "$(dirname "$LOCK")"
    exec 9>"$LOCK"
    flock -w 900 9 || die "another scripts/keystone.sh holds $LOCK for 15 minutes"
}

# ---------------------------------------------------------------- venv

venv_key() {
    echo "$(sha256sum "$REQS" | cut -d' ' -f1) $("$KS_PYTHON" -c 'import sys; print(sys.version.split()[0])')"
}

venv_ok() {
    local stamp="$KS_VENV/.portwatch-keystone-requirements.sha256"
    [[ -x "$KS_VENV/bin/keystone-manage" && -x "$KS_VENV/bin/gunicorn" && -f $stamp &&
        "$(cat "$stamp")" == "$(venv_key)" ]]
}

install() {
    command -v "$KS_PYTHON" >/dev/null 2>&1 || die "$KS_PYTHON not found (PORTWATCH_KEYSTONE_PYTHON)"
    if venv_ok; then
        log "venv $KS_VENV is up to date (keystone $("$KS_VENV/bin/python" -c \
            'import importlib.metadata as m; print(m.version("keystone"))'))"
        return 0
    fi
    if ks_pid_alive; then
        log "Keystone (pid $(ks_pid)) runs from the venv about to be replaced; stopping it"
        stop
    fi
    local t0 key
    t0=$(now_ms)
    key=$(venv_key)
    log "installing Keystone into $KS_VENV (pip, tests/keystone/requirements.txt)"
    rm -rf "$KS_VENV"
    "$KS_PYTHON" -m venv "$KS_VENV" || die "python3 -m venv $KS_VENV failed"
    if ! "$KS_VENV/bin/python" -m pip install -q --disable-pip-version-check --no-input \
        -r "$REQS" >"$KS_VENV.pip.log" 2>&1; then
        tail -n 40 "$KS_VENV.pip.log" >&2 || true
        die "pip install -r tests/keystone/requirements.txt failed (log $KS_VENV.pip.log)"
    fi
    [[ -x "$KS_VENV/bin/keystone-manage" && -x "$KS_VENV/bin/gunicorn" ]] ||
        die "pip finished but $KS_VENV/bin/keystone-manage or gunicorn is missing"
    echo "$key" >"$KS_VENV/.portwatch-keystone-requirements.sha256"
    log "TIMING install: $(since "$t0") (venv + pip install of $(grep -c '^[^#].*==' "$REQS") pins)"
}

# ---------------------------------------------------------------- runtime

ks_pid() {
    [[ -f $PIDFILE ]] && tr -d ' \n' <"$PIDFILE" || true
}

# The gunicorn master's command line names the pid file, which names this runtime folder.
ks_pid_alive() {
    pid_matches "$(ks_pid)" "--pid $PIDFILE"
}

ks_running() {
    ks_pid_alive && [[ "$(http_code "$KS_URL")" == 200 ]]
}

runtime_key() {
    cat "$KS_VENV/.portwatch-keystone-requirements.sha256" 2>/dev/null
    echo "port $KS_PORT dir $KS_DIR"
}

manage() {
    PYTHONWARNINGS=ignore "$KS_VENV/bin/keystone-manage" --config-file "$KS_DIR/etc/keystone.conf" \
        "$@" >>"$KS_DIR/log/manage.log" 2>&1 || {
        tail -n 30 "$KS_DIR/log/manage.log" >&2 || true
        die "keystone-manage $1 failed (log $KS_DIR/log/manage.log)"
    }
}

render_config() {
    mkdir -p "$KS_DIR/etc" "$KS_DIR/app"
    sed "s#@RT@#$KS_DIR#g; s#@CACHE_ENABLED@#$KS_CACHE#g" "$KS_SRC/keystone.conf.in" \
        >"$KS_DIR/etc/keystone.conf"
    # the WSGI module is copied so a running server never imports from the clone
    cp "$KS_SRC/wsgi.py" "$KS_DIR/app/portwatch_keystone_wsgi.py"
}

# Keystone database, keys and bootstrap, unless $KS_DIR already holds them for this key.
prepare_runtime() {
    local key
    key=$(runtime_key)
    if [[ -f $MARKER && "$(cat "$MARKER")" == "$key" && -f "$KS_DIR/keystone.db" ]]; then
        log "reusing runtime $KS_DIR"
        return 0
    fi
    if [[ -e $KS_DIR ]]; then
        [[ -f $MARKER || -z "$(ls -A "$KS_DIR" 2>/dev/null)" ]] ||
            die "$KS_DIR exists and is not a runtime of this script; remove it or set PORTWATCH_KEYSTONE_DIR"
        log "runtime $KS_DIR was made for another port, venv or config; making it anew"
        rm -rf "$KS_DIR"
    fi
    local t0
    t0=$(now_ms)
    mkdir -p "$KS_DIR"/{etc,log,run,app,fernet-keys,credential-keys}
    echo "initialising" >"$MARKER"
    chmod 700 "$KS_DIR/fernet-keys" "$KS_DIR/credential-keys"
    render_config
    manage db_sync
    # as root keystone-manage insists on --keystone-user/--keystone-group (owner of the key files)
    manage fernet_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)"
    manage credential_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)"
    # roles admin/manager/member/reader/service (admin => manager => member => reader), domain
    # default, project admin, user admin (admin on project admin and on system all), service
    # keystone (identity) with public + internal endpoints in RegionOne.
    manage bootstrap \
        --bootstrap-username admin --bootstrap-password admin-secret \
        --bootstrap-project-name admin --bootstrap-role-name admin \
        --bootstrap-service-name keystone --bootstrap-region-id RegionOne \
        --bootstrap-public-url "$KS_URL" --bootstrap-internal-url "$KS_URL"
    echo "$key" >"$MARKER"
    log "TIMING bootstrap: $(since "$t0") (db_sync, fernet/credential keys, bootstrap)"
}

# Users, projects and roles through the API; skipped when this runtime was seeded by the same
# seed.py (its stamp is removed with the runtime folder).
seed() {
    local stamp="$KS_DIR/seeded" want t0
    want="$(cat "$MARKER") $(sha256sum "$KS_SRC/seed.py" | cut -d' ' -f1)"
    if [[ -f $stamp && "$(cat "$stamp")" == "$want" ]]; then
        log "already seeded (users, projects, roles of tests/keystone/seed.py)"
        return 0
    fi
    t0=$(now_ms)
    PORTWATCH_TEST_KEYSTONE_URL="$KS_URL" "$KS_VENV/bin/python" "$KS_SRC/seed.py" seed >&2 ||
        die "seeding Keystone at $KS_URL failed"
    echo "$want" >"$stamp"
    log "TIMING seed: $(since "$t0")"
}

dump_logs() {
    local f
    for f in "$KS_DIR/log/gunicorn.log" "$KS_DIR/log/keystone.log"; do
        [[ -s $f ]] || continue
        log "--- last lines of $f"
        tail -n 20 "$f" >&2 || true
    done
}

kill_group() { # pid: SIGKILL the process group the master leads (gunicorn runs under setsid)
    kill -KILL -- "-$1" 2>/dev/null || kill -KILL "$1" 2>/dev/null || true
}

start() {
    local t0
    t0=$(now_ms)
    install
    if ks_running; then
        log "Keystone already running (pid $(ks_pid)) on $KS_URL"
        seed
        return 0
    fi
    if ks_pid_alive; then
        log "Keystone pid $(ks_pid) exists but $KS_URL does not answer; restarting it"
        stop
    fi
    port_open "$KS_PORT" &&
        die "127.0.0.1:$KS_PORT is already used by another process (set PORTWATCH_KEYSTONE_PORT)"
    prepare_runtime
    render_config
    rm -f "$PIDFILE"
    : >"$KS_DIR/log/gunicorn.log"
    local t1 launcher deadline pid="" code="" exits
    t1=$(now_ms)
    log "starting Keystone on $KS_URL (gunicorn, $KS_WORKERS sync worker(s), cache $KS_CACHE;" \
        "logs in $KS_DIR/log)"
    (
        exec 9>&- # the lock must not outlive this script
        cd "$KS_DIR"
        export OS_KEYSTONE_CONFIG_DIR="$KS_DIR/etc" OS_KEYSTONE_CONFIG_FILES=keystone.conf
        export PYTHONWARNINGS=ignore
        exec setsid "$KS_VENV/bin/gunicorn" \
            --bind "127.0.0.1:$KS_PORT" --workers "$KS_WORKERS" --worker-class sync \
            --timeout 120 --graceful-timeout 10 --no-control-socket \
            --pythonpath "$KS_DIR/app" --pid "$PIDFILE" \
            --access-logfile "$KS_DIR/log/access.log" \
            --access-logformat '%(t)s "%(r)s" %(s)s %(b)s %(M)sms' \
            --error-logfile "$KS_DIR/log/gunicorn.log" \
            portwatch_keystone_wsgi:application
    ) </dev/null >>"$KS_DIR/log/gunicorn.out" 2>&1 &
    launcher=$!
    deadline=$(($(date +%s) + KS_START_TIMEOUT))
    while (($(date +%s) < deadline)); do
        [[ -z $pid ]] && pid=$(ks_pid)
        if ! kill -0 "${pid:-$launcher}" 2>/dev/null; then
            dump_logs
            tail -n 20 "$KS_DIR/log/gunicorn.out" >&2 || true
            die "gunicorn exited during start-up"
        fi
        # a worker that cannot load the app is respawned forever: give up after a few
        exits=$(grep -c 'exited with code' "$KS_DIR/log/gunicorn.log" 2>/dev/null || true)
        if ((${exits:-0} >= 4)); then
            dump_logs
            kill_group "${pid:-$launcher}"
            die "Keystone workers keep exiting during start-up"
        fi
        code=$(http_code "$KS_URL")
        [[ $code == 200 ]] && break
        sleep 0.25
    done
    if [[ $code != 200 ]]; then
        dump_logs
        kill_group "${pid:-$launcher}"
        die "Keystone did not answer GET $KS_URL with 200 within ${KS_START_TIMEOUT}s (last: $code)"
    fi
    log "TIMING launch: $(since "$t1") (until GET /v3 = 200)"
    seed
    log "Keystone is up (pid $(ks_pid)): $KS_URL"
    log "TIMING start: $(since "$t0") in all"
}

stop() {
    local pid
    pid=$(ks_pid)
    if ! pid_matches "$pid" "--pid $PIDFILE"; then
        log "Keystone ($KS_DIR) is not running"
        rm -f "$PIDFILE"
        return 0
    fi
    log "stopping Keystone (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_pid_gone "$pid" 30; then
        log "Keystone pid $pid still alive after 30 s; sending SIGKILL to its process group"
        kill_group "$pid"
        wait_pid_gone "$pid" 10 || die "could not stop Keystone pid $pid"
    fi
    rm -f "$PIDFILE"
    log "Keystone stopped"
}

status() {
    if ks_running; then
        echo "keystone: running (pid $(ks_pid), $KS_URL)"
    else
        echo "keystone: stopped"
    fi
}

print_env() {
    echo "export PORTWATCH_TEST_KEYSTONE_URL=$KS_URL"
    [[ $# -eq 0 ]] && return 0
    local line
    line=$(
        "$KS_VENV/bin/python" - "$KS_SRC/seed.py" "$1" <<'EOF'
import importlib.util, sys
spec = importlib.util.spec_from_file_location("seed", sys.argv[1])
seed = importlib.util.module_from_spec(spec); spec.loader.exec_module(seed)
if sys.argv[2] not in seed.USERS:
    sys.exit(f"unknown user {sys.argv[2]} (one of {', '.join(seed.USERS)})")
password, project, _ = seed.USERS[sys.argv[2]]
print(sys.argv[2], password, project)
EOF
    ) || exit 2
    read -r user password project <<<"$line"
    cat <<EOF
export OS_AUTH_TYPE=password OS_AUTH_URL=$KS_URL OS_IDENTITY_API_VERSION=3
export OS_USERNAME=$user OS_PASSWORD=$password OS_PROJECT_NAME=$project
export OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=RegionOne OS_INTERFACE=public
EOF
}

register_network() {
    [[ $# -eq 1 ]] || die "usage: $0 register-network URL"
    local py="$KS_VENV/bin/python"
    [[ -x $py ]] || py=python3
    PORTWATCH_TEST_KEYSTONE_URL="${PORTWATCH_TEST_KEYSTONE_URL:-$KS_URL}" \
        "$py" "$KS_SRC/seed.py" register-network "$1"
}

usage() {
    sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'
}

case "${1:-}" in
install) take_lock; install ;;
start) take_lock; start ;;
stop) take_lock; stop ;;
running) ks_running ;;
status) status ;;
env) shift; print_env "$@" ;;
register-network) shift; register_network "$@" ;;
-h | --help | help) usage ;;
*)
    usage >&2
    exit 2
    ;;
esac
