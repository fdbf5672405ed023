// What the browser checks share: a headless Chromium with a bearer token on
// every request (and any other headers given), the page opened at a path, and
// the console errors it logs.
import { chromium } from 'playwright-core';

export async function openPage(base, path, token, headers = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage({ extraHTTPHeaders: { Authorization: `Bearer ${token}`, ...headers },
                                       viewport: { width: 1280, height: 900 } });
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  const response = await page.goto(base + path, { waitUntil: 'load' });
  return { browser, page, response, consoleErrors };
}

// The checks every report page passes: 200, HTML, its content security policy.
export function expectReportPage(response, expect) {
  expect(response.status() === 200, `the page answers 200 (got ${response.status()})`);
  expect((response.headers()['content-type'] || '').startsWith('text/html'), 'the page is HTML');
  expect(/default-src 'none'/.test(response.headers()['content-security-policy'] || ''),
         'the page carries its content security policy');
}
