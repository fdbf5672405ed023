// Opens a region's strategic plan as its printable page in a real (headless)
// Chromium, in Welsh (Accept-Language: cy) as the region's officer would,
// and checks what it shows against the JSON report of the same day in
// Welsh: the plan's title, every strand with its aim, every work area with
// its criteria, every action and sub-action with its level and progress
// (overdue marked), the continuum profile's counts, the actions at risk or
// overdue; the page's own words in Welsh; no console errors and no request
// the page's policy refused. A screenshot is kept for a reviewer.
//
// usage: node plan-browser.mjs BASE_URL TOKEN FIXTURE SCREENSHOT
// FIXTURE holds "<plan id> <region id> <as_of>", written by the HTTP tests.
import { readFileSync } from 'node:fs';
import { expectReportPage, openPage } from './browser.mjs';

const [base, token, fixture, screenshot] = process.argv.slice(2);
if (!screenshot) {
  console.error('usage: node plan-browser.mjs BASE_URL TOKEN FIXTURE SCREENSHOT');
  process.exit(2);
}
const [plan, , asOf] = readFileSync(fixture, 'utf8').trim().split(/\s+/);
const path = `/v1/strategic-plans/${plan}/report?as_of=${asOf}`;
const welsh = { 'Accept-Language': 'cy' };

const failures = [];
const expect = (ok, what) => { if (!ok) failures.push(what); };

const res = await fetch(base + path, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...welsh } });
expect(res.headers.get('content-language') === 'cy', 'the JSON report answers in Welsh');
const json = await res.json();
const actions = json.strands.flatMap((s) => s.work_areas.flatMap((w) => w.actions.flatMap((a) => [a, ...a.sub_actions])));
expect(actions.length > 0, 'the JSON report has actions');
expect(json.attention.length > 0, 'the JSON report has an action at risk or overdue');

const { browser, page, response, consoleErrors: console_errors } = await openPage(base, path, token, welsh);
try {
  expectReportPage(response, expect);
  expect(response.headers()['content-language'] === 'cy', 'the page says it is in Welsh');
  expect((await page.getAttribute('html', 'lang')) === 'cy', 'the document is marked lang="cy"');
  expect((await page.title()) === json.plan.title, `the title is the plan's Welsh title ${json.plan.title}`);
  expect((await page.textContent('[data-field="status"]')).length > 0, 'the page shows the status');

  // every strand, its aim; every work area with its criteria
  for (const s of json.strands) {
    const sec = await page.$(`section.strand[data-id="${s.id}"]`);
    if (!sec) { failures.push(`no section for strand ${s.number}`); continue; }
    const heading = await sec.$eval('h2', (h) => h.textContent);
    expect(heading === `Llinyn ${s.number}: ${s.name}`, `strand ${s.number} heading reads ${heading}`);
    if (s.aim) expect((await sec.$eval('p.aim', (p) => p.textContent)) === s.aim, `strand ${s.number} aim`);
    for (const w of s.work_areas) {
      const row = await sec.$(`tr.work_area[data-id="${w.id}"]`);
      if (!row) { failures.push(`no row for work area ${w.id}`); continue; }
      expect((await row.$$('ul.criteria li')).length === w.criteria.length, `work area ${w.id} criteria`);
    }
  }

  // every action and sub-action: its level and where it stands
  for (const a of actions) {
    const cell = await page.$(`td.action[data-id="${a.id}"]`);
    if (!cell) { failures.push(`no cell for action ${a.id}`); continue; }
    const level = await cell.$eval('[data-field="level"]', (e) => e.dataset.value);
    expect(level === a.level, `action ${a.id} level: page ${level}, JSON ${a.level}`);
    const p = await page.evaluate((id) => document.querySelector(`td.action[data-id="${id}"]`)
      .parentElement.querySelector('[data-field="progress"]').dataset.state, a.id);
    expect(p === a.progress, `action ${a.id} progress: page ${p}, JSON ${a.progress}`);
    const overdue = await page.evaluate((id) => document.querySelector(`td.action[data-id="${id}"]`)
      .parentElement.querySelector('[data-field="progress"]').classList.contains('overdue'), a.id);
    expect(overdue === a.overdue, `action ${a.id} overdue: page ${overdue}, JSON ${a.overdue}`);
  }

  // the continuum profile's counts, and the actions needing attention
  for (const row of json.profile) {
    for (const k of ['networking', 'coordination', 'cooperation', 'collaboration', 'full_integration', 'total']) {
      const v = await page.$eval(`table.profile tr[data-strand="${row.strand_number}"] [data-field="${k}"]`,
                                 (td) => td.dataset.value);
      expect(Number(v) === row[k], `profile strand ${row.strand_number} ${k}: page ${v}, JSON ${row[k]}`);
    }
  }
  const rows = await page.$$('table.attention tbody tr');
  expect(rows.length === json.attention.length, `attention: ${rows.length} rows, ${json.attention.length} in the JSON`);
  for (const a of json.attention)
    expect(await page.$(`table.attention tr[data-id="${a.id}"]`) !== null, `attention: no row for ${a.id}`);

  // the page's own words are Welsh
  const text = await page.textContent('body');
  for (const words of ['Maes gwaith', 'Meini prawf llwyddiant', 'Cynnydd', 'Proffil y continwwm'])
    expect(text.includes(words), `the page says ${words}`);
  expect(!text.includes('Work area'), 'no English label is left');
  expect(console_errors.length === 0, `console errors: ${console_errors.join('; ')}`);
  await page.screenshot({ path: screenshot, fullPage: true });
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(`plan-browser.mjs: ${failures.length} failures:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`plan-browser.mjs: plan ${plan} as of ${asOf} shown in Welsh as its JSON says; screenshot ${screenshot}`);
