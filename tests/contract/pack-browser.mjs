// Opens an Area Analysis Group's pack for a meeting as a printable page in a
// real (headless) Chromium, as a member of the AAG would from a link, and
// checks what it shows against the JSON pack of the same meeting: the
// meeting and since when, every vulnerable school with its support and
// reviews, every panel outcome, issue, request and evaluation, every new
// head with their support; no console errors and no request the page's
// policy refused. A screenshot is kept for a reviewer.
//
// usage: node pack-browser.mjs BASE_URL TOKEN FIXTURE SCREENSHOT
// FIXTURE holds "<body id> <meeting id> <person id>" (a member of the body),
// written by the HTTP tests.
import { readFileSync } from 'node:fs';
import { expectReportPage, openPage } from './browser.mjs';

const [base, token, fixture, screenshot] = process.argv.slice(2);
if (!screenshot) {
  console.error('usage: node pack-browser.mjs BASE_URL TOKEN FIXTURE SCREENSHOT');
  process.exit(2);
}
const [body, meeting] = readFileSync(fixture, 'utf8').trim().split(/\s+/);
const path = `/v1/bodies/${body}/pack?meeting=${meeting}`;
const auth = { Authorization: `Bearer ${token}` };

const failures = [];
const expect = (ok, what) => { if (!ok) failures.push(what); };

const json = await (await fetch(base + path, { headers: { ...auth, Accept: 'application/json' } })).json();
expect(json.vulnerable_schools && json.vulnerable_schools.length > 0, 'the JSON pack has a vulnerable school');
expect(json.new_heads && json.new_heads.length > 0, 'the JSON pack has a new head');

const { browser, page, response, consoleErrors: console_errors } = await openPage(base, path, token);
try {
  expectReportPage(response, expect);
  expect((await page.title()).includes(json.body_name), `the title names the AAG ${json.body_name}`);
  expect((await page.textContent('[data-field="held_on"]')) === json.held_on, 'the page shows the meeting day');
  const since = await page.textContent('[data-field="since"]');
  expect(since === (json.since ?? 'the start'), `the page shows since ${since}, JSON ${json.since}`);
  const received = await page.textContent('[data-field="received"]');
  expect(received === (json.received ? 'Received at this meeting.' : 'Not yet received.'), `received reads ${received}`);

  // every vulnerable school, its support with its cost, and each review's rating
  for (const school of json.vulnerable_schools) {
    const art = await page.$(`article.vulnerable[data-school-urn="${school.school_urn}"]`);
    if (!art) { failures.push(`no section for school ${school.school_urn}`); continue; }
    for (const s of school.support) {
      const div = await art.$(`div.support[data-id="${s.id}"]`);
      if (!div) { failures.push(`no support ${s.id}`); continue; }
      if (s.cost_pence !== null) {
        const cost = await div.$eval('[data-field="cost_pence"]', (e) => e.dataset.value);
        expect(Number(cost) === s.cost_pence, `support ${s.id} cost: page ${cost}, JSON ${s.cost_pence}`);
      }
      for (const r of s.reviews) {
        const row = await div.$(`table.reviews tr[data-id="${r.id}"]`);
        if (!row) { failures.push(`no review ${r.id}`); continue; }
        const rating = await row.$eval('[data-field="rating"]', (td) => td.textContent);
        expect(rating === r.rating.replaceAll('_', ' '), `review ${r.id} rating: page ${rating}, JSON ${r.rating}`);
      }
    }
  }

  // one row per item of each list, by id
  for (const list of ['panel_outcomes', 'development_issues', 'assistance_requests', 'evaluations']) {
    const rows = await page.$$(`table.${list} tbody tr`);
    expect(rows.length === json[list].length, `${list}: ${rows.length} rows, ${json[list].length} in the JSON`);
    for (const it of json[list])
      expect(await page.$(`table.${list} tr[data-id="${it.id}"]`) !== null, `${list}: no row for ${it.id}`);
  }
  for (const p of json.panel_outcomes) {
    const n = await page.$eval(`table.panel_outcomes tr[data-id="${p.id}"] [data-field="pupils_considered"]`,
                               (td) => td.textContent);
    expect(Number(n) === p.pupils_considered, `panel ${p.id} pupils: page ${n}, JSON ${p.pupils_considered}`);
  }

  // every new head, and how much support they had since; none stands out
  for (const h of json.new_heads) {
    const cell = await page.$(`table.new_heads tr[data-person-id="${h.person_id}"] [data-field="support"]`);
    if (!cell) { failures.push(`no row for new head ${h.person_id}`); continue; }
    const n = await cell.evaluate((td) => td.dataset.value);
    expect(Number(n) === h.support.length, `head ${h.person_id} support: page ${n}, JSON ${h.support.length}`);
    if (h.support.length === 0) {
      const color = await cell.$eval('span', (s) => getComputedStyle(s).color);
      expect(color === 'rgb(187, 0, 0)', `a head with no support is shown in red (got ${color})`);
    }
  }

  await page.screenshot({ path: screenshot, fullPage: true });
  expect(console_errors.length === 0, `no console errors (${console_errors.join('; ')})`);
} finally {
  await browser.close();
}

if (failures.length) {
  for (const f of failures) console.error(`pack-browser.mjs: ${f}`);
  process.exit(1);
}
console.log(`pack-browser.mjs: body ${body}'s pack for meeting ${meeting} shown as its JSON says; screenshot ${screenshot}`);
