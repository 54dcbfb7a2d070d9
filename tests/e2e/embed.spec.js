//! End-to-end: embed mode (issue 16 "Sharing and embedding"; README "Sharing and embedding").
//! The example page loads both embeds (the shared scenario plays, the driven one answers a run
//! with its reply as a JS value, reports engine events and seeks); a host on another origin
//! drives an embed through `postMessage` only when the embed's URL allows that origin
//! (`localhost` and `127.0.0.1` on one port are two origins); an embed writes nothing to
//! `localStorage`.
// @ts-check
const { test, expect } = require('@playwright/test');
const { watchForErrors } = require('./support/console');

const PORT = Number(process.env.STREAMPLAY_E2E_PORT);
const OWN = `http://127.0.0.1:${PORT}`;
const OTHER = `http://localhost:${PORT}`;

test('the example page loads two embeds and drives one through the JS API', async ({ page }) => {
  const problems = watchForErrors(page);
  await page.goto('/embed-example.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const shared = page.frameLocator('[data-testid="embed-shared"]');
  const driven = page.frameLocator('[data-testid="embed-driven"]');
  // The shared scenario ran: both consoles, bob's message delivered to alice, no page chrome.
  await expect(shared.getByTestId('embed')).toBeVisible();
  await expect(shared.locator('[data-testid="pane"][data-client="alice"]')).toBeVisible();
  await expect(shared.locator('[data-testid="pane"][data-client="bob"]')).toBeVisible();
  await expect(
    shared.locator('[data-testid="pane"][data-client="alice"] [data-testid="pane-line"]').filter({ hasText: 'hello from bob' }),
  ).not.toHaveCount(0);
  await expect(shared.getByTestId('view-pubsub')).toBeVisible();
  await expect(shared.locator('[data-testid="channel"][data-name="chat"]')).toBeAttached();
  await expect(shared.getByTestId('add-pane')).toHaveCount(0);
  await expect(shared.getByTestId('view-keyspace')).toHaveCount(0);
  await expect(shared.locator('[data-testid="timeline-step"][data-index="2"]')).toBeAttached();

  // The driven embed: a run gives the reply as a JS value; events and seek reach the host.
  await page.getByTestId('example-run').click();
  await expect(page.getByTestId('example-reply')).toHaveText(/^"\d+-0"$/);
  const id = JSON.parse(await page.getByTestId('example-reply').innerText());
  await expect(driven.locator(`[data-testid="view-stream"][data-key="orders"] [data-testid="stream-entry"][data-id="${id}"]`)).toBeVisible();
  await expect(page.getByTestId('example-events')).toContainText('StreamEntryAdded');
  await page.getByTestId('example-command').fill('XLEN orders');
  await page.getByTestId('example-run').click();
  await expect(page.getByTestId('example-reply')).toHaveText('1');
  await page.getByTestId('example-seek').click();
  await expect(page.getByTestId('example-reply')).toHaveText('seek → 0');
  await expect(page.getByTestId('example-events')).toContainText('Reset');
  await expect(driven.locator('[data-testid="stream-entry"]')).toHaveCount(0);
  expect(problems).toEqual([]);
});

/**
 * Adds an iframe with the embed at `src` to the host page and resolves once its page is up.
 * Returns a function that posts a message to it and resolves with the first answer carrying
 * the message's id, or with `'no answer'` once a later probe's answer arrives first.
 */
async function addEmbed(page, src, name) {
  await page.evaluate(
    ([src, name]) =>
      new Promise((resolve) => {
        const f = document.createElement('iframe');
        f.name = name;
        f.src = src;
        f.addEventListener('load', () => resolve(undefined));
        document.body.append(f);
      }),
    [src, name],
  );
  await expect(page.frame({ name })?.locator('[data-testid="embed"]')).toBeVisible();
}

/** Posts a protocol message from the host page to frame `name` and waits for its answer. */
function ask(page, name, message, target = '*') {
  return page.evaluate(
    ([name, message, target]) =>
      new Promise((resolve) => {
        const frame = /** @type {HTMLIFrameElement} */ (document.querySelector(`iframe[name="${name}"]`));
        const onMessage = (e) => {
          if (e.source === frame.contentWindow && e.data && e.data.id === message.id) {
            window.removeEventListener('message', onMessage);
            resolve({ origin: e.origin, data: e.data });
          }
        };
        window.addEventListener('message', onMessage);
        frame.contentWindow?.postMessage(message, target);
      }),
    [name, message, target],
  );
}

test('a host on an allowed origin drives an embed through postMessage; another origin is ignored', async ({ page }) => {
  const problems = watchForErrors(page);
  // The host is served from localhost; the embeds from 127.0.0.1 (another origin).
  await page.goto(`${OTHER}/embed-example.html`);
  await addEmbed(page, `${OWN}/index.html?embed&panes=producer&origin=${encodeURIComponent(OTHER)}`, 'allowed');
  await addEmbed(page, `${OWN}/index.html?embed&panes=producer`, 'closed');

  const ran = await ask(page, 'allowed', { streamplay: 1, id: 'a1', method: 'run', args: ['SET greeting hello'] });
  expect(ran).toEqual({ origin: OWN, data: { streamplay: 1, id: 'a1', result: 'OK' } });
  const got = await ask(page, 'allowed', { streamplay: 1, id: 2, method: 'run', args: ['GET greeting'] });
  expect(got.data.result).toBe('hello');
  const steps = await ask(page, 'allowed', { streamplay: 1, id: 3, method: 'steps' });
  expect(steps.data.result.map((s) => s.line)).toEqual(['SET greeting hello', 'GET greeting']);
  const state = await ask(page, 'allowed', { streamplay: 1, id: 4, method: 'state' });
  expect(state.data.result.keys.map((k) => k.name)).toEqual(['greeting']);
  const seek = await ask(page, 'allowed', { streamplay: 1, id: 5, method: 'seek', args: [1] });
  expect(seek.data.result).toBe(1);
  const exported = await ask(page, 'allowed', { streamplay: 1, id: 6, method: 'exportScenario' });
  expect(exported.data.result).toContain('producer> SET greeting hello');
  // Only documented methods; a subscription posts events to the host.
  const bad = await ask(page, 'allowed', { streamplay: 1, id: 7, method: 'constructor', args: [] });
  expect(bad.data.error).toContain('unknown method');
  const sub = await ask(page, 'allowed', { streamplay: 1, id: 'ev', method: 'on', args: ['engine-event'] });
  expect(sub.data).toEqual({ streamplay: 1, id: 'ev' });
  const heard = page.evaluate(
    () =>
      new Promise((resolve) =>
        window.addEventListener('message', (e) => {
          if (e.data && e.data.id === 'ev' && e.data.data?.type === 'StreamEntryAdded') resolve(e.data);
        }),
      ),
  );
  await ask(page, 'allowed', { streamplay: 1, id: 8, method: 'run', args: ['XADD s 1-1 f v'] });
  expect(await heard).toMatchObject({ event: 'engine-event', data: { type: 'StreamEntryAdded', id: '1-1' } });
  // The closed embed allows its own origin only: the host's SET is ignored, no answer comes;
  // the embed's own origin (a message it posts to itself, queued after the host's) is answered,
  // and shows that the host's SET never ran.
  await page.evaluate(() => {
    const frame = /** @type {HTMLIFrameElement} */ (document.querySelector('iframe[name="closed"]'));
    frame.contentWindow?.postMessage({ streamplay: 1, id: 'x', method: 'run', args: ['SET leaked 1'] }, '*');
  });
  const closed = page.frame({ name: 'closed' });
  const own = await closed?.evaluate(
    () =>
      new Promise((resolve) => {
        window.addEventListener('message', (e) => {
          if (e.data && e.data.id === 'own' && 'result' in e.data) resolve(e.data.result);
        });
        window.postMessage({ streamplay: 1, id: 'own', method: 'run', args: ['EXISTS leaked'] }, location.origin);
      }),
  );
  expect(own).toBe(0);
  expect(await closed?.evaluate(() => window.streamplay.steps().length)).toBe(1);
  expect(problems).toEqual([]);
});

test('an embed writes nothing to localStorage', async ({ page }) => {
  await page.goto('/embed-example.html');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await page.getByTestId('example-run').click();
  await expect(page.getByTestId('example-reply')).toHaveText(/^"\d+-0"$/);
  // Leaving the page saves at once; an embed has nothing to save.
  for (const name of ['embed-shared', 'embed-driven']) {
    const frame = page.frameLocator(`[data-testid="${name}"]`);
    await frame.locator('body').evaluate(() => window.dispatchEvent(new Event('pagehide')));
  }
  expect(await page.evaluate(() => localStorage.length)).toBe(0);
});
