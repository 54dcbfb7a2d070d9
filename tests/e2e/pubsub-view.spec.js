//! End-to-end: the Pub/Sub view draws what the session's view model and the step's events say:
//! channel, shard channel and pattern nodes with their subscriber boxes, one message path per
//! receiver (`message` straight from the channel, `pmessage` through the pattern), the receiver
//! count PUBLISH returned, a publish that reached nobody lost at its channel, a node leaving on
//! UNSUBSCRIBE, and a 50-pane fan-out drawn as one counted group. Screenshots are attached.
// @ts-check
const { test, expect } = require('@playwright/test');
const { attachScreenshot, watchForErrors, open } = require('./support/console');

/** Runs a line in a pane (created on first use) through the page's JS API. */
async function run(page, line, client) {
  return page.evaluate(([l, c]) => window.streamplay.run(l, c), [line, client]);
}

test('subscribe, publish, pattern delivery, lost message and unsubscribe in the Pub/Sub view', async ({ page }, testInfo) => {
  const problems = watchForErrors(page);
  await open(page);
  const view = page.getByTestId('view-pubsub');
  const channel = (name) => view.locator(`[data-testid="channel"][data-name="${name}"]`);
  const pattern = (name) => view.locator(`[data-testid="pattern"][data-name="${name}"]`);
  const paths = view.getByTestId('message-path');

  await run(page, 'SUBSCRIBE news', 'listener-1');
  await run(page, 'PSUBSCRIBE n*', 'listener-2');
  await expect(channel('news')).toHaveAttribute('data-subscribers', '1');
  await expect(pattern('n*')).toHaveAttribute('data-subscribers', '1');
  await expect(view.locator('[data-testid="subscriber"][data-client="listener-1"]')).toHaveCount(1);
  await expect(view.locator('[data-testid="subscriber"][data-client="listener-2"]')).toHaveCount(1);

  // One path per receiver: listener-1 straight from the channel, listener-2 through the pattern.
  expect(await run(page, 'PUBLISH news hello', 'producer')).toBe(2);
  await expect(paths).toHaveCount(2);
  await expect(view.locator('[data-testid="message-path"][data-kind="message"][data-client="listener-1"]'))
    .toHaveAttribute('data-via', 'news');
  await expect(view.locator('[data-testid="message-path"][data-kind="pmessage"][data-client="listener-2"]'))
    .toHaveAttribute('data-via', 'n*');
  // Hovering a path names the step that sent it.
  await expect(view.locator('[data-testid="message-path"][data-kind="message"] title'))
    .toHaveText(/producer> PUBLISH news hello/);
  // The receiver count PUBLISH returned is on the message.
  await expect(view.locator('[data-testid="message"][data-channel="news"]')).toHaveAttribute('data-receivers', '2');
  await expect(view.getByTestId('message-dropped')).toHaveCount(0);
  await attachScreenshot(view, testInfo, 'pubsub-view-delivered.png');

  // A publish nobody receives is lost at its channel, which Redis does not have (no node).
  expect(await run(page, 'PUBLISH void x', 'producer')).toBe(0);
  await expect(view.locator('[data-testid="message-dropped"][data-name="void"]')).toHaveCount(1);
  await expect(view.locator('[data-testid="message-path"][data-kind="lost"][data-channel="void"]')).toHaveCount(1);
  await expect(channel('void')).toHaveCount(0);
  await attachScreenshot(view, testInfo, 'pubsub-view-lost.png');
  // It is drawn while its animation lasts, then the view shows the state alone.
  await expect(view.getByTestId('message-dropped')).toHaveCount(0, { timeout: 5000 });
  await expect(paths).toHaveCount(0);

  // A pattern alone still routes a message through its node.
  expect(await run(page, 'PUBLISH nightly build', 'producer')).toBe(1);
  await expect(view.locator('[data-testid="message-path"][data-kind="pmessage"][data-channel="nightly"]'))
    .toHaveAttribute('data-client', 'listener-2');

  // Unsubscribing removes the node and the subscriber box; the pattern stays.
  await run(page, 'UNSUBSCRIBE news', 'listener-1');
  await expect(channel('news')).toHaveCount(0);
  await expect(view.locator('[data-testid="subscriber"][data-client="listener-1"]')).toHaveCount(0);
  await expect(pattern('n*')).toHaveCount(1);
  await run(page, 'PUNSUBSCRIBE', 'listener-2');
  await expect(pattern('n*')).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('shard channels show their slot, keyspace notifications travel like messages, a big fan-out is one group', async ({ page }, testInfo) => {
  const problems = watchForErrors(page);
  await open(page);
  const view = page.getByTestId('view-pubsub');

  // The slot is Redis's keyHashSlot: CRC16 of the hash tag `{user1000}` mod 16384.
  await run(page, 'SSUBSCRIBE {user1000}.following', 'shard-reader');
  const shard = view.locator('[data-testid="channel"][data-name="{user1000}.following"]');
  await expect(shard).toHaveAttribute('data-shard', 'true');
  await expect(shard).toHaveAttribute('data-slot', '3443');
  expect(await run(page, 'SPUBLISH {user1000}.following hi', 'producer')).toBe(1);
  await expect(view.locator('[data-testid="message-path"][data-kind="smessage"]')).toHaveAttribute('data-client', 'shard-reader');

  // A keyspace notification is a message like any other, here through a pattern.
  await run(page, 'CONFIG SET notify-keyspace-events KA', 'producer');
  await run(page, 'PSUBSCRIBE __keyspace@0__:*', 'watcher');
  await run(page, 'SET foo bar', 'producer');
  await expect(view.locator('[data-testid="message-path"][data-kind="pmessage"][data-channel="__keyspace@0__:foo"]'))
    .toHaveAttribute('data-client', 'watcher');

  // Fifty subscribers of one channel are one counted box, and one dot standing for all of them.
  await page.evaluate(() => {
    for (let i = 1; i <= 50; i++) window.streamplay.run('SUBSCRIBE alerts', `sub-${i}`);
  });
  const group = view.locator('[data-testid="subscriber-group"][data-name="alerts"]');
  await expect(group).toHaveAttribute('data-count', '50');
  await expect(view.locator('[data-testid="channel"][data-name="alerts"]')).toHaveAttribute('data-subscribers', '50');
  expect(await view.getByTestId('subscriber').count()).toBeLessThan(13);
  expect(await run(page, 'PUBLISH alerts fire', 'producer')).toBe(50);
  await expect(view.locator('[data-testid="message-path"][data-channel="alerts"]')).toHaveAttribute('data-count', '50');
  await expect(view.locator('[data-testid="message"][data-channel="alerts"]')).toHaveAttribute('data-receivers', '50');
  await attachScreenshot(view, testInfo, 'pubsub-view-fanout.png');
  expect(problems).toEqual([]);
});

test('the Pub/Sub view at 360 px wide', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 360, height: 800 });
  const problems = watchForErrors(page);
  await open(page);
  const view = page.getByTestId('view-pubsub');
  await run(page, 'SUBSCRIBE news', 'listener-1');
  await run(page, 'PSUBSCRIBE n*', 'listener-2');
  expect(await run(page, 'PUBLISH news hello', 'producer')).toBe(2);
  expect(await run(page, 'PUBLISH void x', 'producer')).toBe(0);
  await expect(view.getByTestId('message-path')).toHaveCount(3);
  await expect(view.locator('[data-testid="message-dropped"][data-name="void"]')).toHaveCount(1);
  // The graph fits the page: nothing scrolls sideways.
  const box = await view.boundingBox();
  expect(box && box.x + box.width).toBeLessThanOrEqual(360);
  await attachScreenshot(view, testInfo, 'pubsub-view-360.png');
  expect(problems).toEqual([]);
});
