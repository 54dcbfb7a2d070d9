//! Playwright's setup for the end-to-end tests: it serves the release build in `dist/` (build it
//! first with `npm run build`) and drives Debian's Chromium, never a downloaded browser.
// @ts-check
const { defineConfig } = require('@playwright/test');

// A free port chosen once per run (worker processes inherit it through the environment), so that
// two runs on one machine never share, or reuse, each other's static server.
if (!process.env.STREAMPLAY_E2E_PORT) {
  process.env.STREAMPLAY_E2E_PORT = require('child_process')
    .execFileSync(process.execPath, [
      '-e',
      "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });",
    ])
    .toString()
    .trim();
}
const PORT = Number(process.env.STREAMPLAY_E2E_PORT);

module.exports = defineConfig({
  testDir: 'tests/e2e',
  // Two cores: one worker keeps the browser and the static server from starving each other.
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: 'list',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: 'off',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    // The static server's request log would drown the test report.
    stderr: 'ignore',
    // The project's own Python (.venv, made by ./dev.sh setup), as every test uses.
    command: `.venv/bin/python -m http.server ${PORT} --bind 127.0.0.1 --directory dist`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
