//! End-to-end: the lessons and challenges panel (issue 16). A first visit offers lesson 1 and a
//! tour that runs nothing; a lesson walks forward part by part (its narration shown, steps added to
//! the timeline) and back (time travel to where the previous part ended), and "next" after the
//! reader's own command carries on and says so; a challenge is not solved by its setup alone, is
//! solved by its shown solution, and stays solved across a reload.
// @ts-check
const { test, expect } = require('@playwright/test');
const { watchForErrors, open } = require('./support/console');

/** The timeline index of the current step, read through the JS API. */
async function current(page) {
  return page.evaluate(() => window.streamplay.state().step);
}

async function stepCount(page) {
  return page.evaluate(() => window.streamplay.steps().length);
}

async function openLists(page) {
  const toggle = page.getByTestId('learn-toggle');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
}

test('a first visit offers lesson 1 and a tour that runs nothing', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  const welcome = page.getByTestId('welcome');
  await expect(welcome).toBeVisible();
  await expect(page.getByTestId('welcome-lesson')).toContainText('Lesson 1');
  await page.getByTestId('tour-start').click();
  for (let i = 0; i < 4; i++) {
    await expect(page.getByTestId('tour')).toHaveAttribute('data-index', String(i));
    await page.getByTestId('tour-next').click();
  }
  await expect(page.getByTestId('tour')).toHaveCount(0);
  expect(await stepCount(page)).toBe(0);
  await page.screenshot({ path: test.info().outputPath('welcome-done.png') });
  // Dismissed once, not offered again.
  await page.reload();
  await page.waitForFunction(() => window.streamplay !== undefined);
  await expect(page.getByTestId('lesson').first()).toBeAttached();
  await expect(page.getByTestId('welcome')).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('every lesson and challenge is listed with its name', async ({ page }) => {
  await open(page);
  await expect(page.getByTestId('lesson')).toHaveCount(13);
  expect(await page.getByTestId('challenge').count()).toBeGreaterThanOrEqual(10);
  await expect(page.getByTestId('lesson').first()).toHaveAttribute('data-name', 'pubsub-basics');
  for (const c of await page.getByTestId('challenge').all()) {
    await expect(c).toHaveAttribute('data-solved', 'false');
  }
});

test('a lesson walks forward and back through its parts', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  await page.getByTestId('welcome-lesson').click();
  const step = page.getByTestId('lesson-step');
  await expect(step).toHaveAttribute('data-index', '0');
  await expect(step).not.toBeEmpty();
  // The clock is paused at the lesson's start, so every reader sees the same ids.
  await expect(page.getByTestId('clock-toggle')).toHaveAttribute('aria-pressed', 'true');
  const marks = [await current(page)];
  const texts = [await step.textContent()];
  let index = 0;
  while (await page.getByTestId('lesson-next').isEnabled()) {
    await page.getByTestId('lesson-next').click();
    index += 1;
    await expect(step).toHaveAttribute('data-index', String(index));
    const text = await step.textContent();
    expect(text).not.toBe(texts[texts.length - 1]);
    texts.push(text);
    marks.push(await current(page));
    await page.screenshot({ path: test.info().outputPath(`lesson-part-${index}.png`) });
  }
  expect(index).toBeGreaterThanOrEqual(2);
  // Steps ran: the timeline grew.
  expect(marks[marks.length - 1]).toBeGreaterThan(marks[0]);
  // Back: the narration and the timeline return to the previous part's end.
  await page.getByTestId('lesson-prev').click();
  await expect(step).toHaveAttribute('data-index', String(index - 1));
  await expect(step).toHaveText(texts[index - 1]);
  expect(await current(page)).toBe(marks[index - 1]);
  // The reader's own command, then next: the lesson carries on and says so.
  await page.evaluate(() => window.streamplay.run('SET mine 1'));
  await page.getByTestId('lesson-next').click();
  await expect(step).toHaveAttribute('data-index', String(index));
  await expect(page.getByTestId('lesson-card')).toContainText('on top of your state');
  // Restart returns to the start.
  await page.getByTestId('lesson-restart').click();
  await expect(step).toHaveAttribute('data-index', '0');
  expect(await current(page)).toBe(marks[0]);
  expect(problems).toEqual([]);
});

test('a challenge is checked, solved by its solution, and remembered', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  await openLists(page);
  const first = page.getByTestId('challenge').first();
  const name = await first.getAttribute('data-name');
  await first.click();
  const card = page.getByTestId('challenge-card');
  await expect(card).toHaveAttribute('data-name', name);
  await page.getByTestId('challenge-check').click();
  await expect(page.getByTestId('challenge-verdict')).toHaveAttribute('data-solved', 'false');
  await page.getByTestId('challenge-hint').click();
  await expect(card.locator('.challenge-hints li')).toHaveCount(1);
  await page.getByTestId('challenge-show-solution').click();
  const solution = await page.getByTestId('challenge-solution').locator('pre').textContent();
  await page.evaluate((text) => window.streamplay.runScript(text), solution);
  await page.getByTestId('challenge-check').click();
  await expect(page.getByTestId('challenge-verdict')).toHaveAttribute('data-solved', 'true');
  await page.screenshot({ path: test.info().outputPath('challenge-solved.png') });
  await page.reload();
  await page.waitForFunction(() => window.streamplay !== undefined);
  await expect(page.locator(`[data-testid="challenge"][data-name="${name}"]`)).toHaveAttribute(
    'data-solved',
    'true',
  );
  expect(problems).toEqual([]);
});
