//! End-to-end: the views beside the consoles (issue 14): the layout at 1366 and 360 px, the
//! keyspace (type, size, a TTL counting down on the engine clock, expiry), "what just happened",
//! the timeline (steps, seeking restores an earlier picture, back/forward and the arrow keys, a new
//! step after going back drops the later ones and says so), the clock's speeds, the animation
//! switch, pin/collapse/close/open, and the hover that names a change's command and lights its line.
// @ts-check
const { test, expect } = require('@playwright/test');
const { attachScreenshot, watchForErrors, pane, open } = require('./support/console');

/** Runs lines through `window.streamplay.run`, each in its pane (default: the first pane). */
async function runAll(page, lines) {
  return page.evaluate(
    (ls) => ls.map((l) => (Array.isArray(l) ? window.streamplay.run(l[0], l[1]) : window.streamplay.run(l))),
    lines,
  );
}

test('views sit beside the consoles, stacked below them on a phone', async ({ page }, testInfo) => {
  const problems = watchForErrors(page);
  await open(page);
  const views = page.getByTestId('views');
  await expect(views).toBeVisible();
  const panes = await page.getByTestId('pane').first().boundingBox();
  let box = await views.boundingBox();
  expect(box.x).toBeGreaterThan(panes.x + panes.width - 1);
  await page.setViewportSize({ width: 360, height: 800 });
  box = await views.boundingBox();
  const phonePane = await page.getByTestId('pane').first().boundingBox();
  expect(box.y).toBeGreaterThan(phonePane.y + phonePane.height - 1);
  expect(box.width).toBeLessThanOrEqual(360);
  // Nothing sticks out sideways on a phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await attachScreenshot(page, testInfo, 'views-360');
  expect(problems).toEqual([]);
});

test('the keyspace shows each key with its type and size, and a TTL that counts down on the engine clock', async ({ page }, testInfo) => {
  const problems = watchForErrors(page);
  await open(page);
  await runAll(page, ['XADD orders * item book', 'XADD orders * item pen', 'SET session:42 ana EX 60', 'SET greeting hi']);
  const keyspace = page.getByTestId('view-keyspace');
  const orders = keyspace.locator('[data-testid="key"][data-name="orders"]');
  await expect(orders).toHaveAttribute('data-type', 'stream');
  await expect(orders).toContainText('2 entries');
  await expect(orders).toHaveAttribute('data-ttl-ms', '-1');
  const session = keyspace.locator('[data-testid="key"][data-name="session:42"]');
  await expect(session).toHaveAttribute('data-type', 'string');
  const ttl = async () => Number(await session.getAttribute('data-ttl-ms'));
  const first = await ttl();
  expect(first).toBeGreaterThan(55_000);
  expect(first).toBeLessThanOrEqual(60_000);
  // The clock runs: the TTL falls without a command.
  await expect.poll(ttl).toBeLessThan(first);
  // A clock jump past the TTL expires the key: it leaves the keyspace.
  await page.locator('[data-testid="clock-jump"][data-ms="3600000"]').click();
  await expect(session).toHaveCount(0);
  await expect(keyspace.locator('[data-testid="key"]')).toHaveCount(2);
  await attachScreenshot(keyspace, testInfo, 'keyspace');
  expect(problems).toEqual([]);
});

test('the keyspace glimpses each value: a string quoted, a list with its two ends, a sorted set ranked, a hash as a table, a set as a bag', async ({ page }, testInfo) => {
  const problems = watchForErrors(page);
  await open(page);
  await runAll(page, [
    'SET greeting "hello world"',
    'RPUSH jobs j1 j2 j3 j4 j5 j6 j7 j8 j9 j10',
    'ZADD board 30 ana 10 bo 20 cy',
  ]);
  const keyspace = page.getByTestId('view-keyspace');
  const glimpse = (name) => keyspace.locator(`[data-testid="key"][data-name="${name}"] [data-testid="key-preview"]`);
  await expect(glimpse('greeting')).toHaveAttribute('data-kind', 'string');
  await expect(glimpse('greeting')).toHaveText('"hello world"');
  // A long list shows its first four from the head and its last four before the tail.
  const jobs = glimpse('jobs');
  await expect(jobs).toHaveAttribute('data-kind', 'list');
  await expect(jobs).toHaveText(/^head ⇤\s*j1\s*j2\s*j3\s*j4\s*… 2 more …\s*j7\s*j8\s*j9\s*j10\s*⇥ tail$/);
  // LPOP takes from the head, RPUSH adds at the tail: the glimpse follows.
  await runAll(page, ['LPOP jobs', 'RPUSH jobs j11']);
  await expect(jobs).toHaveText(/^head ⇤\s*j2\s*j3\s*j4\s*j5\s*… 2 more …\s*j8\s*j9\s*j10\s*j11\s*⇥ tail$/);
  // A sorted set by rank, lowest score first, with its scores; ZINCRBY moves a member up the ranks.
  const board = glimpse('board');
  await expect(board).toHaveAttribute('data-kind', 'zset');
  await expect(board.locator('li')).toHaveText([/#0\s*bo\s*10/, /#1\s*cy\s*20/, /#2\s*ana\s*30/]);
  await runAll(page, ['ZINCRBY board 25 bo']);
  await expect(board.locator('li')).toHaveText([/#0\s*cy\s*20/, /#1\s*ana\s*30/, /#2\s*bo\s*35/]);
  // A hash as a table of fields and values; a set as a bag of members.
  await runAll(page, ['HSET user:1 name ana city Lisbon', 'SADD tags red green']);
  await expect(glimpse('user:1')).toHaveAttribute('data-kind', 'hash');
  await expect(glimpse('user:1').locator('tr')).toHaveText([/name\s*ana/, /city\s*Lisbon/]);
  await expect(glimpse('tags')).toHaveAttribute('data-kind', 'set');
  await expect(glimpse('tags').locator('.kv-item')).toHaveCount(2);
  await attachScreenshot(keyspace, testInfo, 'keyspace-values');
  expect(problems).toEqual([]);
});

test('what just happened says in words what the last command did', async ({ page }, testInfo) => {
  const problems = watchForErrors(page);
  await open(page);
  await runAll(page, [
    'XGROUP CREATE orders workers $ MKSTREAM',
    'XADD orders * item book',
    'XADD orders * item pen',
    ['XREADGROUP GROUP workers alice COUNT 2 STREAMS orders >', 'worker-1'],
  ]);
  const effects = page.getByTestId('effect-line');
  const delivered = page.locator('[data-testid="effect-line"][data-type="EntriesDelivered"]');
  await expect(delivered).toContainText('delivered to alice in group workers');
  await expect(delivered).toContainText('pending until alice acknowledges them with XACK');
  await expect(delivered).toHaveAttribute('data-subjects', 'key:orders group:workers consumer:alice');
  // The new connection is named by its pane, as the consoles show it.
  await expect(page.locator('[data-testid="effect-line"][data-type="ClientConnected"]')).toContainText('worker-1 (client');
  await expect(page.getByTestId('view-effects')).toContainText('worker-1> XREADGROUP GROUP workers alice');
  await runAll(page, ['PUBLISH void hello']);
  await expect(effects).toHaveCount(1);
  await expect(effects.first()).toContainText('void');
  await expect(effects.first()).toContainText('nobody');
  await expect(effects.first()).toHaveAttribute('data-subjects', 'channel:void');
  // Screen readers hear it.
  await expect(page.getByTestId('view-effects').locator('[aria-live="polite"]')).toHaveCount(1);
  await attachScreenshot(page.getByTestId('view-effects'), testInfo, 'effects');
  expect(problems).toEqual([]);
});

test('the timeline lists the steps; a click restores an earlier picture; a new step drops the later ones and says so', async ({ page }, testInfo) => {
  const problems = watchForErrors(page);
  await open(page);
  await runAll(page, ['XADD s 1-1 f a', 'XADD s 2-1 f b', 'XADD s 3-1 f c', 'SET k v']);
  const steps = page.getByTestId('timeline-step');
  // Index 0 (the start) and the four steps, the newest current.
  await expect(steps).toHaveCount(5);
  await expect(page.locator('[data-testid="timeline-step"][data-current]')).toHaveAttribute('data-index', '4');
  const entries = page.locator('[data-testid="view-stream"][data-key="s"] [data-testid="stream-entry"]');
  await expect(entries).toHaveCount(3);

  // Click step 1: one entry, no `k`; the clock pauses.
  await page.locator('[data-testid="timeline-step"][data-index="1"] button').click();
  await expect(page.locator('[data-testid="timeline-step"][data-current]')).toHaveAttribute('data-index', '1');
  await expect(entries).toHaveCount(1);
  await expect(entries.first()).toHaveAttribute('data-id', '1-1');
  await expect(page.locator('[data-testid="key"][data-name="k"]')).toHaveCount(0);
  await expect(page.getByTestId('clock-toggle')).toHaveAttribute('aria-pressed', 'true');
  // What just happened names the step whose state is shown, and says it is time travel.
  await expect(page.getByTestId('effects-travelled')).toBeVisible();
  await expect(page.getByTestId('view-effects')).toContainText('step 1 · producer> XADD s 1-1 f a');
  await attachScreenshot(page.getByTestId('timeline'), testInfo, 'timeline-after-seek');

  // Forward, then the arrow keys on the focused timeline.
  await page.getByTestId('timeline-forward').click();
  await expect(entries).toHaveCount(2);
  await page.locator('.timeline-steps').focus();
  await page.keyboard.press('ArrowRight');
  await expect(entries).toHaveCount(3);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(entries).toHaveCount(1);
  await page.getByTestId('timeline-back').click();
  await expect(page.locator('[data-testid="timeline-step"][data-current]')).toHaveAttribute('data-index', '0');
  await expect(page.locator('[data-testid="view-stream"]')).toHaveCount(0);
  await page.getByTestId('timeline-forward').click();

  // A new step after step 1 drops steps 2 to 4 at once, and the timeline says so.
  await runAll(page, ['XADD s 9-1 f z']);
  await expect(steps).toHaveCount(3);
  await expect(page.getByTestId('effects-travelled')).toHaveCount(0);
  await expect(page.getByTestId('timeline-dropped')).toContainText('3 steps');
  await expect(entries).toHaveCount(2);
  await expect(entries.last()).toHaveAttribute('data-id', '9-1');
  expect(problems).toEqual([]);
});

test('the clock offers 0.1x to 100x; animations can be switched off', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  const speeds = await page.getByTestId('clock-speed').locator('option').evaluateAll((os) => os.map((o) => o.value));
  expect(speeds[0]).toBe('10');
  expect(speeds[speeds.length - 1]).toBe('10000');
  await page.getByTestId('clock-speed').selectOption('1000');
  await expect(page.locator('main.app')).toHaveAttribute('style', /--motion-scale:0\.25/);
  const toggle = page.getByTestId('motion-toggle');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  expect(problems).toEqual([]);
});

test('views can be pinned, collapsed and closed; a key clicked or typed opens its view again', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  await runAll(page, ['XADD a * f 1', 'XADD b * f 2']);
  const streamViews = page.getByTestId('view-stream');
  // Most recently used first.
  await expect(streamViews).toHaveCount(2);
  await expect(streamViews.first()).toHaveAttribute('data-key', 'b');
  await runAll(page, ['XADD a * f 3']);
  await expect(streamViews.first()).toHaveAttribute('data-key', 'a');
  // Pinned b stays first when a is used again.
  const b = page.locator('[data-testid="view-stream"][data-key="b"]');
  await b.getByRole('button', { name: 'Keep this view first' }).click();
  await runAll(page, ['XADD a * f 4']);
  await expect(streamViews.first()).toHaveAttribute('data-key', 'b');
  // Collapsed: the body goes, the heading stays.
  await b.getByRole('button', { name: "Show or hide this view's body" }).click();
  await expect(b.getByTestId('stream-entry')).toHaveCount(0);
  await b.getByRole('button', { name: "Show or hide this view's body" }).click();
  await expect(b.getByTestId('stream-entry')).toHaveCount(1);
  // Closed, then opened from the keyspace.
  await b.getByRole('button', { name: 'Close this view' }).click();
  await expect(b).toHaveCount(0);
  await page.locator('[data-testid="key"][data-name="b"] button').click();
  await expect(b).toHaveCount(1);
  // Closed again, then a command typed that names it (and changes nothing) opens it.
  await b.getByRole('button', { name: 'Close this view' }).click();
  await expect(b).toHaveCount(0);
  await pane(page, 'producer').runAndWait('XLEN b');
  await expect(b).toHaveCount(1);
  expect(problems).toEqual([]);
});

test('pointing at a changed element names its command, and the command lights up in its pane', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  const producer = pane(page, 'producer');
  await producer.runAndWait('XADD orders * item book');
  const key = page.locator('[data-testid="key"][data-name="orders"]');
  await expect(key).toHaveAttribute('title', /producer> XADD orders \* item book/);
  await key.hover();
  const lit = producer.root.locator('[data-testid="pane-line"][data-caused="true"]');
  await expect(lit).toHaveCount(1);
  await expect(lit).toHaveText('producer> XADD orders * item book');
  await page.mouse.move(0, 0);
  await expect(lit).toHaveCount(0);
  expect(problems).toEqual([]);
});
