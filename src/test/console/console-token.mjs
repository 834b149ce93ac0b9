// The console behind a management token, in headless Chromium: the browser answers the console's Basic
// challenge with the token as the password (as a user does once in the browser's prompt), then the list and
// a live tail (server-sent events, which carry the same credentials) work. For ConsoleBrowserTest.
// Usage: TOKEN=... node console-token.mjs CONSOLE_URL STREAM
import { chromium } from 'playwright-core';
import { execSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import readline from 'node:readline';

const [consoleUrl, stream] = process.argv.slice(2);
const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const say = message => console.log(JSON.stringify(message));
const hear = async () => (await lines.next()).value;

const executablePath = process.env.CHROMIUM || execSync('command -v chromium', { shell: '/bin/sh' }).toString().trim();
const launch = credentials => chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'tributary-chromium-')), {
  executablePath,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  httpCredentials: credentials
});

// Without the token the page is refused.
const stranger = await launch({ username: 'admin', password: 'not-the-token' });
const refused = await (await stranger.newPage()).goto(`${consoleUrl}/console/`);
say({ step: 'refused', status: refused.status() });
await stranger.close();

const browser = await launch({ username: 'admin', password: process.env.TOKEN });
try {
  const page = await browser.newPage();
  await page.goto(`${consoleUrl}/console/`);
  await page.locator(`tr[data-stream="${stream}"]`).waitFor({ timeout: 10000 });
  await page.goto(`${consoleUrl}/console/#/tail/000000000000/us-east-1/${stream}/shardId-000000000000`);
  await page.locator('#tail-state.live').waitFor({ timeout: 10000 });
  say({ step: 'tailing' });
  const marker = await hear();
  await page.waitForFunction(m => [...document.querySelectorAll('.record-data')].some(e => e.textContent.includes(m)),
    marker, { timeout: 10000 });
  say({ step: 'done' });
} finally {
  await browser.close();
}
process.exit(0);
