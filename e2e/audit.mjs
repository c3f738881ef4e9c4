#!/usr/bin/env node
// Runs the graphql-http server audit suite (GraphQL over HTTP spec) against a
// running server.
//
//   node audit.mjs http://127.0.0.1:8080/query
//
// Prints every audit that did not pass. Failed MUSTs are errors; failed SHOULDs
// and MAYs are printed as notices and do not fail the run. The last line is
// exactly "N passed, M failed" where N counts the audits that passed and M the
// MUST audits that failed. Exits 1 if any MUST audit failed (or the audit could
// not run at all), 0 otherwise.
import { serverAudits } from 'graphql-http';

const url = process.argv[2] || process.env.OTWARTY_URL;
if (!url) {
  console.error('usage: node audit.mjs URL   (e.g. http://127.0.0.1:8080/query)');
  process.exit(2);
}

// Each fetch the audit makes gets a deadline, so a server that hangs fails the
// audit instead of hanging the run.
const fetchTimeoutMs = Number(process.env.AUDIT_FETCH_TIMEOUT_MS || 15000);
const fetchFn = (input, init = {}) =>
  fetch(input, { ...init, signal: init.signal ?? AbortSignal.timeout(fetchTimeoutMs) });

async function describeResponse(res) {
  if (!res || typeof res.status !== 'number') return '';
  let body = '';
  try {
    body = await res.clone().text();
  } catch {
    // the audit may already have consumed the body
    body = '<body already read>';
  }
  if (body.length > 500) body = body.slice(0, 500) + '…';
  const ct = res.headers?.get?.('content-type') ?? '';
  return `    response: ${res.status} content-type=${JSON.stringify(ct)} body=${JSON.stringify(body)}`;
}

const audits = serverAudits({ url, fetchFn });
let passed = 0;
let failed = 0; // failed MUSTs (and audits that could not run)
const notices = []; // failed SHOULDs and MAYs

for (const audit of audits) {
  let result;
  try {
    result = await audit.fn();
  } catch (err) {
    // graphql-http treats anything but an assertion as fatal; count it as a
    // failure of this audit and go on with the others.
    result = {
      id: audit.id,
      name: audit.name,
      status: audit.name.startsWith('MUST') ? 'error' : audit.name.startsWith('SHOULD') ? 'warn' : 'notice',
      reason: `audit could not run: ${err?.cause?.message || err?.message || String(err)}`,
    };
  }
  if (result.status === 'ok') {
    passed++;
    continue;
  }
  const line = `[${result.id}] ${result.name}\n    reason: ${result.reason}`;
  const resp = await describeResponse(result.response);
  if (result.status === 'error') {
    failed++;
    console.log(`FAIL ${line}${resp ? '\n' + resp : ''}`);
  } else {
    notices.push(`NOTICE (${result.status}) ${line}${resp ? '\n' + resp : ''}`);
  }
}

for (const n of notices) console.log(n);
console.log(
  `audited ${audits.length} at ${url}: ${passed} ok, ${failed} MUST failed, ` +
    `${notices.length} SHOULD/MAY not met (not required)`,
);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
