//! End-to-end: the page's Content-Security-Policy (issue 17, "Browser security"). The built page
//! carries a strict policy (no 'unsafe-inline' or 'unsafe-eval' for scripts, the inline loader
//! allowed by its hash, nothing remote); a session that touches every view, a lesson and a
//! challenge runs with no violation; the policy is in force (an injected inline handler does not
//! run and is reported); strings typed by a person (keys, values, channels, fields) are rendered
//! as text, never as markup.
// @ts-check
const { test, expect } = require('@playwright/test');
const { watchForErrors, open } = require('./support/console');

/** Records every CSP violation from the first byte of the page on. */
async function recordViolations(page) {
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
}

const PAYLOADS = [
  '<img src=x onerror="window.__xss=1">',
  '<script>window.__xss=2</script>',
  '"><svg onload="window.__xss=3">',
  "javascript:window.__xss=4",
];

test('the built page carries a strict policy', async ({ page }) => {
  await open(page);
  const policy = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute('content');
  expect(policy).not.toBeNull();
  const directives = Object.fromEntries(
    String(policy)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values]),
  );
  expect(directives['default-src']).toEqual(["'none'"]);
  expect(directives['script-src']).toContain("'self'");
  expect(directives['script-src']).toContain("'wasm-unsafe-eval'");
  expect(directives['script-src']).not.toContain("'unsafe-inline'");
  expect(directives['script-src']).not.toContain("'unsafe-eval'");
  expect(directives['script-src'].some((v) => v.startsWith("'sha256-"))).toBe(true);
  expect(directives['object-src']).toEqual(["'none'"]);
  expect(directives['base-uri']).toEqual(["'none'"]);
  expect(directives['connect-src']).toEqual(["'self'"]);
});

test('a whole session runs without a violation, and typed markup stays text', async ({ page }) => {
  await recordViolations(page);
  const problems = watchForErrors(page);
  await open(page);
  const run = (line, pane) => page.evaluate(([l, p]) => window.streamplay.run(l, p), [line, pane]);
  for (const [i, payload] of PAYLOADS.entries()) {
    await run(`SET ${JSON.stringify(payload)} ${JSON.stringify(payload)}`);
    await run(`XADD s${i} * ${JSON.stringify(payload)} ${JSON.stringify(payload)}`);
    await run(`HSET h${i} ${JSON.stringify(payload)} v`);
  }
  await run('SUBSCRIBE "<b>news</b>"', 'reader');
  await run('PUBLISH "<b>news</b>" "<img src=x onerror=\\"window.__xss=5\\">"');
  await run('PUBLISH "<i>nobody</i>" hi');
  await run('XGROUP CREATE s0 g 0');
  await run('XREADGROUP GROUP g "<u>c</u>" STREAMS s0 >');
  // Every payload is on the page as text...
  await expect(page.getByTestId('view-keyspace')).toContainText('<img src=x onerror="window.__xss=1">');
  await expect(page.locator('[data-testid="channel"][data-name="<b>news</b>"]')).toBeAttached();
  // ...and none of it became an element or ran.
  expect(await page.locator('img[src="x"], svg[onload], b:text("news"), u:text("c")').count()).toBe(0);
  // A lesson and a challenge run under the policy too.
  await page.getByTestId('learn-toggle').click();
  await page.locator('[data-testid="lesson"]').first().click();
  await page.getByTestId('lesson-next').click();
  await expect(page.getByTestId('lesson-step')).toHaveAttribute('data-index', '1');
  await page.getByTestId('learn-toggle').click();
  await page.getByTestId('challenge').first().click();
  await page.getByTestId('challenge-check').click();
  await expect(page.getByTestId('challenge-verdict')).toBeVisible();
  expect(await page.evaluate(() => window.__xss)).toBeUndefined();
  expect(await page.evaluate(() => window.__violations)).toEqual([]);
  expect(problems).toEqual([]);
});

test('the policy is in force: an injected inline handler neither runs nor goes unreported', async ({ page }) => {
  await recordViolations(page);
  await open(page);
  await page.evaluate(() => {
    const img = document.createElement('img');
    img.setAttribute('onerror', 'window.__injected = 1');
    img.src = 'data:,not-an-image';
    document.body.append(img);
  });
  await expect.poll(() => page.evaluate(() => window.__violations.length)).toBeGreaterThan(0);
  expect(await page.evaluate(() => window.__injected)).toBeUndefined();
  const violations = await page.evaluate(() => window.__violations);
  expect(violations.some((v) => v.startsWith('script-src'))).toBe(true);
});
