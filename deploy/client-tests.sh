# Kinexus through real clients, sourced by deploy/local.sh after the Swift suite: every service on the test Redis
# and a Postgres database of its own, users made with `kinexus users`, then pytest twice: the console with Selenium
# driving Debian's chromium headless (Tests/Browser), and the AWS endpoint with the AWS CLI and boto3
# (Tests/AWSClients). Expects redis_port and postgres_port, and the debug binaries.
# shellcheck shell=bash

# The repository's own Python environment with the client tests' packages, made on first use.
python_environment() {
    local venv="$root/.venv"
    if [ ! -x "$venv/bin/python" ]; then
        python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$root/Tests/Browser/requirements.txt" \
        -r "$root/Tests/AWSClients/requirements.txt"
}

client_tests() {
    local bin=$1 status=0 pids=() port service_port base logs
    need_packages chromium chromium-driver python3-venv
    python_environment
    logs=$(mktemp -d /tmp/kinexus-browser.XXXXXX)
    psql -h 127.0.0.1 -p "$postgres_port" -U postgres -d postgres -qtA -v ON_ERROR_STOP=1 \
        -c "DROP DATABASE IF EXISTS kinexus_console" -c "CREATE DATABASE kinexus_console OWNER kinexus" >/dev/null
    redis-cli -p "$redis_port" -n 15 flushdb >/dev/null
    port=$(free_port 18480)
    base="http://127.0.0.1:$port"
    export KINEXUS_REDIS_URL="redis://127.0.0.1:$redis_port/15"
    export KINEXUS_POSTGRES_URL="postgres://kinexus:kinexus@127.0.0.1:$postgres_port/kinexus_console"
    export KINEXUS_API_TOKEN=browser-tests KINEXUS_PUBLIC_URL=$base KINEXUS_LOG_LEVEL=notice KINEXUS_HTTP_HOST=127.0.0.1
    export KINEXUS_ADMIN_PASSWORD=admin-password-for-browser-tests KINEXUS_RETRY_BASE_DELAY=100ms KINEXUS_DATA_DIR="$logs/data"
    export KINEXUS_AWS_CREDENTIALS="KXCLIENTTESTS:client-tests/secret+key"
    export KINEXUS_SECRETS_KEY=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    # An agent that takes a few seconds and says what it does, so the task page can be seen following it; asked
    # for changes, it writes down the feedback TASK.md gives it.
    export KINEXUS_CODEGEN_AGENT='if grep -q "^## Review feedback" TASK.md; then echo "reading the feedback"; sleep 2;
        sed -n "/^## Review feedback/,/^## Constraints/p" TASK.md > REVIEW.md; echo "answered the review";
        else echo "planning the change"; sleep 3; echo "search: done" > SEARCH.md; echo "wrote SEARCH.md"; sleep 1; fi'
    service_port=$port
    for service in $(services); do
        # The ingress on the console's address; the others on the next free ports.
        [ "$service" = ingress ] && service_port=$port || service_port=$(free_port $((service_port + 1)))
        KINEXUS_HTTP_PORT=$service_port "$bin/kinexus" "$service" > "$logs/$service.log" 2>&1 &
        pids+=($!)
        for _ in $(seq 600); do curl -fs "http://127.0.0.1:$service_port/ready" >/dev/null 2>&1 && break; sleep 0.1; done
        curl -fs "http://127.0.0.1:$service_port/ready" >/dev/null || { echo "$service never became ready:" >&2; cat "$logs/$service.log" >&2; status=1; }
    done
    if [ $status -eq 0 ]; then
        echo "reviewer-password-1" | "$bin/kinexus" users add rita --role reviewer --password-stdin
        echo "viewer-password-12" | "$bin/kinexus" users add vic --role viewer --password-stdin
        echo "author-password-12" | "$bin/kinexus" users add otto --role author --password-stdin
        echo "agent-password-123" | "$bin/kinexus" users add ada --role agent --password-stdin
        (cd "$root" && "$bin/kinexus" demo --ingress "$base" --knowledge deploy/demo/knowledge) >/dev/null
        KINEXUS_CONSOLE_URL=$base KINEXUS_BIN=$bin KINEXUS_SCREENSHOTS="$root/.local/screenshots" \
            "$root/.venv/bin/python" -m pytest -q -p no:cacheprovider "$root/Tests/Browser" || status=$?
        KINEXUS_INGRESS_URL=$base KINEXUS_BIN=$bin \
            "$root/.venv/bin/python" -m pytest -q -p no:cacheprovider "$root/Tests/AWSClients" || status=$?
    fi
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    [ $status -eq 0 ] || echo "client tests failed; service logs in $logs, screenshots in $root/.local/screenshots" >&2
    return $status
}
