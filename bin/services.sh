#!/usr/bin/env bash
# Makes Redis and MariaDB reachable on 127.0.0.1 for xuanke: installs them from Debian's
# packages when missing, starts them when stopped, and lets root log in over TCP with an
# empty password (see DESIGN.md "Local services"). Safe to run again and again.
set -euo pipefail

REDIS_PORT="${XUANKE_REDIS_PORT:-6379}"
MYSQL_PORT="${XUANKE_MYSQL_PORT:-3306}"

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

start_redis() {
  port_open "$REDIS_PORT" && return 0
  install_packages
  echo "services: starting Redis on $REDIS_PORT"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" \
    --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/xuanke.log
  wait_for_port "$REDIS_PORT"
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
echo "services: Redis 127.0.0.1:$REDIS_PORT and MariaDB 127.0.0.1:$MYSQL_PORT are up"
