#!/usr/bin/env bash
# Builds the published modules twice from clean, without tests, and fails unless every jar (the
# classes, the sources and the javadoc) comes out byte for byte the same: the builds are
# reproducible (project.build.outputTimestamp). Extra arguments go to Maven (for example -o).
set -euo pipefail
cd "$(dirname "$0")"
modules=lb-bom,lb-core,lb-vrrp,lb-tproxy
sums() {
  mvn -B -q "$@" clean package -DskipTests -Djapicmp.skip -pl "$modules" >&2
  sha256sum lb-core/target/*.jar lb-vrrp/target/*.jar lb-tproxy/target/*.jar
}
first="$(sums "$@")"
second="$(sums "$@")"
echo "$second"
if [ "$first" != "$second" ]; then
  diff <(echo "$first") <(echo "$second") >&2
  echo "reproducible-build: the two builds differ" >&2
  exit 1
fi
echo "reproducible-build: $(echo "$second" | wc -l) jars, byte-identical in two clean builds"
