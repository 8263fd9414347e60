#!/usr/bin/env bash
# Builds the local image kvx/etcd:latest (or the tag given) from Debian's etcd (apt-get install
# etcd-server), with no registry: FROM scratch plus /usr/bin/etcd and the libraries ldd lists.
#   manifests/images/etcd/build.sh [TAG]          ETCD=/path/to/etcd overrides the binary
set -euo pipefail

HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
TAG=${1:-kvx/etcd:latest}
ETCD=${ETCD:-/usr/bin/etcd}

if [ ! -x "$ETCD" ]; then
  echo "$ETCD not found: apt-get install etcd-server" >&2
  exit 1
fi

CONTEXT="$(mktemp -d)"
trap 'rm -rf "$CONTEXT"' EXIT
ROOTFS="$CONTEXT/rootfs"
mkdir -p "$ROOTFS/usr/bin" "$ROOTFS/var/lib/etcd" "$ROOTFS/tmp"
cp "$HERE/Dockerfile" "$CONTEXT/Dockerfile"
cp "$ETCD" "$ROOTFS/usr/bin/etcd"
# Every absolute path ldd prints (libc, the dynamic loader), at the same path in the image; a static
# etcd prints none.
for lib in $(ldd "$ETCD" 2>/dev/null | grep -o '/[^ )]*' || true); do
  mkdir -p "$ROOTFS$(dirname "$lib")"
  cp -L "$lib" "$ROOTFS$lib"
done
# The legacy builder's deprecation notice goes to stderr: show the output only on failure.
if ! out="$(docker build -q -t "$TAG" "$CONTEXT" 2>&1)"; then
  echo "$out" >&2
  exit 1
fi
echo "built $TAG"
