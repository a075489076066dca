#!/usr/bin/env bash
# Private test services for Portwatch, on loopback only.
#
#   scripts/services.sh start-rabbitmq | stop-rabbitmq | start-postgres | stop-postgres
#   scripts/services.sh running-rabbitmq | running-postgres   (exit 0 when running)
#   scripts/services.sh status
#
# RabbitMQ: node portwatch@localhost, AMQP 127.0.0.1:5673, dist port 25673, data in
#           /tmp/portwatch-rmq, loopback_users = none (guest/guest works).
#           URL: amqp://guest:guest@127.0.0.1:5673/
# PostgreSQL 15: 127.0.0.1:55432, data in /tmp/portwatch-pg, trust auth, fsync off,
#           database "portwatch". URL: postgres://postgres@127.0.0.1:55432/portwatch
#
# Starting an instance that is already running is a no-op. Stopping acts on this
# instance's own pid only: other RabbitMQ / PostgreSQL processes on the machine
# (e.g. a reference Neutron's RabbitMQ on 5672) are never touched.
# Must run as root (PostgreSQL is run as the "postgres" user).
set -euo pipefail

RMQ_DIR=${PORTWATCH_RMQ_DIR:-/tmp/portwatch-rmq}
# The node name and ports may be changed for a second private broker (scripts/neutron.sh runs
# the bridge tests' own, which they restart, with PORTWATCH_RMQ_{DIR,NODE,PORT,DIST_PORT}).
RMQ_NODE=${PORTWATCH_RMQ_NODE:-portwatch@localhost}
RMQ_PORT=${PORTWATCH_RMQ_PORT:-5673}
RMQ_DIST_PORT=${PORTWATCH_RMQ_DIST_PORT:-25673}
RMQ_BIN=/usr/lib/rabbitmq/bin
RMQ_WAIT_TIMEOUT=${PORTWATCH_RMQ_WAIT_TIMEOUT:-180}

PG_DIR=${PORTWATCH_PG_DIR:-/tmp/portwatch-pg}
PG_PORT=55432
PG_BIN=/usr/lib/postgresql/15/bin
PG_DB=portwatch

log() { echo "services.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# shellcheck source=scripts/process.sh
source "$(dirname "${BASH_SOURCE[0]}")/process.sh"

# ---------------------------------------------------------------- RabbitMQ

rmq_env() {
    export HOME="$RMQ_DIR/home"
    export RABBITMQ_NODENAME="$RMQ_NODE"
    export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    export RABBITMQ_NODE_PORT=$RMQ_PORT
    export RABBITMQ_DIST_PORT=$RMQ_DIST_PORT
    export RABBITMQ_MNESIA_BASE="$RMQ_DIR/mnesia"
    export RABBITMQ_LOG_BASE="$RMQ_DIR/log"
    export RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins"
    export RABBITMQ_PID_FILE="$RMQ_DIR/rabbit.pid"
    export RABBITMQ_CONFIG_FILE="$RMQ_DIR/rabbitmq"
    export RABBITMQ_CONF_ENV_FILE="$RMQ_DIR/rabbitmq-env.conf"
    export RABBITMQ_ADVANCED_CONFIG_FILE="$RMQ_DIR/advanced.config"
    # Keep Erlang distribution on loopback too.
    export RABBITMQ_SERVER_START_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
}

rmq_pid() {
    [[ -f "$RMQ_DIR/rabbit.pid" ]] && tr -d ' \n' <"$RMQ_DIR/rabbit.pid" || true
}

rmq_running() {
    local pid
    pid=$(rmq_pid)
    pid_matches "$pid" "-home $RMQ_DIR/home" && port_open "$RMQ_PORT"
}

start_rabbitmq() {
    [[ -x "$RMQ_BIN/rabbitmq-server" ]] ||
        die "$RMQ_BIN/rabbitmq-server not found (apt-get install rabbitmq-server)"
    if rmq_running; then
        log "RabbitMQ $RMQ_NODE already running (pid $(rmq_pid)) on 127.0.0.1:$RMQ_PORT"
        return 0
    fi
    local oldpid
    oldpid=$(rmq_pid)
    if pid_matches "$oldpid" "-home $RMQ_DIR/home"; then
        # Our node is alive but not (yet) listening: a boot in progress, or a hung node.
        log "RabbitMQ $RMQ_NODE pid $oldpid exists but port $RMQ_PORT is closed; waiting for it"
        rmq_env
        if "$RMQ_BIN/rabbitmqctl" -n "$RMQ_NODE" wait --timeout "$RMQ_WAIT_TIMEOUT" \
            "$RMQ_DIR/rabbit.pid" >/dev/null 2>&1 && port_open "$RMQ_PORT"; then
            log "RabbitMQ $RMQ_NODE is up"
            return 0
        fi
        die "RabbitMQ $RMQ_NODE (pid $oldpid) is not answering; run: $0 stop-rabbitmq"
    fi
    port_open "$RMQ_PORT" && die "127.0.0.1:$RMQ_PORT is already used by another process"
    port_open "$RMQ_DIST_PORT" && die "127.0.0.1:$RMQ_DIST_PORT is already used by another process"

    mkdir -p "$RMQ_DIR/home" "$RMQ_DIR/log"
    # Queues and exchanges are throw-away: start each node with an empty database.
    rm -rf "$RMQ_DIR/mnesia" "$RMQ_DIR/rabbit.pid"
    mkdir -p "$RMQ_DIR/mnesia"
    echo "[]." >"$RMQ_DIR/enabled_plugins"
    echo "loopback_users = none" >"$RMQ_DIR/rabbitmq.conf"
    : >"$RMQ_DIR/rabbitmq-env.conf"
    rm -f "$RMQ_DIR/advanced.config"

    rmq_env
    log "starting RabbitMQ $RMQ_NODE on 127.0.0.1:$RMQ_PORT (log $RMQ_DIR/stdout.log)"
    # In its own folder, never the caller's (a clone that may be deleted while the broker runs).
    (cd "$RMQ_DIR" && exec setsid "$RMQ_BIN/rabbitmq-server" </dev/null >"$RMQ_DIR/stdout.log" 2>&1) &
    local launcher=$!
    if ! "$RMQ_BIN/rabbitmqctl" -n "$RMQ_NODE" wait --timeout "$RMQ_WAIT_TIMEOUT" \
        "$RMQ_DIR/rabbit.pid" >"$RMQ_DIR/wait.log" 2>&1; then
        log "rabbitmqctl wait failed:"
        cat "$RMQ_DIR/wait.log" >&2 || true
        tail -n 40 "$RMQ_DIR/stdout.log" >&2 || true
        # Do not leave a half-started node behind.
        local pid
        pid=$(rmq_pid)
        if pid_matches "$pid" "-home $RMQ_DIR/home"; then kill -KILL "$pid" 2>/dev/null || true; fi
        kill -KILL "$launcher" 2>/dev/null || true
        die "RabbitMQ did not start"
    fi
    local i
    for ((i = 0; i < 100; i++)); do
        port_open "$RMQ_PORT" && break
        sleep 0.1
    done
    port_open "$RMQ_PORT" || die "RabbitMQ started but 127.0.0.1:$RMQ_PORT is not open"
    log "RabbitMQ $RMQ_NODE is up (pid $(rmq_pid)): amqp://guest:guest@127.0.0.1:$RMQ_PORT/"
}

stop_rabbitmq() {
    local pid
    pid=$(rmq_pid)
    if ! pid_matches "$pid" "-home $RMQ_DIR/home"; then
        log "RabbitMQ $RMQ_NODE is not running"
        rm -f "$RMQ_DIR/rabbit.pid"
        return 0
    fi
    log "stopping RabbitMQ $RMQ_NODE (pid $pid)"
    rmq_env
    # rabbitmqctl stop talks to this node by name and waits for this pid to exit.
    timeout 60 "$RMQ_BIN/rabbitmqctl" -n "$RMQ_NODE" stop "$RMQ_DIR/rabbit.pid" \
        >/dev/null 2>&1 || true
    if ! wait_pid_gone "$pid" 5; then
        log "RabbitMQ pid $pid still alive; sending SIGTERM"
        kill -TERM "$pid" 2>/dev/null || true
        if ! wait_pid_gone "$pid" 20; then
            log "RabbitMQ pid $pid still alive; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            wait_pid_gone "$pid" 5 || die "could not stop RabbitMQ pid $pid"
        fi
    fi
    rm -f "$RMQ_DIR/rabbit.pid"
    log "RabbitMQ $RMQ_NODE stopped"
}

# ---------------------------------------------------------------- PostgreSQL

as_postgres() {
    # runuser keeps this independent of PAM/su configuration.
    runuser -u postgres -- "$@"
}

pg_pid() {
    [[ -f "$PG_DIR/data/postmaster.pid" ]] && head -n 1 "$PG_DIR/data/postmaster.pid" | tr -d ' \n' || true
}

pg_running() {
    local pid
    pid=$(pg_pid)
    pid_matches "$pid" "$PG_DIR/data" && port_open "$PG_PORT"
}

pg_create_db() {
    local exists
    exists=$("$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")
    if [[ "$exists" != "1" ]]; then
        "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -q \
            -c "CREATE DATABASE $PG_DB" >/dev/null
        log "created database $PG_DB"
    fi
}

start_postgres() {
    [[ -x "$PG_BIN/postgres" ]] || die "$PG_BIN/postgres not found (apt-get install postgresql-15)"
    id postgres >/dev/null 2>&1 || die "no 'postgres' user (apt-get install postgresql-15)"
    if pg_running; then
        log "PostgreSQL already running (pid $(pg_pid)) on 127.0.0.1:$PG_PORT"
        pg_create_db
        return 0
    fi
    port_open "$PG_PORT" && die "127.0.0.1:$PG_PORT is already used by another process"

    install -d -o postgres -g postgres -m 0700 "$PG_DIR"
    if [[ ! -f "$PG_DIR/data/PG_VERSION" ]]; then
        rm -rf "$PG_DIR/data"
        log "initdb $PG_DIR/data"
        as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres --no-sync \
            -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 ||
            { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
    fi
    # A stale pid file from a killed instance is handled by postgres itself.
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT (log $PG_DIR/log)"
    if ! as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 60 \
        -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" \
        start </dev/null >/dev/null 2>&1; then
        tail -n 40 "$PG_DIR/log" >&2 || true
        die "PostgreSQL did not start"
    fi
    pg_create_db
    log "PostgreSQL is up (pid $(pg_pid)): postgres://postgres@127.0.0.1:$PG_PORT/$PG_DB"
}

stop_postgres() {
    local pid
    pid=$(pg_pid)
    if ! pid_matches "$pid" "$PG_DIR/data"; then
        log "PostgreSQL ($PG_DIR) is not running"
        return 0
    fi
    log "stopping PostgreSQL (pid $pid)"
    # SIGINT to the postmaster = "fast" shutdown, exactly what pg_ctl -m fast sends.
    kill -INT "$pid" 2>/dev/null || true
    if ! wait_pid_gone "$pid" 30; then
        log "PostgreSQL pid $pid still alive; sending SIGQUIT"
        kill -QUIT "$pid" 2>/dev/null || true
        wait_pid_gone "$pid" 10 || die "could not stop PostgreSQL pid $pid"
    fi
    log "PostgreSQL stopped"
}

status() {
    if rmq_running; then echo "rabbitmq: running (pid $(rmq_pid), 127.0.0.1:$RMQ_PORT)"; else echo "rabbitmq: stopped"; fi
    if pg_running; then echo "postgres: running (pid $(pg_pid), 127.0.0.1:$PG_PORT)"; else echo "postgres: stopped"; fi
}

usage() {
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
}

case "${1:-}" in
start-rabbitmq) start_rabbitmq ;;
stop-rabbitmq) stop_rabbitmq ;;
start-postgres) start_postgres ;;
stop-postgres) stop_postgres ;;
running-rabbitmq) rmq_running ;;
running-postgres) pg_running ;;
status) status ;;
-h | --help | help) usage ;;
*)
    usage >&2
    exit 2
    ;;
esac
