//! Shared helpers of the end-to-end specs: the console panes and the clock through their automation
//! hooks (DESIGN.md "Automation hooks"), the page's JS API, and a watch for console errors.
// @ts-check
const fs = require('fs');
const path = require('path');
const { expect } = require('@playwright/test');

/** redis-cli 7.0.15's recordings, copied from redis-spec/cli-golden. */
const GOLDEN = path.join(__dirname, '..', '..', 'golden', 'cli');

/** Collects console errors and uncaught exceptions; a spec ends with `expect(problems).toEqual([])`. */
function watchForErrors(page) {
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
  return problems;
}

/** Every pane of the page. */
function allPanes(page) {
  return page.getByTestId('pane');
}

/**
 * One console pane, found by its name (`data-client`). A pane renamed later must be looked up
 * again under its new name.
 */
function pane(page, name) {
  const root = page.locator(`[data-testid="pane"][data-client="${name}"]`);
  const input = root.getByTestId('pane-input');
  return {
    name,
    root,
    input,
    state: root.getByTestId('pane-state'),
    hint: root.getByTestId('pane-hint'),
    clientId: root.getByTestId('pane-client-id'),
    protocol: root.getByTestId('pane-protocol'),
    subscriptions: root.getByTestId('pane-subscription'),
    blockedKeys: root.getByTestId('pane-blocked-keys'),
    countdown: root.getByTestId('pane-countdown'),
    rawToggle: root.getByTestId('pane-raw-toggle'),
    removeButton: root.getByTestId('pane-remove'),
    renameButton: root.getByTestId('pane-rename'),
    /** All output lines, or those of one `data-kind`. */
    lines(kind) {
      return kind
        ? root.locator(`[data-testid="pane-line"][data-kind="${kind}"]`)
        : root.getByTestId('pane-line');
    },
    /** The exact text of the lines (no whitespace normalisation, unlike `toHaveText`). */
    async texts(kind) {
      return this.lines(kind).allTextContents();
    },
    /**
     * The pane's notices (its `info` lines) as one text: a notice is written in short lines,
     * since a pane's output does not wrap, so a check reads them joined by spaces.
     */
    async notices() {
      return (await this.lines('info').allTextContents()).join(' ');
    },
    /** Types a line and presses Enter, as a person would. */
    async run(line) {
      await input.fill(line);
      await input.press('Enter');
    },
    /** Types a line and waits until its echo is on screen (the command ran). */
    async runAndWait(line) {
      const before = await this.lines('command').count();
      await this.run(line);
      await expect(this.lines('command')).toHaveCount(before + 1);
    },
  };
}

/** Waits until the page's JS API is there (the wasm module has started). */
async function open(page, url = '/') {
  await page.goto(url);
  await expect(pane(page, 'producer').input).toBeVisible();
  await page.waitForFunction(() => typeof window.streamplay?.run === 'function');
}

/** Adds a pane with the add-pane button and returns it (its name is the new `data-client`). */
async function addPane(page) {
  const before = await allPanes(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-client')));
  await page.getByTestId('add-pane').click();
  await expect(allPanes(page)).toHaveCount(before.length + 1);
  const after = await allPanes(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-client')));
  const added = after.filter((n) => !before.includes(n));
  expect(added).toHaveLength(1);
  return pane(page, added[0]);
}

/** Adds panes until the page has `count`, and returns them all, in page order. */
async function panesUpTo(page, count) {
  while ((await allPanes(page).count()) < count) await addPane(page);
  const names = await allPanes(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-client')));
  return names.map((n) => pane(page, n));
}

/** Renames a pane with its rename button, the rename input and Enter; returns it under its new name. */
async function renamePane(page, p, newName) {
  await p.renameButton.click();
  const field = p.root.getByTestId('pane-rename-input');
  await expect(field).toBeFocused();
  await field.fill(newName);
  await field.press('Enter');
  const renamed = pane(page, newName);
  await expect(renamed.root).toHaveCount(1);
  return renamed;
}

/** The engine clock's current virtual time (`clock` hook, `data-ms`). */
async function clockMs(page) {
  return Number(await page.getByTestId('clock').getAttribute('data-ms'));
}

/** The expected screen lines of each `> typed` command of a redis-cli golden transcript. */
function goldenTranscript(file) {
  const text = fs.readFileSync(path.join(GOLDEN, file), 'utf8');
  const sections = new Map();
  let current = null;
  for (const line of text.replace(/\n$/, '').split('\n')) {
    if (line.startsWith('> ')) {
      current = [];
      sections.set(line.slice(2), current);
    } else if (line.startsWith('@')) {
      current = null;
    } else if (current) {
      current.push(line);
    }
  }
  return sections;
}

/** The records of a redis-cli golden JSON-lines file. */
function goldenJsonl(file) {
  return fs
    .readFileSync(path.join(GOLDEN, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

/** Saves a screenshot of `locator` (a view, a pane, the page) with the test's results, for a person to look at. */
async function attachScreenshot(locator, testInfo, name) {
  const file = testInfo.outputPath(name.endsWith('.png') ? name : `${name}.png`);
  await locator.screenshot({ path: file });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

module.exports = {
  attachScreenshot,
  watchForErrors,
  allPanes,
  pane,
  open,
  addPane,
  panesUpTo,
  renamePane,
  clockMs,
  goldenTranscript,
  goldenJsonl,
};
