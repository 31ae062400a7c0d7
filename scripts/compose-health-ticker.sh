#!/usr/bin/env bash
# Runs the containers' HEALTHCHECKs on their interval for a Podman engine without systemd: Podman
# 4.3 schedules health checks with systemd timers, so here they would never run ("starting" for
# ever) and docker-compose's `depends_on: condition: service_healthy` would wait for ever. Against
# Docker this is not needed (dockerd runs the checks itself).
#
# Usage: RUN_DIR=DIR scripts/compose-health-ticker.sh   (runs until killed; scripts/compose.sh
# starts it in the background and stops it by PID). Uses the engine storage of scripts/engine.sh.
set -uo pipefail
: "${RUN_DIR:?RUN_DIR is required}"
export CONTAINERS_CONF=$RUN_DIR/engine/containers.conf CONTAINERS_STORAGE_CONF=$RUN_DIR/engine/storage.conf \
  CONTAINERS_REGISTRIES_CONF=$RUN_DIR/engine/registries.conf
declare -A next
while :; do
  now=$(date +%s)
  mapfile -t ids < <(podman ps -q --no-trunc --filter health=starting --filter health=healthy --filter health=unhealthy 2> /dev/null)
  if (( ${#ids[@]} > 0 )); then
    while read -r id secs; do
      [[ -n $id ]] || continue
      case $secs in 0 | "") secs=30 ;; 0.*) secs=1 ;; *) secs=${secs%%.*} ;; esac   # 0: the engine's default, 30 s
      if (( ${next[$id]:-0} <= now )); then
        next[$id]=$((now + secs))
        podman healthcheck run "$id" > /dev/null 2>&1 &   # exit 1 = unhealthy; podman records the status
      fi
    done < <(podman inspect --format '{{.Id}} {{.Config.Healthcheck.Interval.Seconds}}' "${ids[@]}" 2> /dev/null)
  fi
  wait
  sleep 1
done
