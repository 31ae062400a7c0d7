#!/bin/sh
# Entrypoint of localhost/coxswain-postgres (Debian's PostgreSQL 15 binaries, busybox shell).
# First start: initdb in $PGDATA, then the role COXSWAIN_DB_USER (default coxswain, LOGIN CREATEDB)
# with COXSWAIN_DB_PASSWORD (or the file COXSWAIN_DB_PASSWORD_FILE) and its database
# COXSWAIN_DB_NAME (default coxswain). Every start: postgres on 0.0.0.0:5432, password logins
# (scram-sha-256) over TCP, trust only on the container's own UNIX socket.
set -eu
: "${PGDATA:=/var/lib/postgresql/data/pgdata}"
user=${COXSWAIN_DB_USER:-coxswain}
db=${COXSWAIN_DB_NAME:-coxswain}
if [ -n "${COXSWAIN_DB_PASSWORD_FILE:-}" ]; then COXSWAIN_DB_PASSWORD=$(cat "$COXSWAIN_DB_PASSWORD_FILE"); fi
case ${COXSWAIN_DB_PASSWORD:-} in
  "" | REPLACE-ME) echo "postgres: COXSWAIN_DB_PASSWORD is empty or the placeholder REPLACE-ME: refusing to start" >&2; exit 1 ;;
esac
case $user$db in
  *[!A-Za-z0-9_]*) echo "postgres: COXSWAIN_DB_USER and COXSWAIN_DB_NAME may hold only letters, digits and _" >&2; exit 1 ;;
esac
export COXSWAIN_DB_PASSWORD
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  initdb -D "$PGDATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C > /dev/null
  cat >> "$PGDATA/postgresql.conf" <<CONF
# ---- coxswain-postgres ----
listen_addresses = '*'
unix_socket_directories = '/tmp'
max_connections = 200
jit = off
CONF
  printf 'host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -s -w start
  psql -X -q -h /tmp -U postgres -d postgres -v ON_ERROR_STOP=1 > /dev/null <<SQL
\getenv pw COXSWAIN_DB_PASSWORD
CREATE ROLE "$user" LOGIN CREATEDB PASSWORD :'pw';
CREATE DATABASE "$db" OWNER "$user";
SQL
  pg_ctl -D "$PGDATA" -m fast -s -w stop
  echo "postgres: initialised $PGDATA (role $user, database $db)"
fi
unset COXSWAIN_DB_PASSWORD
exec postgres -D "$PGDATA"
