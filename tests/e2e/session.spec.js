//! End-to-end: the page on the session (issue 13 §6). The whole session (keys, groups, pending
//! entries) survives a reload, also when only its command log fits in storage; engine events reach
//! JS as JSON-exact plain objects; `steps()`, `seek()` and `exportScenario()`; `{type: "Reset"}`
//! on a seek and a profile switch; a key expiring with nobody subscribed reaches `state()` and the
//! listeners through time alone; the new-session control offers the export before discarding; a
//! RESP-view pane shows `message` and `pmessage` of one PUBLISH once each.
// @ts-check
const { test, expect } = require('@playwright/test');
const { watchForErrors, pane, open, addPane } = require('./support/console');

/** Where the page saves the session (the page state's key and `.state`). */
const STATE_KEY = 'streamplay.session.state';

/** The replies of `CHECKS`, idle times left out (the clock runs on across the reload). */
async function checks(page) {
  const replies = await runAll(page, CHECKS);
  replies[3] = replies[3].map(([id, consumer, , deliveries]) => [id, consumer, deliveries]);
  return replies;
}

/** Runs lines through `window.streamplay.run` in the first pane and returns their replies. */
async function runAll(page, lines) {
  return page.evaluate((ls) => ls.map((l) => window.streamplay.run(l)), lines);
}

/**
 * Starts recording engine events in `window.__events`, from the next clock tick on (the first tick
 * reports the connection of the page's first pane, which would otherwise race with a test's own
 * events). Needs the clock running.
 */
async function listen(page) {
  const clock = await page.evaluate(() => {
    window.__events = [];
    window.streamplay.on('engine-event', (e) => window.__events.push(e));
    return window.streamplay.state().clock;
  });
  await expect.poll(() => page.evaluate(() => window.streamplay.state().clock)).toBeGreaterThan(clock);
  await page.evaluate(() => (window.__events = []));
}

/** Waits until the saved session holds the newest step (it is saved within a second of each). */
async function waitForSave(page) {
  await expect
    .poll(() =>
      page.evaluate((key) => {
        const saved = localStorage.getItem(key);
        return saved !== null && saved.length > 0 && saved !== window.__savedBefore;
      }, STATE_KEY),
    )
    .toBe(true);
}

const WORKLOAD = [
  'SET plain hello',
  'XADD orders 1-1 item book qty 1',
  'XADD orders 1-2 item pen qty 3',
  'XADD orders 2-0 item ink qty 2',
  'XGROUP CREATE orders shipping 0',
  'XREADGROUP GROUP shipping alice COUNT 2 STREAMS orders >',
  'XREADGROUP GROUP shipping bob STREAMS orders >',
  'XACK orders shipping 1-2',
];
const CHECKS = ['GET plain', 'XRANGE orders - +', 'XPENDING orders shipping', 'XPENDING orders shipping - + 10 alice', 'XLEN orders'];

test('the keys, a group and its pending entries survive a reload', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  await page.evaluate((key) => (window.__savedBefore = localStorage.getItem(key)), STATE_KEY);
  await runAll(page, WORKLOAD);
  const before = await checks(page);
  expect(before[0]).toBe('hello');
  expect(before[2][0]).toBe(2);
  await waitForSave(page);
  const stepsBefore = await page.evaluate(() => window.streamplay.steps().length);

  await page.reload();
  await open(page);
  await expect.poll(() => pane(page, 'producer').notices()).toContain('its history (↑) and the keys.');
  const state = await page.evaluate(() => window.streamplay.state());
  expect(state.steps).toBe(stepsBefore);
  expect(state.keys.map((k) => k.name)).toEqual(['orders', 'plain']);
  const orders = state.streams.find((s) => s.key === 'orders');
  expect(orders.groups[0]).toMatchObject({ name: 'shipping', pending: 2 });
  expect(orders.groups[0].pel.map((p) => [p.id, p.consumer])).toEqual([['1-1', 'alice'], ['2-0', 'bob']]);
  expect(await checks(page)).toEqual(before);
  expect(problems).toEqual([]);
});

test('a session too large for storage keeps its command log, says so, and replays it', async ({ page }) => {
  // This browser's storage refuses the whole session (as a full quota would) but takes the log.
  await page.addInitScript(() => {
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key, value) {
      if (key.endsWith('.state') && String(value).startsWith('session:')) {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      return setItem.call(this, key, value);
    };
  });
  await open(page);
  await page.evaluate((key) => (window.__savedBefore = localStorage.getItem(key)), STATE_KEY);
  await runAll(page, WORKLOAD);
  const before = await checks(page);
  await expect(page.getByTestId('session-notice')).toContainText('only its command log was saved');
  await waitForSave(page);
  expect(await page.evaluate((key) => localStorage.getItem(key).startsWith('scenario:1:'), STATE_KEY)).toBe(true);

  await page.reload();
  await open(page);
  await expect.poll(() => pane(page, 'producer').notices()).toContain('(replayed from the saved command log)');
  expect(await checks(page)).toEqual(before);
});

test('a session that does not fit at all keeps only the panes, says so, and never comes back stale', async ({ page }) => {
  // This browser's storage takes no session at all (after one whole save, made below first).
  await page.addInitScript(() => {
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key, value) {
      if (key.endsWith('.state') && sessionStorage.getItem('full') === '1') {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      return setItem.call(this, key, value);
    };
  });
  await open(page);
  await runAll(page, ['SET old 1']);
  await waitForSave(page);
  await page.evaluate(() => sessionStorage.setItem('full', '1'));
  await runAll(page, ['SET new 2']);
  await expect(page.getByTestId('session-notice')).toContainText('only the panes and their histories are saved');
  // The older copy went, so a reload cannot bring back a state that misses the newest steps.
  expect(await page.evaluate((key) => localStorage.getItem(key), STATE_KEY)).toBe(null);

  await page.reload();
  await open(page);
  await expect.poll(() => pane(page, 'producer').notices()).toContain('The server starts empty');
  // ↑ still has the typed history.
  await pane(page, 'producer').input.press('ArrowUp');
  await expect(pane(page, 'producer').input).toHaveValue('SET new 2');
  expect(await runAll(page, ['GET old', 'GET new'])).toEqual([null, null]);
});

test('engine events are plain, JSON-exact objects', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  await listen(page);
  await runAll(page, ['XADD s 1-1 f v g "w x"', 'SET "\\xff" bin']);
  const checked = await page.evaluate(() =>
    window.__events.map((e) => ({
      plain: Object.getPrototypeOf(e) === Object.prototype,
      // JSON.stringify throws on a BigInt and drops Maps' entries: a round trip proves neither is there.
      exact: JSON.stringify(JSON.parse(JSON.stringify(e))) === JSON.stringify(e),
      numbers: typeof e.seq === 'number' && typeof e.time_ms === 'number',
      event: JSON.parse(JSON.stringify(e)),
    })),
  );
  expect(checked.length).toBeGreaterThan(0);
  for (const c of checked) expect(c).toMatchObject({ plain: true, exact: true, numbers: true });
  const added = checked.map((c) => c.event).find((e) => e.type === 'StreamEntryAdded');
  expect(added).toMatchObject({ key: 's', id: '1-1', fields: ['f', 'v', 'g', 'w x'], db: 0 });
  expect(typeof added.client).toBe('number');
  const binary = checked.map((c) => c.event).find((e) => e.type === 'KeyWritten' && typeof e.key === 'object');
  expect(binary.key).toEqual({ hex: 'ff' });
  // Sequence numbers strictly increase.
  const seqs = checked.map((c) => c.event.seq);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(new Set(seqs).size).toBe(seqs.length);
  expect(problems).toEqual([]);
});

test('steps(), seek() and exportScenario(); a new step after a seek drops the later ones', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  const producer = pane(page, 'producer');
  await runAll(page, ['SET a 1', 'SET a 2', 'XADD s 1-1 f v', 'SET b 1']);
  const steps = await page.evaluate(() => window.streamplay.steps());
  expect(steps.map((s) => s.line)).toEqual(['SET a 1', 'SET a 2', 'XADD s 1-1 f v', 'SET b 1']);
  expect(steps.map((s) => s.index)).toEqual([1, 2, 3, 4]);
  expect(steps.every((s) => s.client === 'producer' && typeof s.time_ms === 'number')).toBe(true);

  await listen(page);
  // Back to the state after `SET a 2`: no stream, no b.
  expect(await page.evaluate(() => window.streamplay.seek(2))).toBe(2);
  expect(await page.evaluate(() => window.__events.map((e) => e.type))).toEqual(['Reset']);
  const state = await page.evaluate(() => window.streamplay.state());
  expect(state).toMatchObject({ step: 2, steps: 4, paused: true });
  expect(state.keys.map((k) => k.name)).toEqual(['a']);
  await expect.poll(() => producer.notices()).toContain('the state after step 2 of 4.');
  await expect(page.getByTestId('clock-toggle')).toHaveText('Play');

  // The start: nothing.
  await page.evaluate(() => window.streamplay.seek(0));
  expect(await page.evaluate(() => window.streamplay.state().keys)).toEqual([]);
  await page.evaluate(() => window.streamplay.seek(2));
  // A new command drops steps 3 and 4.
  expect(await page.evaluate(() => window.streamplay.run('GET a'))).toBe('2');
  expect(await page.evaluate(() => window.streamplay.steps().map((s) => s.line))).toEqual(['SET a 1', 'SET a 2', 'GET a']);
  const scenario = await page.evaluate(() => window.streamplay.exportScenario());
  expect(scenario).toContain('producer> SET a 1\n');
  expect(scenario).toContain('producer> GET a\n');
  expect(scenario).not.toContain('XADD');
  expect(scenario).toMatch(/^@profile 8\n/);
  // Out of range: an error value, nothing changes.
  expect(await page.evaluate(() => window.streamplay.seek(99))).toEqual({ error: 'there is no step 99' });
  expect(problems).toEqual([]);
});

test('a profile switch sends Reset before its own events', async ({ page }) => {
  await open(page);
  await listen(page);
  await page.getByTestId('profile').selectOption('7.0');
  await expect.poll(() => page.evaluate(() => window.streamplay.state().profile)).toBe('7.0');
  await runAll(page, ['SET x 1']);
  const types = await page.evaluate(() => window.__events.map((e) => e.type));
  expect(types[0]).toBe('Reset');
  expect(types.filter((t) => t === 'Reset')).toHaveLength(1);
  expect(types).toContain('KeyWritten');
});

test('a key expiring with nobody subscribed reaches state() and the listeners by time alone', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  await listen(page);
  await runAll(page, ['SET temp v PX 300', 'SET stays v']);
  expect(await page.evaluate(() => window.streamplay.state().keys.map((k) => k.name))).toEqual(['stays', 'temp']);
  expect(await page.evaluate(() => window.__events.some((e) => e.type === 'KeyExpired'))).toBe(false);
  // No command runs: only the clock moves.
  await expect
    .poll(() => page.evaluate(() => window.__events.find((e) => e.type === 'KeyExpired') ?? null))
    .toMatchObject({ type: 'KeyExpired', key: 'temp', db: 0, client: null });
  expect(await page.evaluate(() => window.streamplay.state().keys.map((k) => k.name))).toEqual(['stays']);
  expect(problems).toEqual([]);
});

test('the new-session control offers the export, then starts empty', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  await addPane(page);
  await runAll(page, ['SET kept-in-export 1', 'XADD s 1-1 f v']);
  await page.getByTestId('new-session').click();
  const panel = page.getByTestId('new-session-panel');
  await expect(panel).toBeVisible();
  await expect(panel).toContainText('Export it first');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('new-session-export').click()]);
  const path = await download.path();
  const text = require('fs').readFileSync(path, 'utf8');
  expect(text).toContain('producer> SET kept-in-export 1');
  expect(text).toContain('@pane add worker-1');

  // Cancel keeps everything.
  await page.getByTestId('new-session-cancel').click();
  await expect(panel).toHaveCount(0);
  expect(await page.evaluate(() => window.streamplay.run('GET kept-in-export'))).toBe('1');

  await listen(page);
  await page.getByTestId('new-session').click();
  await page.getByTestId('new-session-confirm').click();
  await expect(page.getByTestId('pane')).toHaveCount(1);
  await expect(pane(page, 'producer').lines('info').last()).toHaveText('A new, empty session.');
  expect(await page.evaluate(() => window.__events[0].type)).toBe('Reset');
  const state = await page.evaluate(() => window.streamplay.state());
  expect(state).toMatchObject({ step: 0, steps: 0, keys: [], keys_total: 0 });
  expect(await page.evaluate(() => window.streamplay.run('GET kept-in-export'))).toBe(null);
  expect(problems).toEqual([]);
});

test('a pane in RESP view shows the message and the pmessage of one PUBLISH once each', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  const producer = pane(page, 'producer');
  const listener = await addPane(page);
  await listener.run('SUBSCRIBE news');
  await listener.run('PSUBSCRIBE n*');
  await expect(listener.subscriptions).toHaveCount(2);
  await listener.rawToggle.click();
  await expect(listener.rawToggle).toHaveAttribute('aria-pressed', 'true');
  const before = await listener.lines().count();
  await producer.run('PUBLISH news hi');
  await expect(producer.lines('reply').last()).toHaveText('(integer) 2');
  // Two frames, each once; the subscribe-mode line redis-cli 7.2+ printed under the earlier
  // output is erased by this new output, as redis-cli erases it (the raw view prints no new one).
  const frames = [
    '*3\\r\\n$7\\r\\nmessage\\r\\n$4\\r\\nnews\\r\\n$2\\r\\nhi\\r\\n',
    '*4\\r\\n$8\\r\\npmessage\\r\\n$2\\r\\nn*\\r\\n$4\\r\\nnews\\r\\n$2\\r\\nhi\\r\\n',
  ];
  await expect.poll(async () => (await listener.texts()).slice(-2)).toEqual(frames);
  const texts = await listener.texts();
  expect(texts.length).toBe(before + 1);
  expect(texts.filter((t) => frames.includes(t))).toHaveLength(2);
  expect(texts.filter((t) => t.startsWith('Reading messages...'))).toHaveLength(0);
  expect(problems).toEqual([]);
});
