#!/usr/bin/env bash
# A real Neutron 29 (PyPI neutron==29.0.0, unmodified) for bridge mode's tests, authenticating
# through a real Keystone, with its own MariaDB and RabbitMQ; loopback only.
#
#   scripts/neutron.sh install          venv from tests/neutron/{requirements,constraints}.txt
#   scripts/neutron.sh start | stop     everything below (installs if needed) / stop all of it
#   scripts/neutron.sh running          exit 0 when the API answers GET /
#   scripts/neutron.sh status           one line per part
#   scripts/neutron.sh env              export lines for the tests (PORTWATCH_TEST_NEUTRON_*)
#   scripts/neutron.sh stop-api | start-api          the API alone (tests: Neutron down during a fault)
#   scripts/neutron.sh stop-rabbitmq | start-rabbitmq   its broker alone (tests: broker restarted)
#
# Parts (ports overridable with the variables named):
#   Keystone   its own instance (scripts/keystone.sh with PORTWATCH_KEYSTONE_PORT=$NEUTRON_KS_PORT,
#              default 5002, runtime /tmp/portwatch-neutron-keystone, the same venv), seeded as the
#              test Keystone plus user neutron/neutron-secret (admin + service on project service) and
#              service "neutron" (type network) in RegionOne -> the API below. Its own, so that its
#              catalog's network service is Neutron while the Keystone tests' (5001) is Portwatch.
#   MariaDB    127.0.0.1:$PORTWATCH_NEUTRON_DB_PORT (default 3316), datadir in the runtime folder,
#              database "neutron" migrated with neutron-db-manage upgrade heads (once per runtime).
#   RabbitMQ   node pwneutron@localhost on 127.0.0.1:$PORTWATCH_NEUTRON_AMQP_PORT (default 5674),
#              dist port +20000, data in /tmp/portwatch-neutron-rmq (scripts/services.sh); the
#              tests restart it, so it is not the shared test broker on 5673.
#   neutron-api  neutron.wsgi.api:application under uWSGI on 127.0.0.1:$PORTWATCH_NEUTRON_PORT
#              (default 9797), $PORTWATCH_NEUTRON_PROCESSES workers (default 2), auth_strategy =
#              keystone (keystonemiddleware auth_token), ML2 without mechanism drivers,
#              extension_drivers = port_security,data_plane_status, notifications messagingv2.
# Venv:      $PORTWATCH_NEUTRON_VENV (default /var/tmp/portwatch-neutron-venv), rebuilt only when
#            the sha256 of requirements.txt + constraints.txt or the Python version changes
#            (a cold install takes about 3 minutes: ~130 wheels and uWSGI built from source).
# Runtime:   $PORTWATCH_NEUTRON_DIR (default /tmp/portwatch-neutron): etc/, log/, run/, mysql/.
# Stopping acts on this script's own pids only.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRC="$ROOT/tests/neutron"
N_PORT=${PORTWATCH_NEUTRON_PORT:-9797}
DB_PORT=${PORTWATCH_NEUTRON_DB_PORT:-3316}
AMQP_PORT=${PORTWATCH_NEUTRON_AMQP_PORT:-5674}
KS_PORT=${PORTWATCH_NEUTRON_KS_PORT:-5002}
PROCESSES=${PORTWATCH_NEUTRON_PROCESSES:-2}
RT=${PORTWATCH_NEUTRON_DIR:-/tmp/portwatch-neutron}
VENV=${PORTWATCH_NEUTRON_VENV:-/var/tmp/portwatch-neutron-venv}
PY=${PORTWATCH_NEUTRON_PYTHON:-python3}
START_TIMEOUT=${PORTWATCH_NEUTRON_START_TIMEOUT:-240}
N_URL="http://127.0.0.1:$N_PORT"
KS_URL="http://127.0.0.1:$KS_PORT/v3"
MARKER="$RT/.portwatch-neutron"
LOCK="${RT%/}.lock"

log() { echo "neutron.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now_ms() { date +%s%3N; }
since() { local ms=$(($(now_ms) - $1)); printf '%d.%01ds' $((ms / 1000)) $((ms % 1000 / 100)); }

# shellcheck source=scripts/process.sh
source "$(dirname "${BASH_SOURCE[0]}")/process.sh"

keystone() {
    PORTWATCH_KEYSTONE_PORT=$KS_PORT PORTWATCH_KEYSTONE_DIR=/tmp/portwatch-neutron-keystone \
        "$ROOT/scripts/keystone.sh" "$@" 9>&- # the daemons it starts must not hold this script's lock
}

rabbitmq() {
    PORTWATCH_RMQ_DIR=/tmp/portwatch-neutron-rmq PORTWATCH_RMQ_NODE=pwneutron@localhost \
        PORTWATCH_RMQ_PORT=$AMQP_PORT PORTWATCH_RMQ_DIST_PORT=$((AMQP_PORT + 20000)) \
        "$ROOT/scripts/services.sh" "$@" 9>&- # the broker must not hold this script's lock
}

# SIGTERM to pid $2 (if its command line has $3), SIGKILL to its process group after $4 seconds.
stop_pid() {
    local name=$1 pid=$2 needle=$3 secs=$4
    pid_matches "$pid" "$needle" || return 0
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_pid_gone "$pid" "$secs"; then
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        wait_pid_gone "$pid" 10 || die "could not stop $name (pid $pid)"
    fi
    log "$name stopped"
}

take_lock() {
    exec 9>"$LOCK"
    flock -w 900 9 || die "another scripts/neutron.sh holds $LOCK for 15 minutes"
}

# ---------------------------------------------------------------- venv

venv_key() {
    echo "$(cat "$SRC/requirements.txt" "$SRC/constraints.txt" | sha256sum | cut -d' ' -f1)" \
        "$("$PY" -c 'import sys; print(sys.version.split()[0])')"
}

venv_ok() {
    local stamp="$VENV/.portwatch-neutron-requirements.sha256"
    [[ -x "$VENV/bin/uwsgi" && -x "$VENV/bin/neutron-db-manage" && -f $stamp && "$(cat "$stamp")" == "$(venv_key)" ]]
}

ensure_packages() {
    local missing=() p
    for p in mariadb-server rabbitmq-server gcc curl; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    [[ $(id -u) -eq 0 ]] || die "need root to apt-get install ${missing[*]}"
    log "apt-get install ${missing[*]}"
    # keep the packages' maintainer scripts from starting system-wide services
    local policy=/usr/sbin/policy-rc.d made=0
    if [[ ! -e $policy ]]; then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made=1; fi
    local rc=0
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 || rc=$?
    ((rc == 0)) && { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        "${missing[@]}" >&2 || rc=$?; }
    ((made)) && rm -f "$policy"
    return $rc
}

install() {
    ensure_packages
    if venv_ok; then
        log "venv $VENV is up to date"
    else
        local t0 key
        t0=$(now_ms)
        key=$(venv_key)
        stop_api
        log "installing Neutron 29 into $VENV (pip, tests/neutron/requirements.txt; a few minutes)"
        rm -rf "$VENV"
        "$PY" -m venv "$VENV" || die "$PY -m venv $VENV failed"
        if ! "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-input \
            -c "$SRC/constraints.txt" -r "$SRC/requirements.txt" >"$VENV.pip.log" 2>&1; then
            tail -n 40 "$VENV.pip.log" >&2 || true
            die "pip install of Neutron failed (log $VENV.pip.log)"
        fi
        echo "$key" >"$VENV/.portwatch-neutron-requirements.sha256"
        log "TIMING install: $(since "$t0")"
    fi
    keystone install
}

# ---------------------------------------------------------------- MariaDB

db_pid() { [[ -f "$RT/run/mysqld.pid" ]] && tr -d ' \n' <"$RT/run/mysqld.pid" || true; }
db_alive() { pid_matches "$(db_pid)" "$RT/etc/my.cnf"; }
sql() { mariadb --socket="$RT/run/mysqld.sock" -uroot "$@"; }

start_db() {
    if db_alive; then return 0; fi
    port_open "$DB_PORT" && die "127.0.0.1:$DB_PORT is already used (set PORTWATCH_NEUTRON_DB_PORT)"
    if [[ ! -d "$RT/mysql/mysql" ]]; then
        mariadb-install-db --user=root --datadir="$RT/mysql" --auth-root-authentication-method=normal \
            >"$RT/log/mysql-install.log" 2>&1 || { tail -20 "$RT/log/mysql-install.log" >&2; die "mariadb-install-db failed"; }
    fi
    # Daemons run in $RT, never in the caller's folder (a clone that may be deleted while they run).
    (exec 9>&-; cd "$RT" && exec setsid /usr/sbin/mariadbd --defaults-file="$RT/etc/my.cnf" </dev/null >"$RT/log/mysqld.out" 2>&1) &
    local i
    for ((i = 0; i < 240; i++)); do
        sql -e 'select 1' >/dev/null 2>&1 && return 0
        sleep 0.25
    done
    tail -20 "$RT/log/mysqld.err" >&2 || true
    die "MariaDB did not start on 127.0.0.1:$DB_PORT"
}

migrate() {
    local want
    want="$(cat "$VENV/.portwatch-neutron-requirements.sha256") db $DB_PORT"
    [[ -f "$RT/migrated" && "$(cat "$RT/migrated")" == "$want" ]] && return 0
    local t0
    t0=$(now_ms)
    sql -e "CREATE DATABASE IF NOT EXISTS neutron CHARACTER SET utf8mb4;
            CREATE USER IF NOT EXISTS 'neutron'@'127.0.0.1' IDENTIFIED BY 'neutron';
            GRANT ALL ON neutron.* TO 'neutron'@'127.0.0.1'; FLUSH PRIVILEGES;"
    "$VENV/bin/neutron-db-manage" --config-file "$RT/etc/neutron.conf" --config-file "$RT/etc/ml2_conf.ini" \
        upgrade heads >"$RT/log/db-manage.log" 2>&1 || { tail -20 "$RT/log/db-manage.log" >&2; die "neutron-db-manage failed"; }
    echo "$want" >"$RT/migrated"
    log "TIMING migrate: $(since "$t0")"
}

stop_db() {
    stop_pid MariaDB "$(db_pid)" "$RT/etc/my.cnf" 60
}

# ---------------------------------------------------------------- neutron-api

api_pid() { [[ -f "$RT/run/neutron-api.pid" ]] && tr -d ' \n' <"$RT/run/neutron-api.pid" || true; }
api_alive() { pid_matches "$(api_pid)" "$RT/etc/neutron-api-uwsgi.ini"; }
api_running() { api_alive && [[ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$N_URL/" 2>/dev/null)" == 200 ]]; }

render() {
    mkdir -p "$RT"/{etc,log,run,state,lock,mysql}
    local f
    sed "s#@RT@#$RT#g; s#@PORT@#$N_PORT#g; s#@DB_PORT@#$DB_PORT#g; s#@AMQP_PORT@#$AMQP_PORT#g; s#@KS_BASE@#${KS_URL%/v3}#g; s#@VENV@#$VENV#g" \
        "$SRC/neutron.conf.in" >"$RT/etc/neutron.conf"
    cp "$SRC/ml2_conf.ini" "$RT/etc/ml2_conf.ini"
    sed "s#@RT@#$RT#g; s#@DB_PORT@#$DB_PORT#g" "$SRC/my.cnf.in" >"$RT/etc/my.cnf"
    sed "s#@RT@#$RT#g; s#@PORT@#$N_PORT#g; s#@PROCESSES@#$PROCESSES#g" "$SRC/neutron-api-uwsgi.ini.in" \
        >"$RT/etc/neutron-api-uwsgi.ini"
}

start_api() {
    api_running && return 0
    api_alive && stop_api
    port_open "$N_PORT" && die "127.0.0.1:$N_PORT is already used (set PORTWATCH_NEUTRON_PORT)"
    local t0 i ok=0
    t0=$(now_ms)
    # the log is appended to (a test restarts the API); readiness counts this start's lines only
    touch "$RT/log/neutron-api.out"
    local from
    from=$(($(wc -l <"$RT/log/neutron-api.out") + 1))
    (exec 9>&-; cd "$RT" && exec setsid "$VENV/bin/uwsgi" --ini "$RT/etc/neutron-api-uwsgi.ini" --virtualenv "$VENV" \
        </dev/null >>"$RT/log/neutron-api.out" 2>&1) &
    for ((i = 0; i < START_TIMEOUT * 2; i++)); do
        # ready once every worker loaded the app (lazy-apps) and the API answers
        if (($(tail -n "+$from" "$RT/log/neutron-api.out" | grep -c 'WSGI app 0 (mountpoint=.*) ready' || true) >= PROCESSES)) &&
            api_running; then
            ok=1
            break
        fi
        tail -n "+$from" "$RT/log/neutron-api.out" | grep -q 'no app loaded' && break
        sleep 0.5
    done
    if ((!ok)); then
        tail -n 30 "$RT/log/neutron-api.out" "$RT/log/neutron-api.log" >&2 2>/dev/null || true
        stop_api
        die "neutron-api did not come up on $N_URL"
    fi
    log "neutron-api up on $N_URL (pid $(api_pid)) in $(since "$t0")"
}

stop_api() {
    stop_pid neutron-api "$(api_pid)" "$RT/etc/neutron-api-uwsgi.ini" 30
    rm -f "$RT/run/neutron-api.pid"
}

# ---------------------------------------------------------------- all

start() {
    local t0
    t0=$(now_ms)
    install
    keystone start
    PORTWATCH_TEST_KEYSTONE_URL=$KS_URL "$VENV/bin/python" "$SRC/seed_neutron.py" "$N_URL" >&2 ||
        die "registering Neutron in Keystone $KS_URL failed"
    render
    echo "neutron-runtime" >"$MARKER"
    rabbitmq start-rabbitmq
    start_db
    migrate
    start_api
    log "TIMING start: $(since "$t0") in all"
}

stop() {
    stop_api
    stop_db
    rabbitmq stop-rabbitmq || true
    keystone stop || true
}

status() {
    api_running && echo "neutron-api: running ($N_URL)" || echo "neutron-api: stopped"
    db_alive && echo "mariadb: running (127.0.0.1:$DB_PORT)" || echo "mariadb: stopped"
    rabbitmq running-rabbitmq && echo "rabbitmq: running (127.0.0.1:$AMQP_PORT)" || echo "rabbitmq: stopped"
    keystone status
}

print_env() {
    cat <<EOF
export PORTWATCH_TEST_NEUTRON_URL=$N_URL
export PORTWATCH_TEST_NEUTRON_KEYSTONE_URL=$KS_URL
export PORTWATCH_TEST_NEUTRON_AMQP_URL=amqp://guest:guest@127.0.0.1:$AMQP_PORT/
EOF
}

case "${1:-}" in
install) take_lock; install ;;
start) take_lock; start ;;
stop) take_lock; stop ;;
running) api_running ;;
status) status ;;
env) print_env ;;
stop-api) stop_api ;;
start-api) render; start_api ;;
stop-rabbitmq) rabbitmq stop-rabbitmq ;;
start-rabbitmq) rabbitmq start-rabbitmq ;;
-h | --help | help) sed -n '2,36p' "$0" | sed 's/^# \{0,1\}//' ;;
*)
    sed -n '2,36p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
