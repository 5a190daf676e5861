#!/bin/sh
# install-deps.sh - install what building and testing orgmri needs, from
# Debian's packages, when it is missing.  Safe to run again: it asks apt
# only when a package is absent.  Needs root (or sudo) for the install.
set -eu

PKGS="build-essential cmake pkg-config git sqlite3 libsqlite3-dev
libjansson-dev libgit2-dev libcmocka-dev zlib1g-dev libexpat1-dev
python3 jq"
# Extra packages only some targets need, named in $ORGMRI_EXTRA_PKGS.
PKGS="$PKGS ${ORGMRI_EXTRA_PKGS:-}"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null 2>&1 || {
		echo "install-deps: need root to install:$missing" >&2
		exit 1
	}
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
