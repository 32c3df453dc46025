# syntax=docker/dockerfile:1
# One image for every role; the command picks it: gateway | projector | worker | migrate up | projections … | log …
#   docker build -t cryptofunk:0.1.0 .
#   docker run --rm cryptofunk:0.1.0 --help
# Build stage: the whole toolchain; only compiled JavaScript and production dependencies leave it.
ARG BUILD_IMAGE=node:20-bookworm-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs20-debian12:nonroot

FROM ${BUILD_IMAGE} AS build
WORKDIR /app
ENV CI=true npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY package.json package-lock.json ./
# No install scripts: nothing native is needed (ws falls back to JavaScript without bufferutil).
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY events ./events
COPY actors ./actors
COPY projections ./projections
COPY gateway ./gateway
COPY infra ./infra
COPY bin/cryptofunk.js ./bin/cryptofunk.js
COPY web ./web
# The web UI is bundled here (vite, a dev dependency); only its static build reaches the runtime image.
RUN npm run build \
 && npm run build:web \
 && npm prune --omit=dev --ignore-scripts \
 && node bin/cryptofunk.js --help > /dev/null

# Runtime stage: distroless (no shell, no package manager), non-root (uid 65532), files owned by root (read-only to
# the process). bin/cryptofunk.js runs dist/ because the TypeScript sources are not copied.
FROM ${RUNTIME_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    CRYPTOFUNK_ENV=production \
    CRYPTOFUNK_HOME=/tmp/cryptofunk
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Served at / by the gateway (uiDir defaults to /app/web/dist for the compiled code under /app/dist).
COPY --from=build /app/web/dist ./web/dist
COPY --from=build /app/bin/cryptofunk.js ./bin/cryptofunk.js
USER 65532:65532
EXPOSE 8080 8081
ENTRYPOINT ["/nodejs/bin/node", "/app/bin/cryptofunk.js"]
CMD ["--help"]
