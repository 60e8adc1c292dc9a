#!/bin/sh
# Entry point of the Tradewarden image: runs one service, chosen by the first argument or by TRADEWARDEN_SERVICE
# (set at build time with --build-arg SERVICE=...). Everything else is configured by environment variables
# (docs/configuration.md, docs/deployment.md).
set -eu

service="${TRADEWARDEN_SERVICE:-}"
if [ "$#" -gt 0 ]; then
  service="$1"
  shift
fi

case "$service" in
  identity | intake | approval | gateway | audit | mt-simulator) ;;
  simulator) service=mt-simulator ;;
  "")
    echo "tradewarden: name the service to run: identity, intake, approval, gateway, audit or mt-simulator" >&2
    echo "  (docker run <image> gateway, or build with --build-arg SERVICE=gateway)" >&2
    exit 64
    ;;
  *)
    echo "tradewarden: unknown service \"$service\" (identity, intake, approval, gateway, audit, mt-simulator)" >&2
    exit 64
    ;;
esac

# register-paths maps @tradewarden/* to the compiled libraries under /app/dist.
exec node -r /app/tools/runtime/register-paths.js "/app/dist/services/$service/src/main.js" "$@"
