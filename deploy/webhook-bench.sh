# Issue 3's figures, sourced by deploy/local.sh: the ingress's webhooks per second beside its own
# GET /health in the same run, then the time from a webhook to its ReviewRequested with the template writer.
# Expects scratch Redis/Postgres (redis_port, postgres_port) and the release binaries in $1.

# set_wrk_arguments TARGET PORT RUN: wrk's arguments, in wrk_arguments, for the ingress on PORT: GET /health, or a Jira
# webhook the smart filter drops (filtered) or accepts (accepted, a ChangeDetected published), each delivery id
# prefixed by RUN so that no webhook is answered as a repeat of another run's.
set_wrk_arguments() {
    local fixtures="$root/Tests/Fixtures/jira-webhooks" url="http://127.0.0.1:$2"
    case $1 in
        health) wrk_arguments=("$url/health") ;;
        filtered) wrk_arguments=(-s "$root/deploy/webhook.lua" "$url/webhooks/jira" --
                                 "$fixtures/webhook-issue-updated-labels.json" "$3") ;;
        accepted) wrk_arguments=(-s "$root/deploy/webhook.lua" "$url/webhooks/jira" --
                                 "$fixtures/webhook-issue-updated-resolved.json" "$3") ;;
    esac
}

webhook_bench() {
    local bin=$1 fixtures="$root/Tests/Fixtures/jira-webhooks" port pids=()
    port=$(free_port 28090)
    # The bus benchmark leaves hundreds of thousands of events behind; every figure here starts from empty.
    redis-cli -p "$redis_port" flushall >/dev/null
    # Throughput: the ingress alone, on a Redis database of its own, with nothing consuming what it publishes.
    KINEXUS_REDIS_URL="redis://127.0.0.1:$redis_port/2" KINEXUS_HTTP_PORT=$port KINEXUS_LOG_LEVEL=warning \
        "$bin/kinexus" ingress & pids+=($!)
    until curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1; do sleep 0.05; done
    for target in health filtered accepted; do
        set_wrk_arguments "$target" "$port" "$target"
        echo "== $target: wrk -t2 -c32 -d10s ${wrk_arguments[*]}"
        wrk -t2 -c32 -d10s --latency "${wrk_arguments[@]}" | grep -E "Requests/sec|Non-2xx|50%|99%|Socket errors"
    done
    kill -TERM "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true
    redis-cli -p "$redis_port" -n 2 xlen "kinexus:ev:kinexus.jira:ChangeDetected" | sed 's/^/ChangeDetected published by the accepted run: /'

    # Latency: all four services on another database; one webhook at a time, 20 per second, each ticket new.
    pids=()
    local service_port=$((port + 1)) ingress
    for service in ingress orchestrator reviewer approver; do
        KINEXUS_REDIS_URL="redis://127.0.0.1:$redis_port/3" KINEXUS_HTTP_PORT=$service_port KINEXUS_LOG_LEVEL=warning \
            "$bin/kinexus" "$service" & pids+=($!)
        until curl -fs "http://127.0.0.1:$service_port/ready" >/dev/null 2>&1; do sleep 0.05; done
        [ "$service" = ingress ] && ingress=$service_port
        service_port=$((service_port + 1))
    done
    local sent="$scratch/sent" count=${WEBHOOK_BENCH_COUNT:-300}
    : > "$sent"
    for i in $(seq "$count"); do
        sed -e "s/TES-41/BENCH-$i/g" "$fixtures/webhook-issue-updated-resolved.json" > "$scratch/webhook.json"
        echo "BENCH-$i $(($(date +%s%N) / 1000000))" >> "$sent"
        curl -fs -o /dev/null -X POST "http://127.0.0.1:$ingress/webhooks/jira" -H "X-Atlassian-Webhook-Identifier: latency-$i" \
            --data-binary @"$scratch/webhook.json"
        sleep 0.05
    done
    local reviews="kinexus:ev:kinexus.reviewer:ReviewRequested"
    for _ in $(seq 600); do
        [ "$(redis-cli -p "$redis_port" -n 3 xlen "$reviews")" -ge "$count" ] && break
        sleep 0.1
    done
    # A review's time is its stream entry id (Redis's clock, the machine's clock), matched by ticket key.
    redis-cli -p "$redis_port" -n 3 --raw xrange "$reviews" - + \
        | awk '/^[0-9]+-[0-9]+$/ { split($0, id, "-"); at = id[1] }
               match($0, /"ticket_key":"BENCH-[0-9]+"/) { print substr($0, RSTART + 14, RLENGTH - 15), at }' \
        | sort > "$scratch/reviewed"
    sort "$sent" | join - "$scratch/reviewed" | awk '{ print $3 - $2 }' | sort -n > "$scratch/latencies"
    awk '{ v[NR] = $1 } END {
        printf "webhook → ReviewRequested over %d webhooks: p50 %d ms, p99 %d ms, max %d ms\n",
               NR, v[int(NR * 0.50 + 0.5)], v[int(NR * 0.99 + 0.5)], v[NR] }' "$scratch/latencies"
    kill -TERM "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true
}
