#!/bin/sh
# ensure-duckdb.sh - the DuckDB engine for tests/engines.test.sh: node and
# npm (as root, Debian's nodejs and npm when no node is installed at all),
# then @duckdb/node-api (its own DuckDB binary) into build/npm, once: when
# it is there nothing is fetched (offline). Never fails: without node, npm
# or the registry, engines.test.sh reports its DuckDB part skipped.
NPM_DIR=${NPM_DIR:-build/npm}
# the version tested (README "Engines"); DuckDB 1.5.6 inside
DUCKDB_NODE_API=1.5.6-r.1
if ! command -v node > /dev/null 2>&1 || ! command -v npm > /dev/null 2>&1; then
    sh tests/ensure-debs.sh nodejs npm || true
fi
[ -f "$NPM_DIR/node_modules/@duckdb/node-api/package.json" ] && exit 0
command -v npm > /dev/null 2>&1 || exit 0
mkdir -p "$NPM_DIR"
echo "heloval: installing @duckdb/node-api into $NPM_DIR (npm)" >&2
timeout 600 npm install --prefix "$NPM_DIR" --no-audit --no-fund --loglevel=error \
    "@duckdb/node-api@$DUCKDB_NODE_API" > "$NPM_DIR/install.log" 2>&1 ||
    echo "heloval: npm install @duckdb/node-api failed (engines test will skip): $(tail -n 1 "$NPM_DIR/install.log")" >&2
exit 0
