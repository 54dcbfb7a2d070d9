//! End-to-end, the hard requirement of the consoles: 1,000 pushed messages a second into 4
//! subscribed panes for 10 s, and not one lost. Every PUBLISH must reach the 4 panes (its reply is
//! 4), every pane must see every message once and in order (counted through
//! `window.streamplay.on('push')`, since long output is virtualized), and the newest message must
//! be on screen in each pane.
// @ts-check
const { test, expect } = require('@playwright/test');
const { watchForErrors, pane, open } = require('./support/console');
const { CHANNEL, subscribePanes, publishLoad, pushCounts, newestMessage } = require('./support/pushload');

const RATE = 1000;
const SECONDS = 10;
const SUBSCRIBERS = 4;

test('1,000 messages a second into 4 subscribed panes for 10 s: none lost', async ({ page }) => {
  test.setTimeout(90_000);
  const problems = watchForErrors(page);
  await open(page);
  const listeners = await subscribePanes(page, SUBSCRIBERS);

  const linesOf = async () =>
    Object.fromEntries((await page.evaluate(() => window.streamplay.state().panes)).map((p) => [p.name, p.lines]));
  const before = await linesOf();
  const result = await publishLoad(page, { rate: RATE, seconds: SECONDS, expectedReceivers: SUBSCRIBERS, from: 'producer' });
  expect(result.sent).toBe(RATE * SECONDS);
  expect(result.wrong).toEqual([]);
  // The load really was 1,000 a second (a slower page would stretch the 10 s).
  expect(result.elapsedMs).toBeLessThan(SECONDS * 1000 * 1.25);

  const total = RATE * SECONDS;
  await expect
    .poll(() => pushCounts(page), { timeout: 20_000 })
    .toEqual(Object.fromEntries(listeners.map((p) => [p.name, { n: total, last: total - 1, disorder: 0 }])));
  for (const p of listeners) {
    await expect.poll(() => newestMessage(page, p.name)).toEqual(['1) "message"', `2) "${CHANNEL}"`, `3) "m${total - 1}"`]);
    await expect(p.state).toHaveText('subscribed');
  }
  // The panes report every line, virtualized or not: 3 more lines a message, nothing else (the
  // banner redis-cli 7.2+ prints after each batch while subscribed is erased by the next batch).
  const after = await linesOf();
  for (const p of listeners) expect(after[p.name] - before[p.name]).toBe(3 * total);
  await expect(pane(page, 'producer').state).toHaveText('normal');
  expect(problems).toEqual([]);
});
