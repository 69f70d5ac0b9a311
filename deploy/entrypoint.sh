#!/bin/sh
# Runs the executable named by the first argument: a service, or the kinexus CLI.
set -eu
name=${1:-kinexus}
[ $# -gt 0 ] && shift
if [ ! -x "/usr/local/bin/$name" ] || [ "$name" = kinexus-entrypoint ]; then
    echo "unknown executable '$name'; available:" >&2
    find /usr/local/bin -maxdepth 1 -type f -perm -u+x ! -name kinexus-entrypoint ! -name '*.sh' -printf '  %f\n' >&2
    exit 64
fi
exec "/usr/local/bin/$name" "$@"
