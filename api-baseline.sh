#!/usr/bin/env bash
# Makes the jars just built the API baselines of their major version: <module>/api/<module>-<major>.jar,
# what `mvn verify` compares each module's jar with (japicmp). Run after `mvn -B package` when a
# major version starts (or, before the first release, when the API changes on purpose), and
# commit the baselines.
set -euo pipefail
cd "$(dirname "$0")"
version="$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' pom.xml | head -1)"
major="${version%%.*}"
for module in lb-core lb-vrrp lb-tproxy; do
  jar="$module/target/$module-$version.jar"
  if [ ! -f "$jar" ]; then
    echo "no $jar: run mvn -B package first" >&2
    exit 1
  fi
  mkdir -p "$module/api"
  cp "$jar" "$module/api/$module-$major.jar"
  echo "$module/api/$module-$major.jar"
done
