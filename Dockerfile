# flowpush as a container image, for CI that runs steps in containers:
# GitLab's `image:`, Azure container jobs. It needs git and a Docker engine
# to talk to (DOCKER_HOST, or the socket mounted in).
ARG BASE_IMAGE=node:20-bookworm-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src/ src/
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM ${BASE_IMAGE}
RUN apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends git ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/flowpush
COPY package.json ./
COPY --from=build /src/node_modules/ node_modules/
COPY --from=build /src/build/ build/
COPY templates/ templates/
COPY runtime/pyproject.toml runtime/
COPY runtime/src/ runtime/src/
RUN chmod +x build/cli/main.js && ln -s /opt/flowpush/build/cli/main.js /usr/local/bin/flowpush
LABEL org.opencontainers.image.title=flowpush
CMD ["flowpush", "--help"]
