//! End-to-end: the page's JS API, `window.streamplay` (README "JS API"): `run` returns replies as JS
//! values and runs as a pane's client, `state()` reports the profile, clock and panes, `on` hands
//! out lines, pushes and engine events, `runScript` runs a transcript.
// @ts-check
const { test, expect } = require('@playwright/test');
const { watchForErrors, pane, open, addPane } = require('./support/console');

test('window.streamplay runs commands and reports the page state', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  const producer = pane(page, 'producer');
  const other = await addPane(page);

  const replies = await page.evaluate(() => {
    const sp = window.streamplay;
    return {
      set: sp.run('SET k v'),
      get: sp.run('GET k'),
      missing: sp.run('GET nokey'),
      incr: sp.run('INCR n'),
      error: sp.run('GET'),
      add: sp.run('XADD s 1-1 f v'),
      range: sp.run('XRANGE s - +'),
      mget: sp.run('MGET k nokey'),
    };
  });
  expect(replies).toEqual({
    set: 'OK',
    get: 'v',
    missing: null,
    incr: 1,
    error: { error: "ERR wrong number of arguments for 'get' command" },
    add: '1-1',
    range: [['1-1', ['f', 'v']]],
    mget: ['v', null],
  });

  // run(line, pane) runs as that pane's client, and the pane shows it.
  const otherId = Number(await other.clientId.textContent());
  expect(await page.evaluate((name) => window.streamplay.run('CLIENT ID', name), other.name)).toBe(otherId);
  await expect(other.lines('command').last()).toHaveText(`${other.name}> CLIENT ID`);
  await expect(other.lines('reply').last()).toHaveText(`(integer) ${otherId}`);

  const state = await page.evaluate(() => JSON.parse(JSON.stringify(window.streamplay.state())));
  expect(state.profile).toBe('8');
  expect(typeof state.clock).toBe('number');
  expect(state.panes.map((p) => p.name)).toEqual([producer.name, other.name]);
  expect(state.panes[1]).toMatchObject({ name: other.name, client: otherId, protocol: 'RESP2', state: 'normal' });
  expect(state.panes[1].lines).toBe(await other.lines().count());

  // State follows the panes.
  await producer.run('MULTI');
  await expect(producer.state).toHaveText('multi');
  expect(await page.evaluate(() => window.streamplay.state().panes[0].state)).toBe('multi');
  await producer.run('DISCARD');
  await expect(producer.state).toHaveText('normal');

  // Events: a line typed in a pane, a push, an engine event.
  await page.evaluate(() => {
    window.__seen = { line: 0, push: 0, engine: 0 };
    window.streamplay.on('line', () => window.__seen.line++);
    window.streamplay.on('push', (e) => {
      window.__seen.push++;
      window.__seen.lastPush = e;
    });
    window.streamplay.on('engine-event', () => window.__seen.engine++);
  });
  await other.run('SUBSCRIBE ch');
  await expect(other.state).toHaveText('subscribed');
  await producer.run('PUBLISH ch hi');
  await expect(producer.lines('reply').last()).toHaveText('(integer) 1');
  const seen = await page.evaluate(() => window.__seen);
  expect(seen.line).toBeGreaterThanOrEqual(4);
  expect(seen.push).toBeGreaterThanOrEqual(2);
  expect(seen.lastPush).toEqual({ pane: other.name, lines: ['1) "message"', '2) "ch"', '3) "hi"'] });
  expect(seen.engine).toBeGreaterThanOrEqual(1);

  // runScript takes a transcript and returns the replies.
  const scripted = await page.evaluate(() => window.streamplay.runScript('A> SET x 1\nA> INCR x\nA> GET x\n'));
  expect(scripted).toEqual(['OK', 2, '2']);
  // Its client A became a pane.
  await expect(pane(page, 'A').lines('reply').last()).toHaveText('"2"');
  expect(problems).toEqual([]);
});
