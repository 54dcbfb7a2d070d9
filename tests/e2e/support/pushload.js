//! The push load shared by the end-to-end test and the browser benchmark: `subscribers` panes
//! SUBSCRIBE to one channel, then a timer in the page PUBLISHes `rate` messages per second through
//! `window.streamplay.run` for `seconds`, keeping to the schedule even when a timer fires late.
//! Counts come from `window.streamplay.on('push')`, per pane, with the payloads checked in order.
// @ts-check
const { expect } = require('@playwright/test');
const { pane, panesUpTo } = require('./console');

const CHANNEL = 'feed';

/**
 * Opens `subscribers` panes besides the producer, subscribes them all to the channel, and starts
 * counting pushes per pane. Returns the subscriber panes.
 */
async function subscribePanes(page, subscribers) {
  const panes = await panesUpTo(page, subscribers + 1);
  const listeners = panes.slice(1);
  for (const p of listeners) {
    await p.run(`SUBSCRIBE ${CHANNEL}`);
    await expect(p.state).toHaveText('subscribed');
  }
  await page.evaluate((channel) => {
    // Per pane: how many message pushes on the channel, the last payload, and payloads out of order.
    const counts = {};
    window.__pushload = { counts };
    // A push event is `{pane, lines}`: the pushed frames as the pane prints them, one text per
    // line; one event may carry several frames.
    const head = ['1) "message"', `2) "${channel}"`];
    window.streamplay.on('push', (event) => {
      const lines = event.lines;
      for (let i = 0; i + 2 < lines.length; i++) {
        if (lines[i] !== head[0] || lines[i + 1] !== head[1]) continue;
        const c = (counts[event.pane] ??= { n: 0, last: -1, disorder: 0 });
        const seq = Number(/^3\) "m(\d+)"$/.exec(lines[i + 2])?.[1] ?? NaN);
        if (seq !== c.last + 1) c.disorder++;
        c.last = seq;
        c.n++;
        i += 2;
      }
    });
  }, CHANNEL);
  return listeners;
}

/**
 * PUBLISHes `rate` messages a second for `seconds` from the page, messages `m0`, `m1`, ...
 * Resolves when all are sent, with the number sent, the replies that were not `expectedReceivers`,
 * and the time it took.
 */
async function publishLoad(page, { rate, seconds, expectedReceivers, from }) {
  return page.evaluate(
    ({ rate, seconds, expectedReceivers, channel, from }) =>
      new Promise((resolve) => {
        const total = rate * seconds;
        const start = performance.now();
        let sent = 0;
        const wrong = [];
        const timer = setInterval(() => {
          const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000));
          while (sent < due) {
            const reply = window.streamplay.run(`PUBLISH ${channel} m${sent}`, from);
            if (reply !== expectedReceivers && wrong.length < 10) wrong.push({ seq: sent, reply });
            sent++;
          }
          if (sent >= total) {
            clearInterval(timer);
            resolve({ sent, wrong, elapsedMs: performance.now() - start });
          }
        }, 4);
      }),
    { rate, seconds, expectedReceivers, channel: CHANNEL, from },
  );
}

/** Per subscriber pane name: `{ n, last, disorder }` as counted by the `push` listener. */
async function pushCounts(page) {
  return page.evaluate(() => JSON.parse(JSON.stringify(window.__pushload.counts)));
}

/** The newest three push lines of a pane: the last message in redis-cli form. */
async function newestMessage(page, name) {
  return pane(page, name)
    .lines('push')
    .evaluateAll((els) => els.slice(-3).map((e) => e.textContent));
}

module.exports = { CHANNEL, subscribePanes, publishLoad, pushCounts, newestMessage };
