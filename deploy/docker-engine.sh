# A Docker engine and the base images the Dockerfile and the compose file name, for the compose test.
# Sourced by deploy/local.sh after lib.sh. A running engine (DOCKER_HOST or the default socket) is used as it
# is; otherwise one is started with its data kept in $docker_dir between runs and stopped by stop_docker.
# shellcheck shell=bash

docker_dir=/var/tmp/kinexus-docker
started_docker=""

start_docker() {
    command -v docker >/dev/null || need_packages docker.io
    docker info >/dev/null 2>&1 && return 0
    mkdir -p "$docker_dir"
    export DOCKER_HOST="unix://$docker_dir/docker.sock"
    docker info >/dev/null 2>&1 && return 0
    command -v dockerd >/dev/null || need_packages docker.io
    dockerd --storage-driver overlay2 --data-root "$docker_dir/data" --exec-root "$docker_dir/exec" \
        --pidfile "$docker_dir/dockerd.pid" --host "$DOCKER_HOST" > "$docker_dir/dockerd.log" 2>&1 &
    started_docker=$!
    for _ in $(seq 120); do
        docker info >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    echo "the Docker engine did not start; see $docker_dir/dockerd.log" >&2
    return 1
}

# The compose command this machine has: the plugin (`docker compose`), else docker-compose, installed if need be.
compose_cli() {
    if docker compose version >/dev/null 2>&1; then
        echo "docker compose"
    else
        command -v docker-compose >/dev/null || need_packages docker-compose
        echo docker-compose
    fi
}

stop_docker() {
    [ -n "$started_docker" ] || return 0
    kill -TERM "$started_docker" 2>/dev/null || true
    wait "$started_docker" 2>/dev/null || true
    started_docker=""
}

# have_image NAME: present, or pulled from a registry when one answers.
have_image() {
    docker image inspect "$1" >/dev/null 2>&1 || docker pull -q "$1" >/dev/null 2>&1
}

# Where no registry answers, stand-ins for the images named by deploy/Dockerfile and the compose file, built
# from Debian bookworm's packages and this machine's Swift toolchain: what each official image does that
# Kinexus relies on, nothing more.
base_images() {
    have_image debian:bookworm-slim || debian_standin
    have_image swift:6.3-bookworm || swift_standin
    have_image redis:7.0 || redis_standin
    have_image postgres:15 || postgres_standin
}

debian_standin() {
    local rootfs
    rootfs=$(mktemp -d /var/tmp/kinexus-bookworm.XXXXXX)
    echo "building a stand-in for debian:bookworm-slim (debootstrap)" >&2
    need_packages debootstrap
    debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$rootfs.log" 2>&1 \
        || { echo "debootstrap failed; see $rootfs.log" >&2; return 1; }
    # What makes the official image slim: no documentation, manuals or translations, and no apt caches.
    cat > "$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'CONFIG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
CONFIG
    cat > "$rootfs/etc/apt/apt.conf.d/docker-clean" <<'CONFIG'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CONFIG
    find "$rootfs/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete
    rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* \
        "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -c . | docker import -c 'CMD ["bash"]' - debian:bookworm-slim >/dev/null
    rm -rf "$rootfs" "$rootfs.log"
}

# The packages swift:6.3-bookworm has, the toolchain this machine builds with, and what this machine's network
# asks of every machine on it: its git settings (packages may come from local copies through url.insteadOf) and
# the certificate authorities it added (an egress proxy's, without which no package registry answers over TLS).
swift_standin() {
    local toolchain context
    # The toolchain's usr/ folder: swift is usr/bin/swift.
    toolchain=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")
    context=$(mktemp -d /var/tmp/kinexus-swift.XXXXXX)
    echo "building a stand-in for swift:6.3-bookworm from $toolchain" >&2
    local settings
    settings=$(git config --get-regexp '^url\.' || true)
    touch "$context/gitconfig"
    mkdir "$context/authorities"
    cp /usr/local/share/ca-certificates/*.crt "$context/authorities/" 2>/dev/null || true
    while read -r key value; do
        [ -n "$key" ] && git config --file "$context/gitconfig" --add "$key" "$value"
    done <<< "$settings"
    cat > "$context/Dockerfile" <<'DOCKERFILE'
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends binutils git gnupg2 libc6-dev libcurl4-openssl-dev \
        libedit2 libgcc-12-dev libpython3-dev libsqlite3-0 libstdc++-12-dev libxml2-dev libz3-dev pkg-config tzdata \
        zlib1g-dev ca-certificates libncurses6 \
    && rm -rf /var/lib/apt/lists/*
COPY gitconfig /etc/gitconfig
COPY authorities /usr/local/share/ca-certificates/
RUN update-ca-certificates
DOCKERFILE
    docker build -q -t kinexus-standin/swift-base "$context" >/dev/null
    # The toolchain and the package copies go in by a container rather than a build context of gigabytes.
    local mounts=(-v "$toolchain:/toolchain:ro")
    local copies
    copies=$(sed -n 's/^url\.\(\/[^ ]*\)\.insteadof .*/\1/p' <<< "$settings" | sort -u)
    for copy in $copies; do mounts+=(-v "$copy:/host$copy:ro"); done
    docker rm -f kinexus-swift-standin >/dev/null 2>&1 || true
    docker run --name kinexus-swift-standin "${mounts[@]}" kinexus-standin/swift-base sh -c \
        'cp -a /toolchain/. /usr/ && if [ -d /host ]; then cp -a /host/. /; fi'
    docker commit -c 'CMD ["bash"]' kinexus-swift-standin swift:6.3-bookworm >/dev/null
    docker rm kinexus-swift-standin >/dev/null
    rm -rf "$context"
}

# Like the official image: listens on every interface without protected mode, data in /data.
redis_standin() {
    local context
    context=$(mktemp -d /var/tmp/kinexus-redis.XXXXXX)
    echo "building a stand-in for redis:7.0" >&2
    cat > "$context/Dockerfile" <<'DOCKERFILE'
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends redis-server redis-tools \
    && rm -rf /var/lib/apt/lists/* && mkdir /data
RUN printf '#!/bin/sh\nexec /usr/bin/redis-server "$@" --protected-mode no\n' > /usr/local/bin/redis-server \
    && chmod +x /usr/local/bin/redis-server
WORKDIR /data
EXPOSE 6379
CMD ["redis-server"]
DOCKERFILE
    docker build -q -t redis:7.0 "$context" >/dev/null
    rm -rf "$context"
}

# Like the official image: on first start a cluster in PGDATA with POSTGRES_USER, POSTGRES_PASSWORD and
# POSTGRES_DB, password authentication from other hosts.
postgres_standin() {
    local context
    context=$(mktemp -d /var/tmp/kinexus-postgres.XXXXXX)
    echo "building a stand-in for postgres:15" >&2
    cat > "$context/entrypoint.sh" <<'SCRIPT'
#!/bin/sh
set -eu
export PGDATA=${PGDATA:-/var/lib/postgresql/data}
bin=/usr/lib/postgresql/15/bin
mkdir -p "$PGDATA" /run/postgresql && chown postgres "$PGDATA" /run/postgresql && chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    printf '%s\n' "$POSTGRES_PASSWORD" > /tmp/pwfile
    runuser -u postgres -- "$bin/initdb" -D "$PGDATA" -U "$POSTGRES_USER" --pwfile=/tmp/pwfile \
        --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    rm /tmp/pwfile
    echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
    if [ "${POSTGRES_DB:-$POSTGRES_USER}" != postgres ]; then
        runuser -u postgres -- "$bin/postgres" --single -D "$PGDATA" postgres >/dev/null <<SQL
CREATE DATABASE "${POSTGRES_DB:-$POSTGRES_USER}" OWNER "$POSTGRES_USER";
SQL
    fi
fi
exec runuser -u postgres -- "$bin/postgres" -D "$PGDATA" -c listen_addresses='*' "$@"
SCRIPT
    cat > "$context/Dockerfile" <<'DOCKERFILE'
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-15 \
    && rm -rf /var/lib/apt/lists/*
COPY entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN chmod +x /usr/local/bin/docker-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:$PATH
EXPOSE 5432
ENTRYPOINT ["docker-entrypoint.sh"]
DOCKERFILE
    docker build -q -t postgres:15 "$context" >/dev/null
    rm -rf "$context"
}
