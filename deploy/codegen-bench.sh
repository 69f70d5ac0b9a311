# Issue 4's figures, sourced by deploy/local.sh: task submission latency at about 200 requests per second
# beside GET /health paced the same way, then the session pool's wall time against the ideal ⌈N/S⌉·T, with
# what a task costs beyond its agent: its time from start to finish, and codegen's CPU (git and the agents').
# Expects scratch Redis/Postgres (redis_port, postgres_port), $scratch, and the release binaries in $1.

codegen_bench() {
    local bin=$1 port pids=() token=bench-token
    port=$(free_port 28190)
    # Submission: the ingress alone on a Redis database of its own; nothing runs the tasks.
    KINEXUS_REDIS_URL="redis://127.0.0.1:$redis_port/4" KINEXUS_HTTP_PORT=$port KINEXUS_LOG_LEVEL=warning \
        KINEXUS_API_TOKEN=$token "$bin/kinexus" ingress & pids+=($!)
    until curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1; do sleep 0.05; done
    for target in health chat; do
        local arguments=(-s "$root/deploy/paced.lua" "http://127.0.0.1:$port/health" -- 50)
        [ "$target" = chat ] && arguments=(-s "$root/deploy/paced.lua" "http://127.0.0.1:$port/api/chat" -- 50 chat "$token")
        echo "== $target: wrk -t2 -c10 -d20s ${arguments[*]}"
        wrk -t2 -c10 -d20s --latency "${arguments[@]}" | grep -E "Requests/sec|Non-2xx|50%|99%|Socket errors"
    done
    kill -TERM "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true

    # The pool: ingress and codegen; an agent that works T seconds and changes one file.
    for shape in 20:5:2 40:10:2 20:5:5; do
        local tasks sessions seconds run="pool-$RANDOM" data="$scratch/codegen-data-$RANDOM"
        IFS=: read -r tasks sessions seconds <<< "$shape"
        pids=()
        for service in ingress codegen; do
            local service_port=$port
            [ "$service" = codegen ] && service_port=$((port + 1))
            KINEXUS_REDIS_URL="redis://127.0.0.1:$redis_port/5" KINEXUS_HTTP_PORT=$service_port KINEXUS_LOG_LEVEL=warning \
                KINEXUS_API_TOKEN=$token KINEXUS_DATA_DIR=$data KINEXUS_CODEGEN_MAX_SESSIONS=$sessions \
                KINEXUS_CODEGEN_AGENT="sleep $seconds; date +%s%N > work.txt" "$bin/kinexus" "$service" & pids+=($!)
            until curl -fs "http://127.0.0.1:$service_port/ready" >/dev/null 2>&1; do sleep 0.05; done
        done
        local cpu_before
        cpu_before=$(process_tree_cpu_ms "${pids[1]}")
        for i in $(seq "$tasks"); do
            curl -fs -o /dev/null -X POST "http://127.0.0.1:$port/api/chat" -H "Authorization: Bearer $token" \
                -d "{\"message\": \"$run task $i\"}"
        done
        local done_count=0
        for _ in $(seq 1200); do
            done_count=$(psql "$KINEXUS_POSTGRES_URL" -Atc "SELECT count(*) FROM codegen.tasks t
                JOIN stories.task_requests r ON t.task_id = r.task_id::text
                WHERE r.message LIKE '$run %' AND t.status <> 'processing'")
            [ "$done_count" -ge "$tasks" ] && break
            sleep 0.1
        done
        local cpu_ms
        cpu_ms=$(( $(process_tree_cpu_ms "${pids[1]}") - cpu_before ))
        psql "$KINEXUS_POSTGRES_URL" -Atc "SELECT
                count(*) FILTER (WHERE t.status = 'completed'),
                extract(epoch FROM max(t.finished_at) - min(r.submitted_at)),
                avg(extract(epoch FROM t.finished_at - t.started_at))
            FROM codegen.tasks t JOIN stories.task_requests r ON t.task_id = r.task_id::text
            WHERE r.message LIKE '$run %'" \
            | awk -F'|' -v n="$tasks" -v s="$sessions" -v t="$seconds" -v cpu="$cpu_ms" '{
                ideal = int((n + s - 1) / s) * t
                printf "pool: %d tasks of a %d s agent on %d sessions: %d completed in %.2f s; ideal %d s; efficiency %.1f%%\n",
                       n, t, s, $1, $2, ideal, 100 * ideal / $2
                printf "pool: a task beyond its agent %.0f ms (start to finish, mean); codegen CPU per task %.0f ms\n",
                       1000 * ($3 - t), cpu / n }'
        kill -TERM "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true
        rm -rf "$data"
    done
}

# process_tree_cpu_ms PID: the CPU time of PID and of the children it has waited for (git, the agents), in ms.
process_tree_cpu_ms() {
    awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print int(($12 + $13 + $14 + $15) * 1000 / hz) }' "/proc/$1/stat"
}
