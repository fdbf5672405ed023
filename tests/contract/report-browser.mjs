// Opens an area's HTML report in a real (headless) Chromium, as an
// officer would from a link, and checks what the page shows against the
// JSON report of the same area and year: every money and count cell, the
// chart's bars, no console errors and no request the page's policy refused.
// A screenshot is kept for a reviewer.
//
// usage: node report-browser.mjs BASE_URL TOKEN FIXTURE SCREENSHOT
// FIXTURE holds "<area id> <academic year>", written by the HTTP tests.
import { readFileSync } from 'node:fs';
import { expectReportPage, openPage } from './browser.mjs';

const [base, token, fixture, screenshot] = process.argv.slice(2);
if (!screenshot) {
  console.error('usage: node report-browser.mjs BASE_URL TOKEN FIXTURE SCREENSHOT');
  process.exit(2);
}
const [area, year] = readFileSync(fixture, 'utf8').trim().split(/\s+/);
const path = `/v1/areas/${area}/report?academic_year=${encodeURIComponent(year)}`;
const auth = { Authorization: `Bearer ${token}` };

const failures = [];
const expect = (ok, what) => { if (!ok) failures.push(what); };

const json = await (await fetch(base + path, { headers: { ...auth, Accept: 'application/json' } })).json();
expect(Array.isArray(json.groups) && json.groups.length > 0, 'the JSON report has groups');

const { browser, page, response, consoleErrors: console_errors } = await openPage(base, path, token);
try {
  expectReportPage(response, expect);
  expect((await page.title()).includes(json.area.name), `the title names the area ${json.area.name}`);
  expect((await page.textContent('[data-field="academic_year"]')) === year, 'the page shows the year');

  const cells = {
    school_count: (g) => g.school_count,
    allocated_pence: (g) => g.money.allocated_pence,
    paid_pence: (g) => g.money.paid_pence,
    spent_pence: (g) => g.money.spent_pence,
    plans_submitted: (g) => g.plans.submitted,
    plans_accepted: (g) => g.plans.accepted,
    plans_late: (g) => g.plans.late,
    evaluations_reported: (g) => g.evaluations.reported,
    evaluations_overdue: (g) => g.evaluations.overdue,
  };
  const rows = await page.$$('table.groups tbody tr');
  expect(rows.length === json.groups.length, `one row per group (${rows.length} rows, ${json.groups.length} groups)`);
  for (const g of json.groups) {
    const row = await page.$(`tr[data-group-id="${g.id}"]`);
    if (!row) { failures.push(`no row for group ${g.id}`); continue; }
    for (const [field, value] of Object.entries(cells)) {
      const shown = await row.$eval(`[data-field="${field}"]`, (td) => td.dataset.value);
      expect(Number(shown) === value(g), `group ${g.id} ${field}: page ${shown}, JSON ${value(g)}`);
    }
    // Money is also shown to a person in pounds, to the penny.
    const text = await row.$eval('[data-field="allocated_pence"]', (td) => td.textContent);
    const pounds = (g.money.allocated_pence / 100).toLocaleString('en-GB',
      { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    expect(text.replace(/[£\s]/g, '') === pounds, `group ${g.id} allocated reads ${text}, expected £${pounds}`);
    for (const m of g.meetings) {
      const held = await row.$eval(`[data-term="${m.term}"]`, (s) => s.dataset.value);
      expect(Number(held) === m.held, `group ${g.id} ${m.term} meetings: page ${held}, JSON ${m.held}`);
    }
  }

  // The chart draws a bar for each group's allocation, and it is visible.
  const chart = await page.$('svg.chart');
  expect(chart !== null && await chart.isVisible(), 'the chart is drawn');
  if (chart) {
    const box = await chart.boundingBox();
    expect(box && box.width > 100 && box.height > 20, 'the chart has a size');
    const bars = await page.$$eval('svg.chart rect.allocated', (r) => r.length);
    expect(bars >= json.groups.filter((g) => g.money.allocated_pence > 0).length,
           'a bar for every group with money');
  }

  const vulnerable = await page.$$('table.vulnerable tbody tr');
  expect(vulnerable.length === json.vulnerable_schools.length, 'one row per vulnerable school');

  await page.screenshot({ path: screenshot, fullPage: true });
  expect(console_errors.length === 0, `no console errors (${console_errors.join('; ')})`);
} finally {
  await browser.close();
}

if (failures.length) {
  for (const f of failures) console.error(`report-browser.mjs: ${f}`);
  process.exit(1);
}
console.log(`report-browser.mjs: area ${area} ${year} shown as its JSON says; screenshot ${screenshot}`);
