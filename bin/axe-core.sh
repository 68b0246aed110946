#!/usr/bin/env bash
# Fetches axe-core (the accessibility engine the pages' browser tests inject) with npm into
# target/axe-core/, once per version; the Maven build runs this before the tests. The library is
# not committed, and Maven Central has no WebJar of it.
set -euo pipefail
version=4.14.1
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=target/axe-core
if [ -f "$dir/axe.min.js" ] && [ "$(cat "$dir/VERSION" 2>/dev/null)" = "$version" ]; then exit 0; fi
rm -rf "$dir"
mkdir -p "$dir"
npm install --prefix "$dir/npm" --no-save --no-audit --no-fund --loglevel=error "axe-core@$version" >/dev/null
cp "$dir/npm/node_modules/axe-core/axe.min.js" "$dir/axe.min.js"
echo "$version" > "$dir/VERSION"
