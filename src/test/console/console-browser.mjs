// Drives the Tributary web console in headless Chromium (Debian's, through playwright-core), for
// io.tributary.console.ConsoleBrowserTest. Talks to the test over lines: it prints one JSON object per
// step ({"step": ...}) and, where the test must act through the API, waits for a line on stdin.
// Usage: node console-browser.mjs CONSOLE_URL STREAM ACCOUNT REGION SCREENSHOT_DIR
import { chromium } from 'playwright-core';
import { execSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import readline from 'node:readline';

const [consoleUrl, stream, account, region, shots] = process.argv.slice(2);
const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const say = message => console.log(JSON.stringify(message));
const hear = async () => (await lines.next()).value;
const streamPath = `${account}/${region}/${stream}`;

const executablePath = process.env.CHROMIUM || execSync('command -v chromium', { shell: '/bin/sh' }).toString().trim();
// A fresh profile directory each run (playwright passes it to Chromium as --user-data-dir).
const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'tributary-chromium-')), {
  executablePath,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  viewport: { width: 1360, height: 900 },
  deviceScaleFactor: 1
});
try {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', e => problems.push(`page error: ${e.message}`));
  // The refused split is answered 400 on purpose; Chromium logs every failed fetch.
  page.on('console', m => {
    if (m.type() === 'error' && !/status of 400/.test(m.text())) problems.push(`console error: ${m.text()}`);
  });

  // 1. The stream created through the API is listed.
  await page.goto(`${consoleUrl}/console`);
  const row = page.locator(`tr[data-stream="${stream}"]`);
  await row.waitFor({ timeout: 10000 });
  say({ step: 'listed', row: (await row.innerText()).replace(/\s+/g, ' ') });
  await hear();  // the test has traffic running: let the list show its rates
  await page.waitForTimeout(2500);
  await page.setViewportSize({ width: 1360, height: 420 });
  await page.screenshot({ path: join(shots, 'console-streams.png') });
  await page.setViewportSize({ width: 1360, height: 900 });

  // Creating a stream whose name is taken shows the API's refusal; a new name is created and listed.
  await page.click('#action-create');
  await page.fill('#field-name', stream);
  await page.click('#dialog-submit');
  await page.locator('#dialog-error:not([hidden])').waitFor({ timeout: 10000 });
  const taken = await page.locator('#dialog-error').innerText();
  await page.fill('#field-name', 'from-console');
  await page.fill('#field-shards', '3');
  await page.click('#dialog-submit');
  await page.locator('tr[data-stream="from-console"]').waitFor({ timeout: 10000 });
  say({ step: 'created', taken });
  await hear();

  // 2. A record put through the API shows in the live tail of its shard.
  await page.goto(`${consoleUrl}/console/#/tail/${streamPath}/shardId-000000000000`);
  await page.locator('#tail-state.live').waitFor({ timeout: 10000 });
  say({ step: 'tailing' });
  const marker = await hear();
  const appeared = await page.waitForFunction(m => [...document.querySelectorAll('.record-data')]
    .some(e => e.textContent.includes(m)), marker, { timeout: 10000, polling: 'raf' }).then(() => Date.now());
  await page.waitForTimeout(1500);
  const kinds = await page.locator('.record .badge').allInnerTexts();
  await page.setViewportSize({ width: 1360, height: 680 });
  await page.screenshot({ path: join(shots, 'console-tail.png') });
  await page.setViewportSize({ width: 1360, height: 900 });
  say({ step: 'tailed', appeared, kinds });

  // 3. The stream page: lineage and charts; a refused split shows AWS's message; a split is made.
  await page.goto(`${consoleUrl}/console/#/stream/${streamPath}`);
  await page.locator('#lineage svg g.shard').first().waitFor({ timeout: 10000 });
  await page.click('#action-split');
  await page.selectOption('#field-shard', 'shardId-000000000000');
  await page.fill('#field-key', '0');
  await page.click('#dialog-submit');
  await page.locator('#dialog-error:not([hidden])').waitFor({ timeout: 10000 });
  const refusal = await page.locator('#dialog-error').innerText();
  await page.click('#dialog-cancel');
  say({ step: 'refused', refusal });

  await page.click('#action-split');
  await page.selectOption('#field-shard', 'shardId-000000000000');
  await page.click('#dialog-submit');
  await page.locator('#dialog').waitFor({ state: 'hidden', timeout: 10000 });
  await page.waitForFunction(() => document.querySelectorAll('#lineage svg g.shard').length === 4, null, { timeout: 10000 });
  say({ step: 'split' });
  await hear();  // the test checked ListShards

  // 4. Retention and a merge of the two children, each through its dialog.
  await page.click('#action-retention');
  await page.fill('#field-hours', '48');
  await page.click('#dialog-submit');
  await page.locator('#dialog').waitFor({ state: 'hidden', timeout: 10000 });
  say({ step: 'retention' });
  await hear();
  await page.click('#action-merge');
  await page.selectOption('#field-pair', 'shardId-000000000002 shardId-000000000003');
  await page.click('#dialog-submit');
  await page.locator('#dialog').waitFor({ state: 'hidden', timeout: 10000 });
  await page.waitForFunction(() => document.querySelectorAll('#lineage svg g.shard').length === 5, null, { timeout: 10000 });
  say({ step: 'merged' });
  await hear();  // traffic and a reader keep running for the charts
  await page.waitForTimeout(20000);
  await page.screenshot({ path: join(shots, 'console-stream.png'), fullPage: true });

  // 5. UpdateShardCount on a stream of another account and region acts there.
  await page.goto(`${consoleUrl}/console/#/stream/111111111111/eu-west-1/audit-log`);
  await page.click('#action-scale');
  await page.fill('#field-target', '2');
  await page.click('#dialog-submit');
  await page.locator('#dialog').waitFor({ state: 'hidden', timeout: 10000 });
  say({ step: 'scaled' });
  await hear();

  // 6. Deleting asks for the stream's name first.
  await page.goto(`${consoleUrl}/console/#/stream/${account}/${region}/scratch`);
  await page.click('#action-delete');
  await page.fill('#field-confirm', 'not-its-name');
  await page.click('#dialog-submit');
  await page.locator('#dialog-error:not([hidden])').waitFor({ timeout: 10000 });
  const unconfirmed = await page.locator('#dialog-error').innerText();
  await page.fill('#field-confirm', 'scratch');
  await page.click('#dialog-submit');
  await page.waitForFunction(() => location.hash === '#/', null, { timeout: 10000 });
  say({ step: 'deleted', unconfirmed });
  await hear();
  say({ step: 'done', problems });
} finally {
  await browser.close();
}
process.exit(0);
