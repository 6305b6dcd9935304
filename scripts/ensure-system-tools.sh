#!/usr/bin/env bash
# Makes sure the system tools the end-to-end tests drive are on this machine: PostgreSQL's server
# binaries (initdb, pg_ctl: the tests start a throw-away server for Terraform's `pg` backend) and
# `age` (sealed values). `npm test` (pretest) and .ci/run call it, so a fresh machine needs no step
# beyond the README's two commands.
#
# Missing, root, and apt-get here: runs `apt-get update` once and installs the Debian packages.
# Otherwise: prints ONE line saying how to get them and exits 0, so the rest of the suite still runs;
# the tests that need the tools fail with that same line (test/e2e/support/system-tools.ts).
set -u

pg_bin_dir() {
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
    return 0
  fi
  # Debian keeps the server binaries off PATH, one directory per major version; take the newest.
  local dir
  for dir in $(ls -d "${MLP_PG_ROOT:-/usr/lib/postgresql}"/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

missing() {
  local out=""
  pg_bin_dir >/dev/null || out="$out postgresql"
  command -v age >/dev/null 2>&1 || out="$out age"
  echo "${out# }"
}

need=$(missing)
[ -z "$need" ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-system-tools: installing $need (apt-get)" >&2
  if DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null; then
    need=$(missing)
    [ -z "$need" ] && exit 0
  fi
fi

echo "mlp-tokens: the e2e tests need $need (PostgreSQL's initdb/pg_ctl, and age): install with \`sudo apt-get install -y postgresql age\` (Debian/Ubuntu) or \`brew install postgresql age\` (macOS), then rerun" >&2
exit 0
