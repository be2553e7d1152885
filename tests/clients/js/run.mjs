// What both client scripts share: make a call, record its answer or its error, print JSON lines.
//
// Protocol with tests/clients/test_js_clients.py: every line on stdout is one JSON object.
// {"event": "ask", ...} asks the test to do something (e.g. approve a request token in the
// browser's place) and waits for one line on stdin; {"event": "done", "calls": [...]} ends the run.
import readline from 'node:readline';

const input = readline.createInterface({ input: process.stdin });
const lines = input[Symbol.asyncIterator]();

export const calls = [];

function describe(error) {
  // axios errors carry the HTTP answer; tmdb-ts rejects with the parsed JSON body.
  if (error && error.response) {
    return { status: error.response.status, body: error.response.data };
  }
  if (error && typeof error === 'object' && 'status_code' in error) {
    return { status: null, body: error };
  }
  return { status: null, body: null, message: String(error && error.stack ? error.stack : error) };
}

// Make one call the library offers; record {name, ok, data} or {name, ok: false, error}.
export async function call(name, action) {
  try {
    const data = await action();
    calls.push({ name, ok: true, data: data === undefined ? null : data });
    return data;
  } catch (error) {
    calls.push({ name, ok: false, error: describe(error) });
    return undefined;
  }
}

// Ask the test to do something and wait for its answer line.
export async function ask(what) {
  process.stdout.write(JSON.stringify({ event: 'ask', ...what }) + '\n');
  const next = await lines.next();
  return next.done ? null : JSON.parse(next.value);
}

export function done() {
  process.stdout.write(JSON.stringify({ event: 'done', calls }) + '\n');
  input.close();
}

export function env(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set`);
  }
  return value;
}
