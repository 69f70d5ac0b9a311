# Issue 5's figures, sourced by deploy/local.sh: ticket → TicketContextReady latency (the first tickets
# after customer-context starts, then warm), GET /customers/{id}/context per second with the cache and
# without beside GET /health, then knowledge indexing and retrieval (`kinexus bench-knowledge`).
# Expects scratch Redis/Postgres (redis_port, postgres_port), $scratch, and the release binaries in $1.

support_bench() {
    local bin=$1 port pids=() token=bench-token database=6
    port=$(free_port 28290)
    start_support() {
        local cache=$1 service service_port=$port
        pids=()
        for service in ingress customer-context kb-sync; do
            KINEXUS_REDIS_URL="redis://127.0.0.1:$redis_port/$database" KINEXUS_HTTP_PORT=$service_port KINEXUS_LOG_LEVEL=warning \
                KINEXUS_API_TOKEN=$token KINEXUS_CONTEXT_CACHE_SIZE=$cache "$bin/kinexus" "$service" & pids+=($!)
            until curl -fs "http://127.0.0.1:$service_port/ready" >/dev/null 2>&1; do sleep 0.05; done
            service_port=$((service_port + 1))
        done
    }
    stop_support() { kill -TERM "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true; }

    start_support 10000
    KINEXUS_REDIS_URL="redis://127.0.0.1:$redis_port/$database" KINEXUS_API_TOKEN=$token \
        "$bin/kinexus" demo --ingress "http://127.0.0.1:$port" --knowledge "$root/deploy/demo/knowledge"
    sleep 2
    # customer-context starts again: its caches are empty and its embeddings not yet read.
    stop_support
    start_support 10000
    local count=${SUPPORT_BENCH_TICKETS:-300}
    for i in $(seq "$count"); do
        local customer
        customer=$(printf 'demo-cust-%03d' $(( (i - 1) % 8 + 1 )))
        curl -fs -o /dev/null -X POST "http://127.0.0.1:$port/tickets" -H "Authorization: Bearer $token" \
            -d "{\"ticket_id\": \"bench-$i\", \"customer_external_id\": \"$customer\", \"subject\": \"My refund for a damaged order is late\", \"description\": \"Order $i arrived broken; where is my money?\"}"
        sleep 0.05
    done
    local ready="kinexus:ev:kinexus.support:TicketContextReady" received="kinexus:ev:kinexus.support:TicketReceived"
    for _ in $(seq 600); do
        [ "$(redis-cli -p "$redis_port" -n "$database" xlen "$ready")" -ge "$count" ] && break
        sleep 0.1
    done
    # From the TicketReceived entry to the TicketContextReady entry: both ids are Redis's clock, so curl's
    # own start-up is not counted.
    for stream in "$received" "$ready"; do
        redis-cli -p "$redis_port" -n "$database" --raw xrange "$stream" - + \
            | awk '/^[0-9]+-[0-9]+$/ { split($0, id, "-"); at = id[1] }
                   match($0, /"ticket_id":"bench-[0-9]+"/) { print substr($0, RSTART + 13, RLENGTH - 14), at }' \
            | sort > "$scratch/$(basename "$stream")"
    done
    join "$scratch/$(basename "$received")" "$scratch/$(basename "$ready")" | sort -t- -k2 -n | awk '{ print $3 - $2 }' \
        > "$scratch/ticket-latencies"
    head -8 "$scratch/ticket-latencies" | sort -n | awk '{ v[NR] = $1 } END {
        printf "TicketReceived → TicketContextReady, the first 8 after start (cold caches, one per customer): p50 %d ms, max %d ms\n",
               v[int(NR * 0.5 + 0.5)], v[NR] }'
    tail -n +9 "$scratch/ticket-latencies" | sort -n | awk '{ v[NR] = $1 } END {
        printf "TicketReceived → TicketContextReady, the next %d (warm): p50 %d ms, p99 %d ms, max %d ms\n",
               NR, v[int(NR * 0.50 + 0.5)], v[int(NR * 0.99 + 0.5)], v[NR] }'

    for target in health context; do
        local arguments=("http://127.0.0.1:$port/health")
        [ "$target" = context ] && arguments=(-s "$root/deploy/context.lua" "http://127.0.0.1:$port" -- "$token")
        echo "== $target (cache of 10,000): wrk -t2 -c16 -d10s ${arguments[*]}"
        wrk -t2 -c16 -d10s --latency "${arguments[@]}" | grep -E "Requests/sec|Non-2xx|50%|99%|Socket errors"
    done
    stop_support
    start_support 1
    echo "== context (cache of 1: every request read from Postgres and Redis): wrk -t2 -c16 -d10s -s deploy/context.lua"
    wrk -t2 -c16 -d10s --latency -s "$root/deploy/context.lua" "http://127.0.0.1:$port" -- "$token" \
        | grep -E "Requests/sec|Non-2xx|50%|99%"
    stop_support

    KINEXUS_POSTGRES_URL="postgres://kinexus:kinexus@127.0.0.1:$postgres_port/kinexus" "$bin/kinexus" bench-knowledge
}
