#!/usr/bin/env bash
# scripts/test.sh runs every test of the project on a fresh machine.
#
# It installs what the tests need when it is missing (PostgreSQL, Chromium),
# starts a throwaway PostgreSQL cluster on 127.0.0.1 on a free port, exports
# its DSN, runs `go test ./...` and stops the cluster again. Extra arguments
# go to `go test`.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "test.sh: $*" >&2; }

sudo_if_needed() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=
apt_install() {
	if [ -z "$apt_updated" ]; then
		sudo_if_needed apt-get -o DPkg::Lock::Timeout=300 update -qq
		apt_updated=1
	fi
	sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq "$@" >/dev/null
}

find_pg_bin() {
	local d
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && { echo "$d"; return; }
	done
	command -v initdb >/dev/null && dirname "$(command -v initdb)"
}

pgdir=
pgbin=
pguser=
stop_postgres() {
	[ -n "$pgdir" ] || return 0
	run_as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$pgdir"
}

run_as_pg() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u "$pguser" -- "$@"
	else
		"$@"
	fi
}

start_postgres() {
	if [ -n "${SECRETGEN_TEST_POSTGRES:-}" ]; then
		log "using PostgreSQL from SECRETGEN_TEST_POSTGRES"
		return
	fi
	pgbin=$(find_pg_bin || true)
	if [ -z "$pgbin" ]; then
		log "installing PostgreSQL"
		apt_install postgresql
		pgbin=$(find_pg_bin)
	fi
	pguser=$(id -un)
	if [ "$(id -u)" = 0 ]; then
		# initdb refuses to run as root.
		id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
		pguser=postgres
	fi
	pgdir=$(mktemp -d /tmp/secretgen-pg.XXXXXX)
	chown "$pguser" "$pgdir"
	trap stop_postgres EXIT

	local port
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432)
	run_as_pg "$pgbin/initdb" -D "$pgdir/data" -U secretgen --auth=trust -E UTF8 >/dev/null
	run_as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -w -l "$pgdir/log" \
		-o "-c listen_addresses=127.0.0.1 -p $port -k $pgdir -c fsync=off -c max_connections=200" start >/dev/null
	run_as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U secretgen secretgen_test
	export SECRETGEN_TEST_POSTGRES="postgres://secretgen@127.0.0.1:$port/secretgen_test?sslmode=disable"
	log "PostgreSQL on 127.0.0.1:$port"
}

find_chromium() {
	local c
	for c in "${SECRETGEN_CHROMIUM:-}" chromium chromium-browser google-chrome; do
		[ -n "$c" ] && command -v "$c" >/dev/null && { command -v "$c"; return; }
	done
}

ensure_chromium() {
	local c
	c=$(find_chromium || true)
	if [ -z "$c" ]; then
		log "installing Chromium"
		apt_install chromium
		c=$(find_chromium)
	fi
	export SECRETGEN_CHROMIUM="$c"
}

start_postgres
ensure_chromium
# In this script nothing may skip for want of a server or a browser.
export SECRETGEN_REQUIRE_SERVICES=1
go test -count=1 "$@" ./...
