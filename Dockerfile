# syntax=docker/dockerfile:1.7
# One image per app:  docker build --build-arg APP=astronauts-subgraph -t switchyard/astronauts-subgraph .
ARG NODE_VERSION=20

# ---- build: install everything, compile the app and the libraries it depends on ----------------------
FROM node:${NODE_VERSION}-bookworm-slim AS build
ARG APP
RUN test -n "${APP}" || (echo "build arg APP is required, e.g. --build-arg APP=astronauts-subgraph" && false)
WORKDIR /repo
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
COPY . .
# No dependency needs its install scripts to build (nx and esbuild ship platform binaries as packages).
RUN npm ci --no-audit --no-fund --ignore-scripts
RUN npx nx run "${APP}:build" --output-style=stream
# Stage the runtime tree: every workspace manifest (npm ci needs them all), built dist folders, and data.
RUN mkdir -p /out \
 && cp package.json package-lock.json /out/ \
 && for dir in apps/* libs/*; do \
      mkdir -p "/out/$dir" && cp "$dir/package.json" "/out/$dir/"; \
      if [ -d "$dir/dist" ]; then cp -r "$dir/dist" "/out/$dir/dist"; fi; \
    done \
 && cp supergraph.graphql /out/ \
 && mkdir -p /out/scripts && cp scripts/healthcheck.mjs /out/scripts/ \
 && mkdir -p /out/playbooks && if [ -d playbooks ]; then cp -r playbooks/. /out/playbooks/; fi

# ---- runtime: production dependencies only, non-root ---------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ARG APP
ENV NODE_ENV=production APP=${APP} HOST=0.0.0.0 LOG_FORMAT=json
WORKDIR /app
COPY --from=build /out/package.json /out/package-lock.json ./
COPY --from=build /out/apps ./apps
COPY --from=build /out/libs ./libs
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force
COPY --from=build /out/supergraph.graphql ./supergraph.graphql
COPY --from=build /out/scripts ./scripts
COPY --from=build /out/playbooks ./playbooks
RUN mkdir -p /app/.data && chown -R node:node /app/.data
USER node
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 CMD ["node", "scripts/healthcheck.mjs"]
STOPSIGNAL SIGTERM
CMD ["sh", "-c", "exec node apps/${APP}/dist/main.js"]
