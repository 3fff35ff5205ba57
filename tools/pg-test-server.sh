#!/bin/sh
# A throwaway PostgreSQL for trying benchstore-sync by hand and for benchstore-bench-sync.
#   tools/pg-test-server.sh start DIR [PORT]   initdb + start + create database metrics; prints the conninfo
#   tools/pg-test-server.sh stop DIR           stop (immediate) and remove DIR, only if start made it
# Debian's postgresql package (newest /usr/lib/postgresql/*/bin); as root it runs the server as
# the postgres user. 127.0.0.1 with scram-sha-256 (user postgres, password in DIR/pw, and in
# DIR/pgpass which the printed conninfo names; both readable by their owner only), and a Unix socket in
# DIR with trust. fsync stays on unless FSYNC=off is set. start marks DIR as its own
# (DIR/.pg-test-server); stop refuses a folder without that mark, so a mistyped DIR is never deleted.
set -eu
cmd=${1:?usage: pg-test-server.sh start|stop DIR [PORT]}
dir=${2:?usage: pg-test-server.sh start|stop DIR [PORT]}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$cmd" in
start)
    port=${3:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
    if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
        echo "pg-test-server.sh: $dir exists and is not empty; give a new folder" >&2
        exit 1
    fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)  # the server resolves paths from inside its data folder
    # As root the server runs as postgres, which must be able to pass through every folder above DIR
    # (a mktemp -d folder is 0700): say which one stops it, rather than let initdb fail into its log.
    if [ "$(id -u)" = 0 ]; then
        up=$(dirname "$dir")
        while :; do
            if ! runuser -u postgres -- test -x "$up"; then
                echo "pg-test-server.sh: the postgres user cannot enter $up (mode $(stat -c %a "$up")," \
                     "owner $(stat -c %U "$up")), so the server cannot use $dir; give a folder it can reach" \
                     "or run: chmod o+x $up" >&2
                rmdir "$dir" 2>/dev/null || true
                exit 1
            fi
            [ "$up" = / ] && break
            up=$(dirname "$up")
        done
    fi
    : > "$dir/.pg-test-server"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    pw=$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
    (umask 077; echo "$pw" > "$dir/pw")
    [ "$(id -u)" = 0 ] && chown postgres: "$dir/pw"
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pw" -A scram-sha-256 --auth-local=trust \
        -E UTF8 --locale=C -N > "$dir/initdb.log" 2>&1 ||
        { echo "pg-test-server.sh: initdb failed: $(tail -n 1 "$dir/initdb.log") (whole log: $dir/initdb.log)" >&2
          exit 1; }
    cat >> "$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = ${FSYNC:-on}
shared_buffers = 256MB
max_wal_size = 4GB
CONF
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start > /dev/null ||
        { echo "pg-test-server.sh: the server did not start (its log: $dir/server.log)" >&2; exit 1; }
    # The database the conninfo names (benchstore-sync's default, as in Hugging Face's set-up).
    as_pg "$bin/createdb" -h "$dir" -p "$port" -U postgres metrics
    # The password goes in a passfile for libpq, not on the screen.
    (umask 077; echo "127.0.0.1:$port:*:postgres:$pw" > "$dir/pgpass")
    echo "host=127.0.0.1 port=$port user=postgres dbname=metrics passfile=$dir/pgpass"
    ;;
stop)
    if [ ! -f "$dir/.pg-test-server" ]; then
        echo "pg-test-server.sh: refusing to remove $dir: it was not made by pg-test-server.sh start" >&2
        exit 1
    fi
    as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop > /dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: pg-test-server.sh start|stop DIR [PORT]" >&2
    exit 2
    ;;
esac
