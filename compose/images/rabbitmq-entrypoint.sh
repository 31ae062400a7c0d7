#!/bin/sh
# Entrypoint of localhost/coxswain-rabbitmq (Debian's rabbitmq-server and Erlang, busybox shell):
# RabbitMQ with the management plugin, the vhost RABBITMQ_DEFAULT_VHOST (default coxswain) and the
# administrator RABBITMQ_DEFAULT_USER (default coxswain) with RABBITMQ_DEFAULT_PASS (required, or
# the file RABBITMQ_DEFAULT_PASS_FILE). AMQP on 5672, management on 15672, data in /var/lib/rabbitmq,
# logs on standard output. The node name is rabbit@localhost, so the data survives a new hostname.
set -eu
if [ -n "${RABBITMQ_DEFAULT_PASS_FILE:-}" ]; then RABBITMQ_DEFAULT_PASS=$(cat "$RABBITMQ_DEFAULT_PASS_FILE"); fi
case ${RABBITMQ_DEFAULT_PASS:-} in
  "" | REPLACE-ME) echo "rabbitmq: RABBITMQ_DEFAULT_PASS is empty or the placeholder REPLACE-ME: refusing to start" >&2; exit 1 ;;
esac
conf=/tmp/rabbitmq
mkdir -p "$conf"
umask 077
cat > "$conf/rabbitmq.conf" <<CONF
listeners.tcp.default = 5672
management.tcp.port = 15672
loopback_users = none
default_vhost = ${RABBITMQ_DEFAULT_VHOST:-coxswain}
default_user = ${RABBITMQ_DEFAULT_USER:-coxswain}
default_pass = $RABBITMQ_DEFAULT_PASS
default_user_tags.administrator = true
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
CONF
unset RABBITMQ_DEFAULT_PASS
echo '[rabbitmq_management].' > "$conf/enabled_plugins"
: > "$conf/rabbitmq-env.conf"
export RABBITMQ_NODENAME="${RABBITMQ_NODENAME:-rabbit@localhost}" \
  RABBITMQ_CONFIG_FILE="$conf/rabbitmq.conf" \
  RABBITMQ_ENABLED_PLUGINS_FILE="$conf/enabled_plugins" \
  RABBITMQ_CONF_ENV_FILE="$conf/rabbitmq-env.conf" \
  RABBITMQ_MNESIA_BASE=/var/lib/rabbitmq/mnesia \
  RABBITMQ_LOG_BASE="$conf/log" \
  RABBITMQ_LOGS=- \
  RABBITMQ_PID_FILE="$conf/rabbitmq.pid" \
  ERL_CRASH_DUMP="$conf/erl_crash.dump" \
  HOME=/var/lib/rabbitmq
exec rabbitmq-server
