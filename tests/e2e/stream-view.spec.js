//! End-to-end: the stream view's tape: entries appear as XADD adds them, XDEL leaves a tombstone
//! in its node until the node goes, MAXLEN trims the head, `~` says why a remainder stays, group
//! cursors sit on the last delivered entry, a blocked reader waits at the tail until an entry
//! serves it, and a big stream jumps to an ID; a screenshot of the view is attached.
// @ts-check
const { test, expect } = require('@playwright/test');
const { attachScreenshot, watchForErrors, pane, open, addPane } = require('./support/console');

/** Runs `line` in pane `client` (default `producer`) through the JS API, returning the reply. */
function run(page, line, client = 'producer') {
  return page.evaluate(([l, c]) => window.streamplay.run(l, c), [line, client]);
}

/** The stream view of `key`, and its entries, tombstones and nodes by id. */
function streamView(page, key) {
  const root = page.locator(`[data-testid="view-stream"][data-key="${key}"]`);
  return {
    root,
    entries: root.getByTestId('stream-entry'),
    entry: (id) => root.locator(`[data-testid="stream-entry"][data-id="${id}"]`),
    tombstone: (id) => root.locator(`[data-testid="stream-tombstone"][data-id="${id}"]`),
    nodes: root.getByTestId('stream-node'),
  };
}

test('entries appear, XDEL leaves a tombstone until its node goes, cursors and MAXLEN trims', async ({ page }, testInfo) => {
  const problems = watchForErrors(page);
  await open(page);
  const s = streamView(page, 's');

  for (let i = 1; i <= 5; i++) await run(page, `XADD s ${i}-1 item i${i} qty ${i}`);
  await expect(s.entries).toHaveCount(5);
  await expect(s.entries.last()).toHaveAttribute('data-id', '5-1');
  await expect(s.entry('3-1')).toContainText('item');
  await expect(s.nodes).toHaveCount(1);
  await expect(s.nodes).toHaveAttribute('data-live', '5');

  // A group cursor sits under the last delivered entry.
  await run(page, 'XGROUP CREATE s g 0');
  await expect(s.root.locator('[data-testid="group-cursor"][data-group="g"]')).toContainText('g at 0-0');
  await run(page, 'XREADGROUP GROUP g alice COUNT 2 STREAMS s >');
  await expect(s.entry('2-1').locator('[data-testid="group-cursor"][data-group="g"]')).toHaveCount(1);
  await expect(s.entry('3-1')).toContainText('lag 3');

  // XDEL: the entry becomes a tombstone in its node (Redis only flags it).
  await run(page, 'XDEL s 3-1');
  await expect(s.entry('3-1')).toHaveCount(0);
  await expect(s.tombstone('3-1')).toHaveCount(1);
  await expect(s.nodes).toHaveAttribute('data-deleted', '1');
  await expect(s.root).toContainText('max-deleted-id 3-1');

  // The nodes show on demand.
  const toggle = s.root.getByTestId('stream-nodes-toggle');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(s.nodes.first()).toContainText('node 1-1..5-1 · 4 live + 1 deleted');
  await attachScreenshot(s.root, testInfo, 'stream-view-tombstone');

  // MAXLEN: the head falls off; the trimmed entries leave the tape at once. As in Redis, an
  // exact trim inside a node only flags the entries, so their slots stay as tombstones.
  await run(page, 'XTRIM s MAXLEN 2');
  await expect(s.entries).toHaveCount(2);
  await expect(s.entry('1-1')).toHaveCount(0);
  await expect(s.entry('4-1')).toHaveCount(1);
  await expect(s.root.getByTestId('stream-trim')).toContainText('MAXLEN 2: 2 entries fell off the head');
  await expect(s.tombstone('1-1')).toHaveCount(1);
  await expect(s.nodes).toHaveAttribute('data-deleted', '3');

  // Removing the whole node removes its tombstones with it.
  await run(page, 'XADD s 6-1 item i6');
  await run(page, 'XDEL s 6-1');
  await expect(s.tombstone('6-1')).toHaveCount(1);
  await run(page, 'XTRIM s MAXLEN 0');
  await expect(s.entries).toHaveCount(0);
  await expect(s.tombstone('6-1')).toHaveCount(0);
  await expect(s.nodes).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('MAXLEN ~ removes whole nodes only and says why a remainder stays', async ({ page }, testInfo) => {
  const problems = watchForErrors(page);
  await open(page);
  const s = streamView(page, 'big');
  let script = '';
  for (let i = 1; i <= 250; i++) script += `producer> XADD big ${i}-0 n ${i}\n`;
  await page.evaluate((t) => window.streamplay.runScript(t), script);
  await expect(s.root.getByTestId('stream-caption')).toHaveText('250 entries · showing the last 64');

  // 100 entries a node: the first node can go whole (150 stay >= 120), the second cannot.
  expect(await run(page, 'XTRIM big MAXLEN ~ 120')).toBe(100);
  await expect(s.root.getByTestId('stream-caption')).toHaveText('150 entries · showing the last 64');
  const note = s.root.getByTestId('stream-trim');
  await expect(note).toContainText('~ removes whole nodes only');
  await expect(note).toContainText('1 whole node went with 100 entries');
  await expect(note).toContainText('node 101-0 keeps 30 entries past the limit');
  await attachScreenshot(s.root, testInfo, 'stream-view-approx-trim');
  expect(problems).toEqual([]);
});

test('a blocked reader waits at the tail with its countdown and is served by the new entry', async ({ page }, testInfo) => {
  const problems = watchForErrors(page);
  await open(page);
  const reader = await addPane(page);
  const forever = await addPane(page);
  const s = streamView(page, 'orders');
  await run(page, 'XADD orders 1-1 item book');

  await reader.run('XREAD BLOCK 60000 STREAMS orders $');
  await forever.run('XREAD BLOCK 0 STREAMS orders $');
  const waiter = s.root.locator(`[data-testid="blocked-client"][data-client="${reader.name}"]`);
  const waitsForever = s.root.locator(`[data-testid="blocked-client"][data-client="${forever.name}"]`);
  await expect(waiter).toHaveCount(1);
  await expect(waiter).toContainText('left');
  await expect(waiter.locator('svg.ring')).toHaveCount(1);
  await expect(waitsForever).toContainText('waits forever');
  await attachScreenshot(s.root, testInfo, 'stream-view-waiting');

  await run(page, 'XADD orders 2-1 item pen');
  await expect(s.entry('2-1')).toHaveCount(1);
  await expect(waiter).toHaveCount(0);
  await expect(waitsForever).toHaveCount(0);
  await expect(reader.state).toHaveText('normal');
  expect(problems).toEqual([]);
});

test('a big stream shows its tail with counts and jumps to an id', async ({ page }, testInfo) => {
  const problems = watchForErrors(page);
  await open(page);
  const s = streamView(page, 'big');
  let script = '';
  for (let i = 1; i <= 2000; i++) script += `producer> XADD big ${i}-0 n ${i}\n`;
  await page.evaluate((t) => window.streamplay.runScript(t), script);
  await expect(s.root.getByTestId('stream-caption')).toHaveText('2,000 entries · showing the last 64');
  await expect(s.entries).toHaveCount(64);
  await expect(s.entry('2000-0')).toHaveCount(1);
  await expect(s.entry('500-0')).toHaveCount(0);

  const jump = s.root.getByTestId('stream-jump');
  await jump.fill('500');
  await jump.press('Enter');
  await expect(s.entry('500-0')).toHaveCount(1);
  // The tape scrolled to the pinned window.
  await s.root.scrollIntoViewIfNeeded();
  await expect(s.entry('500-0')).toBeInViewport();
  await expect(s.entry('563-0')).toHaveCount(1);
  await expect(s.entries).toHaveCount(128);
  // The tail stays, and new entries still arrive at the right.
  await run(page, 'XADD big 2001-0 n 2001');
  await expect(s.entry('2001-0')).toHaveCount(1);
  await attachScreenshot(s.root, testInfo, 'stream-view-jump');

  await s.root.getByTestId('stream-newest').click();
  await expect(s.entry('500-0')).toHaveCount(0);
  await expect(s.entries).toHaveCount(64);

  // The head: the oldest 64, then the next 64 from there.
  await s.root.getByTestId('stream-oldest').click();
  await expect(s.entry('1-0')).toHaveCount(1);
  await expect(s.entry('64-0')).toHaveCount(1);
  await expect(s.entry('65-0')).toHaveCount(0);
  await s.root.getByTestId('stream-later').click();
  await expect(s.entry('65-0')).toHaveCount(1);
  await expect(s.entry('128-0')).toHaveCount(1);
  await expect(s.entry('1-0')).toHaveCount(0);
  // Back a page from there; at the oldest, there is no earlier page.
  await s.root.getByTestId('stream-earlier').click();
  await expect(s.entry('1-0')).toHaveCount(1);
  await expect(s.entry('64-0')).toHaveCount(1);
  await expect(s.entry('65-0')).toHaveCount(0);
  await expect(s.root.getByTestId('stream-earlier')).toHaveCount(0);
  // From a jump deep in, Earlier pages back through the entries before it.
  await jump.fill('1000-0');
  await jump.press('Enter');
  await expect(s.entry('1000-0')).toHaveCount(1);
  await s.root.getByTestId('stream-earlier').click();
  await expect(s.entry('936-0')).toHaveCount(1);
  await expect(s.entry('999-0')).toHaveCount(1);
  await expect(s.entry('1000-0')).toHaveCount(0);
  await expect(s.entry('935-0')).toHaveCount(0);
  // A bad id is refused by the box itself (with the hint in its title), and the window stays.
  await jump.fill('not-an-id');
  await jump.press('Enter');
  expect(await jump.evaluate((el) => el.validity.patternMismatch)).toBe(true);
  await expect(jump).toHaveAttribute('title', /ms-seq/);
  await expect(s.entry('936-0')).toHaveCount(1);
  expect(problems).toEqual([]);
});
