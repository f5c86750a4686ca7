# netreach in a container: docker build -t netreach . && docker run --rm -v "$PWD:/w" netreach list /w/k8s
# Untested in CI (no Docker there); `make test` lints this file with hadolint.
#
# Stage 1 builds a release binary on the official Swift image, with the Swift runtime linked in statically.
FROM swift:6.3-bookworm AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# Not pinned (DL3008): bookworm's security updates replace these versions, and a pin would then fail the build.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libyaml-dev libgraphviz-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY Fuzz ./Fuzz
# The commit `netreach version` prints: pass --build-arg NETREACH_COMMIT=$(git rev-parse --short=12 HEAD).
ARG NETREACH_COMMIT=unknown
RUN printf '#define NETREACH_COMMIT "%s"\n' "$(printf '%s' "$NETREACH_COMMIT" | tr -cd '0-9a-z-')" \
        > Sources/CBuildInfo/commit.h \
    && swift build -c release --static-swift-stdlib --product netreach \
    && install -D "$(swift build -c release --show-bin-path)/netreach" /out/netreach

# Stage 2: the binary and the libyaml and Graphviz runtime libraries, nothing else.
FROM debian:bookworm-slim
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libyaml-0-2 libgvc6 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/netreach /usr/local/bin/netreach
RUN ln -s netreach /usr/local/bin/kubectl-netreach
USER 65532:65532
WORKDIR /w
ENTRYPOINT ["netreach"]
CMD ["--help"]
