# Issues 12 and 25's figures, sourced by deploy/local.sh: every list and detail page of the console at p50/p99 with
# 100,000 reviews, stories, tasks and tickets in Postgres (a page deep in each list too), beside GET /health of the
# same ingress in the same run.
# Expects scratch Redis/Postgres (redis_port, postgres_port) and the release binaries in $1.

console_bench() {
    local bin=$1 port service_port base pids=() database=kinexus_console_bench cookie
    psql -h 127.0.0.1 -p "$postgres_port" -U postgres -d postgres -qtA -v ON_ERROR_STOP=1 \
        -c "DROP DATABASE IF EXISTS $database" -c "CREATE DATABASE $database OWNER kinexus" >/dev/null
    port=$(free_port 28380)
    base="http://127.0.0.1:$port"
    service_port=$port
    # Every service once, for its tables; the ingress stays to be measured. Not the event-router: the Operations page
    # must answer without its table too (before this was kept, it answered 500).
    for service in ingress orchestrator reviewer approver codegen customer-context; do
        [ "$service" = ingress ] || service_port=$(free_port $((service_port + 1)))
        KINEXUS_REDIS_URL="redis://127.0.0.1:$redis_port/7" KINEXUS_POSTGRES_URL="postgres://kinexus:kinexus@127.0.0.1:$postgres_port/$database" \
            KINEXUS_HTTP_PORT=$service_port KINEXUS_LOG_LEVEL=warning KINEXUS_ADMIN_PASSWORD=bench-admin-password \
            KINEXUS_DATA_DIR="$scratch/console-data" "$bin/kinexus" "$service" & pids+=($!)
        until curl -fs "http://127.0.0.1:$service_port/ready" >/dev/null 2>&1; do sleep 0.05; done
    done
    kill -TERM "${pids[@]:1}"; wait "${pids[@]:1}" 2>/dev/null || true
    psql -h 127.0.0.1 -p "$postgres_port" -U kinexus -d "$database" -qtA -v ON_ERROR_STOP=1 -v n=100000 -f "$root/deploy/console-bench.sql" >/dev/null
    cookie=$(sign_in_cookie "$base" admin bench-admin-password)
    local review story task ticket
    review=$(psql -h 127.0.0.1 -p "$postgres_port" -U kinexus -d "$database" -qtA -c "SELECT review_id FROM docs.reviews WHERE title = 'Benchmark document 5000'")
    story=$(psql -h 127.0.0.1 -p "$postgres_port" -U kinexus -d "$database" -qtA -c "SELECT md5('story1000')::uuid")
    task=$(psql -h 127.0.0.1 -p "$postgres_port" -U kinexus -d "$database" -qtA -c "SELECT md5('task5000')::uuid")
    ticket=bench-ticket-5000
    # Page 1,500 of each list (page 300 of the stories' 400), by the keyset bound its "Next" link would carry.
    local deep_reviews deep_stories deep_tasks deep_tickets
    deep_reviews=$(after_row "$database" "created_at, review_id FROM docs.reviews ORDER BY created_at, review_id" 74950)
    deep_stories=$(after_row "$database" "created_at, story_id FROM stories.stories WHERE parent_id IS NULL ORDER BY created_at, story_id" 14950)
    deep_tasks=$(after_row "$database" "submitted_at, task_id FROM stories.task_requests ORDER BY submitted_at DESC, task_id DESC" 74950)
    deep_tickets=$(after_row "$database" "received_at, ticket_id FROM support.tickets ORDER BY received_at DESC, ticket_id DESC" 74950)
    echo "== console pages, wrk -t2 -c4 -d5s each, 100,000 reviews, stories, tasks and tickets; /health first"
    printf '%-40s %10s %10s %10s\n' page requests/s p50 p99
    for path in /health / /console/reviews "/console/reviews?after=$deep_reviews" "/console/reviews/$review" /console/stories \
        "/console/stories?after=$deep_stories" "/console/stories/$story" /console/tasks "/console/tasks?after=$deep_tasks" \
        "/console/tasks/$task" /console/support "/console/support?after=$deep_tickets" "/console/support/$ticket" /console/pages \
        /console/knowledge /console/operations; do
        wrk -t2 -c4 -d5s --latency -H "Cookie: kinexus_session=$cookie" "$base$path" > "$scratch/wrk.out"
        grep -q "Non-2xx" "$scratch/wrk.out" && { echo "$path answered errors:" >&2; cat "$scratch/wrk.out" >&2; }
        printf '%-40s %10s %10s %10s\n' "${path:0:40}" "$(awk '/Requests\/sec/ {print $2}' "$scratch/wrk.out")" \
            "$(awk '$1 == "50%" {print $2}' "$scratch/wrk.out")" "$(awk '$1 == "99%" {print $2}' "$scratch/wrk.out")"
    done
    kill -TERM "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
}

# after_row DATABASE "TIME, ID FROM … ORDER BY …" N: the keyset bound (microseconds~id) of the list's row N + 1.
after_row() {
    psql -h 127.0.0.1 -p "$postgres_port" -U kinexus -d "$1" -qtA \
        -c "SELECT (extract(epoch FROM t) * 1000000)::bigint || '~' || id FROM (SELECT $2 OFFSET $3 LIMIT 1) AS r(t, id)"
}

# sign_in_cookie BASE NAME PASSWORD: signs in through the console's form, as a browser would; prints the session id.
sign_in_cookie() {
    local base=$1 jar="$scratch/cookies" token
    token=$(curl -fs -c "$jar" "$base/console/sign-in" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
    curl -fs -o /dev/null -b "$jar" -c "$jar" -H "Origin: $base" --data-urlencode "csrf=$token" --data-urlencode "username=$2" \
        --data-urlencode "password=$3" "$base/console/sign-in"
    awk '$6 == "kinexus_session" {print $7}' "$jar"
}
