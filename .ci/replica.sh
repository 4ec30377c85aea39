#!/usr/bin/env bash
# A real PostgreSQL streaming replica for the tests (README: Scaling): a second cluster,
# "replica" on port 5433, copied from the primary (cluster "main", port 5432) with
# `pg_basebackup -R` and streaming from it. Run as root on a Debian machine
# (postgresql-common: pg_createcluster, pg_ctlcluster).
#
# Idempotent: a replica already streaming from this primary is left as it is (started if it
# was stopped); one that is broken or copied from another primary is made again.
# Prints the URL to read it with: DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:5433/<db>
set -euo pipefail

version="${PG_VERSION:-$(ls /etc/postgresql | sort -V | tail -n 1)}"
primary_port="${PRIMARY_PORT:-5432}"
port="${REPLICA_PORT:-5433}"
cluster="${REPLICA_CLUSTER:-replica}"
conf_dir="/etc/postgresql/${version}/${cluster}"
data_dir="/var/lib/postgresql/${version}/${cluster}"
primary_hba="/etc/postgresql/${version}/main/pg_hba.conf"

primary() { psql -h 127.0.0.1 -p "$primary_port" -U postgres -d postgres -XAtqc "$1"; }
replica() { psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -XAtqc "$1" 2>/dev/null; }
as_postgres() { runuser -u postgres -- "$@"; }

# 1. The primary accepts replication connections from 127.0.0.1 and keeps WAL for a replica.
if ! grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$primary_hba"; then
  echo "host replication all 127.0.0.1/32 trust" >>"$primary_hba"
  primary "SELECT pg_reload_conf();" >/dev/null
fi
if [ "$(primary 'SHOW wal_level;')" = "minimal" ] || [ "$(primary 'SHOW max_wal_senders;')" = "0" ]; then
  primary "ALTER SYSTEM SET wal_level = 'replica';" >/dev/null
  primary "ALTER SYSTEM SET max_wal_senders = 10;" >/dev/null
  pg_ctlcluster --skip-systemctl-redirect "$version" main restart
  for _ in $(seq 30); do pg_isready -h 127.0.0.1 -p "$primary_port" -q && break; sleep 1; done
fi

streaming() {
  # The replica is in recovery, copied from this primary, and the primary sees it streaming.
  [ "$(replica 'SELECT pg_is_in_recovery();')" = "t" ] || return 1
  [ "$(replica 'SELECT system_identifier FROM pg_control_system();')" = \
    "$(primary 'SELECT system_identifier FROM pg_control_system();')" ] || return 1
  [ "$(primary "SELECT count(*) FROM pg_stat_replication WHERE application_name = '${version}/${cluster}' AND state = 'streaming';")" -ge 1 ]
}

wait_streaming() {
  for _ in $(seq "${1:-60}"); do
    streaming && return 0
    sleep 1
  done
  return 1
}

make_replica() {
  if pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c' | grep -q .; then
    pg_dropcluster --stop "$version" "$cluster"
  fi
  pg_createcluster "$version" "$cluster" -p "$port" >/dev/null
  # Settings a hot standby needs at least as high as its primary's, the primary's access
  # rules (trust on 127.0.0.1), and its own port.
  {
    echo "# Written by .ci/replica.sh"
    echo "listen_addresses = '127.0.0.1'"
    echo "port = ${port}"
    echo "hot_standby = on"
    for name in max_connections max_worker_processes max_wal_senders max_prepared_transactions max_locks_per_transaction; do
      echo "${name} = $(primary "SHOW ${name};")"
    done
  } >"${conf_dir}/conf.d/90-replica.conf"
  cp "$primary_hba" "${conf_dir}/pg_hba.conf"
  chown postgres:postgres "${conf_dir}/conf.d/90-replica.conf" "${conf_dir}/pg_hba.conf"
  # The data directory is the primary's, copied while it runs; -R writes standby.signal and
  # primary_conninfo, so the copy starts as a standby streaming from the primary.
  # (emptied, not removed: its parent may not be writable by postgres)
  find "$data_dir" -mindepth 1 -delete
  as_postgres pg_basebackup -h 127.0.0.1 -p "$primary_port" -U postgres -D "$data_dir" \
    -R -X stream -c fast
  pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start
}

if pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c' | grep -q .; then
  if ! pg_isready -h 127.0.0.1 -p "$port" -q; then
    pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start || true
  fi
  if ! wait_streaming 20; then
    echo "The replica cluster ${version}/${cluster} does not stream from the primary: making it again."
    make_replica
  fi
else
  make_replica
fi

# A test run killed while it had paused replay (tests/core/test_replica.py) leaves it paused.
if [ "$(replica 'SELECT pg_is_in_recovery();')" = "t" ]; then
  replica "SELECT pg_wal_replay_resume();" >/dev/null || true
fi
if ! wait_streaming 60; then
  echo "The replica on port ${port} is not streaming from the primary." >&2
  primary "SELECT application_name, state FROM pg_stat_replication;" >&2 || true
  exit 1
fi
primary "SELECT application_name, client_addr, state, sync_state FROM pg_stat_replication WHERE application_name = '${version}/${cluster}';"
echo "replica ${version}/${cluster} on port ${port}: in recovery, streaming from port ${primary_port}"
