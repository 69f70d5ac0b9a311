# Sourced by local.sh: `deploy/local.sh fuzz [SECONDS] [TARGET…]` runs libFuzzer over each entry point of
# Fuzz/EntryPoints for SECONDS (default 60) with the seeds of Fuzz/Seeds and the dictionary Fuzz/kinexus.dict.
# New corpus entries stay in .build-fuzz/corpus; a crash is written to .build-fuzz/crashes/<target>/ — copy
# it to Fuzz/Regressions/<target>/ once fixed, where the test suite runs it for ever after.
# shellcheck shell=bash

fuzz_targets=(json-parser jira-webhook github-webhook event-pattern ticket-submission story-input aws-request rule-target)

fuzz() {
    local seconds=${1:-60}
    [ $# -gt 0 ] && shift
    local targets=("$@")
    [ ${#targets[@]} -eq 0 ] && targets=("${fuzz_targets[@]}")
    need_packages
    cd "$root"
    local build=(swift build --package-path Fuzz --scratch-path .build-fuzz --sanitize=fuzzer --sanitize=address)
    "${build[@]}" --product kinexus-fuzz
    local bin status=0
    bin=$("${build[@]}" --show-bin-path)
    for target in "${targets[@]}"; do
        local corpus=".build-fuzz/corpus/$target" crashes=".build-fuzz/crashes/$target/"
        mkdir -p "$corpus" "$crashes"
        local inputs=("$corpus" "Fuzz/Seeds/$target")
        [ -d "Fuzz/Regressions/$target" ] && inputs+=("Fuzz/Regressions/$target")
        echo "== $target: $seconds s" >&2
        KINEXUS_FUZZ_TARGET=$target "$bin/kinexus-fuzz" "${inputs[@]}" -dict=Fuzz/kinexus.dict \
            -max_total_time="$seconds" -artifact_prefix="$crashes" -print_final_stats=1 -close_fd_mask=3 || status=$?
    done
    return $status
}
