# One image for both Potik processes; docker-compose.yml picks the command.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# GDAL's ogr2ogr reads the customers' Shapefile, MapInfo, DXF and CSV sources for imports.
RUN apt-get update && apt-get install -y --no-install-recommends gdal-bin && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
USER node
CMD ["node_modules/.bin/tsx", "api/server.ts"]
