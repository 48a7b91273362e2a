# syntax=docker/dockerfile:1
# The API (`npm start`, the Procfile's web process) for container platforms; the same image runs the
# other Procfile processes with another command (`npm run indexer`, `npm run relayer`,
# `npm run migrate` before a release). Settings come from the environment (.env.example, app.json):
# RPC_URL and DATABASE_URL at least, so no local chain or embedded Postgres is started.
# Not built or run in this repository's CI: there is no Docker engine there; scripts/dockerfile.test.ts
# checks what can be checked without one.

# ---- build: dependencies, contract artifacts, the Prisma client, the web app
FROM node:24-bookworm-slim AS build
WORKDIR /app
# The manifests alone first, so a source change does not redo the install layer.
COPY package.json package-lock.json ./
COPY web/package.json web/package.json
# postinstall generates the Prisma client and the web app's API clients from these.
COPY prisma prisma
COPY prisma.config.ts openapi.yaml schema.graphql ./
COPY web/scripts web/scripts
RUN npm ci --no-audit --no-fund
COPY . .
# Contract artifacts (ABIs the API, indexer and relayer read) and web/dist, which npm start serves.
RUN npx hardhat build && npm run build -w web

# ---- runtime: what the build produced, run by an unprivileged user
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    DATA_DIR=/app/.data \
    STREAM_MEDIA_SERVER=off
WORKDIR /app
# The node image's unprivileged user (uid 1000); it owns only DATA_DIR, the code is read-only to it.
COPY --from=build --chown=root:root /app /app
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 4000
# /health answers 200 while the database and the chain answer (503 otherwise).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["npm", "start"]
