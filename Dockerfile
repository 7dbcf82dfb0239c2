# Minsheng as a container: built JavaScript on Node 20, run as the unprivileged `node` user.
# docker build -t minsheng .   then   docker run -p 4000:4000 minsheng   (the embedded database, seeded at start)
# With PostgreSQL: set DATABASE_URL, and run `node dist/cli/database.js migrate` and `… seed` once (compose.yaml does).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 DATA_DIR=/app/.data
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only: no TypeScript, no tsx, no test tools.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# Read at run time: the migrations, the seed files and the schema file (paths resolved from dist/).
COPY drizzle ./drizzle
COPY seeds ./seeds
COPY schema ./schema
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The flags of `npm start` (docs/decisions/0001-pretenuring-and-heap-growth.md); node is PID 1's only child here,
# and it handles SIGTERM itself: in-flight requests finish, then it exits.
CMD ["node", "--no-allocation-site-pretenuring", "--heap-growing-percent=50", "--max-semi-space-size=32", "dist/main.js"]
