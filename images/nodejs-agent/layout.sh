#!/bin/sh
# Builds the layout of the OpenTelemetry Operator's autoinstrumentation-nodejs images in the directory
# given (the image's /autoinstrumentation; the e2e tests' cache): the packages locked in
# package-lock.json in node_modules/, and at the root @opentelemetry/auto-instrumentations-node's
# register.js (with the modules it requires) as autoinstrumentation.js, which NODE_OPTIONS --require's.
# Needs node and npm, and the npm registry.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1
mkdir -p "$out"
cp "$here/package.json" "$here/package-lock.json" "$out/"
# no install scripts: none of these packages needs one to run
(cd "$out" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
cp "$out"/node_modules/@opentelemetry/auto-instrumentations-node/build/src/*.js "$out/"
cp "$out/register.js" "$out/autoinstrumentation.js"
chmod -R go+rX "$out"
