#!/usr/bin/env bash
# Checks the deployment artifacts without a Docker engine or a cluster (docs/deployment.md, "CI checks"):
#   - docker-compose.yml: `docker-compose config -q` with an environment made from .env.example by
#     infra/compose/make-env.sh, and refused without the secrets;
#   - helm/tradewarden: `helm lint --strict` and `helm template` over the default values, ci/production-values.yaml and
#     ci/staging-simulator-values.yaml (at the oldest supported and at helm's own Kubernetes version); every rendered
#     object strictly decoded into the Kubernetes API types (tools/scripts/k8s-manifest-check); every file under
#     ci/invalid/ must be refused (by the schema: lint and template fail; "(template check)" files: template fails);
#   - the image's scripts parse (sh -n, bash -n, node --check).
# Needs Go >= 1.26 (helm is built from the Go module proxy on first use, ~2 minutes cold, then cached in
# .cache/tools), docker-compose (Debian: apt-get install docker-compose), openssl and node.
#
#   tools/scripts/check-deployment.sh
#   HELM=/usr/local/bin/helm tools/scripts/check-deployment.sh     # use a helm 3 of your own
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

HELM_VERSION=v3.22.0
# helm's own Kubernetes version is that of its client-go (v0.37 for helm 3.22), set at link time as its Makefile does.
HELM_K8S_MINOR=37
MIN_KUBE_VERSION=1.27.0
CHART=helm/tradewarden
tools="${TRADEWARDEN_TOOLS_DIR:-$root/.cache/tools}"
export GOPATH="$tools/go" GOMODCACHE="$tools/go/pkg/mod" GOCACHE="$tools/go-build" GOFLAGS=-buildvcs=false CGO_ENABLED=0

checks=0
log() { printf '[check-deployment] %s\n' "$*"; }
pass() { checks=$((checks + 1)); log "ok  $*"; }
die() { log "FAILED: $*"; exit 1; }

require() { command -v "$1" >/dev/null || die "$1 is not installed ($2)"; }
require docker-compose "Debian: apt-get install docker-compose"
require openssl "Debian: apt-get install openssl"
require node "Node.js 20, as for the rest of the repository"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# --- tools -------------------------------------------------------------------------------------------------------
need_go() {
  require go "Go 1.26 or newer builds helm and the manifest checker"
  local version
  version="$(go env GOVERSION | sed 's/^go//')"
  [ "$(printf '%s\n1.26\n' "$version" | sort -V | head -1)" = "1.26" ] || die "Go $version found; helm $HELM_VERSION needs Go 1.26 or newer"
}

if [ -z "${HELM:-}" ]; then
  HELM="$tools/bin/helm-$HELM_VERSION"
  if [ ! -x "$HELM" ]; then
    need_go
    log "building helm $HELM_VERSION from the Go module proxy into $tools (once; about two minutes cold)"
    started=$(date +%s)
    mkdir -p "$tools/bin"
    GOBIN="$work/bin" go install -trimpath -ldflags "-s -w \
      -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION \
      -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$HELM_K8S_MINOR \
      -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$HELM_K8S_MINOR" \
      "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
    mv "$work/bin/helm" "$HELM"
    log "helm built in $(( $(date +%s) - started )) s"
  fi
fi
"$HELM" version --short | grep -q '^v3\.' || die "$HELM is not helm 3"

checker_src=tools/scripts/k8s-manifest-check
checker="$tools/bin/k8s-manifest-check-$(cat "$checker_src/go.mod" "$checker_src/go.sum" "$checker_src"/*.go | sha256sum | cut -c1-16)"
if [ ! -x "$checker" ]; then
  need_go
  log "building the manifest checker (k8s.io/api types)"
  mkdir -p "$tools/bin"
  (cd "$checker_src" && go build -trimpath -o "$checker" .)
fi

# The compiled packages (~700 MB) are only needed to rebuild; the module cache stays for that.
if [ -d "$GOCACHE" ] && command -v go >/dev/null; then go clean -cache; fi

# --- image scripts -----------------------------------------------------------------------------------------------
sh -n infra/docker/entrypoint.sh
bash -n infra/postgres/initdb/10-tradewarden.sh
bash -n infra/compose/make-env.sh
for script in infra/docker/*.js; do node --check "$script"; done
pass "image and compose scripts parse"

# --- docker-compose.yml ------------------------------------------------------------------------------------------
cp .env.example "$work/compose.env"
infra/compose/make-env.sh "$work/compose.env" >/dev/null
docker-compose --env-file "$work/compose.env" -f docker-compose.yml config -q || die "docker-compose config rejects docker-compose.yml"
pass "docker-compose config -q (docker-compose $(docker-compose version --short))"
docker-compose --env-file "$work/compose.env" -f docker-compose.yml config --services | sort | tr '\n' ' ' >"$work/services"
for service in postgres kafka keycloak otel-collector mt-simulator identity intake approval gateway audit; do
  grep -qw -- "$service" "$work/services" || die "docker-compose.yml has no service $service"
done
pass "docker-compose.yml defines: $(cat "$work/services")"
# Without the secrets filled in, compose must refuse to start rather than run with empty secrets.
if docker-compose --env-file .env.example -f docker-compose.yml config -q >/dev/null 2>&1; then
  die "docker-compose accepted .env.example with empty secrets"
fi
pass "docker-compose refuses to run without the secrets"

# --- Helm chart --------------------------------------------------------------------------------------------------
for values in "" ci/production-values.yaml ci/staging-simulator-values.yaml; do
  label="${values:-default values}"
  args=()
  [ -n "$values" ] && args=(-f "$CHART/$values")
  "$HELM" lint "$CHART" --strict "${args[@]}" >"$work/lint.out" 2>&1 || { cat "$work/lint.out"; die "helm lint: $label"; }
  pass "helm lint --strict: $label"
  for kube in "$MIN_KUBE_VERSION" default; do
    kube_args=()
    [ "$kube" != default ] && kube_args=(--kube-version "$kube")
    out="$work/rendered-$(basename "${values:-default}" .yaml)-$kube.yaml"
    "$HELM" template tw "$CHART" --namespace tradewarden "${args[@]}" "${kube_args[@]}" >"$out" 2>"$work/template.err" \
      || { cat "$work/template.err"; die "helm template ($label, Kubernetes $kube)"; }
    "$checker" "$out" >"$work/checker.out" 2>&1 || { cat "$work/checker.out"; die "rendered objects ($label, Kubernetes $kube)"; }
    pass "helm template ($label, Kubernetes $kube): $(sed 's/^[^:]*: //' "$work/checker.out")"
  done
done

invalid_count=0
for values in "$CHART"/ci/invalid/*.yaml; do
  name="$(basename "$values")"
  if "$HELM" template tw "$CHART" -f "$values" >"$work/invalid.out" 2>&1; then
    die "helm template accepted $values, which must be refused"
  fi
  if ! head -1 "$values" | grep -q '(template check)'; then
    if "$HELM" lint "$CHART" --strict -f "$values" >/dev/null 2>&1; then
      die "helm lint accepted $values, which the schema must refuse"
    fi
  fi
  # The schema's own message ("- at '/path': ...") or the template's fail message.
  reason="$( { grep -m1 -E "^ *- at '" "$work/invalid.out" || grep -m1 -E 'execution error|Error' "$work/invalid.out"; } | sed -E 's/^ *- //; s/^Error: //; s/.*execution error at \([^)]*\): //' | cut -c1-150)"
  pass "refused ci/invalid/$name: $reason"
  invalid_count=$((invalid_count + 1))
done
[ "$invalid_count" -gt 0 ] || die "no values under $CHART/ci/invalid to check"

log "all $checks checks passed"
