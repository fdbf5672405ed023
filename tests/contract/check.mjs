#!/usr/bin/env node
// check.mjs — checks the responses the C HTTP tests received against the
// OpenAPI contract.
//
// Usage: node check.mjs OPENAPI_YAML LOG_JSONL
//
// LOG_JSONL holds one JSON object per response:
//   {"method": "GET", "path": "/v1/schools/125678?x=1", "status": 200,
//    "content_type": "application/json; charset=utf-8",
//    "headers": {"etag": "\"1\"", "location": null, ...}, "body": "<raw text>"}
// Header names are matched case-insensitively; a null or missing header is
// absent. For each entry the operation must exist (path template + method),
// the status must be documented, the media type must be one the response
// declares, a JSON body must validate against its schema, and every header
// the response marks required must be present (and match its schema).
// A 404/405 whose body is a valid Problem passes even when no operation
// matches (a test hitting an unknown route on purpose).
//
// Prints failures, per-operation counts, the operations never exercised,
// and "N passed, M failed" as the last line. Exits 1 if any entry failed or
// any operation was never exercised, 2 on bad usage.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const Ajv2020 = Ajv2020Module.default ?? Ajv2020Module;
const addFormats = addFormatsModule.default ?? addFormatsModule;

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const ROOT = 'urn:consortia:openapi';
const UNMATCHED = '(unknown route, 404/405)';
const PREFLIGHT = '(CORS preflight, OPTIONS)';

const [specPath, logPath] = process.argv.slice(2);
if (!specPath || !logPath) {
  console.error('usage: node check.mjs OPENAPI_YAML LOG_JSONL');
  process.exit(2);
}
const doc = YAML.parse(readFileSync(specPath, 'utf8'));

// ---------------------------------------------------------------- $refs

// Follows local $refs of non-schema objects (responses, headers, path items).
function deref(obj) {
  while (obj && typeof obj.$ref === 'string') {
    if (!obj.$ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${obj.$ref}`);
    obj = obj.$ref.slice(2).split('/')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((o, k) => o?.[k], doc);
  }
  return obj;
}

// Points '#/components/schemas/X' at the $defs of the schema registered below.
function rewriteRefs(node) {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')
      ? `${ROOT}#/$defs/${v.slice('#/components/schemas/'.length)}`
      : rewriteRefs(v);
  }
  return out;
}

// ---------------------------------------------------------------- ajv

const ajv = new Ajv2020({ allErrors: true, strictTypes: false, allowUnionTypes: true });
addFormats(ajv);
ajv.addVocabulary(['example', 'xml', 'discriminator', 'externalDocs']); // OpenAPI's own keywords
ajv.addSchema({ $id: ROOT, $defs: rewriteRefs(doc.components?.schemas ?? {}) });

const validators = new Map();
function validatorFor(key, schema) {
  if (!validators.has(key)) validators.set(key, ajv.compile(rewriteRefs(schema ?? {})));
  return validators.get(key);
}

function describe(err) {
  let msg = `${err.instancePath || '(root)'} ${err.message}`;
  if (err.keyword === 'additionalProperties') msg += `: "${err.params.additionalProperty}"`;
  if (err.keyword === 'enum') msg += `: ${err.params.allowedValues.join(', ')}`;
  return msg;
}

// ---------------------------------------------------------------- routes

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Each template becomes a regex; literal segments outrank templated ones,
// position by position, so /v1/schools/import wins over /v1/schools/{urn}.
const routes = Object.entries(doc.paths ?? {}).map(([tpl, item]) => {
  const segs = tpl.split('/').slice(1);
  const re = new RegExp('^' + segs.map((seg) => '/' + seg.split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : escapeRe(part))).join('')).join('') + '$');
  const rank = segs.map((seg) => (seg.includes('{') ? '1' : '0')).join('');
  return { tpl, item: deref(item), re, rank };
}).sort((a, b) => a.rank.localeCompare(b.rank) || a.tpl.localeCompare(b.tpl));

// Every operation, in document order.
const operations = Object.entries(doc.paths ?? {}).flatMap(([tpl, item]) =>
  HTTP_METHODS.filter((m) => deref(item)[m]).map((m) => `${m.toUpperCase()} ${tpl}`));

// ---------------------------------------------------------------- one entry

const isJson = (media) => media === 'application/json' || /\+json$/.test(media ?? '');

// Parses and validates a JSON body; returns the parsed value (or undefined).
function checkJsonBody(body, validate, errs) {
  let value;
  try { value = JSON.parse(body); } catch (e) { errs.push(`body is not JSON: ${e.message}`); return undefined; }
  if (!validate(value)) for (const err of validate.errors) errs.push(`body ${describe(err)}`);
  return value;
}

function problemCheck(entry, media, errs) {
  if (media !== 'application/problem+json') errs.push(`content type ${media} is not application/problem+json`);
  const problem = doc.components?.schemas?.Problem ? { $ref: '#/components/schemas/Problem' } : {};
  const value = checkJsonBody(entry.body ?? '', validatorFor('Problem', problem), errs);
  if (value && typeof value === 'object' && value.status !== undefined && value.status !== entry.status) {
    errs.push(`problem status ${value.status} differs from HTTP status ${entry.status}`);
  }
}

function headerValue(raw, schema) {
  const type = Array.isArray(schema?.type) ? schema.type[0] : schema?.type;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (type === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}

function checkEntry(entry) {
  const errs = [];
  const method = String(entry.method ?? '').toLowerCase();
  const path = String(entry.path ?? '').split(/[?#]/)[0];
  const status = Number(entry.status);
  const media = entry.content_type ? entry.content_type.split(';')[0].trim().toLowerCase() : null;
  const body = entry.body ?? '';
  const headers = Object.fromEntries(Object.entries(entry.headers ?? {})
    .map(([k, v]) => [k.toLowerCase(), v]));

  const route = routes.find((r) => r.re.test(path));
  // HEAD is served like GET without a body when the contract has no HEAD.
  const opMethod = route && !route.item[method] && method === 'head' && route.item.get ? 'get' : method;
  const op = route?.item[opMethod];
  // CORS preflight: answered for every documented path, listing its methods.
  if (method === 'options' && route && status === 204) {
    const documented = Object.keys(route.item).filter((m) => HTTP_METHODS.includes(m)).map((m) => m.toUpperCase());
    // HEAD is answered wherever GET is (RFC 9110 9.3.2), and listed with it
    if (documented.includes('GET') && !documented.includes('HEAD')) documented.push('HEAD');
    const allow = String(headers.allow ?? '').split(',').map((m) => m.trim()).filter(Boolean);
    if (allow.sort().join() !== documented.sort().join()) {
      errs.push(`Allow "${headers.allow}" differs from the documented methods ${documented.join(', ')}`);
    }
    return { key: PREFLIGHT, errs };
  }
  if (!op) {
    if (status === 404 || status === 405) { problemCheck(entry, media, errs); return { key: UNMATCHED, errs }; }
    errs.push(route ? `method ${method.toUpperCase()} is not defined for ${route.tpl}` : `no path matches ${path}`);
    return { key: null, errs };
  }
  const key = `${opMethod.toUpperCase()} ${route.tpl}`;

  const responses = op.responses ?? {};
  const resp = deref(responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default);
  if (!resp) {
    errs.push(`status ${status} is not documented (documented: ${Object.keys(responses).join(', ')})`);
    return { key, errs };
  }

  for (const [name, ref] of Object.entries(resp.headers ?? {})) {
    const h = deref(ref);
    const raw = headers[name.toLowerCase()];
    if (raw === undefined || raw === null) {
      if (h.required) errs.push(`required header ${name} is missing`);
      continue;
    }
    if (h.schema) {
      const validate = validatorFor(`${key} ${status} header ${name}`, h.schema);
      if (!validate(headerValue(String(raw), h.schema))) {
        for (const err of validate.errors) errs.push(`header ${name} ${describe(err).replace('(root) ', '')} (got ${raw})`);
      }
    }
  }

  const content = resp.content ?? {};
  const noBody = status === 204 || status === 304 || method === 'head';
  if (noBody || Object.keys(content).length === 0) {
    if (body !== '' && method !== 'head') errs.push(`expected no body for ${status}, got ${body.length} bytes`);
    return { key, errs };
  }
  if (!media) {
    errs.push(`no Content-Type (expected one of ${Object.keys(content).join(', ')})`);
    return { key, errs };
  }
  if (!content[media]) {
    errs.push(`content type ${media} is not documented for ${status} (documented: ${Object.keys(content).join(', ')})`);
    return { key, errs };
  }
  if (isJson(media)) {
    const value = checkJsonBody(body, validatorFor(`${key} ${status} ${media}`, content[media].schema), errs);
    if (media === 'application/problem+json' && value?.status !== undefined && value.status !== status) {
      errs.push(`problem status ${value.status} differs from HTTP status ${status}`);
    }
    // The ETag names the version (a record's) and digests the body's bytes.
    const etag = headers.etag;
    if (value && etag) {
      const digest = createHash('sha256').update(Buffer.from(body, 'utf8')).digest('hex').slice(0, 16);
      const want = Number.isInteger(value.version) ? `"${value.version}-${digest}"` : `"${digest}"`;
      if (etag !== want) errs.push(`ETag ${etag} is not the body's: ${want}`);
    }
  } else if (typeof body !== 'string' || body.trim() === '') {
    errs.push(`${media} body is empty`);
  }
  return { key, errs };
}

// ---------------------------------------------------------------- main

const counts = new Map([...operations, UNMATCHED, PREFLIGHT].map((k) => [k, { ok: 0, fail: 0 }]));
let passed = 0;
let failed = 0;

readFileSync(logPath, 'utf8').split('\n').forEach((line, i) => {
  if (line.trim() === '') return;
  let entry;
  let result;
  try {
    entry = JSON.parse(line);
    result = checkEntry(entry);
  } catch (e) {
    result = { key: null, errs: [`entry is not readable: ${e.message}`] };
  }
  const c = result.key && counts.get(result.key);
  if (result.errs.length === 0) {
    passed++;
    if (c) c.ok++;
    return;
  }
  failed++;
  if (c) c.fail++;
  const what = entry ? `${entry.method} ${entry.path} -> ${entry.status}` : '(unparsable)';
  console.log(`FAIL ${logPath}:${i + 1}: ${what}`);
  for (const err of result.errs) console.log(`     ${err}`);
});

console.log('\nper operation (ok / failed):');
for (const [key, c] of counts) {
  if ((key === UNMATCHED || key === PREFLIGHT) && c.ok + c.fail === 0) continue;
  console.log(`  ${String(c.ok).padStart(4)} / ${String(c.fail).padEnd(4)} ${key}`);
}

const never = operations.filter((k) => counts.get(k).ok + counts.get(k).fail === 0);
if (never.length > 0) {
  console.log(`\nNEVER EXERCISED (${never.length} of ${operations.length} operations):`);
  for (const k of never) console.log(`  ${k}`);
} else {
  console.log(`\nall ${operations.length} operations exercised`);
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || never.length > 0 ? 1 : 0);
