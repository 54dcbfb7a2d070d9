//! Playwright's setup for the browser benchmark (`./dev.sh bench-browser`, not part of `./dev.sh
//! test`): the release build in `dist/`, Debian's headless Chromium, the specs in tests/bench, one
//! at a time, each printing its figures.
// @ts-check
const { defineConfig } = require('@playwright/test');
const base = require('./playwright.config');

module.exports = defineConfig({
  ...base,
  testDir: 'tests/bench',
  timeout: 600_000,
  reporter: 'list',
});
