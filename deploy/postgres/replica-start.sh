#!/bin/bash
# The replica: on first start, a base backup of the primary with the standby settings (-R writes
# primary_conninfo and standby.signal); then PostgreSQL runs as a hot standby, streaming from the primary.
set -euo pipefail
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  export PGPASSWORD="$REPLICATION_PASSWORD"
  until pg_basebackup --host=postgres-primary --username=replicator --pgdata="$PGDATA" --write-recovery-conf --wal-method=stream --checkpoint=fast; do
    echo "waiting for the primary…"
    rm -rf "${PGDATA:?}"/*
    sleep 2
  done
  chmod 0700 "$PGDATA"
fi
exec postgres -c hot_standby=on
