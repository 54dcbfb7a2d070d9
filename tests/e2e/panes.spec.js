//! End-to-end: the set of panes (add, remove, rename), keyboard-only use, a phone-sized viewport, and
//! a pane with 100,000 lines (virtualized output), and the session kept across reloads.
// @ts-check
const { test, expect } = require('@playwright/test');
const { watchForErrors, allPanes, pane, open, addPane, panesUpTo, renamePane } = require('./support/console');

test('panes can be added, renamed and removed, each its own client', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  await expect(allPanes(page)).toHaveCount(1);
  const producer = pane(page, 'producer');
  const first = await addPane(page);
  const second = await addPane(page);
  expect(new Set([producer.name, first.name, second.name]).size).toBe(3);
  for (const p of [first, second]) {
    await expect(p.state).toHaveText('normal');
    await expect(p.input).toHaveAccessibleName(/.+/);
  }

  // A new pane's prompt is its name.
  await first.run('SET shared 1');
  await expect(first.lines('command').last()).toHaveText(`${first.name}> SET shared 1`);
  await second.run('GET shared');
  await expect(second.lines('reply').last()).toHaveText('"1"');

  // Rename: Escape cancels, Enter commits; the prompt and data-client follow.
  await first.renameButton.click();
  const field = first.root.getByTestId('pane-rename-input');
  await expect(field).toBeFocused();
  await field.fill('not-this');
  await field.press('Escape');
  await expect(field).toHaveCount(0);
  await expect(pane(page, 'not-this').root).toHaveCount(0);
  await expect(first.root).toHaveCount(1);

  const renamed = await renamePane(page, first, 'consumer-a');
  await expect(first.root).toHaveCount(0);
  await renamed.run('PING');
  await expect(renamed.lines('command').last()).toHaveText('consumer-a> PING');
  await expect(renamed.lines('reply').last()).toHaveText('PONG');
  // The output stayed with the pane.
  await expect(renamed.lines('command').first()).toHaveText(`${first.name}> SET shared 1`);

  // CLIENT SETNAME names the client, and the pane follows.
  await renamed.run('CLIENT SETNAME reader');
  await expect(pane(page, 'reader').root).toHaveCount(1);
  await pane(page, 'reader').run('CLIENT GETNAME');
  await expect(pane(page, 'reader').lines('reply').last()).toHaveText('"reader"');

  // Remove: the pane goes, and its client is disconnected from the engine.
  const goneId = (await second.clientId.textContent())?.trim();
  expect(goneId).toMatch(/^\d+$/);
  await second.run('XREAD BLOCK 0 STREAMS s $');
  await expect(second.state).toHaveText('blocked');
  await second.removeButton.click();
  await expect(second.root).toHaveCount(0);
  await expect(allPanes(page)).toHaveCount(2);
  // CLIENT KILL ID counts the clients it closed: none, that client is gone already.
  await producer.run(`CLIENT KILL ID ${goneId}`);
  await expect(producer.lines('reply').last()).toHaveText('(integer) 0');
  // Its block went with it: an XADD now serves nobody, and no error shows anywhere.
  await producer.run('XADD s 1-1 f v');
  await expect(producer.lines('reply').last()).toHaveText('"1-1"');
  expect(problems).toEqual([]);
});

test('everything is reachable with the keyboard, with a visible focus', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  const [producer, other] = await panesUpTo(page, 2);

  // Start from the top of the document and walk with Tab.
  await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());
  const reached = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const here = await page.evaluate(() => {
      const el = /** @type {HTMLElement|null} */ (document.activeElement);
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      return {
        testid: el.getAttribute('data-testid'),
        pane: el.closest('[data-testid="pane"]')?.getAttribute('data-client') ?? null,
        focusVisible: el.matches(':focus-visible'),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
        shadow: style.boxShadow !== 'none',
      };
    });
    if (here) reached.push(here);
    // An input that is empty must let Tab through (completion works on typed text).
    if (here?.testid === 'pane-input') await expect(page.locator(':focus')).toHaveValue('');
  }
  const ids = reached.map((r) => `${r.testid}@${r.pane}`);
  expect(ids).toContain('add-pane@null');
  expect(ids).toContain('profile@null');
  expect(ids).toContain(`pane-input@${producer.name}`);
  expect(ids).toContain(`pane-input@${other.name}`);
  expect(ids).toContain(`pane-remove@${other.name}`);
  expect(ids).toContain(`pane-rename@${other.name}`);
  expect(ids).toContain(`pane-raw-toggle@${other.name}`);
  // Reached by keyboard, each control shows its focus (an outline or a ring).
  for (const r of reached.filter((r) => r.testid !== 'pane-input')) {
    expect(r.focusVisible, `${r.testid}`).toBe(true);
    expect(r.outline || r.shadow, `${r.testid} shows its focus`).toBe(true);
  }

  // Keyboard only: add a pane with Enter on the focused button, type into it.
  await page.getByTestId('add-pane').focus();
  await page.keyboard.press('Enter');
  await expect(allPanes(page)).toHaveCount(3);
  const third = pane(page, (await allPanes(page).nth(2).getAttribute('data-client')) ?? '');
  await third.input.focus();
  await page.keyboard.type('PING');
  await page.keyboard.press('Enter');
  await expect(third.lines('reply').last()).toHaveText('PONG');
  // Buttons have names for screen readers.
  await expect(third.removeButton).toHaveAccessibleName(/.+/);
  await expect(third.renameButton).toHaveAccessibleName(/.+/);
  await expect(page.getByTestId('add-pane')).toHaveAccessibleName(/.+/);
  await expect(third.root).toHaveAccessibleName(/.+/);
  expect(problems).toEqual([]);
});

test('a 360 px wide screen shows the panes without horizontal scrolling', async ({ page }) => {
  const problems = watchForErrors(page);
  await page.setViewportSize({ width: 360, height: 740 });
  await open(page);
  const panes = await panesUpTo(page, 3);
  // Long output must wrap or scroll inside its pane, not widen the page.
  await panes[0].run(`SET long ${'x'.repeat(300)}`);
  await panes[0].run('GET long');
  await expect(panes[0].lines('reply').last()).toContainText('xxxx');
  await panes[1].run('XADD s 1-1 a-rather-long-field-name a-rather-long-value-that-goes-on-and-on');
  await panes[1].run('XRANGE s - +');
  await expect(panes[1].lines('reply').last()).toContainText('a-rather-long-value');

  const widths = await page.evaluate(() => ({
    doc: document.documentElement.scrollWidth,
    body: document.body.scrollWidth,
    view: window.innerWidth,
  }));
  expect(widths.view).toBe(360);
  expect(widths.doc).toBeLessThanOrEqual(360);
  expect(widths.body).toBeLessThanOrEqual(360);
  for (const p of panes) {
    const box = await p.root.boundingBox();
    expect(box).not.toBeNull();
    expect(box?.x ?? -1).toBeGreaterThanOrEqual(0);
    expect((box?.x ?? 0) + (box?.width ?? 1000)).toBeLessThanOrEqual(360);
    const input = await p.input.boundingBox();
    expect((input?.x ?? 0) + (input?.width ?? 1000)).toBeLessThanOrEqual(360);
    await expect(p.input).toBeVisible();
  }
  // The controls stay usable at this width.
  await expect(page.getByTestId('add-pane')).toBeVisible();
  await expect(page.getByTestId('profile')).toBeVisible();
  await panes[2].run('PING');
  await expect(panes[2].lines('reply').last()).toHaveText('PONG');
  expect(problems).toEqual([]);
});

test('a pane with 100,000 lines keeps a window of them in the page and stays usable', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  const producer = pane(page, 'producer');
  // 50,000 commands through the JS API, each echoed and answered: 100,000 lines.
  await page.evaluate(async () => {
    for (let i = 0; i < 50_000; i++) {
      window.streamplay.run(`ECHO line-${i}`, 'producer');
      if (i % 5000 === 4999) await new Promise((resolve) => setTimeout(resolve, 0));
    }
  });
  await expect.poll(() => page.evaluate(() => window.streamplay.state().panes[0].lines)).toBe(100_000);
  // The newest lines are on screen; only a window of the rest is in the page.
  await expect(producer.lines().last()).toHaveText('"line-49999"');
  expect(await producer.lines().count()).toBeLessThan(1000);

  // Scrolled to the top, the oldest lines are rendered.
  const output = producer.root.getByRole('log');
  await output.evaluate((el) => {
    el.scrollTop = 0;
    el.dispatchEvent(new Event('scroll'));
  });
  await expect(producer.lines().first()).toHaveText('producer> ECHO line-0');
  expect(await producer.lines().count()).toBeLessThan(1000);
  // Half way down, the lines there.
  await output.evaluate((el) => {
    el.scrollTop = el.scrollHeight / 2;
    el.dispatchEvent(new Event('scroll'));
  });
  await expect(producer.root.locator('[data-testid="pane-line"]', { hasText: /^"line-25000"$/ })).toHaveCount(1);

  // A typed command still answers, and its reply is among the newest lines in the page.
  await producer.run('ECHO typed');
  await expect(producer.lines().last()).toHaveText('"typed"');
  await expect.poll(() => page.evaluate(() => window.streamplay.state().panes[0].lines)).toBe(100_002);
  expect(problems).toEqual([]);
});

test('the panes, their names and toggles and the profile come back after a reload', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  await page.getByTestId('profile').selectOption('7.0');
  await expect(page.getByTestId('profile')).toHaveValue('7.0');
  const added = await addPane(page);
  const reader = await renamePane(page, added, 'reader');
  await reader.rawToggle.click();
  await expect(reader.rawToggle).toHaveAttribute('aria-pressed', 'true');

  await page.reload();
  await open(page);
  await expect(page.getByTestId('profile')).toHaveValue('7.0');
  expect(await allPanes(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-client')))).toEqual(['producer', 'reader']);
  const again = pane(page, 'reader');
  await expect(again.rawToggle).toHaveAttribute('aria-pressed', 'true');
  await expect(pane(page, 'producer').rawToggle).toHaveAttribute('aria-pressed', 'false');
  await again.run('GET missing');
  await expect(again.lines('reply').last()).toContainText('$-1');
  // The restored panes talk to a 7.0 server.
  await again.run('XREAD STREAMS s +');
  await expect(again.lines('error').last()).toContainText('Invalid stream ID');
  expect(problems).toEqual([]);
});

test('a saved session that cannot be read is kept aside and reported', async ({ page }) => {
  await page.addInitScript(() => {
    if (!sessionStorage.getItem('seeded')) {
      sessionStorage.setItem('seeded', '1');
      localStorage.setItem('streamplay.session', '{"version":1,"panes":[{"name":');
    }
  });
  await open(page);
  await expect(page.getByTestId('session-notice')).toBeVisible();
  await expect(page.getByTestId('session-notice')).not.toHaveText('');
  // The page starts fresh and works; the unreadable text is still there, under another key.
  await expect(allPanes(page)).toHaveCount(1);
  await pane(page, 'producer').run('PING');
  await expect(pane(page, 'producer').lines('reply').last()).toHaveText('PONG');
  const kept = await page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith('streamplay.session.unreadable'))
      .map((k) => localStorage.getItem(k)),
  );
  expect(kept).toEqual(['{"version":1,"panes":[{"name":']);
});
