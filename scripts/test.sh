#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lint, types, layering, the
# tests under Deno and under Bun, then the compiled binary and the tests against it.
# It needs nothing beside the clone: tests over the real corpus run only when
# CRU_CORPUS names it (.ci/run sets it) and report themselves skipped otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export NO_COLOR=1

step() { printf '\n== %s\n' "$*"; }

step "deno fmt --check"
deno fmt --check
step "deno lint"
deno lint
step "deno check"
deno check mod.ts src/cli/main.ts scripts/*.ts $(find src tests plugins -name '*.ts' -not -path 'tests/types/*' 2>/dev/null)
step "layer check"
deno run -A scripts/check_layers.ts
step "deno test"
deno test -A
# Bun's default per-test timeout (5 s) is far too short for tests that spawn cru on a loaded machine.
# The unit tests under Bun; the end-to-end tests in tests/ run under Bun against the compiled binary below.
step "bun test (unit tests: src, plugins, scripts)"
bun test --timeout 240000 ./src ./plugins ./scripts
step "build dist/cru"
bun scripts/build.ts
step "tests against the binary (CRU_BIN=dist/cru)"
CRU_BIN="$PWD/dist/cru" bun test --timeout 240000 tests/
step "fault injection against the binary (npm run test:faults)"
CRU_BIN="$PWD/dist/cru" npm run --silent test:faults
