#!/usr/bin/env bash
# Makes Redis and MariaDB reachable on 127.0.0.1 for xuanke: installs them from Debian's
# packages when missing, starts them when stopped, and lets root log in over TCP with an
# empty password (see README "Local services"). Safe to run again and again.
#
# Redis runs in the mode xuanke's durability setting needs (XUANKE_DURABILITY, default aof):
#   aof, replica  appendonly yes, appendfsync always (every write on disk before Redis replies);
#                 replica also starts a replica on XUANKE_REDIS_REPLICA_PORT (default port + 1)
#   memory        nothing on disk
# Each port has its own data directory (/var/lib/redis for 6379, /var/lib/redis-<port> otherwise),
# so XUANKE_REDIS_PORT=6395 bin/services.sh starts an independent Redis, and the same command after
# that Redis was killed starts it again on its data.
set -euo pipefail

REDIS_PORT="${XUANKE_REDIS_PORT:-6379}"
MYSQL_PORT="${XUANKE_MYSQL_PORT:-3306}"
DURABILITY="$(echo "${XUANKE_DURABILITY:-aof}" | tr '[:upper:]' '[:lower:]')"
REPLICA_PORT="${XUANKE_REDIS_REPLICA_PORT:-$((REDIS_PORT + 1))}"
case "$DURABILITY" in
  memory|aof|replica) ;;
  *) echo "services: XUANKE_DURABILITY must be memory, aof or replica, not '$DURABILITY'" >&2; exit 2 ;;
esac

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() {
  for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 0.5; done
  echo "services: nothing answers on 127.0.0.1:$1 after 30 s" >&2
  return 1
}

install_packages() {
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "services: installing ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

redis_dir() { if [ "$1" = 6379 ]; then echo /var/lib/redis; else echo "/var/lib/redis-$1"; fi; }

if [ "$DURABILITY" = memory ]; then
  REDIS_PERSISTENCE=(--save "" --appendonly no)
else
  REDIS_PERSISTENCE=(--save "" --appendonly yes --appendfsync always)
fi

# Starts a Redis on port $1 (extra arguments are passed on) unless one answers there; one
# answering in a weaker mode than the setting needs is reported, not changed (it may be another's).
start_redis_on() {
  local port="$1"; shift
  if port_open "$port"; then
    if [ "$DURABILITY" != memory ] && command -v redis-cli >/dev/null \
       && [ "$(redis-cli -p "$port" config get appendfsync 2>/dev/null | sed -n 2p)" != always ]; then
      echo "services: the Redis on $port does not fsync every write, which durability=$DURABILITY needs;" \
           "xuanke will refuse it. Use another port (XUANKE_REDIS_PORT=6380 bin/services.sh) or XUANKE_DURABILITY=memory" >&2
    fi
    return 0
  fi
  install_packages
  local dir; dir="$(redis_dir "$port")"
  echo "services: starting Redis on $port ($DURABILITY, data in $dir)"
  as_root mkdir -p "$dir" /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$port" "${REDIS_PERSISTENCE[@]}" \
    --dir "$dir" --pidfile "/run/redis-xuanke-$port.pid" --logfile "/var/log/redis/xuanke-$port.log" "$@"
  wait_for_port "$port"
  # A Redis loading a large log answers LOADING until it is done; wait for it.
  for _ in $(seq 1 120); do
    redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && return 0
    sleep 0.5
  done
  echo "services: Redis on $port did not finish loading its data in 60 s" >&2
  return 1
}

start_redis() {
  start_redis_on "$REDIS_PORT"
  if [ "$DURABILITY" = replica ]; then
    start_redis_on "$REPLICA_PORT" --replicaof 127.0.0.1 "$REDIS_PORT"
  fi
}

start_mariadb() {
  if ! port_open "$MYSQL_PORT"; then
    install_packages
    echo "services: starting MariaDB on $MYSQL_PORT"
    as_root mkdir -p /run/mysqld
    as_root chown mysql:mysql /run/mysqld
    if [ ! -d /var/lib/mysql/mysql ]; then
      as_root mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
    fi
    as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
    wait_for_port "$MYSQL_PORT"
  fi
  # root over TCP with an empty password (Debian's default is unix_socket only).
  if ! mysql -h127.0.0.1 -P"$MYSQL_PORT" -uroot -e 'SELECT 1' >/dev/null 2>&1; then
    echo "services: allowing root over TCP with an empty password"
    as_root mysql -uroot <<'SQL'
ALTER USER root@localhost IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket;
CREATE USER IF NOT EXISTS root@'127.0.0.1' IDENTIFIED BY '';
GRANT ALL PRIVILEGES ON *.* TO root@'127.0.0.1' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
  fi
}

start_redis
start_mariadb
echo "services: Redis 127.0.0.1:$REDIS_PORT ($DURABILITY) and MariaDB 127.0.0.1:$MYSQL_PORT are up"
