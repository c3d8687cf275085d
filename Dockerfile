# Ferry and the example Fastify app as one container image that runs on AWS Lambda and anywhere else.
#
#   docker build -t ferry-fastify .
#   docker run --rm -p 8080:8080 ferry-fastify        # outside Lambda: only the app runs
#
# On Lambda (a container-image function) the platform starts every executable in /opt/extensions
# first: Ferry registers as an external extension, then Lambda starts CMD, the unmodified app, and
# Ferry carries each invocation to it over HTTP on 127.0.0.1:$PORT. Nothing else starts Ferry, so
# the same image is an ordinary web server elsewhere.
# Layout and startability are checked without Docker by test/packaging/dockerfile-layout.test.ts.

# ---- Ferry: the single-file adapter (dist/layer/extensions/ferry) ----
FROM node:22-slim AS ferry
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY adapter ./adapter
COPY layer ./layer
RUN npm run build

# ---- the app with its production dependencies only ----
# fastify is a devDependency of the repository; the app has its own package.json and lock.
FROM node:22-slim AS app
WORKDIR /app
COPY apps/fastify/package.json apps/fastify/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY apps/fastify/app.js apps/fastify/server.js ./

# ---- the image ----
FROM node:22-slim
# HOST: listen on every interface so `docker run -p` reaches the app; Ferry uses 127.0.0.1 either way.
ENV NODE_ENV=production PORT=8080 HOST=0.0.0.0
# Ferry needs only this file and a `node` (>= 20.18) on PATH; build.mjs made it mode 0755.
COPY --from=ferry /src/dist/layer/extensions/ferry /opt/extensions/ferry
WORKDIR /app
COPY --from=app /app ./
EXPOSE 8080
CMD ["node", "server.js"]
