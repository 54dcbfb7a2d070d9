//! End-to-end: the consumer groups view under a stream's tape. A PEL gains entries on XREADGROUP
//! and loses them on XACK, a claim moves an entry between consumers, repeated deliveries mark a
//! dead-letter candidate (threshold settable), a clock jump makes XAUTOCLAIM succeed, 8.x KEEPREF /
//! DELREF / ACKED show what became of the references, and a large PEL pages through its entries.
// @ts-check
const { test, expect } = require('@playwright/test');
const { attachScreenshot, watchForErrors, pane, open, addPane } = require('./support/console');

/** The stream view of `key` and, inside it, the hooks of its groups. */
function groupsOf(page, key) {
  const view = page.locator(`[data-testid="view-stream"][data-key="${key}"]`);
  return {
    view,
    group: (name) => view.locator(`[data-testid="group"][data-name="${name}"]`),
    consumer: (name) => view.locator(`[data-testid="consumer"][data-name="${name}"]`),
    entry: (id) => view.locator(`[data-testid="pel-entry"][data-id="${id}"]`),
    entries: () => view.getByTestId('pel-entry'),
    streamEntry: (id) => view.locator(`[data-testid="stream-entry"][data-id="${id}"]`),
  };
}

/** Pauses the engine clock, so idle times move only with the jump buttons. */
async function pauseClock(page) {
  const toggle = page.getByTestId('clock-toggle');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
}

test('a PEL gains entries on XREADGROUP, loses them on XACK, and a claim moves one', async ({ page }, testInfo) => {
  const problems = watchForErrors(page);
  await open(page);
  await pauseClock(page);
  const producer = pane(page, 'producer');
  const worker = await addPane(page);
  const g = groupsOf(page, 'orders');

  await producer.run('XGROUP CREATE orders workers $ MKSTREAM');
  await expect(g.group('workers')).toHaveAttribute('data-last-id', '0-0');
  for (const id of ['1-0', '2-0', '3-0']) await producer.run(`XADD orders ${id} item ${id}`);
  await expect(g.group('workers')).toHaveAttribute('data-lag', '3');
  await expect(g.entries()).toHaveCount(0);

  // XREADGROUP moves two entries into alice's pending list and the cursor past them.
  await worker.run('XREADGROUP GROUP workers alice COUNT 2 STREAMS orders >');
  await expect(g.consumer('alice')).toHaveAttribute('data-pending', '2');
  await expect(g.consumer('alice').getByTestId('pel-entry')).toHaveCount(2);
  await expect(g.entry('1-0')).toHaveAttribute('data-consumer', 'alice');
  await expect(g.entry('2-0')).toHaveAttribute('data-deliveries', '1');
  await expect(g.group('workers')).toHaveAttribute('data-last-id', '2-0');
  await expect(g.group('workers')).toHaveAttribute('data-entries-read', '2');
  await expect(g.group('workers')).toHaveAttribute('data-lag', '1');
  // The entries stay on the tape: delivered is not removed.
  await expect(g.streamEntry('1-0')).toHaveCount(1);

  // XACK removes one at once (its fading ghost carries no hook).
  await worker.run('XACK orders workers 1-0');
  await expect(worker.lines('reply').last()).toHaveText('(integer) 1');
  await expect(g.entry('1-0')).toHaveCount(0);
  await expect(g.consumer('alice')).toHaveAttribute('data-pending', '1');

  // XCLAIM gives 2-0 to bob: it leaves alice's box, and its delivery count rises.
  await worker.run('XCLAIM orders workers bob 0 2-0');
  await expect(g.entry('2-0')).toHaveAttribute('data-consumer', 'bob');
  await expect(g.entry('2-0')).toHaveAttribute('data-deliveries', '2');
  await expect(g.consumer('bob').getByTestId('pel-entry')).toHaveCount(1);
  await expect(g.consumer('alice')).toHaveAttribute('data-pending', '0');
  await expect(g.entry('2-0')).not.toHaveAttribute('data-dead-letter', 'true');

  // Read again from bob's history: the third delivery makes it a dead-letter candidate.
  await worker.run('XREADGROUP GROUP workers bob STREAMS orders 0');
  await expect(g.entry('2-0')).toHaveAttribute('data-deliveries', '3');
  await expect(g.entry('2-0')).toHaveAttribute('data-dead-letter', 'true');
  await expect(g.entry('2-0')).toContainText('dead-letter candidate');
  await attachScreenshot(g.view, testInfo, 'groups-view');

  // The threshold is a setting: at 4 deliveries, three are no longer a candidate.
  await page.getByTestId('dead-letter-threshold').fill('4');
  await page.getByTestId('dead-letter-threshold').dispatchEvent('change');
  await expect(g.entry('2-0')).not.toHaveAttribute('data-dead-letter', 'true');
  await expect(g.entry('2-0')).not.toContainText('dead-letter candidate');
  expect(problems).toEqual([]);
});

test('a clock jump makes XAUTOCLAIM take an idle entry', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  await pauseClock(page);
  const g = groupsOf(page, 's');
  const run = (line, client) => page.evaluate(([l, c]) => window.streamplay.run(l, c), [line, client]);

  await run('XGROUP CREATE s g $ MKSTREAM');
  await run('XADD s 1-0 f v');
  await run('XREADGROUP GROUP g alice STREAMS s >');
  await expect(g.entry('1-0')).toHaveAttribute('data-consumer', 'alice');

  // Idle for less than 30 s: nothing to claim.
  const early = await run('XAUTOCLAIM s g bob 30000 0');
  expect(early[1]).toEqual([]);
  await expect(g.entry('1-0')).toHaveAttribute('data-consumer', 'alice');

  // A minute later the entry is idle long enough.
  await page.locator('[data-testid="clock-jump"][data-ms="60000"]').click();
  await expect(g.entry('1-0')).toContainText('idle 1 min 0 s');
  const late = await run('XAUTOCLAIM s g bob 30000 0');
  expect(late[1]).toEqual([['1-0', ['f', 'v']]]);
  await expect(g.entry('1-0')).toHaveAttribute('data-consumer', 'bob');
  await expect(g.entry('1-0')).toHaveAttribute('data-deliveries', '2');
  await expect(g.consumer('bob')).toHaveAttribute('data-pending', '1');
  await expect(g.consumer('alice')).toHaveAttribute('data-pending', '0');
  expect(problems).toEqual([]);
});

test('KEEPREF leaves a dangling reference, DELREF removes it, ACKED keeps unread entries', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  const g = groupsOf(page, 's');
  const run = (line) => page.evaluate((l) => window.streamplay.run(l), line);

  await run('XGROUP CREATE s g $ MKSTREAM');
  for (const id of ['1-0', '2-0', '3-0']) await run(`XADD s ${id} f v`);
  await run('XREADGROUP GROUP g alice COUNT 2 STREAMS s >');
  await expect(g.consumer('alice').getByTestId('pel-entry')).toHaveCount(2);

  // XDEL keeps the reference: still pending, its entry gone from the tape.
  expect(await run('XDEL s 1-0')).toBe(1);
  await expect(g.streamEntry('1-0')).toHaveCount(0);
  await expect(g.entry('1-0')).toHaveAttribute('data-deleted', 'true');
  await expect(g.entry('1-0')).toContainText('entry deleted, still pending');
  await expect(g.entry('2-0')).not.toHaveAttribute('data-deleted', 'true');

  // DELREF deletes the entry and its reference in every group.
  expect(await run('XDELEX s DELREF IDS 1 2-0')).toEqual([1]);
  await expect(g.entry('2-0')).toHaveCount(0);
  await expect(g.consumer('alice')).toHaveAttribute('data-pending', '1');

  // ACKED deletes nothing a group has not read yet: 3-0 stays.
  expect(await run('XDELEX s ACKED IDS 1 3-0')).toEqual([2]);
  await expect(g.streamEntry('3-0')).toHaveCount(1);

  // A claim drops the dangling reference.
  const claimed = await run('XAUTOCLAIM s g bob 0 0');
  expect(claimed[2]).toEqual(['1-0']);
  await expect(g.entry('1-0')).toHaveCount(0);
  await expect(g.consumer('alice')).toHaveAttribute('data-pending', '0');
  expect(problems).toEqual([]);
});

test('a large PEL shows its oldest entries, pages through the rest and jumps to an id', async ({ page }, testInfo) => {
  const problems = watchForErrors(page);
  await open(page);
  const g = groupsOf(page, 'big');
  await page.evaluate(() => {
    const sp = window.streamplay;
    sp.run('XGROUP CREATE big g $ MKSTREAM');
    for (let i = 1; i <= 3000; i++) sp.run(`XADD big ${i}-0 n ${i}`);
    sp.run('XREADGROUP GROUP g alice STREAMS big >');
  });
  const alice = g.consumer('alice');
  const shown = alice.getByTestId('pel-entry');
  const window = alice.getByTestId('pel-window');
  await expect(alice).toHaveAttribute('data-pending', '3000');
  await expect(shown).toHaveCount(64);
  await expect(g.entry('1-0')).toHaveCount(1);
  await expect(g.entry('65-0')).toHaveCount(0);
  await expect(window).toContainText('showing the oldest 64 of 3,000');
  // Nothing before the oldest page.
  await expect(alice.getByTestId('pel-earlier')).toHaveCount(0);
  await expect(alice.getByTestId('pel-oldest')).toHaveCount(0);

  await alice.getByTestId('pel-later').click();
  await expect(g.entry('65-0')).toHaveCount(1);
  await expect(g.entry('128-0')).toHaveCount(1);
  await expect(g.entry('1-0')).toHaveCount(0);
  await expect(window).toContainText('showing 64 from 65-0 to 128-0 of 3,000');

  await alice.getByTestId('pel-newest').click();
  await expect(g.entry('3000-0')).toHaveCount(1);
  await expect(g.entry('2937-0')).toHaveCount(1);
  await expect(g.entry('2936-0')).toHaveCount(0);
  await expect(alice.getByTestId('pel-later')).toHaveCount(0);

  await alice.getByTestId('pel-earlier').click();
  await expect(g.entry('2873-0')).toHaveCount(1);
  await expect(g.entry('2936-0')).toHaveCount(1);
  await expect(g.entry('2937-0')).toHaveCount(0);

  const jump = alice.getByTestId('pel-jump');
  await jump.fill('1500-0');
  await jump.press('Enter');
  await expect(g.entry('1500-0')).toHaveCount(1);
  await expect(g.entry('1563-0')).toHaveCount(1);
  await expect(shown).toHaveCount(64);
  await attachScreenshot(alice, testInfo, 'groups-view-pel-page');

  // The pinned page follows acks: an acked entry leaves it and the page fills from after it.
  await page.evaluate(() => window.streamplay.run('XACK big g 1500-0'));
  await expect(g.entry('1500-0')).toHaveCount(0);
  await expect(g.entry('1564-0')).toHaveCount(1);
  await expect(alice).toHaveAttribute('data-pending', '2999');

  await alice.getByTestId('pel-oldest').click();
  await expect(g.entry('1-0')).toHaveCount(1);
  await expect(g.entry('1501-0')).toHaveCount(0);
  expect(problems).toEqual([]);
});
