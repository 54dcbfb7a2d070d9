//! End-to-end: pub/sub between panes (a PUBLISH from one pane appears as pushes in the subscribed
//! one, with its subscriptions listed), and each pane's client id, protocol and state hooks.
// @ts-check
const { test, expect } = require('@playwright/test');
const { watchForErrors, pane, open, addPane } = require('./support/console');

test('a PUBLISH from one pane appears as a push in the subscribed pane', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  const producer = pane(page, 'producer');
  const listener = await addPane(page);

  await listener.run('SUBSCRIBE news alerts');
  await expect(listener.state).toHaveText('subscribed');
  // The confirmations are frames pushed to the subscriber, printed as redis-cli prints them.
  await expect(listener.lines('push')).toHaveText([
    '1) "subscribe"', '2) "news"', '3) (integer) 1',
    '1) "subscribe"', '2) "alerts"', '3) (integer) 2',
  ]);
  await expect(listener.subscriptions).toHaveCount(2);
  await expect(listener.root.locator('[data-testid="pane-subscription"][data-name="news"]')).toHaveCount(1);
  await expect(listener.root.locator('[data-testid="pane-subscription"][data-name="alerts"]')).toHaveCount(1);
  await expect(producer.subscriptions).toHaveCount(0);

  await producer.run('PUBLISH news "hello world"');
  await expect(producer.lines('reply').last()).toHaveText('(integer) 1');
  await expect(listener.lines('push')).toHaveCount(9);
  expect((await listener.texts('push')).slice(-3)).toEqual(['1) "message"', '2) "news"', '3) "hello world"']);
  // The publisher itself gets no push.
  await expect(producer.lines('push')).toHaveCount(0);

  await producer.run('PUBLISH nobody-listens x');
  await expect(producer.lines('reply').last()).toHaveText('(integer) 0');

  // A pattern subscription beside the channels; a message matching both arrives twice.
  await listener.run('PSUBSCRIBE news.*');
  await expect(listener.root.locator('[data-testid="pane-subscription"][data-name="news.*"]')).toHaveCount(1);
  await producer.run('PUBLISH news.tech chips');
  await expect(producer.lines('reply').last()).toHaveText('(integer) 1');
  await expect(listener.lines('push')).toHaveCount(16);
  expect((await listener.texts('push')).slice(-4)).toEqual(['1) "pmessage"', '2) "news.*"', '3) "news.tech"', '4) "chips"']);

  // A subscribed pane keeps accepting the commands RESP2 allows there, and leaves subscribed
  // state when its last subscription goes.
  await listener.run('UNSUBSCRIBE');
  await expect(listener.root.locator('[data-testid="pane-subscription"][data-name="news"]')).toHaveCount(0);
  await expect(listener.state).toHaveText('subscribed');
  await listener.run('PUNSUBSCRIBE');
  await expect(listener.state).toHaveText('normal');
  await expect(listener.subscriptions).toHaveCount(0);
  await producer.run('PUBLISH news again');
  await expect(producer.lines('reply').last()).toHaveText('(integer) 0');
  expect(problems).toEqual([]);
});

test('each pane shows its client id, protocol and state', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  const producer = pane(page, 'producer');
  const other = await addPane(page);

  // The id shown is the one CLIENT ID answers; two panes are two clients.
  await expect(producer.clientId).toHaveText(/^\d+$/);
  await producer.run('CLIENT ID');
  await expect(producer.lines('reply').last()).toHaveText(`(integer) ${await producer.clientId.textContent()}`);
  await other.run('CLIENT ID');
  await expect(other.lines('reply').last()).toHaveText(`(integer) ${await other.clientId.textContent()}`);
  expect(await other.clientId.textContent()).not.toBe(await producer.clientId.textContent());

  await expect(producer.protocol).toHaveText('RESP2');
  await producer.run('HELLO 3');
  await expect(producer.protocol).toHaveText('RESP3');
  await expect(other.protocol).toHaveText('RESP2');
  // RESP3 replies print as RESP3: a map.
  await producer.run('CONFIG GET maxmemory');
  await expect(producer.lines('reply').last()).toHaveText(/^1# "maxmemory" => "\d+"$/);
  await producer.run('HELLO 2');
  await expect(producer.protocol).toHaveText('RESP2');

  // One pane in MULTI, one subscribed: each state is its own.
  await producer.run('MULTI');
  await expect(producer.state).toHaveText('multi');
  await expect(other.state).toHaveText('normal');
  await other.run('SUBSCRIBE ch');
  await expect(other.state).toHaveText('subscribed');
  await producer.run('PUBLISH ch queued');
  await expect(producer.lines('reply').last()).toHaveText('QUEUED');
  await expect(producer.lines('command').last()).toHaveText('producer(TX)> PUBLISH ch queued');
  await expect(other.lines('push')).toHaveCount(3);
  await producer.run('EXEC');
  await expect(producer.lines('reply').last()).toHaveText('1) (integer) 1');
  await expect(producer.state).toHaveText('normal');
  await expect(other.lines('push')).toHaveCount(6);
  expect((await other.texts('push')).slice(-1)).toEqual(['3) "queued"']);
  await producer.run('MULTI');
  await producer.run('DISCARD');
  await expect(producer.lines('reply').last()).toHaveText('OK');
  await expect(producer.state).toHaveText('normal');
  expect(problems).toEqual([]);
});
