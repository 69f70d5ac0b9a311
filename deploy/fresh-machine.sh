# `deploy/local.sh fresh-machine`: the README's two commands on a machine that has only Debian 12 and the Swift
# toolchain, as a new contributor's: each in a new container of swift:6.3-bookworm (the official image, or the
# stand-in docker-engine.sh builds from this machine's toolchain) holding a clone of the last commit and nothing
# else. `up` must reach ready (the ingress's /ready answers 200) and stop on SIGTERM; `test` must pass, its
# compose step driving this machine's Docker engine through its socket. Sourced by local.sh after
# docker-engine.sh. Prints each command's time, the figures the README gives.
# shellcheck shell=bash

fresh_machine() (
    need_packages git
    start_docker
    local socket=${DOCKER_HOST:-unix:///var/run/docker.sock} status=0
    trap 'docker rm -f kinexus-fresh-up kinexus-fresh-test >/dev/null 2>&1 || true; stop_docker' EXIT
    have_image debian:bookworm-slim || debian_standin
    have_image swift:6.3-bookworm || swift_standin

    echo "== fresh machine: deploy/local.sh up until ready, then SIGTERM" >&2
    on_fresh_machine kinexus-fresh-up 'started=$(date +%s)
        deploy/local.sh up > /tmp/up.log 2>&1 &
        up=$!
        ready() { exec 3<>/dev/tcp/127.0.0.1/8080 && printf "GET /ready HTTP/1.0\r\n\r\n" >&3 && head -n 1 <&3 | grep -q " 200"; }
        until (ready) 2>/dev/null; do
            kill -0 $up 2>/dev/null || { cat /tmp/up.log; echo "up ended before it was ready"; exit 1; }
            sleep 2
        done
        echo "up: ready $(( $(date +%s) - started )) s after the command"
        kill -TERM $up; wait $up; echo "up: stopped with status $?"' || status=1

    echo "== fresh machine: deploy/local.sh test" >&2
    # A new machine's engine holds no layer of Kinexus's image: its whole build belongs to the first `test`.
    docker rmi kinexus:local >/dev/null 2>&1 || true
    docker image prune -f >/dev/null
    on_fresh_machine kinexus-fresh-test 'started=$(date +%s)
        deploy/local.sh test; result=$?
        echo "test: exit $result after $(( $(date +%s) - started )) s"; exit $result' \
        --network host -v "${socket#unix://}:/var/run/docker.sock" || status=1
    return $status
)

# on_fresh_machine NAME SCRIPT [DOCKER-RUN OPTION...]: SCRIPT in a new container, in a clone of the last commit.
on_fresh_machine() {
    local name=$1 script=$2
    shift 2
    docker run --rm --name "$name" --shm-size 2g -v "$root:/source:ro" "$@" swift:6.3-bookworm \
        bash -c "git clone -q /source /kinexus && cd /kinexus && $script"
}
