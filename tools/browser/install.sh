#!/usr/bin/env bash
# Installs the checkers the browser tests use (axe-core, the Nu HTML checker) from npm into
# tools/browser/node_modules (ignored), exactly as pinned in package-lock.json. Needs node/npm;
# vnu.jar needs Java 11+ (apt-get install default-jre-headless).
set -euo pipefail
cd "$(dirname "$0")"
# --ignore-scripts: vnu-jar's postinstall would download a Java runtime; Debian's is used.
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
test -f node_modules/axe-core/axe.min.js
test -f node_modules/vnu-jar/build/dist/vnu.jar
