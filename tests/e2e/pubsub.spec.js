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

  // A subscribed RESP2 pane keeps accepting typed lines; Redis refuses what subscribe mode does
  // not allow, and PING answers in its subscribe-mode form.
  await listener.run('GET news');
  await expect(listener.lines('error').last()).toHaveText(
    "(error) ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
  );
  await listener.run('PING');
  // Redis 8's redis-cli prints its subscribe-mode banner after each batch of output.
  await expect.poll(async () => (await listener.texts()).slice(-3)).toEqual([
    '1) "pong"', '2) ""', 'Reading messages... (press Ctrl-C to quit or any key to type command)',
  ]);
  // As in redis-cli, more output erases the previous banner: the pane shows it once, at the end.
  expect((await listener.texts()).filter((t) => t.startsWith('Reading messages...'))).toHaveLength(1);
  // It leaves subscribed state when its last subscription goes.
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

test('shard channels, keyspace notifications and a RESP3 subscriber', async ({ page }) => {
  const problems = watchForErrors(page);
  await open(page);
  const producer = pane(page, 'producer');
  const shard = await addPane(page);
  const watcher = await addPane(page);

  await shard.run('SSUBSCRIBE orders');
  await expect(shard.state).toHaveText('subscribed');
  await expect(shard.root.locator('[data-testid="pane-subscription"][data-name="orders"]')).toHaveCount(1);
  await expect(shard.lines('push')).toHaveText(['1) "ssubscribe"', '2) "orders"', '3) (integer) 1']);
  await producer.run('SPUBLISH orders o-1');
  await expect(producer.lines('reply').last()).toHaveText('(integer) 1');
  await expect(shard.lines('push')).toHaveCount(6);
  expect((await shard.texts('push')).slice(-3)).toEqual(['1) "smessage"', '2) "orders"', '3) "o-1"']);
  // A plain PUBLISH to the same name is another namespace.
  await producer.run('PUBLISH orders o-2');
  await expect(producer.lines('reply').last()).toHaveText('(integer) 0');

  // A RESP3 client gets pushes outside any subscribe mode, printed like arrays.
  await watcher.run('HELLO 3');
  await expect(watcher.protocol).toHaveText('RESP3');
  await producer.run('CONFIG SET notify-keyspace-events KEA');
  await expect(producer.lines('reply').last()).toHaveText('OK');
  await watcher.run('PSUBSCRIBE __keyspace@0__:*');
  await expect(watcher.state).toHaveText('subscribed');
  await expect(watcher.lines('push')).toHaveText(['1) "psubscribe"', '2) "__keyspace@0__:*"', '3) (integer) 1']);
  // In RESP3 a subscribed client may run any command.
  await watcher.run('GET nothing');
  await expect(watcher.lines('reply').last()).toHaveText('(nil)');
  await producer.run('SET user:1 ada');
  await expect(producer.lines('reply').last()).toHaveText('OK');
  await expect(watcher.lines('push')).toHaveCount(7);
  expect((await watcher.texts('push')).slice(-4)).toEqual([
    '1) "pmessage"',
    '2) "__keyspace@0__:*"',
    '3) "__keyspace@0__:user:1"',
    '4) "set"',
  ]);
  // The RESP2 shard subscriber saw none of it.
  await expect(shard.lines('push')).toHaveCount(6);
  expect(problems).toEqual([]);
});
