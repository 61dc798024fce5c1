#!/usr/bin/env bash
# Runs every benchmark and writes BENCHMARKS.md at the project root (about twenty minutes as root, thirteen
# otherwise). As root it first runs the storm and fleet benchmarks on the e2e control plane (below) for their rows;
# without root those rows say "not run".
# benchmarks/run.sh <section> runs one section (core, https, apicalls, startup, pods, memory, reconcile, tail) without
# writing it (startup: the start, idle and loaded memory; pods: those and the fleet view's cost per pod).
# Needs wrk (Debian/Ubuntu: apt-get install wrk) for the HTTPS load, and Go for the tail section's open-loop client
# (benchmarks/vegeta.sh builds vegeta once into ~/.cache/instrumentor). The tail section takes about three minutes
# and keeps every request's latency under benchmarks/results/tail/; for experiments it reads BENCH_JVM_OPTIONS
# (instead of the chart's flags), BENCH_EXTRA_JVM_OPTIONS (added to them), BENCH_OPERATOR_JAR, TAIL_SECONDS, TAIL_RATE,
# TAIL_SCRAPE_SECONDS, TAIL_CHURN (new connections a second alongside the reviews, a TLS handshake each); startup and
# pods read BENCH_OPERATOR_JAR and BENCH_EXTRA_JVM_OPTIONS too (e.g. -Xlog:class+load:file=/tmp/cl-%p.log), memory
# reads BENCH_EXTRA_JVM_OPTIONS, and startup and pods read BENCH_DUMP_DIR, where the idle process's NMT summary,
# metaspace, live-heap histogram and smaps are written. Every section that starts the operator runs it as the image
# does: an archive from the Dockerfile's training run, made here on BENCH_JAVA_HOME (the JDK of the operator's
# processes; this one by default; on Java 25+ an AOT cache), configured as in a pod.
# benchmarks/run.sh resilience runs the resilience suite longer than CI does (about ten minutes, no wrk needed):
# 10x the fuzzed reviews, 2,000 hostile pods on the real API server, 60 s of the largest reviews.
# benchmarks/run.sh fleet measures what the fleet view's pod cache costs on the e2e control plane (root; about
# five minutes): the chart's operator with 10,000 pods (-Dfleet.pods=N) with the view off and on.
# benchmarks/run.sh storm scales a Deployment whose pods ask for Java from 0 to 1,000 (-Dstorm.pods=N) on the e2e
# control plane, the chart's operator serving the chart's webhook: the admission latency as kube-apiserver and the
# webhook saw it, the wall time, and no pod admitted uninstrumented (root; about three minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = resilience ]; then
  ./mvnw -B -q -ntp install -DskipTests
  ./mvnw -B -ntp -pl webhook surefire:test -Dtest='CorruptedRequestsTest,AdmissionServerTest' -Dresilience.scale=10
  exec ./mvnw -B -ntp -pl e2e surefire:test \
    -Dtest='HostilePodsOnRealApiServerTest,ChartOnRealApiServerTest#theChartsOperatorLeads*+theLargest*' \
    -Dresilience.cases=2000 -Dresilience.seconds=60
fi
if [ "${1:-}" = fleet ]; then
  shift
  ./mvnw -B -q -ntp install -DskipTests
  exec ./mvnw -B -ntp -pl e2e surefire:test -Dtest=FleetMemoryBenchmark -Dsurefire.failIfNoSpecifiedTests=false "$@"
fi
if [ "${1:-}" = storm ]; then
  shift
  ./mvnw -B -q -ntp install -DskipTests
  exec ./mvnw -B -ntp -pl e2e surefire:test -Dtest=AdmissionStormBenchmark -Dsurefire.failIfNoSpecifiedTests=false "$@"
fi
if { [ -z "${1:-}" ] || [ "${1:-}" = https ] || [ "${1:-}" = startup ]; } && ! command -v wrk >/dev/null; then
  echo "wrk is missing: apt-get install -y wrk (or brew install wrk)" >&2
  exit 1
fi
./mvnw -B -q -ntp -Pbenchmarks install -DskipTests
if [ -z "${1:-}" ]; then
  rm -rf benchmarks/results/rows
  if [ "$(id -u)" = 0 ]; then
    # one control plane for both; a failed benchmark still leaves its row, which says not met
    ./mvnw -B -ntp -pl e2e surefire:test -Dtest='AdmissionStormBenchmark,FleetMemoryBenchmark' \
      -Dsurefire.failIfNoSpecifiedTests=false || echo "a benchmark on the e2e control plane failed: see above" >&2
  fi
fi
./mvnw -B -q -ntp -Pbenchmarks -pl benchmarks exec:exec -Dbenchmarks.only="${1:-}"
