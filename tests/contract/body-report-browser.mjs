// Opens a body's HTML report in a real (headless) Chromium, as an officer
// would from a link, and checks what the page shows against the JSON
// report of the same body, year and day: the meetings held and each
// period's status, every member's attendance, the overdue actions, the
// verdict; no console errors and no request the page's policy refused. A
// screenshot is kept for a reviewer.
//
// usage: node body-report-browser.mjs BASE_URL TOKEN FIXTURE SCREENSHOT
// FIXTURE holds "<body id> <academic year> <as of>", written by the HTTP tests.
import { readFileSync } from 'node:fs';
import { expectReportPage, openPage } from './browser.mjs';

const [base, token, fixture, screenshot] = process.argv.slice(2);
if (!screenshot) {
  console.error('usage: node body-report-browser.mjs BASE_URL TOKEN FIXTURE SCREENSHOT');
  process.exit(2);
}
const [body, year, asOf] = readFileSync(fixture, 'utf8').trim().split(/\s+/);
const path = `/v1/bodies/${body}/report?academic_year=${encodeURIComponent(year)}&as_of=${asOf}`;
const auth = { Authorization: `Bearer ${token}` };

const failures = [];
const expect = (ok, what) => { if (!ok) failures.push(what); };

const json = await (await fetch(base + path, { headers: { ...auth, Accept: 'application/json' } })).json();
expect(json.attendance && json.attendance.members.length > 0, 'the JSON report has members');

const { browser, page, response, consoleErrors: console_errors } = await openPage(base, path, token);
try {
  expectReportPage(response, expect);
  expect((await page.title()).includes(json.body.name), `the title names the body ${json.body.name}`);
  expect((await page.textContent('[data-field="academic_year"]')) === year, 'the page shows the year');
  expect((await page.textContent('[data-field="as_of"]')) === asOf, 'the page shows the day');
  const verdict = await page.textContent('[data-field="below_target"]');
  expect(verdict === (json.below_target ? 'Below target.' : 'On target so far.'), `the verdict reads ${verdict}`);

  // each term and the year: held, and the status against the target
  const periods = [...json.meetings.terms.map((t) => [t.term, t.held, t.status]),
                   ['year', json.meetings.held, json.meetings.status]];
  for (const [term, held, status] of periods) {
    const row = await page.$(`table.meetings tr[data-term="${term}"]`);
    if (!row) { failures.push(`no row for ${term}`); continue; }
    const shown = await row.$eval('[data-field="held"]', (td) => td.dataset.value);
    expect(Number(shown) === held, `${term} held: page ${shown}, JSON ${held}`);
    const st = await row.$eval('[data-field="status"]', (td) => td.dataset.status);
    expect(st === status, `${term} status: page ${st}, JSON ${status}`);
  }

  // every member's line, and a missed target stands out
  const rows = await page.$$('table.attendance tbody tr');
  expect(rows.length === json.attendance.members.length,
         `one row per member (${rows.length} rows, ${json.attendance.members.length} members)`);
  for (const m of json.attendance.members) {
    const row = await page.$(`tr[data-person-id="${m.person_id}"]`);
    if (!row) { failures.push(`no row for person ${m.person_id}`); continue; }
    for (const field of ['meetings', 'attended', 'apologies']) {
      const shown = await row.$eval(`[data-field="${field}"]`, (td) => td.dataset.value);
      expect(Number(shown) === m[field], `person ${m.person_id} ${field}: page ${shown}, JSON ${m[field]}`);
    }
    const pct = await row.$eval('[data-field="percent"]', (td) => td.dataset.value);
    expect(m.percent === null ? pct === undefined : Math.abs(Number(pct) - m.percent) < 0.05,
           `person ${m.person_id} percent: page ${pct}, JSON ${m.percent}`);
    if (m.status === 'missed') {
      const color = await row.$eval('[data-field="status"]', (td) => getComputedStyle(td).color);
      expect(color === 'rgb(187, 0, 0)', `a missed target is shown in red (got ${color})`);
    }
  }
  const overdue = await page.$$('table.overdue tbody tr');
  expect(overdue.length === json.overdue_actions.length, 'one row per overdue action');

  await page.screenshot({ path: screenshot, fullPage: true });
  expect(console_errors.length === 0, `no console errors (${console_errors.join('; ')})`);
} finally {
  await browser.close();
}

if (failures.length) {
  for (const f of failures) console.error(`body-report-browser.mjs: ${f}`);
  process.exit(1);
}
console.log(`body-report-browser.mjs: body ${body} ${year} as of ${asOf} shown as its JSON says; screenshot ${screenshot}`);
