// The embed example (embed-example.html): two embeds, one with a share link made here, one
// driven through its JS API. Replies are shown as text (textContent), never as markup.
'use strict';

// The scenario of the first embed: two consoles, a subscription and a message.
const SCENARIO = [
  '@profile 7.0',
  '@clock 1700000000000',
  '@pane add alice',
  '@pane add bob',
  'alice> SUBSCRIBE chat',
  'bob> PUBLISH chat "hello from bob"',
  '',
].join('\n');

function base64url(bytes) {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A share link's fragment: `s=1.` and the scenario's raw DEFLATE bytes in base64url. */
async function fragment(scenario) {
  const stream = new Blob([scenario]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  return 's=1.' + base64url(bytes);
}

/** The embed's `streamplay` API, once its page has installed it. */
function api(frame) {
  return new Promise((resolve) => {
    const poll = () => {
      const sp = frame.contentWindow && frame.contentWindow.streamplay;
      if (sp) resolve(sp);
      else requestAnimationFrame(poll);
    };
    poll();
  });
}

async function main() {
  const shared = document.getElementById('embed-shared');
  const driven = document.getElementById('embed-driven');
  shared.src = 'index.html?embed&views=pubsub,timeline&panes=alice,bob#' + (await fragment(SCENARIO));
  driven.src = 'index.html?embed&views=stream:orders,timeline&panes=producer';

  const sp = await api(driven);
  const reply = document.getElementById('reply');
  const events = document.getElementById('events');
  let heard = [];
  sp.on('engine-event', (e) => {
    heard.push(e.type);
    heard = heard.slice(-6);
    events.textContent = heard.join(', ');
  });
  document.getElementById('drive').addEventListener('submit', (e) => {
    e.preventDefault();
    const value = sp.run(document.getElementById('command').value, 'producer');
    reply.textContent = JSON.stringify(value);
  });
  document.getElementById('seek-start').addEventListener('click', () => {
    reply.textContent = 'seek → ' + JSON.stringify(sp.seek(0));
  });
  await api(shared);
  document.body.dataset.ready = 'true';
}

main();
