# The service image, from Debian packages only. Build: docker build -t consortia .
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential meson ninja-build pkg-config python3 \
      libulfius-dev libjansson-dev libjwt-dev libpq-dev libcsv-dev libssl-dev libargon2-dev \
      libmicrohttpd-dev liborcania-dev libunistring-dev nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY docs/package.json docs/package-lock.json docs/
RUN npm ci --prefix docs --no-audit --no-fund --omit=dev
COPY meson.build meson_options.txt openapi.yaml ./
COPY api api
COPY http http
COPY lib lib
COPY schema schema
COPY tools/embed.py tools/offline_redoc.py tools/
RUN meson setup /build --buildtype=release -Dtests=false -Dprefix=/usr \
 && ninja -C /build \
 && DESTDIR=/out meson install -C /build

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libulfius2.7 libjansson4 libjwt0 libpq5 libcsv3 \
      libargon2-1 libmicrohttpd12 liborcania2.3 libunistring2 libssl3 curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --no-create-home --shell /usr/sbin/nologin consortia
COPY --from=build /out/usr/bin/consortia /usr/bin/consortia
USER consortia
ENV PORT=8080 BIND_ADDRESS=0.0.0.0
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD curl -fs http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["/usr/bin/consortia"]
CMD ["serve"]
