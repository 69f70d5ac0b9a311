# Issue 25's figure, sourced by deploy/local.sh: 50 changes to one document, published at once and applied one
# after another by three orchestrator replicas; changes per second from the publication to the 50th version
# (Postgres's clock is this machine's), on a quiet machine and with both cores busy (stress-ng --cpu 2).
# Expects scratch Redis/Postgres (redis_port, postgres_port) and the release binaries in $1.

document_bench() {
    local bin=$1 database=kinexus_document_bench pids=() port=28480 load round
    need_packages stress-ng python3
    psql -h 127.0.0.1 -p "$postgres_port" -U postgres -d postgres -qtA -v ON_ERROR_STOP=1 \
        -c "DROP DATABASE IF EXISTS $database" -c "CREATE DATABASE $database OWNER kinexus" >/dev/null
    redis-cli -p "$redis_port" -n 8 flushdb >/dev/null
    for replica in 1 2 3; do
        port=$(free_port $((port + 1)))
        KINEXUS_REDIS_URL="redis://127.0.0.1:$redis_port/8" KINEXUS_POSTGRES_URL="postgres://kinexus:kinexus@127.0.0.1:$postgres_port/$database" \
            KINEXUS_HTTP_PORT=$port KINEXUS_LOG_LEVEL=warning "$bin/kinexus" orchestrator & pids+=($!)
        until curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1; do sleep 0.05; done
    done
    echo "== 50 changes to one document at once, 3 orchestrator replicas"
    for load in quiet busy quiet busy; do
        local stress=""
        if [ "$load" = busy ]; then stress-ng --cpu 2 --quiet & stress=$!; fi
        local key="BENCH-DOC-$RANDOM$RANDOM" started elapsed
        python3 - "$key" > "$scratch/changes.json" <<'PYTHON'
import json, sys
key = sys.argv[1]
print(json.dumps([{"Source": "kinexus.jira", "DetailType": "ChangeDetected", "Detail": json.dumps({
    "change_id": f"{key}-{n}", "origin": "jira", "ticket_key": key, "ticket_type": "Story", "summary": "Widgets",
    "description": f"Change {n} of the widgets.", "labels": [], "components": [], "fix_versions": [],
    "acceptance_criteria": [], "api_paths": [], "doc_comments": [], "documentation_type": "feature"})} for n in range(1, 51)]))
PYTHON
        started=$(date +%s.%N)
        KINEXUS_REDIS_URL="redis://127.0.0.1:$redis_port/8" "$bin/kinexus" put-events --entries "$scratch/changes.json" >/dev/null
        until [ "$(versions_of "$database" "$key" "count(*)")" = 50 ]; do sleep 0.1; done
        elapsed=$(python3 -c "print(f'{$(versions_of "$database" "$key" "extract(epoch FROM max(v.created_at))") - $started:.2f}')")
        [ -n "$stress" ] && { kill "$stress"; wait "$stress" 2>/dev/null || true; }
        echo "$load: 50 changes in $elapsed s, $(python3 -c "print(f'{50 / $elapsed:.1f}')") changes/s"
    done
    kill -TERM "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true
}

# versions_of DATABASE TICKET EXPRESSION: EXPRESSION over the versions of the ticket's document.
versions_of() {
    psql -h 127.0.0.1 -p "$postgres_port" -U kinexus -d "$1" -qtA -c \
        "SELECT $3 FROM docs.document_versions v JOIN docs.documents d USING (document_id) WHERE d.ticket_key = '$2'"
}
