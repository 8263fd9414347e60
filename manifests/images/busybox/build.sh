#!/usr/bin/env bash
# Builds the local image kvx/busybox:latest (or the tag given) from Debian's static busybox, with
# no registry: FROM scratch plus /bin/busybox (apt-get install busybox-static).
#   manifests/images/busybox/build.sh [TAG]       BUSYBOX=/path/to/busybox overrides the binary
set -euo pipefail

HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
TAG=${1:-kvx/busybox:latest}
BUSYBOX=${BUSYBOX:-/bin/busybox}

if [ ! -x "$BUSYBOX" ]; then
  echo "$BUSYBOX not found: apt-get install busybox-static" >&2
  exit 1
fi
# A dynamically linked busybox (Debian's package 'busybox') would not run in an image without libc.
if ldd "$BUSYBOX" >/dev/null 2>&1; then
  echo "$BUSYBOX is dynamically linked: install busybox-static" >&2
  exit 1
fi

CONTEXT="$(mktemp -d)"
trap 'rm -rf "$CONTEXT"' EXIT
cp "$HERE/Dockerfile" "$CONTEXT/Dockerfile"
cp "$BUSYBOX" "$CONTEXT/busybox"
# The legacy builder's deprecation notice goes to stderr: show the output only on failure.
# The label tells kvx (BusyboxImage) and .ci/setup which version of the Dockerfile built the image.
LABEL="dev.kvx.busybox.dockerfile=$(sha256sum "$HERE/Dockerfile" | cut -d' ' -f1)"
if ! out="$(docker build -q --label "$LABEL" -t "$TAG" "$CONTEXT" 2>&1)"; then
  echo "$out" >&2
  exit 1
fi
echo "built $TAG"
