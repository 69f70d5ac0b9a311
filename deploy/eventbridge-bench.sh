# Issue 24's figures, sourced by deploy/local.sh: PutEvents entries per second through the AWS endpoint beside the
# ingress's accepted Jira webhooks and its GET /health, in one run of one ingress; then a rule's delivery latency
# from PutEvents to an HTTP endpoint through the event-router. Expects scratch Redis/Postgres and the release binaries in $1.

eventbridge_bench() {
    local bin=$1 port pids=() script="$scratch/put-events.lua"
    port=$(free_port 28190)
    export KINEXUS_AWS_CREDENTIALS="KXBENCH:bench-secret"
    redis-cli -p "$redis_port" -n 4 flushdb >/dev/null
    KINEXUS_REDIS_URL="redis://127.0.0.1:$redis_port/4" KINEXUS_HTTP_PORT=$port KINEXUS_LOG_LEVEL=warning "$bin/kinexus" ingress & pids+=($!)
    until curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1; do sleep 0.05; done
    for target in health webhook put-events-1 put-events-10 health webhook put-events-1 put-events-10; do
        local arguments=("http://127.0.0.1:$port/health")
        case $target in
            webhook) arguments=(-s "$root/deploy/webhook.lua" "http://127.0.0.1:$port/webhooks/jira" --
                                "$root/Tests/Fixtures/jira-webhooks/webhook-issue-updated-resolved.json" "eb-$RANDOM") ;;
            put-events-*) python3 "$root/deploy/eventbridge-bench.py" sign "http://127.0.0.1:$port/aws/events" "${target#put-events-}" "$script"
                          arguments=(-s "$script" "http://127.0.0.1:$port/aws/events") ;;
        esac
        echo "== $target: wrk -t2 -c32 -d10s ${arguments[0]} …"
        wrk -t2 -c32 -d10s --latency "${arguments[@]}" | grep -E "Requests/sec|Non-2xx|50%|99%|Socket errors"
    done
    kill -TERM "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true

    # Delivery: the ingress and the event-router on another database, a rule to a sink, 100 events a second for 20 s.
    pids=()
    redis-cli -p "$redis_port" -n 5 flushdb >/dev/null
    for service in ingress event-router; do
        KINEXUS_REDIS_URL="redis://127.0.0.1:$redis_port/5" KINEXUS_HTTP_PORT=$port KINEXUS_LOG_LEVEL=warning "$bin/kinexus" "$service" & pids+=($!)
        until curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1; do sleep 0.05; done
        [ "$service" = ingress ] && local ingress=$port
        port=$((port + 1))
    done
    python3 "$root/deploy/eventbridge-bench.py" deliver "http://127.0.0.1:$ingress/aws/events" 100 20
    kill -TERM "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true
    unset KINEXUS_AWS_CREDENTIALS
}
