# Issue 25 step 3's figure, sourced by deploy/local.sh: the ingress of two builds under wrk -t2 -c32 -d6s, the
# builds alternating on one scratch Redis (four rounds, each order twice, so each sees the machine as the other
# does): GET /health, then a Jira webhook the smart filter drops and one it accepts (a ChangeDetected published), as
# in the issue 3 table. Expects scratch Redis/Postgres (redis_port, postgres_port) and two release build directories
# (an earlier build may have the ingress as an executable of its own, later ones run `kinexus ingress`); prints every
# run, then each figure's mean per build.

ingress_ab() {
    local base=$1 current=$2 port round label target pid rate
    port=$(free_port 28190)
    for round in 1 2 3 4; do
        local order=(base current)
        [ $((round % 2)) -eq 0 ] && order=(current base)
        for label in "${order[@]}"; do
            local directory=$base command
            [ "$label" = current ] && directory=$current
            command=("$directory/kinexus" ingress)
            [ -x "$directory/ingress" ] && command=("$directory/ingress")
            redis-cli -p "$redis_port" -n 2 flushdb >/dev/null
            KINEXUS_REDIS_URL="redis://127.0.0.1:$redis_port/2" KINEXUS_HTTP_PORT=$port KINEXUS_LOG_LEVEL=warning \
                "${command[@]}" & pid=$!
            until curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1; do
                kill -0 "$pid" 2>/dev/null || { echo "the $label ingress (${command[*]}) exited before it was ready" >&2; return 1; }
                sleep 0.05
            done
            for target in health filtered accepted; do
                set_wrk_arguments "$target" "$port" "$label-$round-$target"
                rate=$(wrk -t2 -c32 -d6s "${wrk_arguments[@]}" | awk '/Requests\/sec/ { print $2 }')
                [ -n "$rate" ] || { echo "wrk measured nothing for the $label ingress's $target" >&2; return 1; }
                echo "$round $label $target $rate"
            done
            kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
        done
    done | tee "$scratch/ingress-ab"
    awk '{ sum[$3 " " $2] += $4; runs[$3 " " $2]++ }
         END { for (key in sum) printf "%s: %.0f requests/s (mean of %d runs)\n", key, sum[key] / runs[key], runs[key] }' \
        "$scratch/ingress-ab" | sort
}
