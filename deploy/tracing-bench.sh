# Issue 14's figures, sourced by deploy/local.sh: the bus's consume-and-ack throughput and publish-to-handler
# latency (`kinexus bench`) untraced — built from the last commit before tracing — and with tracing off, on at
# 100% and on at 1%, exporting OTLP/HTTP to a sink on loopback, in alternating rounds of one run.
# Expects a scratch Redis (redis_port) and the release binaries in $1.

# The bus as it was before tracing, built once into /var/tmp (a cold release build: about ten minutes).
untraced_commit=48b0256
untraced_dir=/var/tmp/kinexus-untraced

untraced_binary() {
    if [ ! -x "$untraced_dir/bin/kinexus" ]; then
        [ -d "$untraced_dir/src" ] || git -C "$root" worktree add --detach "$untraced_dir/src" "$untraced_commit" >&2
        (cd "$untraced_dir/src" && swift build -c release --product kinexus >&2)
        mkdir -p "$untraced_dir/bin"
        cp "$(cd "$untraced_dir/src" && swift build -c release --show-bin-path)/kinexus" "$untraced_dir/bin/kinexus"
    fi
    echo "$untraced_dir/bin/kinexus"
}

# An OTLP/HTTP endpoint that takes every export and keeps nothing: the cost measured is the services'.
start_sink() {
    python3 - "$1" <<'EOF' &
import http.server, sys
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
EOF
    sink_pid=$!
}

tracing_bench() {
    local bin=$1 untraced sink_port rounds=${TRACING_BENCH_ROUNDS:-5} results="$scratch/tracing-bench"
    untraced=$(untraced_binary)
    sink_port=$(free_port 24318)
    start_sink "$sink_port"
    mkdir -p "$results"
    local arguments=(bench --events 100000 --latency-seconds 5 --memory-events 0)
    local endpoint="OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$sink_port"
    for round in $(seq "$rounds"); do
        for mode in untraced off on-100 on-1; do
            redis-cli -p "$redis_port" flushall >/dev/null
            echo "== round $round: $mode" >&2
            case $mode in
                untraced) "$untraced" "${arguments[@]}" ;;
                off) "$bin/kinexus" "${arguments[@]}" ;;
                on-100) env "$endpoint" OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG=1 \
                            "$bin/kinexus" "${arguments[@]}" ;;
                on-1) env "$endpoint" OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG=0.01 \
                          "$bin/kinexus" "${arguments[@]}" ;;
            esac > "$results/$mode-$round.txt"
        done
    done
    kill "$sink_pid"
    python3 - "$results" "$rounds" <<'EOF'
import re, statistics, sys
results, rounds = sys.argv[1], int(sys.argv[2])
modes = [("untraced", "untraced (before tracing)"), ("off", "tracing off"), ("on-100", "tracing on, 100%"), ("on-1", "tracing on, 1%")]
def figures(text):
    found = {}
    for consumers, rate, ratio in re.findall(r"consume\+ack, (\d) consumer\(s\).*?: (\d+) events/s .*ratio ([\d.]+)", text):
        found[f"consume {consumers}"] = (float(rate), float(ratio))
    for consumers, cpu in re.findall(r"consume\+ack, (\d) consumer\(s\): ([\d.]+) µs of CPU per event", text):
        found[f"cpu {consumers}"] = (float(cpu),)
    for rate, p50, p99 in re.findall(r"latency at (\d+) events/s: p50 ([\d.]+) ms, p99 ([\d.]+) ms", text):
        found[f"latency {rate}"] = (float(p50), float(p99))
    return found
runs = {mode: [figures(open(f"{results}/{mode}-{r}.txt").read()) for r in range(1, rounds + 1)] for mode, _ in modes}
def median(mode, key, index):
    values = [run[key][index] for run in runs[mode] if key in run]
    return statistics.median(values) if values else None
def change(value, base):
    return "" if value is None or base is None else f", {100 * (value / base - 1):+.1f}%"
print(f"medians of {rounds} rounds: consume+ack in events/s (ratio to redis-benchmark XADD in the same run, change from"
      " untraced) and the process's CPU per event (change from tracing off; the build before tracing does not measure it);"
      " publish-to-handler latency p50 / p99 ms")
print("| | consume+ack, 1 consumer | CPU per event | consume+ack, 4 consumers | CPU per event | latency at 1,000/s | latency at 10,000/s |")
print("|---|---|---|---|---|---|---|")
for mode, name in modes:
    cells = []
    for consumers in ("1", "4"):
        rate = median(mode, "consume " + consumers, 0)
        untraced = None if mode == "untraced" else median("untraced", "consume " + consumers, 0)
        cells.append(f"{rate:,.0f} ({median(mode, 'consume ' + consumers, 1):.2f}{change(rate, untraced)})")
        cpu = median(mode, "cpu " + consumers, 0)
        off = None if mode == "off" else median("off", "cpu " + consumers, 0)
        cells.append("—" if cpu is None else f"{cpu:.1f} µs{change(cpu, off)}")
    for key in ("latency 1000", "latency 10000"):
        cells.append(f"{median(mode, key, 0):.3f} / {median(mode, key, 1):.3f}")
    print(f"| {name} | " + " | ".join(cells) + " |")
EOF
}
