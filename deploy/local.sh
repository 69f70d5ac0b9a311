#!/usr/bin/env bash
# The two commands of the README.
#   deploy/local.sh up     Redis, Postgres and every service on this machine; logs in .local/logs; Ctrl-C stops all.
#   deploy/local.sh test   the whole test suite against a Redis and a Postgres of its own.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=deploy/lib.sh
source "$root/deploy/lib.sh"

services() {
    # Every executable under Services/ except the kinexus CLI is a service.
    find "$root/Services" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | grep -vx kinexus | sort
}

up() {
    need_packages
    local state="$root/.local" redis_port postgres_port
    mkdir -p "$state/logs"
    redis_port=$(free_port 6379)
    postgres_port=$(free_port 5432)
    start_redis "$state/redis" "$redis_port"
    start_postgres "$state/postgres" "$postgres_port"
    export KINEXUS_REDIS_URL="redis://127.0.0.1:$redis_port/0"
    export KINEXUS_POSTGRES_URL="postgres://kinexus:kinexus@127.0.0.1:$postgres_port/kinexus"
    export KINEXUS_DATA_DIR="${KINEXUS_DATA_DIR:-$state/data}"
    pids=()
    stop_all() {
        trap - INT TERM EXIT
        echo "stopping" >&2
        [ ${#pids[@]} -gt 0 ] && kill -TERM "${pids[@]}" 2>/dev/null && wait "${pids[@]}" 2>/dev/null
        stop_postgres "$state/postgres"
        stop_redis "$redis_port"
    }
    trap stop_all INT TERM EXIT
    (cd "$root" && swift build)
    local bin
    bin=$(cd "$root" && swift build --show-bin-path)
    for service in $(services); do
        "$bin/$service" 2>&1 | sed -u "s/^/$service | /" | tee -a "$state/logs/$service.log" &
        pids+=($!)
    done
    echo "Redis $KINEXUS_REDIS_URL, Postgres on port $postgres_port, logs in $state/logs" >&2
    echo "running: $(services | tr '\n' ' ')— Ctrl-C stops everything" >&2
    wait
}

test_suite() {
    need_packages docker-compose
    local scratch redis_port postgres_port status=0
    scratch=$(mktemp -d /tmp/kinexus-test.XXXXXX)
    chmod 755 "$scratch"
    redis_port=$(free_port 16379)
    postgres_port=$(free_port 15432)
    cleanup() {
        stop_postgres "$scratch/postgres"
        stop_redis "$redis_port"
        rm -rf "$scratch"
    }
    trap cleanup EXIT
    start_redis "$scratch/redis" "$redis_port"
    start_postgres "$scratch/postgres" "$postgres_port"
    export KINEXUS_TEST_REDIS_URL="redis://127.0.0.1:$redis_port/0"
    export KINEXUS_TEST_POSTGRES_URL="postgres://kinexus:kinexus@127.0.0.1:$postgres_port/kinexus"
    docker-compose -f "$root/compose/docker-compose.yml" config -q
    cd "$root"
    swift build --build-tests
    swift test --skip-build "$@" || status=$?
    return $status
}

case "${1:-}" in
    up) up ;;
    test) shift; test_suite "$@" ;;
    *) echo "usage: deploy/local.sh up | test [swift test options]" >&2; exit 64 ;;
esac
