/**
 * Fault injection, load: a CI-sized writer storm (many processes appending at
 * once, each telling the index owner) with searches running all the while.
 * No search may wait past the client's bound, every acknowledged event is
 * found afterwards, and the latencies are printed beside the idle ones.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { withTempDir } from "../_helpers/temp_dir.ts";
import { percentile, runStorm } from "../../scripts/bench_storm.ts";

const WRITERS = 16;
const APPENDS = 40;
/** The client's bound on a silent owner (index_client.ts): no answer may come later than this. */
const CLIENT_BOUND_MS = 60_000;

test(`a storm of ${WRITERS} writers × ${APPENDS} appends: every search answers within the bound`, {
  timeout: 300_000,
}, () =>
  withTempDir(async (tmp) => {
    const report = await runStorm({
      dir: join(tmp, ".crucible"),
      writers: WRITERS,
      appends: APPENDS,
      bytes: 300,
      searchers: 2,
      idleSearches: 3,
    });
    console.log(
      `load: ${WRITERS}×${APPENDS} appends held (${report.acked} acknowledged, ${report.found} found); ` +
        `search idle p50 ${percentile(report.idleMs, 50)} ms; during the storm p50 ${
          percentile(report.stormMs, 50)
        } ms, ` +
        `p99 ${percentile(report.stormMs, 99)} ms (${report.stormMs.length} searches); ` +
        `the owner's part p99 ${percentile(report.clientMs, 99)} ms`,
    );
    assert.deepEqual(report.failures, [], "no search failed during the storm");
    assert.equal(report.acked, WRITERS * APPENDS);
    assert.equal(report.found, report.acked, "every acknowledged event is found");
    assert.ok(report.stormMs.length + report.clientMs.length > 0, "searches ran during the storm");
    const slowest = Math.max(...report.stormMs, ...report.clientMs);
    assert.ok(slowest < CLIENT_BOUND_MS / 3, `every search answered well within the bound: ${Math.round(slowest)} ms`);
  }));
