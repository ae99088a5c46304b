# spamstream's image: one part per container, named by its command (`run features`, `run scoring`,
# `run cdc`, `run edge`, or `topology apply`). BASE_IMAGE needs Node >= 22.19 with npm on its PATH:
# the official Node image unless told otherwise; `npm run image:base` makes one from Debian's
# packages where no image registry is reachable (docs/deploying.md).
ARG BASE_IMAGE=docker.io/library/node:24-bookworm-slim

FROM ${BASE_IMAGE} AS dependencies
WORKDIR /app
# onnxruntime-node's install script only fetches optional CUDA binaries; the CPU ones ship inside it.
ENV ONNXRUNTIME_NODE_INSTALL=skip NPM_CONFIG_UPDATE_NOTIFIER=false
COPY package.json package-lock.json ./
COPY patches ./patches
# Every dependency first, so that patch-package (a devDependency) patches kafkajs; then the
# devDependencies go, the Node 24 of the `node` package among them: the base image's Node runs.
# onnxruntime-node carries its macOS and Windows binaries too (220 MB of 354): they go as well.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund \
    && rm -rf node_modules/onnxruntime-node/bin/*/darwin node_modules/onnxruntime-node/bin/*/win32

FROM ${BASE_IMAGE}
WORKDIR /app
# Servers are the cluster's, never started here; logs are JSON lines for the collector; probes and
# the edge listen on every interface of the pod, on fixed ports.
ENV NODE_ENV=production \
    SPAMSTREAM_STACK=external \
    SPAMSTREAM_LOG_FORMAT=json \
    SPAMSTREAM_OPS_HOST=0.0.0.0 \
    SPAMSTREAM_OPS_PORT=9464 \
    SPAMSTREAM_EDGE_HOST=0.0.0.0 \
    SPAMSTREAM_EDGE_PORT=8080
COPY --from=dependencies /app/node_modules ./node_modules
COPY . .
# Any uid works (the files are world-readable and nothing is written); 10001 is no user of the base.
USER 10001:10001
EXPOSE 8080 9464
# node itself as PID 1, never npm or a shell, so SIGTERM reaches the pipeline, which drains and exits.
ENTRYPOINT ["node", "bin/spamstream.js"]
CMD ["run", "features"]
