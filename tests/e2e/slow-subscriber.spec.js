//! End-to-end: a slow subscriber. A pane that stops reading its connection keeps its pushes in
//! the server's output buffer (its state and buffer line say so, at 360 px too), gets them when it
//! reads again, and past `client-output-buffer-limit pubsub` the server closes its connection:
//! reading again reports that and the pane goes on with a new connection.
// @ts-check
const { test, expect } = require('@playwright/test');
const { watchForErrors, pane, open, addPane } = require('./support/console');

test('a pane that stops reading buffers its pushes and is disconnected past the limit', async ({ page }) => {
  const problems = watchForErrors(page);
  await page.setViewportSize({ width: 360, height: 800 });
  await open(page);
  const producer = pane(page, 'producer');
  const listener = await addPane(page);
  const reading = listener.root.getByTestId('pane-reading');
  const buffer = listener.root.getByTestId('pane-buffer');

  await listener.run('SUBSCRIBE news');
  await expect(listener.state).toHaveText('subscribed');
  await expect(reading).toHaveText('Stop reading');
  await expect(buffer).toHaveCount(0);

  // Not reading: a message waits in the server, not in the pane.
  await reading.click();
  await expect(reading).toHaveText('Read');
  await expect(reading).toHaveAttribute('aria-pressed', 'true');
  await expect(listener.state).toHaveText('not-reading');
  await expect(buffer).toHaveText('not reading · 0 B buffered of 32 MB');
  await producer.run('PUBLISH news hi');
  await expect(producer.lines('reply').last()).toHaveText('(integer) 1');
  // `*3 $7 message $4 news $2 hi`: 35 bytes wait in the client's buffer.
  await expect(buffer).toHaveText('not reading · 35 B buffered of 32 MB');
  await expect(listener.lines('push')).toHaveCount(3);
  // A line typed meanwhile does not run: the pane says why.
  await listener.run('PING');
  await expect(listener.root).toContainText('This pane does not read');
  // The buffer line fits the narrow pane.
  const box = await buffer.boundingBox();
  expect(box && box.x + box.width).toBeLessThanOrEqual(360);

  // Reading again delivers the kept message.
  await reading.click();
  await expect(listener.state).toHaveText('subscribed');
  await expect(buffer).toHaveCount(0);
  await expect(listener.lines('push')).toHaveCount(6);
  expect((await listener.texts('push')).slice(-3)).toEqual(['1) "message"', '2) "news"', '3) "hi"']);

  // A lower limit: the 16th 1 KB message opens a 20 KB reply block, past 16 KB.
  await producer.run('CONFIG SET client-output-buffer-limit "pubsub 16kb 0 0"');
  await expect(producer.lines('reply').last()).toHaveText('OK');
  const before = await listener.clientId.textContent();
  await reading.click();
  await expect(listener.state).toHaveText('not-reading');
  await producer.run(`8 PUBLISH news ${'x'.repeat(1000)}`);
  await expect(producer.lines('reply')).toHaveCount(10);
  await expect(buffer).toHaveText('not reading · 8.1 KB buffered of 16 KB');
  await producer.run(`8 PUBLISH news ${'x'.repeat(1000)}`);
  await expect(producer.lines('reply')).toHaveCount(18);
  await producer.run(`PUBLISH news ${'x'.repeat(1000)}`);
  // Disconnected: the last PUBLISH reached nobody.
  await expect(producer.lines('reply').last()).toHaveText('(integer) 0');
  await expect(listener.state).toHaveText('not-reading');
  await expect(buffer).toHaveText('not reading · 0 B buffered');

  // Reading again finds the connection closed; the pane uses a new one.
  await reading.click();
  await expect(listener.root).toContainText('The server closed');
  await expect(listener.state).toHaveText('normal');
  await expect(listener.clientId).not.toHaveText(before ?? '');
  await expect(listener.subscriptions).toHaveCount(0);
  await listener.run('PING');
  await expect(listener.lines('reply').last()).toHaveText('PONG');
  expect(problems).toEqual([]);
});
