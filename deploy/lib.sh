# Shared by local.sh: install what is missing, find free ports, start Redis and Postgres on loopback.
# shellcheck shell=bash

need_packages() {
    local missing=()
    command -v redis-server >/dev/null || missing+=(redis-server redis-tools)
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
    pkg-config --exists hiredis 2>/dev/null || missing+=(libhiredis-dev pkg-config)
    [ -f /usr/include/cmark-gfm-core-extensions.h ] || missing+=(libcmark-gfm-dev libcmark-gfm-extensions-dev)
    command -v git >/dev/null || missing+=(git)
    missing+=("$@")
    local wanted=()
    for package in "${missing[@]}"; do
        dpkg -s "$package" >/dev/null 2>&1 || wanted+=("$package")
    done
    [ ${#wanted[@]} -eq 0 ] && return 0
    echo "installing ${wanted[*]}" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${wanted[@]}" >&2
}

port_is_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_port PREFERRED: PREFERRED if nothing listens there, else the next free one above it.
free_port() {
    local port=$1
    while ! port_is_free "$port"; do port=$((port + 1)); done
    echo "$port"
}

postgres_bin() {
    ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1
}

# Postgres refuses to run as root: as root, the cluster belongs to the postgres user.
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# start_redis DIR PORT: a Redis on loopback keeping its files in DIR, with AOF as in production.
start_redis() {
    local dir=$1 port=$2
    mkdir -p "$dir"
    redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --daemonize yes --appendonly yes \
        --save "" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
    for _ in $(seq 50); do
        redis-cli -p "$port" ping >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "Redis did not start on port $port; see $dir/redis.log" >&2
    return 1
}

stop_redis() {
    redis-cli -p "$1" shutdown nosave >/dev/null 2>&1 || true
}

# start_postgres DIR PORT: a cluster in DIR (created on first use) with the kinexus role and database.
start_postgres() {
    local dir=$1 port=$2 bin
    bin=$(postgres_bin)
    if [ ! -f "$dir/PG_VERSION" ]; then
        mkdir -p "$dir"
        [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
        chmod 700 "$dir"
        as_postgres "$bin/initdb" -D "$dir" -U postgres -A trust --no-sync -E UTF8 >/dev/null
    fi
    as_postgres "$bin/pg_ctl" -D "$dir" -l "$dir/postgres.log" -w -t 30 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
    psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qtA -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
SELECT 'CREATE ROLE kinexus LOGIN PASSWORD ''kinexus'''
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kinexus') \gexec
SELECT 'CREATE DATABASE kinexus OWNER kinexus'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'kinexus') \gexec
SQL
}

stop_postgres() {
    as_postgres "$(postgres_bin)/pg_ctl" -D "$1" -m fast stop >/dev/null 2>&1 || true
}

# start_scratch_servers NAME REDIS_PORT POSTGRES_PORT: a throwaway Redis and Postgres on the first free
# ports from those given, removed when the script exits. Sets scratch, redis_port and postgres_port.
start_scratch_servers() {
    scratch=$(mktemp -d "/tmp/kinexus-$1.XXXXXX")
    chmod 755 "$scratch"
    redis_port=$(free_port "$2")
    postgres_port=$(free_port "$3")
    trap stop_scratch_servers EXIT
    start_redis "$scratch/redis" "$redis_port"
    start_postgres "$scratch/postgres" "$postgres_port"
}

stop_scratch_servers() {
    stop_postgres "$scratch/postgres"
    stop_redis "$redis_port"
    rm -rf "$scratch"
}
