#!/usr/bin/env bash
# Container images of Coxswain, built without any base image or registry: each image is FROM
# scratch, assembled from the release binary and exactly the shared libraries `ldd` resolves for it
# (+ /etc/passwd with the non-root user 10001, CA certificates, and the static busybox for the
# HEALTHCHECK), built with `podman build --format docker` (the OCI format drops HEALTHCHECK).
# PostgreSQL and RabbitMQ images are assembled the same way from the host's Debian packages
# (postgresql-15, rabbitmq-server + erlang), with a busybox shell for their entrypoints.
#
# Usage: [RUN_DIR=.run-compose] scripts/images.sh COMMAND
#   build     (default) release build (nice -n 10 swift build -c release --static-swift-stdlib
#             --build-path .build-release; SKIP_BUILD=1 uses the binaries already there), then every
#             image, tagged localhost/coxswain-NAME:VERSION and :latest, saved as docker archives in
#             .build-release/images/ (compose-up loads them into its engine)
#   list      the images of the archives and their sizes
#   exists    exit 0 when every archive exists (make test runs the compose test only then)
#   load      load the archives into the engine of RUN_DIR (scripts/engine.sh; started if needed)
# Images: gateway scheduler audit bootstrapper deployer cli postgres rabbitmq (IMAGES="a b" for some).
# Needs podman, busybox-static, postgresql-15, rabbitmq-server (scripts/deps.sh).
set -euo pipefail
# shellcheck source=scripts/lib.sh source-path=SCRIPTDIR/..
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG=images

usage() { sed -n '2,18s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit "${1:-2}"; }

CMD=${1:-build}
[[ $CMD == -h || $CMD == --help || $CMD == help ]] && usage 0
RUN_DIR=$(abspath "${RUN_DIR:-$REPO/.run-compose}")
export RUN_DIR
BUILD_PATH=$REPO/.build-release
BIN_DIR=$(abspath "${BIN_DIR:-$BUILD_PATH/release}")   # BIN_DIR=.build/debug SKIP_BUILD=1: images of a debug build (larger; for trying the scripts)
IMAGE_DIR=$BUILD_PATH/images
WORK=$RUN_DIR/image-build
ALL_IMAGES=(gateway scheduler audit bootstrapper deployer cli postgres rabbitmq)
read -r -a IMAGES <<< "${IMAGES:-${ALL_IMAGES[*]}}"
VERSION=$(sed -n 's/.*current = "\([^"]*\)".*/\1/p' "$REPO/Shared/CoxswainCore/CoxswainVersion.swift")
VERSION=${VERSION:-0.0.0}
PG_LIB=/usr/lib/postgresql/15
APP_UID=10001

archive() { printf '%s/coxswain-%s-%s.tar\n' "$IMAGE_DIR" "$1" "$VERSION"; }

engine_env() {   # the Podman storage of RUN_DIR's engine (scripts/engine.sh), started if needed
  if ! [[ -S $RUN_DIR/engine/podman.sock ]] || ! curl -fsS --max-time 2 --unix-socket "$RUN_DIR/engine/podman.sock" http://d/_ping > /dev/null 2>&1; then
    REGISTRY_PORT=${REGISTRY_PORT:-36010} "$REPO/scripts/engine.sh" start
  fi
  export CONTAINERS_CONF=$RUN_DIR/engine/containers.conf CONTAINERS_STORAGE_CONF=$RUN_DIR/engine/storage.conf \
    CONTAINERS_REGISTRIES_CONF=$RUN_DIR/engine/registries.conf
}

# ---------------------------------------------------------------------------- rootfs helpers

# add_libs ROOT FILE...: copy every library ldd resolves for each ELF FILE (same paths, real files).
add_libs() {
  local root=$1 f lib
  shift
  for f in "$@"; do
    ldd "$f" 2> /dev/null | awk '/=> \//{print $3} /^[ \t]*\/[^ ]+ \(/{print $1}' | while read -r lib; do
      [[ -e $root$lib ]] || cp -L --parents "$lib" "$root"
    done
  done
}

# add_tree ROOT DIR...: copy directory trees as they are (without EXCLUDE, tar patterns), plus the
# libraries of their ELF files.
EXCLUDE=()
add_tree() {
  local root=$1 d f elves=() x=()
  shift
  for f in "${EXCLUDE[@]}"; do x+=(--exclude "$f"); done
  for d in "$@"; do
    tar -C / "${x[@]}" -cf - "${d#/}" | tar -C "$root" -xf -
  done
  while IFS= read -r -d '' f; do
    [[ $(head -c4 "$f" | tr -d '\0') == $'\x7fELF' ]] && elves+=("$f")
  done < <(find "${@/#/$root}" -type f \( -perm -u+x -o -name '*.so*' \) -print0)
  (( ${#elves[@]} == 0 )) || add_libs "$root" "${elves[@]#"$root"}"
}

# strip_binary FILE: drop the symbol table and debug info (about half of a release binary); the
# unstripped binaries stay in .build-release for debugging. Without binutils the file stays as is.
strip_binary() {
  if command -v strip > /dev/null; then strip "$1"; else warn "strip not found (binutils): $1 not stripped"; fi
}

# base_rootfs ROOT USER_NAME: /etc files, /tmp, the CA bundle and the static busybox at /bin/busybox.
base_rootfs() {
  local root=$1 name=$2
  rm -rf "$root"
  mkdir -p "$root"/{etc/ssl/certs,tmp,bin,usr/local/bin,run,var/tmp}
  chmod 1777 "$root/tmp" "$root/var/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\n%s:x:%s:%s:%s:/tmp:/nonexistent\nnobody:x:65534:65534:nobody:/:/nonexistent\n' \
    "$name" "$APP_UID" "$APP_UID" "$name" > "$root/etc/passwd"
  printf 'root:x:0:\n%s:x:%s:\nnogroup:x:65534:\n' "$name" "$APP_UID" > "$root/etc/group"
  printf 'hosts: files dns\npasswd: files\ngroup: files\n' > "$root/etc/nsswitch.conf"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
  cp /bin/busybox "$root/bin/busybox"
}

# busybox_applets ROOT: /bin/sh and the other applets as links to busybox (a usable shell).
busybox_applets() {
  local root=$1 a
  for a in $("$root/bin/busybox" --list); do
    [[ -e $root/bin/$a ]] || ln -s busybox "$root/bin/$a"
  done
}

# The HEALTHCHECK of the services: /health/ready on the port of COXSWAIN_METRICS_LISTEN. Busybox
# wget without -T (Debian's busybox-static segfaults with -T); the check's timeout bounds it.
# shellcheck disable=SC2016 # expanded by the health check's shell, not here
HEALTH='HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 CMD ["/bin/busybox", "sh", "-c", "exec /bin/busybox wget -q -O /dev/null http://127.0.0.1:${COXSWAIN_METRICS_LISTEN##*:}/health/ready"]'

# ---------------------------------------------------------------------------- per image

# containerfile NAME: write $WORK/NAME/Containerfile (rootfs already in $WORK/NAME/rootfs).
prepare() {
  local name=$1 dir=$WORK/$1 root=$WORK/$1/rootfs bin
  mkdir -p "$dir"
  case $name in
    gateway | scheduler | audit | bootstrapper | deployer)
      bin=$BIN_DIR/coxswain-$name
      [[ -x $bin ]] || die "$bin not found: run the release build (scripts/images.sh build without SKIP_BUILD)"
      base_rootfs "$root" coxswain
      install -m 0755 "$bin" "$root/usr/local/bin/"
      strip_binary "$root/usr/local/bin/${bin##*/}"
      add_libs "$root" "$bin"
      local user=$APP_UID expose="EXPOSE 9090" volume="" extra=""
      case $name in
        gateway)
          expose="EXPOSE 8080 9090"
          mkdir -p "$root/run/coxswain"
          extra=$'ENV COXSWAIN_GATEWAY_SOCKET_PATH=/run/coxswain/gateway.sock COXSWAIN_GATEWAY_HTTP_HOST=0.0.0.0 COXSWAIN_GATEWAY_HTTP_PORT=8080\nVOLUME /run/coxswain'
          ;;
        deployer)
          # A node agent runs RUN verbs with /bin/sh inside this container: busybox is its userland.
          busybox_applets "$root"
          mkdir -p "$root/var/lib/coxswain/deployer"
          extra='ENV COXSWAIN_DEPLOYER_STATE_DIR=/var/lib/coxswain/deployer'
          volume='VOLUME /var/lib/coxswain/deployer'
          ;;
      esac
      cat > "$dir/Containerfile" <<EOF
FROM scratch
COPY rootfs/ /
COPY --chown=$APP_UID:$APP_UID owned/ /
ENV PATH=/usr/local/bin:/bin HOME=/tmp COXSWAIN_METRICS_LISTEN=0.0.0.0:9090
$extra
$volume
$expose
USER $user
$HEALTH
ENTRYPOINT ["/usr/local/bin/coxswain-$name"]
LABEL org.opencontainers.image.title="coxswain-$name" org.opencontainers.image.version="$VERSION" org.opencontainers.image.source="https://github.com/coxswain/coxswain"
EOF
      # Directories the service writes to, owned by the service's user.
      rm -rf "$dir/owned"
      mkdir -p "$dir/owned/run/coxswain" "$dir/owned/var/lib/coxswain/deployer"
      [[ $name == gateway ]] || rm -rf "$dir/owned/run"
      [[ $name == deployer ]] || rm -rf "$dir/owned/var"
      ;;
    cli)
      bin=$BIN_DIR/coxswain
      [[ -x $bin ]] || die "$bin not found: run the release build"
      base_rootfs "$root" coxswain
      rm -f "$root/bin/busybox"   # no health check, no shell
      install -m 0755 "$bin" "$root/usr/local/bin/"
      strip_binary "$root/usr/local/bin/${bin##*/}"
      add_libs "$root" "$bin"
      rm -rf "$dir/owned"
      mkdir -p "$dir/owned/tmp/.config"
      cat > "$dir/Containerfile" <<EOF
FROM scratch
COPY rootfs/ /
COPY --chown=$APP_UID:$APP_UID owned/ /
ENV PATH=/usr/local/bin HOME=/tmp COXSWAIN_SOCKET=/run/coxswain/gateway.sock
USER $APP_UID
ENTRYPOINT ["/usr/local/bin/coxswain"]
CMD ["--help"]
LABEL org.opencontainers.image.title="coxswain-cli" org.opencontainers.image.version="$VERSION"
EOF
      ;;
    postgres)
      [[ -x $PG_LIB/bin/postgres ]] || die "$PG_LIB/bin/postgres not found: run scripts/deps.sh (postgresql-15)"
      base_rootfs "$root" postgres
      busybox_applets "$root"
      # Without the LLVM JIT (libLLVM alone is 100 MB): the image runs with jit = off.
      EXCLUDE=("${PG_LIB#/}/lib/bitcode" "${PG_LIB#/}/lib/llvmjit*" "${PG_LIB#/}/lib/pgxs")
      add_tree "$root" "$PG_LIB" /usr/share/postgresql/15 /usr/share/zoneinfo
      EXCLUDE=()
      install -m 0755 "$REPO/compose/images/postgres-entrypoint.sh" "$root/usr/local/bin/entrypoint.sh"
      rm -rf "$dir/owned"
      mkdir -p "$dir/owned/var/lib/postgresql/data"
      chmod 0700 "$dir/owned/var/lib/postgresql/data"
      cat > "$dir/Containerfile" <<EOF
FROM scratch
COPY rootfs/ /
COPY --chown=$APP_UID:$APP_UID owned/ /
ENV PATH=$PG_LIB/bin:/bin PGDATA=/var/lib/postgresql/data/pgdata LANG=C.UTF-8
VOLUME /var/lib/postgresql/data
EXPOSE 5432
USER $APP_UID
STOPSIGNAL SIGINT
HEALTHCHECK --interval=3s --timeout=3s --start-period=30s --retries=3 CMD ["$PG_LIB/bin/pg_isready", "-q", "-h", "127.0.0.1"]
ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
LABEL org.opencontainers.image.title="coxswain-postgres" org.opencontainers.image.version="$(dpkg-query -W -f='${Version}' postgresql-15)"
EOF
      ;;
    rabbitmq)
      [[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] || die "rabbitmq-server not installed: run scripts/deps.sh"
      base_rootfs "$root" rabbitmq
      busybox_applets "$root"
      add_tree "$root" /usr/lib/erlang /usr/lib/rabbitmq
      install -m 0755 "$REPO/compose/images/rabbitmq-entrypoint.sh" "$root/usr/local/bin/entrypoint.sh"
      rm -rf "$dir/owned"
      mkdir -p "$dir/owned/var/lib/rabbitmq"
      cat > "$dir/Containerfile" <<EOF
FROM scratch
COPY rootfs/ /
COPY --chown=$APP_UID:$APP_UID owned/ /
ENV PATH=/usr/lib/rabbitmq/bin:/usr/lib/erlang/bin:/bin HOME=/var/lib/rabbitmq LANG=C.UTF-8
VOLUME /var/lib/rabbitmq
EXPOSE 5672 15672
USER $APP_UID
HEALTHCHECK --interval=5s --timeout=4s --start-period=60s --retries=3 CMD ["/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:15672/"]
ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
LABEL org.opencontainers.image.title="coxswain-rabbitmq" org.opencontainers.image.version="$(dpkg-query -W -f='${Version}' rabbitmq-server)"
EOF
      ;;
    *) die "unknown image $name (one of ${ALL_IMAGES[*]})" ;;
  esac
}

build_one() {
  local name=$1 t=$EPOCHREALTIME ref=localhost/coxswain-$1
  prepare "$name"
  podman build -q --format docker --pull=never -t "$ref:$VERSION" -t "$ref:latest" -f "$WORK/$name/Containerfile" "$WORK/$name" > /dev/null
  mkdir -p "$IMAGE_DIR"
  rm -f "$(archive "$name")"
  podman save -q --format docker-archive -o "$(archive "$name").tmp" "$ref:$VERSION" "$ref:latest"
  mv -f "$(archive "$name").tmp" "$(archive "$name")"
  rm -rf "${WORK:?}/$name"
  log "$ref:$VERSION (and :latest): $(podman image inspect --format '{{.Size}}' "$ref:$VERSION" | numfmt --to=iec) in $(elapsed_since "$t") s"
}

cmd_build() {
  local t0=$EPOCHREALTIME
  command -v podman > /dev/null || die "podman not found: run scripts/deps.sh"
  if [[ ${SKIP_BUILD:-0} != 1 ]]; then
    log "release build (nice -n 10 swift build -c release --static-swift-stdlib --build-path .build-release)"
    (cd "$REPO" && nice -n 10 swift build -c release --static-swift-stdlib --build-path "$BUILD_PATH")
    log "release build took $(elapsed_since "$t0") s"
  fi
  engine_env
  local name
  for name in "${IMAGES[@]}"; do build_one "$name"; done
  cmd_list
  log "images built in $(elapsed_since "$t0") s; archives in $IMAGE_DIR"
}

cmd_list() {
  local name f
  printf '%-40s %10s %10s\n' IMAGE ARCHIVE "" >&2
  for name in "${IMAGES[@]}"; do
    f=$(archive "$name")
    if [[ -f $f ]]; then
      printf '%-40s %10s\n' "localhost/coxswain-$name:$VERSION" "$(stat -c %s "$f" | numfmt --to=iec)" >&2
    else
      printf '%-40s %10s\n' "localhost/coxswain-$name:$VERSION" missing >&2
    fi
  done
}

cmd_exists() {
  local name
  for name in "${IMAGES[@]}"; do [[ -f $(archive "$name") ]] || return 1; done
}

cmd_load() {
  cmd_exists || die "image archives missing in $IMAGE_DIR: run make images first"
  engine_env
  local name
  for name in "${IMAGES[@]}"; do
    if podman image exists "localhost/coxswain-$name:$VERSION" && podman image exists "localhost/coxswain-$name:latest"; then continue; fi
    podman load -q -i "$(archive "$name")" > /dev/null
    log "loaded localhost/coxswain-$name:$VERSION"
  done
}

case $CMD in
  build) cmd_build ;;
  list) cmd_list ;;
  exists) cmd_exists ;;
  load) cmd_load ;;
  version) echo "$VERSION" ;;
  *) usage ;;
esac
