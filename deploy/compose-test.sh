# `docker compose up` tested for real, sourced by deploy/local.sh (after lib.sh and docker-engine.sh): the
# image built from deploy/Dockerfile, the whole topology up and healthy, then through the ingress's published
# port the three flows a user tries first, and the pipeline scaled with replicas killed mid-flow.
# `docker compose down -v` at the end, whatever happened.
# shellcheck shell=bash

# A subshell, so that its EXIT trap leaves the caller's alone.
compose_test() (
    need_packages curl python3
    start_docker
    local project=kinexus-compose-test status=0
    local compose
    compose="$(compose_cli) -p $project -f $root/compose/docker-compose.yml"
    # shellcheck disable=SC2064
    trap "$compose down -v --remove-orphans >/dev/null 2>&1 || true; stop_docker" EXIT
    $compose down -v --remove-orphans >/dev/null 2>&1 || true
    compose_image
    KINEXUS_PORT=$(free_port 18080)
    export KINEXUS_PORT KINEXUS_PUBLIC_URL="http://127.0.0.1:$KINEXUS_PORT"
    KINEXUS_API_TOKEN=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    KINEXUS_ADMIN_PASSWORD=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
    export KINEXUS_API_TOKEN KINEXUS_ADMIN_PASSWORD
    $compose up -d
    wait_healthy "$project" 9 || status=1
    flows() {
        (cd "$root" && KINEXUS_URL="http://127.0.0.1:$KINEXUS_PORT" COMPOSE_PROJECT=$project COMPOSE="$compose" \
            python3 Tests/Compose/flows.py "$@")
    }
    if [ $status -eq 0 ]; then
        flows work || status=1
    fi
    if [ $status -eq 0 ]; then
        $compose up -d --scale orchestrator=3 --scale reviewer=2
        wait_healthy "$project" 12 || status=1
    fi
    if [ $status -eq 0 ]; then
        flows scale 100 || status=1
    fi
    if [ $status -ne 0 ]; then
        echo "the compose test failed; the services' last logs:" >&2
        $compose logs --tail 40 >&2 || true
    fi
    return $status
)

# The base images (stand-ins where no registry answers) and the image the compose file builds, with the time
# its build took (seconds when the engine's layer cache already holds it).
compose_image() {
    local started
    base_images
    started=$(date +%s)
    $(compose_cli) -f "$root/compose/docker-compose.yml" build
    echo "image built in $(( $(date +%s) - started )) s: $(docker image inspect -f '{{.Size}}' kinexus:local | awk '{printf "%.0f MB", $1 / 1000000}')" >&2
    docker image inspect -f '{{json .Config.Env}}' kinexus:local | grep -q '"SWIFT_BACKTRACE=enable=no"' \
        || { echo "the image lets Swift's backtracer hold a crashed service (SWIFT_BACKTRACE)" >&2; return 1; }
}

# wait_healthy PROJECT COUNT: until COUNT containers of the project report healthy (5 minutes at most).
wait_healthy() {
    local project=$1 count=$2 healthy
    for _ in $(seq 150); do
        healthy=$(docker ps --filter "label=com.docker.compose.project=$project" --filter health=healthy -q | wc -l)
        [ "$healthy" -ge "$count" ] && return 0
        sleep 2
    done
    echo "only $healthy of $count containers became healthy:" >&2
    docker ps -a --filter "label=com.docker.compose.project=$project" --format '{{.Names}} {{.Status}}' >&2
    return 1
}
