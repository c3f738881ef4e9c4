#!/usr/bin/env node
// Checks the WebSocket transport with the reference graphql-ws client:
//
//   node ws.mjs http://127.0.0.1:8080/query
//
// 1. signs up a fresh account over HTTP, subscribes to notificationAdded with
//    the token in connection_init, changes the password over HTTP and expects a
//    "password_changed" notification on the subscription within 20 s;
// 2. connects with a bogus token and expects the server to close the socket
//    with code 4403.
// Prints PASS/FAIL lines and ends with "N passed, M failed"; exits 1 on failure.
import { randomBytes } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const httpURL = process.argv[2] || process.env.OTWARTY_URL;
if (!httpURL) {
  console.error('usage: node ws.mjs URL   (e.g. http://127.0.0.1:8080/query)');
  process.exit(2);
}
const wsURL = httpURL.replace(/^http/, 'ws');
const EVENT_TIMEOUT_MS = 20_000;
const STEP_TIMEOUT_MS = 10_000;

let passed = 0;
let failed = 0;
function pass(name, detail = '') {
  passed++;
  console.log(`PASS ${name}${detail ? ': ' + detail : ''}`);
}
function fail(name, err) {
  failed++;
  console.log(`FAIL ${name}: ${err?.message ?? String(err)}`);
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function gql(query, variables, token) {
  const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(httpURL, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${res.status}, not JSON: ${text.slice(0, 500)}`);
  }
  if (body.errors?.length || !body.data) {
    throw new Error(`HTTP ${res.status}, GraphQL errors: ${JSON.stringify(body.errors ?? body)}`);
  }
  return body.data;
}

function describeClose(ev) {
  if (ev && typeof ev === 'object' && 'code' in ev) return `close code ${ev.code} reason ${JSON.stringify(String(ev.reason ?? ''))}`;
  if (ev instanceof Error) return ev.message;
  return JSON.stringify(ev);
}

const NOTIFICATION_ADDED = `subscription { notificationAdded { notification { id kind } unreadCount } }`;

// Inline literals rather than variables, so that the script depends only on
// the field names of the contract and not on the input type names.
function signUpQuery(email, password) {
  return `mutation { signUp(input: {email: ${JSON.stringify(email)}, password: ${JSON.stringify(password)}, displayName: "E2E graphql-ws", locale: EN}) { token account { id email displayName } } }`;
}
function changePasswordQuery(current, next) {
  return `mutation { changePassword(input: {currentPassword: ${JSON.stringify(current)}, newPassword: ${JSON.stringify(next)}}) { account { id } } }`;
}

async function subscriptionDeliversPasswordChanged() {
  const name = 'subscription delivers password_changed';
  const email = `e2e-ws-${Date.now()}-${randomBytes(4).toString('hex')}@example.com`;
  const password = `first-${randomBytes(8).toString('hex')}`;
  const newPassword = `second-${randomBytes(8).toString('hex')}`;
  let client;
  try {
    const signUp = (await gql(signUpQuery(email, password))).signUp;
    if (!signUp?.token || !signUp?.account?.id) throw new Error(`signUp returned ${JSON.stringify(signUp)}`);
    pass('signUp over HTTP', `account ${signUp.account.id}`);

    // Readiness: the client sends "subscribe" right after connection_ack, and a
    // keep-alive ping after that; the server reads a socket's messages in
    // order, so the pong to a ping sent after "connected" means the subscribe
    // was read before it. (A worker then starts the operation, which registers
    // it long before the notification's background job can run.)
    let connected = false;
    let pingAfterConnect = false;
    let onReady;
    const ready = new Promise((resolve) => (onReady = resolve));
    let closedEvent;
    client = createClient({
      url: wsURL,
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: `Bearer ${signUp.token}` },
      lazy: true,
      retryAttempts: 0,
      keepAlive: 200,
      on: {
        connected: () => (connected = true),
        ping: (received) => {
          if (!received && connected) pingAfterConnect = true;
        },
        pong: (received) => {
          if (received && pingAfterConnect) onReady();
        },
        closed: (ev) => (closedEvent = ev),
      },
    });

    const seen = [];
    const gotEvent = new Promise((resolve, reject) => {
      client.subscribe(
        { query: NOTIFICATION_ADDED },
        {
          next: (msg) => {
            if (msg.errors?.length) {
              reject(new Error(`subscription error payload: ${JSON.stringify(msg.errors)}`));
              return;
            }
            const n = msg.data?.notificationAdded;
            seen.push(n?.notification?.kind);
            if (n?.notification?.kind === 'password_changed') resolve(n);
          },
          error: (err) => reject(new Error(`subscription failed: ${Array.isArray(err) ? JSON.stringify(err) : describeClose(err)}`)),
          complete: () => reject(new Error(`subscription completed before password_changed (seen: ${JSON.stringify(seen)}; ${describeClose(closedEvent)})`)),
        },
      );
    });
    gotEvent.catch(() => {}); // awaited below; avoid an unhandled rejection meanwhile

    await withTimeout(Promise.race([ready, gotEvent]), STEP_TIMEOUT_MS, 'connection_ack and a pong after subscribe');
    pass('graphql-ws connected and subscribed', 'connection_ack + pong');

    const changed = (await gql(changePasswordQuery(password, newPassword), undefined, signUp.token)).changePassword;
    if (changed?.account?.id !== signUp.account.id) throw new Error(`changePassword returned ${JSON.stringify(changed)}`);
    pass('changePassword over HTTP');

    const t0 = Date.now();
    const n = await withTimeout(gotEvent, EVENT_TIMEOUT_MS, `a password_changed notification (seen so far: ${JSON.stringify(seen)})`);
    if (!n.notification.id) throw new Error(`notification without id: ${JSON.stringify(n)}`);
    if (typeof n.unreadCount !== 'number' || n.unreadCount < 1) throw new Error(`bad unreadCount: ${JSON.stringify(n)}`);
    pass(name, `after ${Date.now() - t0} ms, notification ${n.notification.id}, unreadCount ${n.unreadCount}`);
  } catch (err) {
    fail(name, err);
  } finally {
    await client?.dispose();
  }
}

async function bogusTokenClosedWith4403() {
  const name = 'bogus token is refused with close code 4403';
  let client;
  try {
    let onClosed;
    const closed = new Promise((resolve) => (onClosed = resolve));
    client = createClient({
      url: wsURL,
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: 'Bearer bogus' },
      lazy: true,
      retryAttempts: 0,
      on: { closed: (ev) => onClosed(ev) },
    });
    const outcome = new Promise((resolve) => {
      client.subscribe(
        { query: NOTIFICATION_ADDED },
        {
          next: (msg) => resolve({ kind: 'next', msg }),
          error: (err) => resolve({ kind: 'error', err }),
          complete: () => resolve({ kind: 'complete' }),
        },
      );
    });
    const ev = await withTimeout(closed, STEP_TIMEOUT_MS, 'the server to close the socket');
    if (ev?.code !== 4403) {
      const o = await withTimeout(outcome, 1000, 'the subscription outcome').catch((e) => e.message);
      throw new Error(`expected close code 4403, got ${describeClose(ev)}; subscription outcome: ${JSON.stringify(o)}`);
    }
    pass(name, describeClose(ev));
  } catch (err) {
    fail(name, err);
  } finally {
    await client?.dispose();
  }
}

await subscriptionDeliversPasswordChanged();
await bogusTokenClosedWith4403();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
