#!/usr/bin/env bash
# The two commands of the README.
#   deploy/local.sh up     Redis, Postgres and every service on this machine; logs in .local/logs; Ctrl-C stops all.
#   deploy/local.sh test   the whole test suite against a Redis and a Postgres of its own, then the compose test.
#   deploy/local.sh compose-test   the image built and `docker compose up` driven through its port (a Docker
#                          engine is started when none answers).
#   deploy/local.sh bench  the benchmarks of BENCHMARKS.md, on a Redis and a Postgres of its own.
#   deploy/local.sh peer-bench   Celery and Dramatiq beside redis-benchmark (BENCHMARKS.md; bench runs it too).
#   deploy/local.sh document-bench   50 changes to one document, quiet and with both cores busy (bench too).
#   deploy/local.sh tracing-bench   the bus untraced, with tracing off, and on at 100% and 1% (BENCHMARKS.md).
#   deploy/local.sh review-bench    review webhook → iteration started (BENCHMARKS.md; bench runs it too).
#   deploy/local.sh eventbridge-bench   PutEvents through the AWS endpoint and a rule's delivery (BENCHMARKS.md; bench too).
#   deploy/local.sh ingress-ab COMMIT   this checkout's ingress against COMMIT's, alternating (BENCHMARKS.md).
#   deploy/local.sh demo   with `up` running: demo customers, orders, interactions and knowledge documents.
#   deploy/local.sh fuzz   libFuzzer over every entry point for a given time (not part of the tests).
#   deploy/local.sh fresh-machine   `up` and `test` each in a new container with only Debian 12 and the Swift
#                          toolchain, in a clone of the last commit: what a new contributor meets (README figures).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=deploy/lib.sh
source "$root/deploy/lib.sh"
# shellcheck source=deploy/webhook-bench.sh
source "$root/deploy/webhook-bench.sh"
# shellcheck source=deploy/codegen-bench.sh
source "$root/deploy/codegen-bench.sh"
# shellcheck source=deploy/review-bench.sh
source "$root/deploy/review-bench.sh"
# shellcheck source=deploy/support-bench.sh
source "$root/deploy/support-bench.sh"
# shellcheck source=deploy/fuzz.sh
source "$root/deploy/fuzz.sh"
# shellcheck source=deploy/client-tests.sh
source "$root/deploy/client-tests.sh"
# shellcheck source=deploy/eventbridge-bench.sh
source "$root/deploy/eventbridge-bench.sh"
# shellcheck source=deploy/console-bench.sh
source "$root/deploy/console-bench.sh"
# shellcheck source=deploy/tracing-bench.sh
source "$root/deploy/tracing-bench.sh"
# shellcheck source=deploy/peer-bench.sh
source "$root/deploy/peer-bench.sh"
# shellcheck source=deploy/document-bench.sh
source "$root/deploy/document-bench.sh"
# shellcheck source=deploy/ingress-ab.sh
source "$root/deploy/ingress-ab.sh"
# shellcheck source=deploy/helm-test.sh
source "$root/deploy/helm-test.sh"
# shellcheck source=deploy/docker-engine.sh
source "$root/deploy/docker-engine.sh"
# shellcheck source=deploy/compose-test.sh
source "$root/deploy/compose-test.sh"
# shellcheck source=deploy/fresh-machine.sh
source "$root/deploy/fresh-machine.sh"

services() {
    # Every folder under Services/ but the CLI's is a service, run as `kinexus <service>`.
    find "$root/Services" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | grep -vx kinexus | sort
}

random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
aws_key_pair() { printf 'KX%s:%s' "$(random_hex 9 | tr a-f A-F)" "$(random_hex 30)"; }

# Exports the variable $1: as it is when set, else the content of .local/$2, made first by the command after it.
keep_secret() {
    local variable=$1 file="$state/$2"
    shift 2
    if [ -z "${!variable:-}" ]; then
        [ -s "$file" ] || (umask 077 && "$@" > "$file")
        printf -v "$variable" '%s' "$(cat "$file")"
    fi
    export "${variable?}"
}

up() {
    need_packages
    state="$root/.local"
    mkdir -p "$state/logs"
    redis_port=$(free_port 6379)
    postgres_port=$(free_port 5432)
    start_redis "$state/redis" "$redis_port"
    start_postgres "$state/postgres" "$postgres_port"
    export KINEXUS_REDIS_URL="redis://127.0.0.1:$redis_port/0"
    export KINEXUS_POSTGRES_URL="postgres://kinexus:kinexus@127.0.0.1:$postgres_port/kinexus"
    # Secrets of this machine's own, made on first start and kept in .local/: never values anyone could guess.
    keep_secret KINEXUS_API_TOKEN api-token random_hex 32
    # The console's first user, made by the ingress on the first start with this password.
    keep_secret KINEXUS_ADMIN_PASSWORD admin-password random_hex 15
    # A key pair for the AWS endpoint (/aws/events).
    keep_secret KINEXUS_AWS_CREDENTIALS aws-credentials aws_key_pair
    # The key that seals connections' secrets: a new one would leave them unreadable.
    keep_secret KINEXUS_SECRETS_KEY secrets-key random_hex 32
    # Only this machine reaches the services unless KINEXUS_HTTP_HOST says otherwise (0.0.0.0: every interface).
    export KINEXUS_HTTP_HOST="${KINEXUS_HTTP_HOST:-127.0.0.1}"
    export KINEXUS_DATA_DIR="${KINEXUS_DATA_DIR:-$state/data}"
    # For `deploy/local.sh demo` and for anyone who wants the same servers from another shell.
    printf 'export KINEXUS_REDIS_URL=%q KINEXUS_POSTGRES_URL=%q KINEXUS_API_TOKEN=%q KINEXUS_AWS_CREDENTIALS=%q\n' \
        "$KINEXUS_REDIS_URL" "$KINEXUS_POSTGRES_URL" "$KINEXUS_API_TOKEN" "$KINEXUS_AWS_CREDENTIALS" > "$state/env"
    pids=()
    stop_all() {
        trap - INT TERM EXIT
        echo "stopping" >&2
        kill -TERM "${pids[@]}" 2>/dev/null || true
        wait "${pids[@]}" 2>/dev/null || true
        stop_postgres "$state/postgres"
        stop_redis "$redis_port"
    }
    trap stop_all INT TERM EXIT
    (cd "$root" && swift build)
    local bin
    bin=$(cd "$root" && swift build --show-bin-path)
    for service in $(services); do
        # The service's own pid is the one tracked, so stopping signals the service, not its log pipe.
        "$bin/kinexus" "$service" > >(tee -a "$state/logs/$service.log" | sed -u "s/^/$service | /") 2>&1 &
        pids+=($!)
    done
    if [ ${#pids[@]} -eq 0 ]; then
        sleep infinity &
        pids+=($!)
    fi
    echo "Redis $KINEXUS_REDIS_URL, Postgres $KINEXUS_POSTGRES_URL, logs in $state/logs" >&2
    echo "API token (Authorization: Bearer …): $KINEXUS_API_TOKEN — also in $state/api-token" >&2
    echo "Console: http://localhost:${KINEXUS_HTTP_PORT:-8080}/ — sign in as admin with $KINEXUS_ADMIN_PASSWORD" \
        "(made on the first start; after \`kinexus users reset-password admin\` the new one)" >&2
    local aws_pair=${KINEXUS_AWS_CREDENTIALS%%,*}
    echo "AWS EventBridge API: --endpoint-url http://localhost:${KINEXUS_HTTP_PORT:-8080}/aws/events with" \
        "AWS_ACCESS_KEY_ID=${aws_pair%%:*} AWS_SECRET_ACCESS_KEY=${aws_pair#*:} — also in $state/aws-credentials" >&2
    echo "listening on $KINEXUS_HTTP_HOST (KINEXUS_HTTP_HOST=0.0.0.0 for every interface)" >&2
    echo "services: $(services | tr '\n' ' ')— Ctrl-C stops everything" >&2
    wait
}

# The image `docker compose up --build` makes is built beside the Swift suite and the browser tests, in the
# background (its release build would otherwise follow the debug build's minutes with as many again); the
# compose test then finds it in the engine's layer cache.
test_suite() {
    local failed=()
    need_packages curl unzip python3 python3-venv chromium chromium-driver debootstrap
    start_scratch_servers test 16379 15432
    export KINEXUS_TEST_REDIS_URL="redis://127.0.0.1:$redis_port/0"
    export KINEXUS_TEST_POSTGRES_URL="postgres://kinexus:kinexus@127.0.0.1:$postgres_port/kinexus"
    for database in kinexus_console_tests kinexus_tracing_tests kinexus_routing_tests; do
        psql -h 127.0.0.1 -p "$postgres_port" -U postgres -d postgres -qtA -c "CREATE DATABASE $database OWNER kinexus" >/dev/null
    done
    $(compose_cli) -f "$root/compose/docker-compose.yml" config -q
    start_docker
    compose_image > "$scratch/image.log" 2>&1 &
    # Global, as the EXIT trap runs after this function's locals are gone; errexit holds in the trap too, so a
    # kill of a build already waited for must not fail it (that turned a passed run into exit 1).
    image_build=$!
    trap 'kill "$image_build" 2>/dev/null || true; stop_docker; stop_scratch_servers' EXIT
    helm_test
    cd "$root"
    swift build --build-tests
    swift test --skip-build "$@" 2>&1 | tee "$scratch/swift-tests.log" || failed+=("Swift tests")
    client_tests "$(swift build --show-bin-path)" 2>&1 | tee "$scratch/client-tests.log" || failed+=("client tests")
    if wait "$image_build"; then
        cat "$scratch/image.log" >&2
        compose_test || failed+=("compose test")
    else
        echo "the image did not build:" >&2
        tail -n 60 "$scratch/image.log" >&2
        failed+=("image build")
    fi
    test_summary "${failed[@]}"
}

# The suite's last lines say what failed and why: a CI log keeps only its tail, and the compose test's long output
# comes after the Swift and client tests'.
test_summary() {
    if [ $# -eq 0 ]; then
        echo "test suite: every part passed" >&2
        return 0
    fi
    local part
    for part in "$@"; do
        echo "test suite: $part FAILED" >&2
        case $part in
            "Swift tests") grep -aE '✘|Fatal error|error: ' "$scratch/swift-tests.log" | head -n 80 >&2 || true ;;
            "client tests") grep -aE '^(FAILED|ERROR) |never became ready|client tests failed' \
                "$scratch/client-tests.log" | head -n 40 >&2 || true ;;
        esac
    done
    return 1
}

# The figures of BENCHMARKS.md: `kinexus bench` beside redis-benchmark, Celery and Dramatiq on the same Redis, a
# service's start-up and memory, then the ingress under wrk and webhook-to-review latency, codegen, review → iteration, support, the ticket →
# knowledge-gap decision among 10,000 gaps, EventBridge's API (PutEvents and a rule's delivery), and the reviewer's line diff.
bench() {
    need_packages curl wrk python3
    local http_port bin
    start_scratch_servers bench 26379 25432
    cd "$root"
    swift build -c release
    bin=$(swift build -c release --show-bin-path)
    export KINEXUS_REDIS_URL="redis://127.0.0.1:$redis_port/0"
    export KINEXUS_POSTGRES_URL="postgres://kinexus:kinexus@127.0.0.1:$postgres_port/kinexus"
    "$bin/kinexus" bench "$@"
    peer_bench

    # A service built on the service kit (the test process: one subscription, every standard route).
    http_port=$(free_port 28080)
    local started pid rss
    started=$(date +%s%N)
    TEST_PATTERN='{"source": ["kinexus.bench"], "detail-type": ["Idle"]}' KINEXUS_HTTP_PORT=$http_port \
        KINEXUS_LOG_LEVEL=warning "$bin/TestProcess" consume &
    pid=$!
    until curl -fs "http://127.0.0.1:$http_port/ready" >/dev/null 2>&1; do sleep 0.005; done
    echo "service start to /ready 200: $(( ($(date +%s%N) - started) / 1000000 )) ms"
    sleep 5
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    echo "service idle resident memory after 5 s: $((rss / 1024)) MiB"
    kill -TERM "$pid"
    wait "$pid" || true

    webhook_bench "$bin"
    codegen_bench "$bin"
    review_bench "$bin"
    support_bench "$bin"
    "$bin/kinexus" bench-gaps
    eventbridge_bench "$bin"
    console_bench "$bin"
    document_bench "$bin"
    "$bin/kinexus" bench-diff
}

# EventBridge's API alone (BENCHMARKS.md, "EventBridge's API"); bench runs it too.
eventbridge_figures() {
    need_packages curl wrk python3
    start_scratch_servers eventbridge-bench 26379 25432
    cd "$root"
    swift build -c release --product kinexus
    eventbridge_bench "$(swift build -c release --show-bin-path)"
}

# Celery and Dramatiq alone (BENCHMARKS.md, "Peers"); bench runs them too.
peer_figures() {
    need_packages
    start_scratch_servers peer-bench 26379 25432
    peer_bench
}

# 50 changes to one document alone (BENCHMARKS.md, "Changes to one document"); bench runs it too.
document_figures() {
    need_packages curl
    start_scratch_servers document-bench 26379 25432
    cd "$root"
    swift build -c release
    document_bench "$(swift build -c release --show-bin-path)"
}

# The ingress of this checkout against COMMIT's, alternating (BENCHMARKS.md, "The ingress's deadline" under issue 25);
# COMMIT is checked out and built under .local/ab/.
ingress_ab_figures() {
    local wanted=${1:?usage: deploy/local.sh ingress-ab COMMIT} commit tree
    need_packages curl wrk
    commit=$(git -C "$root" rev-parse --short "$wanted")
    tree="$root/.local/ab/$commit"
    [ -d "$tree" ] || git -C "$root" worktree add --detach "$tree" "$commit"
    start_scratch_servers ingress-ab 26379 25432
    # An earlier commit may have the ingress as an executable of its own: all of it is built.
    (cd "$tree" && swift build -c release)
    cd "$root"
    swift build -c release --product kinexus
    export KINEXUS_POSTGRES_URL="postgres://kinexus:kinexus@127.0.0.1:$postgres_port/kinexus"
    ingress_ab "$tree/.build/release" "$(swift build -c release --show-bin-path)"
}

# Review webhook → iteration started alone (BENCHMARKS.md, "Code review reaches the agent"); bench runs it too.
review_figures() {
    need_packages curl python3
    start_scratch_servers review-bench 26379 25432
    cd "$root"
    swift build -c release --product kinexus
    export KINEXUS_POSTGRES_URL="postgres://kinexus:kinexus@127.0.0.1:$postgres_port/kinexus"
    review_bench "$(swift build -c release --show-bin-path)"
}

# The bus with and without tracing, on a Redis of its own (BENCHMARKS.md, "Tracing").
tracing_figures() {
    need_packages
    start_scratch_servers tracing-bench 26379 25432
    cd "$root"
    swift build -c release --product kinexus
    export KINEXUS_REDIS_URL="redis://127.0.0.1:$redis_port/0"
    tracing_bench "$(swift build -c release --show-bin-path)"
}

demo() {
    need_packages
    [ -f "$root/.local/env" ] || { echo "start the system first: deploy/local.sh up" >&2; exit 1; }
    # shellcheck source=/dev/null
    source "$root/.local/env"
    cd "$root"
    swift build --product kinexus
    "$(swift build --show-bin-path)/kinexus" demo --ingress http://127.0.0.1:8080
}

case "${1:-}" in
    up) up ;;
    demo) demo ;;
    test) shift; test_suite "$@" ;;
    compose-test) compose_test ;;
    bench) shift; bench "$@" ;;
    tracing-bench) tracing_figures ;;
    review-bench) review_figures ;;
    eventbridge-bench) eventbridge_figures ;;
    peer-bench) peer_figures ;;
    document-bench) document_figures ;;
    ingress-ab) shift; ingress_ab_figures "$@" ;;
    fuzz) shift; fuzz "$@" ;;
    fresh-machine) fresh_machine ;;
    *) echo "usage: deploy/local.sh up | test [swift test options] | compose-test | bench [kinexus bench options] | tracing-bench | review-bench | eventbridge-bench | peer-bench | document-bench | ingress-ab COMMIT | demo | fuzz [seconds] [target…] | fresh-machine" >&2
       exit 64 ;;
esac
