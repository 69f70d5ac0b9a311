# Issue 25's peers, sourced by deploy/local.sh: Celery and Dramatiq on the bench's Redis, in a virtual environment of
# their own (.venv-bench), each figure beside redis-benchmark's XADD with the bus's envelope size (a 1 KB detail
# makes a 1,264-byte envelope; `kinexus bench` prints it). Expects the scratch Redis of deploy/local.sh.

peer_bench() {
    local venv="$root/.venv-bench" events=${1:-20000}
    need_packages python3 python3-venv redis-tools
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$root/deploy/peer-bench/requirements.txt"
    redis-cli -p "$redis_port" -n 6 flushdb >/dev/null
    "$venv/bin/python" "$root/deploy/peer-bench/bench.py" "redis://127.0.0.1:$redis_port/6" "$events" 5 1264
}
