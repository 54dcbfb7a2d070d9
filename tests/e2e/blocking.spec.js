//! End-to-end: blocking reads across panes: a pane blocked in XREAD is served by another pane's
//! XADD (the served read is that command's reply), the countdown of a timed block follows the
//! engine clock (pause, jump, run), and Ctrl+C unblocks a pane as CLIENT UNBLOCK <id> TIMEOUT does.
// @ts-check
const { test, expect } = require('@playwright/test');
const { watchForErrors, pane, open, addPane, clockMs } = require('./support/console');

/** Reply lines without the `(N.NNs)` timing line redis-cli adds after a slow command. */
async function replyTexts(p) {
  return (await p.texts('reply')).filter((t) => !/^\(\d+\.\d\ds\)$/.test(t));
}

test('a pane blocked in XREAD BLOCK 0 is served by an XADD from another pane', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  const producer = pane(page, 'producer');
  const reader = await addPane(page);

  await reader.run('XREAD BLOCK 0 STREAMS s $');
  await expect(reader.state).toHaveText('blocked');
  await expect(reader.blockedKeys).toContainText('s');
  // BLOCK 0 waits for ever: no countdown.
  await expect(reader.countdown).toHaveCount(0);
  await expect(reader.lines('reply')).toHaveCount(0);

  await producer.run('XADD s 1-1 f v');
  await expect(producer.lines('reply').last()).toHaveText('"1-1"');
  // The served read is the XREAD's own reply (not a push), printed in full.
  await expect.poll(() => replyTexts(reader)).toEqual([
    '1) 1) "s"',
    '   2) 1) 1) "1-1"',
    '         2) 1) "f"',
    '            2) "v"',
  ]);
  await expect(reader.lines('push')).toHaveCount(0);
  await expect(reader.state).toHaveText('normal');
  await expect(reader.blockedKeys).toHaveCount(0);

  // The pane takes commands again.
  await reader.run('XLEN s');
  await expect(reader.lines('reply').last()).toHaveText('(integer) 1');
  expect(problems).toEqual([]);
});

test('a timed block counts down on the engine clock and times out with (nil)', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  const reader = await addPane(page);
  const left = async () => Number(await reader.countdown.getAttribute('data-ms'));

  // With the clock paused, the countdown is exact: it moves only with the engine clock.
  const toggle = page.getByTestId('clock-toggle');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  const paused = await clockMs(page);
  await reader.run('XREAD BLOCK 5000 STREAMS s $');
  await expect(reader.state).toHaveText('blocked');
  await expect(reader.blockedKeys).toContainText('s');
  await expect(reader.countdown).toHaveAttribute('data-ms', '5000');
  await expect(reader.countdown).toHaveText('5.0 s');
  expect(await clockMs(page)).toBe(paused);

  // A jump of one second takes one second off.
  await page.locator('[data-testid="clock-jump"][data-ms="1000"]').click();
  await expect(reader.countdown).toHaveAttribute('data-ms', '4000');
  await expect(reader.countdown).toHaveText('4.0 s');
  await expect.poll(() => clockMs(page)).toBe(paused + 1000);
  await expect(reader.state).toHaveText('blocked');

  // Running again, the clock takes the countdown down on its own.
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(left).toBeLessThan(3900);
  const running = await left();
  expect(running).toBeGreaterThan(0);
  await expect(reader.countdown).toHaveText(/^[0-3]\.\d s$/);
  await expect(reader.lines('reply')).toHaveCount(0);

  // A minute later the block has timed out: Redis's timeout reply, and no countdown.
  await page.locator('[data-testid="clock-jump"][data-ms="60000"]').click();
  await expect(reader.lines('reply').first()).toHaveText('(nil)');
  await expect(reader.state).toHaveText('normal');
  await expect(reader.countdown).toHaveCount(0);
  await expect(reader.blockedKeys).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('Ctrl+C on a blocked pane unblocks it with the timeout reply', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  const producer = pane(page, 'producer');
  const reader = await addPane(page);

  await reader.run('XREAD BLOCK 0 STREAMS s $');
  await expect(reader.state).toHaveText('blocked');
  await reader.input.press('Control+c');
  await expect.poll(() => replyTexts(reader)).toEqual(['(nil)']);
  await expect(reader.state).toHaveText('normal');
  await expect(reader.blockedKeys).toHaveCount(0);

  // Unblocked for good: a later XADD does not reach it.
  await producer.run('XADD s 1-1 f v');
  await expect(producer.lines('reply').last()).toHaveText('"1-1"');
  await reader.run('PING');
  await expect.poll(() => replyTexts(reader)).toEqual(['(nil)', 'PONG']);

  // XREADGROUP too, and the other pane saw nothing of it.
  await producer.run('XGROUP CREATE s g $');
  await expect(producer.lines('reply').last()).toHaveText('OK');
  await reader.run('XREADGROUP GROUP g c BLOCK 0 STREAMS s >');
  await expect(reader.state).toHaveText('blocked');
  await reader.input.press('Control+c');
  await expect.poll(() => replyTexts(reader)).toEqual(['(nil)', 'PONG', '(nil)']);
  await expect(reader.state).toHaveText('normal');

  // The same as another client's CLIENT UNBLOCK <id> TIMEOUT.
  await reader.run('XREAD BLOCK 0 STREAMS s $');
  await expect(reader.state).toHaveText('blocked');
  await producer.run(`CLIENT UNBLOCK ${await reader.clientId.textContent()} TIMEOUT`);
  await expect(producer.lines('reply').last()).toHaveText('(integer) 1');
  await expect.poll(() => replyTexts(reader)).toEqual(['(nil)', 'PONG', '(nil)', '(nil)']);
  await expect(reader.state).toHaveText('normal');
  // Ctrl+C on a pane that is not blocked unblocks nobody.
  await reader.input.press('Control+c');
  await producer.run(`CLIENT UNBLOCK ${await reader.clientId.textContent()} TIMEOUT`);
  await expect(producer.lines('reply').last()).toHaveText('(integer) 0');
  await expect(producer.lines('error')).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('at 10× clock speed a 3 s block times out in a fraction of the real time', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  const reader = await addPane(page);
  const speed = page.getByTestId('clock-speed');
  await speed.selectOption('1000');
  await expect(speed).toHaveValue('1000');
  // Engine time runs ten times as fast as real time: 5 s of it pass within 2 s.
  const start = await clockMs(page);
  await expect.poll(() => clockMs(page), { timeout: 2000 }).toBeGreaterThan(start + 5000);

  await reader.run('XREAD BLOCK 3000 STREAMS s $');
  await expect(reader.state).toHaveText('blocked');
  // 3 s of engine time are 0.3 s of real time; at 1× this would not happen within 2 s.
  await expect(reader.lines('reply').last()).toHaveText('(nil)', { timeout: 2000 });
  await expect(reader.state).toHaveText('normal');
  expect(problems).toEqual([]);
});
