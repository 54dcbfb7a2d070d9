//! End-to-end: what the pane input does with keys, as redis-cli's line editor does it (REDIS-CLI.md
//! §8–§10) plus the console's own keys: Tab completion, the grey hint, HELP, history kept across a
//! reload, Ctrl+L, Ctrl+C on an idle pane, multi-line paste, the repeat prefix and the raw RESP toggle.
//! The expected help, hint and completion texts are redis-cli 7.0.15's own recordings
//! (tests/golden/cli), so those specs use the 7.0 profile.
// @ts-check
const { test, expect } = require('@playwright/test');
const { watchForErrors, pane, open, addPane, goldenTranscript, goldenJsonl } = require('./support/console');

/** Switches the page to the 7.0 profile, whose command table is redis-cli 7.0.15's. */
async function useProfile70(page) {
  const select = page.getByTestId('profile');
  await select.selectOption('7.0');
  await expect(select).toHaveValue('7.0');
  await expect.poll(() => pane(page, 'producer').notices()).toContain('Redis 7.0 profile');
}

/** The hint's exact text, or '' when there is none. */
async function hintText(p) {
  return (await p.hint.count()) ? (await p.hint.textContent()) ?? '' : '';
}

test('Tab completes command names, cycles through the candidates and back, as redis-cli', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  await useProfile70(page);
  const producer = pane(page, 'producer');

  await producer.input.fill('XREADG');
  await producer.input.press('Tab');
  await expect(producer.input).toHaveValue('XREADGROUP');

  // redis-cli's own sequences: each further Tab shows the next candidate, then the typed buffer,
  // then the first candidate again; the hint follows the candidate shown.
  const golden = goldenJsonl('09-completion.jsonl').filter((r) => r.typed === 'xgr' || r.typed === 'XINFO S');
  expect(golden).toHaveLength(12);
  for (const typed of ['xgr', 'XINFO S']) {
    await producer.input.fill(typed);
    for (const step of golden.filter((r) => r.typed === typed)) {
      await producer.input.press('Tab');
      await expect(producer.input).toHaveValue(step.line.replace('127.0.0.1:6411> ', ''));
      await expect.poll(() => hintText(producer), { message: `${typed} + ${step.tabs} Tab` }).toBe(step.hint ?? '');
    }
  }

  // `help ` completes group names and commands, keeping the typed prefix.
  await producer.input.fill('help @st');
  await producer.input.press('Tab');
  await expect(producer.input).toHaveValue('help @stream');
  await producer.input.press('Tab');
  await expect(producer.input).toHaveValue('help @string');
  await producer.input.fill('help xa');
  await producer.input.press('Tab');
  await expect(producer.input).toHaveValue('help XACK');
  await producer.input.press('Tab');
  await expect(producer.input).toHaveValue('help XADD');

  // Nothing matches: the buffer stays as typed.
  await producer.input.fill('nosuch');
  await producer.input.press('Tab');
  await expect(producer.input).toHaveValue('nosuch');

  // A completed line runs like a typed one.
  await producer.input.fill('xle');
  await producer.input.press('Tab');
  await expect(producer.input).toHaveValue('XLEN');
  await producer.input.press('End');
  await producer.input.pressSequentially(' nokey');
  await producer.input.press('Enter');
  await expect(producer.lines('reply').last()).toHaveText('(integer) 0');
  expect(problems).toEqual([]);
});

test('Tab completes key names from the keyspace and option keywords', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  const producer = pane(page, 'producer');
  await producer.run('XADD orders 1-1 item book');
  await expect(producer.lines('reply').last()).toHaveText('"1-1"');
  await producer.run('SET greeting hello');
  await expect(producer.lines('reply').last()).toHaveText('OK');

  await producer.input.fill('XLEN or');
  await producer.input.press('Tab');
  await expect(producer.input).toHaveValue(/^XLEN orders ?$/);
  await producer.input.press('Enter');
  await expect(producer.lines('reply').last()).toHaveText('(integer) 1');

  await producer.input.fill('GET gr');
  await producer.input.press('Tab');
  await expect(producer.input).toHaveValue(/^GET greeting ?$/);

  await producer.input.fill('XREAD CO');
  await producer.input.press('Tab');
  await expect(producer.input).toHaveValue(/^XREAD COUNT ?$/);
  expect(problems).toEqual([]);
});

test('the grey hint is redis-cli\'s hint for what is typed, and shrinks as arguments are typed', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  await useProfile70(page);
  const producer = pane(page, 'producer');

  await producer.input.fill('XADD ');
  await expect
    .poll(() => hintText(producer))
    .toBe('key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...]');
  await producer.input.pressSequentially('orders ');
  await expect
    .poll(() => hintText(producer))
    .toBe('[NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...]');

  // Every recorded probe, except those for commands the engine does not have (ZADD) and the
  // `:set nohints` one, which is checked after the loop.
  const probes = goldenJsonl('09-hints.jsonl').filter((r) => !r.after && !/^zadd\b/i.test(r.typed));
  expect(probes.length).toBeGreaterThanOrEqual(49);
  for (const probe of probes) {
    await producer.input.fill(probe.typed);
    await expect.poll(() => hintText(producer), { message: `hint for ${JSON.stringify(probe.typed)}` }).toBe(probe.hint ?? '');
  }

  // `:set nohints` turns hints off, `:set hints` on again.
  await producer.run(':set nohints');
  await producer.input.fill('XADD');
  await expect.poll(() => hintText(producer)).toBe('');
  await producer.run(':set hints');
  await producer.input.fill('XADD');
  await expect.poll(() => hintText(producer)).toMatch(/^ key \[NOMKSTREAM\]/);
  // The 8 profile hints from its own table: 8.4's XADD syntax, the one its HELP prints.
  await page.getByTestId('profile').selectOption('8');
  await expect.poll(() => producer.notices()).toContain('Redis 8 profile');
  await producer.run('HELP XADD');
  const syntax = (await producer.texts('info')).find((t) => t.startsWith('  XADD '))?.slice('  XADD '.length);
  expect(syntax).toContain('KEEPREF');
  await producer.input.fill('XADD ');
  await expect.poll(() => hintText(producer)).toBe(syntax);
  await producer.input.fill('XADD s ');
  await expect.poll(() => hintText(producer)).toBe(syntax?.slice('key '.length));
  // The hint is not part of the line: Enter runs what was typed.
  await producer.input.fill('GET');
  await expect.poll(() => hintText(producer)).toBe(' key');
  await producer.input.press('Enter');
  await expect(producer.lines('command').last()).toHaveText('producer> GET');
  await expect(producer.lines('error').last()).toHaveText("(error) ERR wrong number of arguments for 'get' command");
  expect(problems).toEqual([]);
});

test('HELP prints exactly what redis-cli prints', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  await useProfile70(page);
  const producer = pane(page, 'producer');
  // Long help is virtualized on screen, so the whole text is read from the `line` events; the
  // newest lines are checked on screen too.
  await page.evaluate(() => {
    window.__lines = [];
    window.streamplay.on('line', (e) => {
      if (e.pane === 'producer') window.__lines.push({ kind: e.kind, text: e.text });
    });
  });
  const golden = goldenTranscript('08-help.txt');
  const cases = ['HELP XADD', 'help xadd', 'HELP XGROUP', 'HELP XINFO STREAM', '? XLEN', 'HELP @stream', 'help @STREAM', 'HELP @pubsub', 'HELP GET', 'HELP NOSUCHCMD', 'HELP @nosuchgroup', 'HELP XADD extra', 'HELP "XGROUP CREATE"', '3 HELP XLEN', 'help'];
  for (const typed of cases) {
    const expected = golden.get(typed);
    expect(expected, typed).toBeDefined();
    await page.evaluate(() => (window.__lines = []));
    await producer.run(typed);
    await expect
      .poll(() => page.evaluate(() => window.__lines), { message: typed })
      .toEqual([{ kind: 'command', text: `producer> ${typed}` }, ...expected.map((text) => ({ kind: 'info', text }))]);
    const tail = expected.slice(-3);
    await expect
      .poll(() => producer.lines().evaluateAll((els, n) => els.slice(-n).map((e) => e.textContent), tail.length))
      .toEqual(tail);
  }
  expect(problems).toEqual([]);
});

test('history is kept per pane across a reload', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  const producer = pane(page, 'producer');
  await producer.run('SET a 1');
  await producer.run('GET a');
  await producer.run('XLEN s');
  await expect(producer.lines('reply')).toHaveText(['OK', '"1"', '(integer) 0']);

  await page.reload();
  await open(page);
  const again = pane(page, 'producer');
  await expect(again.input).toHaveValue('');
  await again.input.press('ArrowUp');
  await expect(again.input).toHaveValue('XLEN s');
  await again.input.press('ArrowUp');
  await expect(again.input).toHaveValue('GET a');
  await again.input.press('ArrowUp');
  await expect(again.input).toHaveValue('SET a 1');
  await again.input.press('ArrowDown');
  await expect(again.input).toHaveValue('GET a');
  // A recalled line runs after the reload too.
  await again.input.press('Enter');
  await expect(again.lines('command').last()).toHaveText('producer> GET a');

  // The history belongs to the producer pane: a new pane starts with none of it.
  const other = await addPane(page);
  await other.input.fill('');
  await other.input.press('ArrowUp');
  await expect(other.input).toHaveValue('');

  // History is kept per pane name: a removed pane's lines come back with a new pane of that
  // name, after a reload too.
  await other.run('XLEN other-key');
  await expect(other.lines('reply').last()).toHaveText('(integer) 0');
  await other.removeButton.click();
  await expect(other.root).toHaveCount(0);
  await page.reload();
  await open(page);
  const back = await addPane(page);
  expect(back.name).toBe(other.name);
  await back.input.press('ArrowUp');
  await expect(back.input).toHaveValue('XLEN other-key');
  await back.input.press('ArrowUp');
  await expect(back.input).toHaveValue('XLEN other-key');
  expect(problems).toEqual([]);
});

test('the raw RESP toggle shows the bytes of each reply', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  const producer = pane(page, 'producer');
  await expect(producer.rawToggle).toHaveAttribute('aria-pressed', 'false');
  await producer.run('GET missing');
  await expect(producer.lines('reply').last()).toHaveText('(nil)');

  await producer.rawToggle.click();
  await expect(producer.rawToggle).toHaveAttribute('aria-pressed', 'true');
  await producer.run('GET missing');
  await expect(producer.lines('reply').last()).toContainText('$-1');
  await expect(producer.lines('reply').last()).not.toContainText('(nil)');
  await producer.run('SET k v');
  await expect(producer.lines('reply').last()).toContainText('+OK');
  await producer.run('INCR n');
  await expect(producer.lines('reply').last()).toContainText(':1');
  await producer.run('MSET a x bb yy');
  await producer.run('MGET bb nokey');
  // One frame: *2, then the bulk string with its length, then the null bulk.
  await expect.poll(async () => (await producer.texts('reply')).join('')).toMatch(/\*2.*\$2.*yy.*\$-1/s);
  await producer.run('GET');
  await expect(producer.lines('error').last()).toContainText("-ERR wrong number of arguments for 'get' command");

  await producer.rawToggle.click();
  await expect(producer.rawToggle).toHaveAttribute('aria-pressed', 'false');
  await producer.run('GET missing');
  await expect(producer.lines('reply').last()).toHaveText('(nil)');
  expect(problems).toEqual([]);
});

test('Ctrl+L clears the pane, Ctrl+C clears the input, a pasted block runs line by line, N repeats', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  const producer = pane(page, 'producer');
  await producer.run('SET a 1');
  await expect(producer.lines('reply')).toHaveText(['OK']);
  await producer.input.press('Control+l');
  await expect(producer.lines()).toHaveCount(0);
  await expect(producer.input).toBeFocused();

  await producer.input.fill('half-typed');
  await producer.input.press('Control+c');
  await expect(producer.input).toHaveValue('');
  await expect(producer.lines()).toHaveCount(0);

  // A paste with several lines runs each of them, in order.
  await producer.input.focus();
  await producer.input.evaluate((input) => {
    const data = new DataTransfer();
    data.setData('text/plain', 'SET p 1\nINCR p\r\nGET p');
    input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  await expect(producer.lines('command')).toHaveText(['producer> SET p 1', 'producer> INCR p', 'producer> GET p']);
  await expect(producer.lines('reply')).toHaveText(['OK', '(integer) 2', '"2"']);

  await producer.run('3 INCR r');
  await expect(producer.lines('reply')).toHaveText(['OK', '(integer) 2', '"2"', '(integer) 1', '(integer) 2', '(integer) 3']);
  expect(problems).toEqual([]);
});
