# Sourced by test.sh: start a private PostgreSQL server on loopback for the gradebook
# tests, export QICOURSE_TEST_POSTGRES_URL, and stop it when the tests end. Installs
# Debian's postgresql where it can (root with apt-get); elsewhere those tests skip.
pg_bin=""
find_pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
pg_bin="$(find_pg_bin)"
if [ -z "$pg_bin" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing PostgreSQL for the gradebook tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  pg_bin="$(find_pg_bin)"
fi
if [ -n "$pg_bin" ]; then
  pg_dir="$(mktemp -d /tmp/qicourse-pg.XXXXXX)"
  pg_port="$(python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  run_pg() { if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  [ "$(id -u)" = "0" ] && chown postgres "$pg_dir"
  if run_pg "$pg_bin/initdb" -D "$pg_dir/data" -U qicourse --auth=trust >"$pg_dir/initdb.log" 2>&1 &&
     run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
       -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir" start >/dev/null &&
     run_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U qicourse qicourse_test; then
    export QICOURSE_TEST_POSTGRES_URL="postgresql://qicourse@127.0.0.1:$pg_port/qicourse_test"
    echo "PostgreSQL for the tests: $QICOURSE_TEST_POSTGRES_URL"
    trap 'run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1; rm -rf "$pg_dir"' EXIT
  else
    echo "Note: could not start PostgreSQL (see $pg_dir); the PostgreSQL tests will skip." >&2
  fi
else
  echo "Note: PostgreSQL is not installed; the PostgreSQL gradebook tests will skip." >&2
fi
