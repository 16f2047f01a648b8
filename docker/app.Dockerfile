# One image for every Node service of every stage. The repository sits at /app (the WORKDIR) with the production
# dependencies of the stages' services, so a service's command (`node stages/01-single-server/src/server.ts`) is
# the same with and without Docker. Node 24 strips TypeScript types at run time: there is no build step.
#
# No `# syntax=` line: it makes BuildKit pull its Dockerfile frontend from a registry before building, which fails
# on a machine that reaches none (as this project's test machines, see docker/README.md). Everything here
# (multi-stage, ARG in FROM, RUN --mount=type=cache) is in the frontend built into every engine with BuildKit
# since 20.10, so the same file builds with and without a registry.
#
# Only what the services run: the install is filtered to the stage projects, the services beside them (stage 5's
# autoscaler) and the workspace packages they depend on (`{./stages/*}...`, `{./services/*}...`), production
# dependencies only. The test and tooling packages (the Bruno CLI of the conformance suite, vitest, autocannon)
# stay out of the image; the stack runner is in it from stage 5 on, as the autoscaler's native actuator.
# Measured with `docker image ls` and, in the image, `find node_modules/.pnpm -mindepth 1 -maxdepth 1 -type d
# -not -name node_modules | wc -l` and `du -sh node_modules`, on the 313 MB Node stand-in
# (docker/offline/node.Dockerfile; the public node:24-slim is smaller, so are both totals):
#   before (every workspace project's production dependencies): 655 packages, 368 MB node_modules, 588 MB image
#   after (the stages' services only):                          135 packages,  53 MB node_modules, 351 MB image
ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS build
ENV PNPM_HOME=/pnpm COREPACK_ENABLE_DOWNLOAD_PROMPT=0
# corepack installs the pnpm version pinned by "packageManager" in package.json.
RUN corepack enable
WORKDIR /app
COPY . .
# --filter-prod follows only `dependencies` from the stage and service projects (--filter would also follow
# their devDependencies into the test packages). The store is a build cache, so a rebuild after a source change
# downloads nothing; `pnpm fetch` (the whole lockfile) would download every tool's dependencies first.
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --prod --filter-prod "{./stages/*}..." --filter-prod "{./services/*}..." \
      --store-dir /pnpm/store --package-import-method copy --reporter=append-only

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
