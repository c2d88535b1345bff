// Live updates: GraphQL subscriptions over one WebSocket (graphql-transport-ws, on the
// same path as /graphql), through the vendored graphql-ws client.
//
// The socket is same-origin, so the browser sends the session cookie with the handshake
// and a signed-in person is recognized without a token in the page. Every page's
// subscriptions share the one socket; it opens with the first and closes a little after
// the last. A dropped socket is retried for ever, with a growing, jittered wait, and a
// subscription the server ends (too slow to keep up, a restart) is taken out again.
// Pages show `connection.state` and, after a reconnection, fetch what they may have
// missed (`onReconnect`): events are not replayed.
import { reactive, watch } from "vue";
import { createClient } from "graphql-ws";
import { session } from "./session.js";

/**
 * The connection as people should see it: "idle" (nothing subscribed), "connecting"
 * (the first time), "connected", or "reconnecting" (it dropped; trying again).
 */
export const connection = reactive({ state: "idle" });

/** Waits between attempts: 1 s, 2 s, 4 s … up to this, plus up to a second of jitter
 * so that many wall screens do not all come back in the same instant. */
const LONGEST_WAIT_MS = 15_000;
/** A ping every so often shows a connection that died without closing (a laptop that
 * slept, a Wi-Fi hand-over); no pong in time and the socket is dropped and retried. */
const PING_EVERY_MS = 20_000;
const PONG_WITHIN_MS = 6_000;
/** Keeps the socket a moment after the last subscription, so changing pages reuses it. */
const LINGER_MS = 3_000;

/** Every subscription a page holds: what to call when the socket comes back. */
const active = new Set();
let client = null;
let pongTimer = null;

function wait(retries) {
  const ms = Math.min(1000 * 2 ** retries, LONGEST_WAIT_MS) + Math.random() * 1000;
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function endpoint() {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/graphql`;
}

function connected() {
  connection.state = "connected";
  for (const entry of active) {
    // A subscription that had been live before has missed whatever happened meanwhile.
    if (entry.live) entry.onReconnect?.();
    entry.live = true;
  }
}

function theClient() {
  client ??= createClient({
    url: endpoint,
    lazy: true,
    lazyCloseTimeout: LINGER_MS,
    keepAlive: PING_EVERY_MS,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: wait,
    on: {
      connecting: () => {
        connection.state = connection.state === "idle" ? "connecting" : "reconnecting";
      },
      connected,
      closed: () => {
        clearTimeout(pongTimer);
        connection.state = active.size ? "reconnecting" : "idle";
      },
      ping: (received) => {
        if (!received) pongTimer = setTimeout(() => client.terminate(), PONG_WITHIN_MS);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
    },
  });
  return client;
}

/**
 * Subscribes to `document` with `variables`; `onEvent(data)` gets each event's `data`.
 * `onReconnect()` is called when the subscription is live again after the socket dropped
 * or the server ended it, so the page can fetch what it missed. Returns the unsubscribe.
 */
export function subscribe(document, variables, onEvent, { onReconnect = null } = {}) {
  const entry = { onReconnect, live: connection.state === "connected" };
  let stop = null;
  let stopped = false;
  let failures = 0;

  const start = () => {
    if (stopped) return;
    active.add(entry);
    stop = theClient().subscribe(
      { query: document, variables },
      {
        next(result) {
          failures = 0;
          if (result.errors?.length) console.debug("live event with errors", result.errors);
          if (result.data) onEvent(result.data);
        },
        error(error) {
          console.debug("live feed ended", error);
          again();
        },
        complete() {
          again();
        },
      },
    );
  };

  // The server ended this subscription (it fell behind, or a fatal close): subscribe
  // again after a wait; the reconnection then counts as one.
  const again = () => {
    if (stopped) return;
    active.delete(entry);
    wait(failures++).then(() => {
      if (stopped) return;
      start();
      if (connection.state === "connected" && entry.live) entry.onReconnect?.();
    });
  };

  start();
  return () => {
    stopped = true;
    active.delete(entry);
    stop?.();
  };
}

// The server knows who is watching from the handshake's cookie. After a login or a logout
// the socket is dropped, so that it comes back as the new account (an organizer then sees
// who claimed what) and the pages recount.
watch(
  () => session.account?.username ?? null,
  () => client?.terminate(),
);

// For tests and for people debugging a wall screen from the console: the state, and a
// way to drop the socket as a network fault would (the client then reconnects itself).
window.__sheqiaLive = {
  connection,
  close() {
    client?.terminate();
  },
};
