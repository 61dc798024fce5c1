#!/usr/bin/env bash
# Runs every benchmark and writes BENCHMARKS.md at the project root (about five minutes).
# benchmarks/run.sh <section> runs one section (core, https, apicalls, startup, memory, reconcile) without writing it.
# Needs wrk (Debian/Ubuntu: apt-get install wrk) for the HTTPS load.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
  echo "wrk is missing: apt-get install -y wrk (or brew install wrk)" >&2
  exit 1
fi
./mvnw -B -q -ntp -Pbenchmarks install -DskipTests
./mvnw -B -q -ntp -Pbenchmarks -pl benchmarks exec:exec -Dbenchmarks.only="${1:-}"
