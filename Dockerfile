# syntax=docker/dockerfile:1.7
# One image per app, carrying only that app's production dependency closure:
#   docker build --build-arg APP=federation-router -t switchyard/federation-router .
# Layers are ordered for caching: workspace manifests -> npm ci (cache mount) -> sources -> build.
ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS base
WORKDIR /repo
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false NPM_CONFIG_UPDATE_NOTIFIER=false

# ---- manifests: package.json of the root and of every workspace, nothing else ---------------------------
# This stage reruns on any change, but its output only changes when a manifest does, so the npm ci layers
# below stay cached across source edits.
FROM base AS manifests
COPY . /src
RUN cd /src \
 && mkdir -p /manifests \
 && cp package.json package-lock.json /manifests/ \
 && for f in apps/*/package.json libs/*/package.json; do mkdir -p "/manifests/${f%/package.json}" && cp "$f" "/manifests/$f"; done

# ---- deps: every dependency, for building ----------------------------------------------------------------
FROM base AS deps
COPY --from=manifests /manifests/ ./
# No dependency needs its install scripts (nx and esbuild ship platform binaries as packages).
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --no-audit --no-fund --ignore-scripts

# ---- prod-deps: the production dependency closure of one app --------------------------------------------
FROM base AS prod-deps
ARG APP
RUN test -n "${APP}" || (echo "build arg APP is required, e.g. --build-arg APP=federation-router" && false)
COPY --from=manifests /manifests/ ./
# The engine starts its own workers by default (ENGINE_LOCAL_WORKERS=2), so its image carries the worker too.
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --no-audit --no-fund --ignore-scripts --workspace "apps/${APP}" \
      $( [ "${APP}" = playbook-engine ] && echo --workspace apps/playbook-worker )

# ---- build: sources, then compile the app and the libraries it depends on --------------------------------
FROM deps AS build
ARG APP
COPY . .
RUN npx nx run "${APP}:build" --output-style=stream \
 && if [ "${APP}" = playbook-engine ]; then npx nx run playbook-worker:build --output-style=stream; fi
# Stage what the runtime needs: built dist folders and data of every workspace, and the app's files.
RUN mkdir -p /out/scripts /out/playbooks \
 && for dir in apps/* libs/*; do \
      if [ -d "$dir/dist" ]; then mkdir -p "/out/$dir" && cp -r "$dir/dist" "/out/$dir/dist"; fi; \
      if [ -d "$dir/data" ]; then mkdir -p "/out/$dir" && cp -r "$dir/data" "/out/$dir/data"; fi; \
    done \
 && cp supergraph.graphql /out/ \
 && cp scripts/healthcheck.mjs /out/scripts/ \
 && cp -r playbooks/. /out/playbooks/

# ---- runtime: Node 22 LTS, production dependencies of APP only, non-root --------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ARG APP
# Debian packages an app needs at run time, e.g. APT_PACKAGES=python3 for the playbook worker's python tool.
ARG APT_PACKAGES=""
RUN if [ -n "${APT_PACKAGES}" ]; then \
      apt-get update && apt-get install -y --no-install-recommends ${APT_PACKAGES} && rm -rf /var/lib/apt/lists/*; \
    fi
ENV NODE_ENV=production APP=${APP} HOST=0.0.0.0 LOG_FORMAT=json
WORKDIR /app
COPY --from=prod-deps /repo/ ./
COPY --from=build /out/ ./
RUN mkdir -p /app/.data && chown -R node:node /app/.data
USER node
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "scripts/healthcheck.mjs"]
STOPSIGNAL SIGTERM
CMD ["sh", "-c", "exec node apps/${APP}/dist/main.js"]
