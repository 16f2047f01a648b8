# syntax=docker/dockerfile:1
# One image for every Node service of every stage. The repository sits at /app (the WORKDIR) with its production
# dependencies, so a service's command (`node stages/01-single-server/src/server.ts`) is the same with and without
# Docker. Node 24 strips TypeScript types at run time: there is no build step.
ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS build
ENV PNPM_HOME=/pnpm COREPACK_ENABLE_DOWNLOAD_PROMPT=0
# corepack installs the pnpm version pinned by "packageManager" in package.json.
RUN corepack enable
WORKDIR /app
# Dependencies first, from the lockfile alone: this layer is rebuilt only when the lockfile changes.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm fetch --prod --store-dir /pnpm/store
COPY . .
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --prod --offline --store-dir /pnpm/store --package-import-method copy

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only for the service, which runs as the image's unprivileged `node` user.
COPY --from=build /app /app
USER node
# The default entry point; compose files set `command:` per service (the app, its migrations, a worker).
ARG ENTRYPOINT=stages/01-single-server/src/server.ts
ENV ENTRYPOINT=${ENTRYPOINT}
EXPOSE 8080
CMD ["sh", "-c", "exec node \"$ENTRYPOINT\""]
