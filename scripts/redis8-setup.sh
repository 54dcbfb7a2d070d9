#!/usr/bin/env bash
# A real Redis 8 server on this Debian 12 machine, for differential checks of the project's default
# profile: Debian 13's redis-server (8.0.x) and the Debian 13 libraries it needs, extracted (not installed)
# under DIR through a private apt state (/etc/apt untouched), run through Debian 13's own loader.
# Usage: redis8-setup.sh [DIR]   (default /tmp/redis8); then DIR/redis8-server ARGS... and DIR/redis8-cli ARGS...
# The project's copy of shared/tools/redis8-setup.sh: `./dev.sh setup` runs it into .redis8/, also in a
# fresh clone (verify-setup), where shared/ is not beside the checkout.
set -eu
W=${1:-/tmp/redis8}
if [ -x "$W/redis8-server" ] && "$W/redis8-server" --version >/dev/null 2>&1; then echo "$W/redis8-server"; exit 0; fi
A="$W/apt"; mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$W/debs" "$W/root"
# The machine's own Debian mirror (from its apt configuration), with the suite switched to Debian 13 (trixie).
mirror=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Created-By: Packages' 'Origin: Debian' 2>/dev/null \
         | awk '$2 !~ /security/ {print $1; exit}')
[ -n "$mirror" ] || { echo "no Debian mirror found in the apt configuration" >&2; exit 1; }
printf 'deb %s trixie main\n' "$mirror" > "$A/sources.list"
APT=(-o "Dir::Etc::SourceList=$A/sources.list" -o "Dir::Etc::SourceParts=/dev/null" -o "Dir::State::Lists=$A/lists"
     -o "Dir::Cache=$A/cache" -o "Dir::State::status=/dev/null")
apt-get "${APT[@]}" update >/dev/null 2>&1
cd "$W/debs"
for p in redis-server redis-tools libc6 libstdc++6 libgcc-s1 libatomic1 libjemalloc2 liblzf1 libssl3t64 libsystemd0 \
         libcap2 libgcrypt20 liblzma5 libzstd1 libgpg-error0 liblz4-1; do
  apt-get "${APT[@]}" download "$p" >/dev/null 2>&1 || { echo "cannot download $p" >&2; exit 1; }
done
for d in *.deb; do dpkg -x "$d" "$W/root"; done
R="$W/root"; LD="$R/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"; LP="$R/usr/lib/x86_64-linux-gnu:$R/lib/x86_64-linux-gnu"
printf '#!/bin/sh\nexec "%s" --library-path "%s" "%s/usr/bin/redis-server" "$@"\n' "$LD" "$LP" "$R" > "$W/redis8-server"
printf '#!/bin/sh\nexec "%s" --library-path "%s" "%s/usr/bin/redis-cli" "$@"\n' "$LD" "$LP" "$R" > "$W/redis8-cli"
chmod +x "$W/redis8-server" "$W/redis8-cli"
"$W/redis8-server" --version >&2
echo "$W/redis8-server"
