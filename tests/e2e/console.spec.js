//! End-to-end: the release page in Chromium answers typed commands as redis-cli prints them,
//! recalls earlier lines with ↑/↓, and logs no errors on the way.
// @ts-check
const { test, expect } = require('@playwright/test');

/** Collects console errors and uncaught exceptions, which must stay empty. */
function watchForErrors(page) {
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
  return problems;
}

/** The page's one console pane, through its automation hooks. */
function producerPane(page) {
  const pane = page.locator('[data-testid="pane"][data-client="producer"]');
  return {
    pane,
    input: pane.getByTestId('pane-input'),
    state: pane.getByTestId('pane-state'),
    lines: (kind) => pane.locator(`[data-testid="pane-line"][data-kind="${kind}"]`),
    async run(line) {
      await this.input.fill(line);
      await this.input.press('Enter');
    },
  };
}

test('typed commands get redis-cli replies', async ({ page }) => {
  const problems = watchForErrors(page);
  await page.goto('/');
  const producer = producerPane(page);
  await expect(producer.state).toHaveText('normal');
  await expect(producer.input).toBeFocused();

  await producer.run('SET a 1');
  await expect(producer.lines('reply')).toHaveText(['OK']);
  await producer.run('GET a');
  await expect(producer.lines('reply')).toHaveText(['OK', '"1"']);
  await producer.run('INCR a');
  await expect(producer.lines('reply')).toHaveText(['OK', '"1"', '(integer) 2']);
  await producer.run('MGET a nokey');
  await expect(producer.lines('reply')).toHaveText([
    'OK',
    '"1"',
    '(integer) 2',
    '1) "2"',
    '2) (nil)',
  ]);

  // Each typed line is echoed after its prompt, and the input is ready for the next one.
  await expect(producer.lines('command')).toHaveText([
    'producer> SET a 1',
    'producer> GET a',
    'producer> INCR a',
    'producer> MGET a nokey',
  ]);
  await expect(producer.input).toHaveValue('');
  await expect(producer.input).toBeFocused();
  expect(problems).toEqual([]);
});

test('an error reply is an error line', async ({ page }) => {
  const problems = watchForErrors(page);
  await page.goto('/');
  const producer = producerPane(page);
  await producer.run('GET');
  await expect(producer.lines('error')).toHaveText([
    "(error) ERR wrong number of arguments for 'get' command",
  ]);
  await expect(producer.lines('reply')).toHaveCount(0);
  // Errors are visibly distinct from replies.
  await producer.run('PING');
  await expect(producer.lines('reply')).toHaveText(['PONG']);
  const look = (line) => line.evaluate((el) => {
    const s = getComputedStyle(el);
    return `${s.color}|${s.backgroundColor}|${s.fontWeight}|${s.borderLeftStyle}`;
  });
  expect(await look(producer.lines('error').first())).not.toBe(await look(producer.lines('reply').first()));
  expect(problems).toEqual([]);
});

test('↑ and ↓ walk the history of typed lines', async ({ page }) => {
  const problems = watchForErrors(page);
  await page.goto('/');
  const producer = producerPane(page);
  await producer.run('SET a 1');
  await producer.run('GET a');
  await expect(producer.lines('reply')).toHaveText(['OK', '"1"']);

  await producer.input.fill('half-typed');
  await producer.input.press('ArrowUp');
  await expect(producer.input).toHaveValue('GET a');
  await producer.input.press('ArrowUp');
  await expect(producer.input).toHaveValue('SET a 1');
  await producer.input.press('ArrowDown');
  await expect(producer.input).toHaveValue('GET a');
  // Past the newest entry, the line that was being typed comes back.
  await producer.input.press('ArrowDown');
  await expect(producer.input).toHaveValue('half-typed');

  // A recalled line runs like a typed one.
  await producer.input.press('ArrowUp');
  await producer.input.press('Enter');
  await expect(producer.lines('reply')).toHaveText(['OK', '"1"', '"1"']);
  expect(problems).toEqual([]);
});

test('a transaction shows in the pane state and the prompt', async ({ page }) => {
  const problems = watchForErrors(page);
  await page.goto('/');
  const producer = producerPane(page);
  await producer.run('MULTI');
  await expect(producer.state).toHaveText('multi');
  await producer.run('INCR n');
  await expect(producer.lines('reply').last()).toHaveText('QUEUED');
  await expect(producer.lines('command').last()).toHaveText('producer(TX)> INCR n');
  await producer.run('EXEC');
  await expect(producer.lines('reply').last()).toHaveText('1) (integer) 1');
  await expect(producer.state).toHaveText('normal');
  expect(problems).toEqual([]);
});
