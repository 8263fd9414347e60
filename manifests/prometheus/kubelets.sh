#!/usr/bin/env bash
# Writes the cluster's kubelet-agents as a Prometheus file_sd target list: one target per Node, its
# InternalIP and kubelet port (status.daemonEndpoints.kubeletEndpoint.Port), labelled node=<name>.
# The file is replaced atomically, so a Prometheus watching it never reads half of it.
#   manifests/prometheus/kubelets.sh ~/.kvx/prometheus/kubelets.json [kubectl flags, e.g. --kubeconfig=F]
# KUBECTL names the kubectl binary (default: kubectl). Rerun it when nodes come or go.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 OUTPUT.json [kubectl flags]" >&2
  exit 2
fi
OUT=$1
shift
KUBECTL=${KUBECTL:-kubectl}

TEMPLATE='[{{range $i, $n := .items}}{{if $i}},{{end}}
  {"targets": ["{{range $n.status.addresses}}{{if eq .type "InternalIP"}}{{.address}}{{end}}{{end}}:{{$n.status.daemonEndpoints.kubeletEndpoint.Port}}"], "labels": {"node": "{{$n.metadata.name}}"}}{{end}}
]
'

mkdir -p "$(dirname "$OUT")"
TMP="$(mktemp "$OUT.XXXXXX")"
trap 'rm -f "$TMP"' EXIT
"$KUBECTL" "$@" get nodes -o go-template="$TEMPLATE" >"$TMP"
mv "$TMP" "$OUT"
trap - EXIT
