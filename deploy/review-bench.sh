# Issue 22's figure, sourced by deploy/local.sh: how long a review on GitHub takes to become a running
# iteration — a `pull_request_review` webhook's POST to the iteration's CodegenStarted entry on the bus — p50
# and p99, beside the webhook's own answer time, the baseline the same process sets. GitHub is stood in for
# by a few lines of Python answering the REST calls codegen makes (made-up shas), the clones come from a bare
# repository; the agent changes nothing in an iteration, so each ends at once with its answer.
# Expects scratch Redis/Postgres (redis_port, postgres_port), $scratch, and the release binaries in $1.

# GitHub's REST API as far as codegen calls it, every answer as GitHub shapes it, nothing checked or kept.
start_github_standin() {
    python3 - "$1" <<'EOF' &
import http.server, json, re, sys, uuid
pulls = iter(range(1, 1_000_000))
class GitHub(http.server.BaseHTTPRequestHandler):
    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path.endswith("/pulls"):
            number = next(pulls)
            return self.answer(201, {"number": number, "html_url": f"https://github.bench/pull/{number}"})
        if "/comments" in self.path:
            return self.answer(201, {"html_url": "https://github.bench/pull/1#issuecomment-1"})
        self.answer(201, {"sha": uuid.uuid4().hex + uuid.uuid4().hex[:8]})
    def do_GET(self):
        path = self.path.split("?")[0]
        if re.search(r"/pulls/\d+$", path):
            return self.answer(200, {"state": "open", "merged": False})
        if re.search(r"/reviews/\d+$", path):
            return self.answer(200, {"user": {"login": "ana"}, "body": "Rename it.", "state": "CHANGES_REQUESTED"})
        self.answer(200, [])
    def log_message(self, *arguments):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), GitHub).serve_forever()
EOF
}

review_bench() {
    local bin=$1 port github_port token=bench-token data="$scratch/review-bench-$RANDOM" pids=() tasks=20 rounds=10
    local bare redis=(redis-cli -p "$redis_port" -n 6)
    port=$(free_port 28290)
    github_port=$(free_port 28390)
    bare="$data/github.git"
    mkdir -p "$data"
    git init -q --bare --initial-branch main "$bare"
    git --git-dir "$bare" update-ref refs/heads/main "$(git --git-dir "$bare" commit-tree \
        "$(printf '100644 blob %s\tREADME.md\n' "$(echo '# Bench' | git --git-dir "$bare" hash-object -w --stdin)" \
            | git --git-dir "$bare" mktree)" -m "Initial commit")"
    start_github_standin "$github_port"
    pids+=($!)
    "${redis[@]}" flushdb >/dev/null
    for service in ingress codegen; do
        local service_port=$port
        [ "$service" = codegen ] && service_port=$((port + 1))
        KINEXUS_REDIS_URL="redis://127.0.0.1:$redis_port/6" KINEXUS_HTTP_PORT=$service_port KINEXUS_LOG_LEVEL=warning \
            KINEXUS_API_TOKEN=$token KINEXUS_DATA_DIR="$data/codegen" KINEXUS_CODEGEN_MAX_ITERATIONS=100 \
            KINEXUS_GITHUB_TOKEN=bench KINEXUS_GITHUB_REPO=bench/web KINEXUS_GITHUB_API_URL="http://127.0.0.1:$github_port" \
            KINEXUS_GITHUB_CLONE_URL="file://$bare" \
            KINEXUS_CODEGEN_AGENT='grep -q "^## Review feedback" TASK.md || echo first > first.txt' "$bin/kinexus" "$service" &
        pids+=($!)
        until curl -fs "http://127.0.0.1:$service_port/ready" >/dev/null 2>&1; do sleep 0.05; done
    done
    local run="review-$RANDOM"
    for i in $(seq "$tasks"); do
        curl -fs -o /dev/null -X POST "http://127.0.0.1:$port/api/chat" -H "Authorization: Bearer $token" \
            -d "{\"message\": \"$run task $i\"}"
    done
    local rows=""
    for _ in $(seq 1200); do
        rows=$(psql "$KINEXUS_POSTGRES_URL" -Atc "SELECT t.task_id, t.branch, p.external_number FROM codegen.tasks t
            JOIN codegen.pull_requests p ON p.task_id = t.task_id JOIN stories.task_requests r ON t.task_id = r.task_id::text
            WHERE r.message LIKE '$run %' AND t.status = 'completed'")
        [ "$(grep -c . <<< "$rows")" -ge "$tasks" ] && break
        sleep 0.1
    done
    # The stand-in keeps no git objects: each task's branch is made in the bare repository the iterations clone.
    while IFS='|' read -r _ branch _; do
        git --git-dir "$bare" update-ref "refs/heads/$branch" refs/heads/main
    done <<< "$rows"

    local sent="$data/sent" review=0
    : > "$sent"
    for round in $(seq "$rounds"); do
        while IFS='|' read -r task _ number; do
            review=$((review + 1))
            local body started answered
            body="{\"action\": \"submitted\", \"repository\": {\"full_name\": \"bench/web\"},
                \"pull_request\": {\"number\": $number, \"state\": \"open\", \"merged_at\": null},
                \"review\": {\"id\": $review, \"state\": \"changes_requested\", \"body\": \"Rename it.\",
                    \"author_association\": \"OWNER\", \"user\": {\"login\": \"ana\", \"type\": \"User\"}}}"
            started=$(date +%s%3N)
            curl -fs -o /dev/null -X POST "http://127.0.0.1:$port/webhooks/github" -H "X-GitHub-Event: pull_request_review" \
                -H "X-GitHub-Delivery: $run-$review" -d "$body"
            answered=$(date +%s%3N)
            echo "$task $round $started $answered" >> "$sent"
            # One iteration at a time: the next review finds no iteration running.
            for _ in $(seq 600); do
                [ "$(psql "$KINEXUS_POSTGRES_URL" -Atc "SELECT count(*) FROM codegen.iterations WHERE task_id = '$task'
                    AND number = $round AND status NOT IN ('queued', 'processing')")" = 1 ] && break
                sleep 0.02
            done
        done <<< "$rows"
    done
    "${redis[@]}" XRANGE kinexus:ev:kinexus.codegen:CodegenStarted - + > "$data/started"
    python3 - "$sent" "$data/started" <<'EOF'
import json, sys
sent = {}
for line in open(sys.argv[1]):
    task, iteration, started, answered = line.split()
    sent[(task, int(iteration))] = (int(started), int(answered))
entry, chain, answer = None, [], []
for line in open(sys.argv[2]).read().splitlines():
    if line.count("-") == 1 and line.replace("-", "").isdigit():
        entry = int(line.split("-")[0])
    elif line.startswith("{") and '"CodegenStarted"' in line:
        detail = json.loads(line)["detail"]
        key = (detail["task_id"], detail.get("iteration") or 0)
        if key in sent:
            chain.append(entry - sent[key][0])
            answer.append(sent[key][1] - sent[key][0])
            del sent[key]
def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))]
if sent:
    print(f"review → iteration started: {len(sent)} reviews never started an iteration", file=sys.stderr)
    sys.exit(1)
print(f"review webhook answered (baseline), {len(answer)} reviews: p50 {percentile(answer, 0.5)} ms, p99 {percentile(answer, 0.99)} ms")
print(f"review webhook → iteration started: p50 {percentile(chain, 0.5)} ms, p99 {percentile(chain, 0.99)} ms "
      f"({percentile(chain, 0.5) / max(percentile(answer, 0.5), 1):.1f}× / {percentile(chain, 0.99) / max(percentile(answer, 0.99), 1):.1f}× the baseline)")
EOF
    local status=$?
    kill -TERM "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true
    rm -rf "$data"
    return $status
}
