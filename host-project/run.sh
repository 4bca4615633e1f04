#!/usr/bin/env bash
# A host application built against Steelyard as a Java team would build it (pom.xml: the BOM
# imported, lb-core and lb-vrrp without versions), from the Steelyard that `mvn install` put in
# the local Maven repository, then run twice: on the class path, and as a named module
# (modular/module-info.java added), where it also checks that Steelyard's jars are explicit
# modules that keep the forwarding runtime to themselves. Each run sends one connection through
# a balancer and fails unless the server's answer comes back.
#
#   mvn -B install -DskipTests && host-project/run.sh
#
# Extra arguments go to Maven (for example -o to stay offline).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' "$here/../pom.xml" | head -1)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$here/pom.xml" "$here/src" "$work/"

build() {
  (cd "$work" && mvn -B -q "-Dsteelyard.version=$version" "$@" clean package \
    dependency:copy-dependencies -DoutputDirectory=target/deps -DincludeScope=runtime)
}

echo "host-project: on the class path, Steelyard $version"
build "$@"
java -cp "$work/target/classes:$work/target/deps/*" host.HostMain

echo "host-project: as a named module"
cp "$here/modular/module-info.java" "$work/src/main/java/"
build "$@"
# Netty's native transports are modules that nothing requires: a modular host adds its platform's.
java -p "$work/target/classes:$work/target/deps" \
  --add-modules io.netty.transport.epoll.linux.x86_64,io.netty.transport.io_uring.linux.x86_64 \
  -m host/host.HostMain
