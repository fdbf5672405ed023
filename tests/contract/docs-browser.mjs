// Opens /docs in headless Chromium as a reader would: the page must render
// every operation of openapi.yaml, load nothing from elsewhere, and log no
// console error. A screenshot is kept for a reviewer.
//
// usage: node docs-browser.mjs BASE_URL OPENAPI_YAML SCREENSHOT
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { chromium } from 'playwright-core';

const [base, contract, screenshot] = process.argv.slice(2);
if (!screenshot) {
  console.error('usage: node docs-browser.mjs BASE_URL OPENAPI_YAML SCREENSHOT');
  process.exit(2);
}
const doc = parse(readFileSync(contract, 'utf8'));
const methods = ['get', 'put', 'post', 'delete', 'patch'];
const operations = Object.values(doc.paths).flatMap((item) =>
  methods.filter((m) => item[m]).map((m) => item[m].operationId));

const failures = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [], elsewhere = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (req) => { if (!req.url().startsWith(base) && !/^(data|blob):/.test(req.url())) elsewhere.push(req.url()); });

  const response = await page.goto(`${base}/docs`, { waitUntil: 'load' });
  if (response.status() !== 200) failures.push(`/docs answered ${response.status()}`);
  await page.waitForSelector('[data-section-id^="operation/"]', { timeout: 30000 });
  const shown = new Set(await page.$$eval('[data-section-id^="operation/"]',
    (els) => els.map((e) => e.getAttribute('data-section-id').slice('operation/'.length))));
  const missing = operations.filter((id) => !shown.has(id));
  if (missing.length) failures.push(`operations not shown: ${missing.join(', ')}`);
  const title = await page.textContent('h1');
  if (!title || !title.includes(doc.info.title)) failures.push(`the page's title is ${title}`);
  await page.screenshot({ path: screenshot });
  if (errors.length) failures.push(`console errors: ${errors.join('; ')}`);
  if (elsewhere.length) failures.push(`requests elsewhere: ${elsewhere.join(', ')}`);
  console.log(`docs-browser.mjs: ${shown.size} operations shown of ${operations.length}; screenshot ${screenshot}`);
} finally {
  await browser.close();
}
if (failures.length) {
  for (const f of failures) console.error(`docs-browser.mjs: ${f}`);
  process.exit(1);
}
