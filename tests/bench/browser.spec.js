//! The browser benchmark of the consoles (`./dev.sh bench-browser`), in headless Chromium against
//! the release build. Figures are reported, not gated, except that no pushed message may be lost.
//!
//! (a) Enter → reply painted: 8 panes, a 100,000-entry stream in the keyspace, then 500 commands
//!     typed and Entered in the panes in turn (XRANGE s - + COUNT 10, XLEN s, GET k, XADD s * f v).
//!     The page marks `streamplay:enter` on Enter and measures `streamplay:enter-to-paint` one
//!     animation frame after the lines are rendered; p50/p95/p99 of those. Target: p95 < 16 ms.
//! (b) 1,000 PUBLISHes a second for 10 s to a channel 4 panes subscribe to (4,000 pushes a second
//!     on screen), with a requestAnimationFrame loop recording frame times; p50/p95/p99, and the
//!     messages lost (must be 0). Target: p95 frame time < 16.7 ms. The same frame loop over 2 s of
//!     an idle page is printed beside it, to show the display's own frame time.
// @ts-check
const { test, expect } = require('@playwright/test');
const { open, pane, panesUpTo } = require('../e2e/support/console');
const { subscribePanes, publishLoad, pushCounts } = require('../e2e/support/pushload');

const STREAM_ENTRIES = 100_000;
const COMMANDS = 500;
const PANES = 8;

/** The p-th percentile (nearest rank) of a list of numbers. */
function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** One row of the printed table. */
function row(what, values, target, unit = 'ms') {
  const f = (v) => `${v.toFixed(2)} ${unit}`.padStart(10);
  return `${what.padEnd(44)} ${String(values.length).padStart(7)} ${f(percentile(values, 50))} ${f(percentile(values, 95))} ${f(percentile(values, 99))}   ${target}`;
}

function printTable(title, rows) {
  const head = `${'measure'.padEnd(44)} ${'samples'.padStart(7)} ${'p50'.padStart(10)} ${'p95'.padStart(10)} ${'p99'.padStart(10)}   target`;
  console.log(`\n${title}\n${head}\n${'-'.repeat(head.length + 12)}\n${rows.join('\n')}\n`);
}

/** Starts recording requestAnimationFrame deltas in the page. */
async function startFrames(page) {
  await page.evaluate(() => {
    const rec = { deltas: [], running: true, last: 0 };
    window.__frames = rec;
    const loop = (t) => {
      if (rec.last) rec.deltas.push(t - rec.last);
      rec.last = t;
      if (rec.running) requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });
}

/** Stops the frame loop and returns its deltas. */
async function stopFrames(page) {
  return page.evaluate(() => {
    window.__frames.running = false;
    return window.__frames.deltas;
  });
}

test('Enter → reply painted, 8 panes and a 100,000-entry stream', async ({ page }) => {
  await open(page);
  const panes = await panesUpTo(page, PANES);
  expect(panes).toHaveLength(PANES);

  // The stream, filled through the JS API (as the producer pane, whose output grows to 200,000
  // lines) in batches, each batch yielding to the page.
  const fill = await page.evaluate(async (entries) => {
    const start = performance.now();
    for (let i = 1; i <= entries; i++) {
      window.streamplay.run(`XADD s ${i}-1 field value-${i}`);
      if (i % 5000 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    return { ms: performance.now() - start, len: window.streamplay.run('XLEN s') };
  }, STREAM_ENTRIES);
  expect(fill.len).toBe(STREAM_ENTRIES);
  await page.evaluate(() => window.streamplay.run('SET k hello'));
  console.log(`filled the stream: ${STREAM_ENTRIES} XADDs through window.streamplay.run in ${(fill.ms / 1000).toFixed(1)} s`);

  await page.evaluate(() => {
    performance.clearMeasures('streamplay:enter-to-paint');
    const seen = { commands: {}, errors: 0 };
    window.__bench = seen;
    window.streamplay.on('line', (e) => {
      if (e.kind === 'command') seen.commands[e.pane] = (seen.commands[e.pane] ?? 0) + 1;
      if (e.kind === 'error') seen.errors++;
    });
  });
  const mix = ['XRANGE s - + COUNT 10', 'XLEN s', 'GET k', 'XADD s * f v'];
  const measured = () => page.evaluate(() => performance.getEntriesByName('streamplay:enter-to-paint').length);
  for (let i = 0; i < COMMANDS; i++) {
    const p = panes[i % PANES];
    await p.input.fill(mix[i % mix.length]);
    await p.input.press('Enter');
    // The next command starts once this one's reply is painted and measured.
    await expect.poll(measured).toBe(i + 1);
  }
  const durations = await page.evaluate(() =>
    performance.getEntriesByName('streamplay:enter-to-paint').map((e) => e.duration),
  );
  expect(durations).toHaveLength(COMMANDS);
  // Every command ran, in its pane, without an error (counted from the `line` events, since the
  // output is virtualized on screen).
  const seen = await page.evaluate(() => window.__bench);
  expect(seen.errors).toBe(0);
  expect(panes.map((p) => seen.commands[p.name] ?? 0)).toEqual(panes.map((_, k) => Math.floor(COMMANDS / PANES) + (k < COMMANDS % PANES ? 1 : 0)));
  const byCommand = mix.map((c, k) => row(`  ${c}`, durations.filter((_, i) => i % mix.length === k), ''));
  printTable(`(a) Enter → reply painted (${PANES} panes, ${STREAM_ENTRIES.toLocaleString('en')}-entry stream, ${COMMANDS} commands)`, [
    row('enter-to-paint, all commands', durations, 'p95 < 16 ms'),
    ...byCommand,
  ]);
});

test('1,000 messages a second into 4 subscribed panes for 10 s: frame times, nothing lost', async ({ page }) => {
  await open(page);
  const listeners = await subscribePanes(page, 4);

  await startFrames(page);
  await expect.poll(async () => page.evaluate(() => window.__frames.deltas.length), { timeout: 10_000 }).toBeGreaterThanOrEqual(120);
  const idle = await stopFrames(page);

  await startFrames(page);
  const result = await publishLoad(page, { rate: 1000, seconds: 10, expectedReceivers: 4, from: 'producer' });
  const total = result.sent;
  await expect
    .poll(async () => Object.values(await pushCounts(page)).reduce((a, c) => a + c.n, 0), { timeout: 30_000 })
    .toBe(total * listeners.length);
  const busy = await stopFrames(page);
  const counts = await pushCounts(page);
  const lost = listeners.reduce((a, p) => a + (total - (counts[p.name]?.n ?? 0)), 0);
  const disorder = Object.values(counts).reduce((a, c) => a + c.disorder, 0);

  printTable('(b) 1,000 PUBLISH/s to a channel with 4 subscribed panes, 10 s', [
    row('frame time under the load', busy, 'p95 < 16.7 ms'),
    row('frame time, idle page (for reference)', idle, ''),
  ]);
  console.log(
    `published ${total} in ${(result.elapsedMs / 1000).toFixed(2)} s; pushes expected ${total * listeners.length}, ` +
      `lost ${lost}, out of order ${disorder}, PUBLISH replies other than 4: ${result.wrong.length}; ` +
      `frames that missed the display's next refresh (over 20 ms): ${busy.filter((d) => d > 20).length} of ${busy.length} ` +
      `(idle: ${idle.filter((d) => d > 20).length} of ${idle.length}), over 50 ms: ${busy.filter((d) => d > 50).length}\n`,
  );
  expect(lost).toBe(0);
  expect(disorder).toBe(0);
  expect(result.wrong).toEqual([]);
  await expect(pane(page, listeners[0].name).state).toHaveText('subscribed');
});
