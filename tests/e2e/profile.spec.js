//! End-to-end: the profile selector starts a fresh engine with the chosen Redis version; the
//! panes stay, reconnected, and each says so.
// @ts-check
const { test, expect } = require('@playwright/test');

test('switching the profile starts a fresh server and keeps the panes', async ({ page }) => {
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
  await page.goto('/');
  const select = page.getByTestId('profile');
  await expect(select).toHaveValue('8');
  const pane = page.locator('[data-testid="pane"][data-client="producer"]');
  const input = pane.getByTestId('pane-input');
  const lines = (kind) => pane.locator(`[data-testid="pane-line"][data-kind="${kind}"]`);
  // A notice is written in short info lines (a pane's output does not wrap): read them joined.
  const notices = async () => (await lines('info').allTextContents()).join(' ');
  const run = async (line) => {
    await input.fill(line);
    await input.press('Enter');
  };

  await run('SET a 1');
  await expect(lines('reply')).toHaveText(['OK']);
  await run('HELLO 2');
  await expect(lines('reply').nth(4)).toHaveText('4) "8.4.0"');

  await select.selectOption('7.0');
  await expect(select).toHaveValue('7.0');
  await expect.poll(() => notices()).toContain('Redis 7.0 profile');
  // The output stays; the keys do not, and the server now reports 7.0.15.
  await expect(lines('command').first()).toHaveText('producer> SET a 1');
  await run('GET a');
  await expect(lines('reply').last()).toHaveText('(nil)');
  await run('HELLO 2');
  await expect(lines('reply').last()).toHaveText('14) (empty array)');
  await expect(pane.locator('[data-testid="pane-line"][data-kind="reply"]', { hasText: '4) "7.0.15"' })).toHaveCount(1);

  // A blocking read waits in the pane and times out on the page's clock.
  await run('XREAD BLOCK 300 STREAMS s $');
  await expect(pane.getByTestId('pane-state')).toHaveText('blocked');
  await expect(lines('reply').last()).toHaveText('(nil)');
  await expect(pane.getByTestId('pane-state')).toHaveText('normal');
  // `+` is an invalid ID in 7.0.
  await run('XREAD STREAMS s +');
  await expect(lines('error').last()).toHaveText(
    '(error) ERR Invalid stream ID specified as stream command argument',
  );

  await select.selectOption('8');
  await expect
    .poll(async () => (await notices()).match(/Switched to the/g).length)
    .toBe(2);
  await expect.poll(() => notices()).toContain('Redis 8 profile');
  await run('XADD s 1-1 f v');
  await run('XREAD STREAMS s +');
  await expect(lines('reply').last()).toContainText('2) "v"');
  expect(problems).toEqual([]);
});
