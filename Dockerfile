# syntax=docker/dockerfile:1.7
# Three stages on the same pinned Node LTS: `build` compiles TypeScript with every dependency, `deps` installs the
# production dependencies alone, `runtime` gets only what `node dist/src/server.js` reads. test/delivery checks this
# file with dockerfile-utils and dockerfile_lint (.ci/dockerfile-rules.yaml), and rehearsal.test.ts repeats the
# runtime stage's COPY list outside a container.

FROM node:26.10.0-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The npm cache lives in a BuildKit cache mount: it speeds up rebuilds and never lands in a layer.
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY plugins ./plugins
COPY routes ./routes
RUN npm run build

FROM node:26.10.0-alpine AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# No dependency needs an install script; skipping them keeps the production tree to what package-lock.json lists.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:26.10.0-alpine AS runtime
ARG APP_VERSION=""
ARG GIT_COMMIT=unknown
ARG BUILD_DATE=""
LABEL org.opencontainers.image.title="password-generator" \
      org.opencontainers.image.description="Secure password and passphrase generator: HTTP API, OpenAPI docs, web page" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${APP_VERSION}" \
      org.opencontainers.image.revision="${GIT_COMMIT}" \
      org.opencontainers.image.created="${BUILD_DATE}"
# APP_VERSION and GIT_COMMIT are what /version reports; an empty APP_VERSION means package.json's version.
ENV NODE_ENV=production \
    PORT=5000 \
    HOST=0.0.0.0 \
    APP_VERSION="${APP_VERSION}" \
    GIT_COMMIT="${GIT_COMMIT}"
WORKDIR /app
# Everything stays owned by root and only readable by the service user: the process cannot rewrite its own code, and
# it writes nothing at run time, so the root filesystem can be mounted read-only.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json package-lock.json ./
COPY data ./data
COPY public ./public
# The `node` user of the official image, by number so Kubernetes' runAsNonRoot can verify it without /etc/passwd.
USER 1000:1000
EXPOSE 5000
# Node is PID 1 and handles SIGTERM itself (close-with-grace): readiness turns 503, in-flight requests finish, exit 0.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||5000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The same command as `npm start` (a test keeps them equal): V8's young generation capped at 4 MB per semi-space and
# the old generation let grow 20% past the live heap between full collections hold a worker under 120 MB of RSS for
# a few per cent more CPU (BENCHMARKS.md, "Memory"). Drop the two flags to trade memory back for CPU.
CMD ["node", "--max-semi-space-size=4", "--heap-growing-percent=20", "dist/src/server.js"]
