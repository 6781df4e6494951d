#!/usr/bin/env bash
# Makes a PostgreSQL server answer on 127.0.0.1:5432 for the tests, as on the project's machines:
# started when installed, installed from Debian's packages when missing (root only), the OS user a
# superuser, trust on loopback. Used by .ci/run and by the test setup when nothing answers there.
set -euo pipefail

if command -v pg_isready >/dev/null 2>&1 && pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "PostgreSQL answers on 127.0.0.1:5432"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "No PostgreSQL answers on 127.0.0.1:5432. Start one (Debian: sudo apt-get install -y postgresql;" \
    "sudo pg_ctlcluster <version> main start) or point TEST_DATABASE_URL at a server you may create databases on." >&2
  exit 1
fi
if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  echo "PostgreSQL is not installed: installing it from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  # Tests connect over TCP as the OS user, as on the project's machines: trust on loopback.
  sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "/etc/postgresql/$version/main/pg_hba.conf"
fi
version=$(ls /etc/postgresql | sort -V | tail -n 1)
pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
pg_isready -h 127.0.0.1 -p 5432
me=$(id -un)
su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname = '$me'\"" | grep -q 1 ||
  su postgres -c "psql -c 'CREATE ROLE \"$me\" SUPERUSER LOGIN'"
