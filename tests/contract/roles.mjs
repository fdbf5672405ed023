#!/usr/bin/env node
// roles.mjs — calls every operation of openapi.yaml that names its roles
// (x-roles) with a token of every role, and checks that the roles it
// leaves out are refused (403, a problem) and the roles it names are let
// in (neither 401 nor 403): function-level authorization, route by route,
// as the contract states it.
//
// Usage: node roles.mjs OPENAPI_YAML BASE_URL TOKENS_JSON
//
// TOKENS_JSON maps each role to a bearer token: a chair's names a group
// (its writes need one), a member's a body and a person. Path parameters
// name records that do not exist and writes carry an empty object with an
// If-Match no record has, so a call let in is refused further on (404,
// 400, 412, 415, 422) and changes nothing.
import { readFileSync } from 'node:fs';
import YAML from 'yaml';

const [contractPath, base, tokensJson] = process.argv.slice(2);
if (!tokensJson) {
  console.error('usage: node roles.mjs OPENAPI_YAML BASE_URL TOKENS_JSON');
  process.exit(2);
}
const contract = YAML.parse(readFileSync(contractPath, 'utf8'));
const tokens = JSON.parse(tokensJson);
const roles = Object.keys(tokens);
const failures = [];
let calls = 0, operations = 0;

// A value for a path parameter that names no record, within its schema.
function nowhere(param) {
  const p = param.$ref ? contract.components.parameters[param.$ref.split('/').pop()] : param;
  const max = p.schema && p.schema.maximum;
  return max && max < 1000000000 ? String(max) : '999999999';
}

for (const [path, item] of Object.entries(contract.paths)) {
  for (const method of ['get', 'post', 'patch', 'put', 'delete']) {
    const op = item[method];
    // a public operation (no token) names no roles
    if (!op || !Array.isArray(op['x-roles']) || op['x-roles'].length === 0) continue;
    operations++;
    let url = path;
    for (const param of [...(item.parameters || []), ...(op.parameters || [])]) {
      const p = param.$ref ? contract.components.parameters[param.$ref.split('/').pop()] : param;
      if (p.in === 'path') url = url.replace(`{${p.name}}`, nowhere(param));
    }
    for (const role of roles) {
      const headers = { Authorization: `Bearer ${tokens[role]}`, Accept: 'application/json', 'If-Match': '"999"' };
      let body;
      if (method !== 'get' && method !== 'delete') {
        headers['Content-Type'] = 'application/json';
        body = '{}';
      }
      const res = await fetch(base + url, { method: method.toUpperCase(), headers, body });
      const text = await res.text();
      calls++;
      const allowed = op['x-roles'].includes(role);
      if (allowed && (res.status === 401 || res.status === 403))
        failures.push(`${method.toUpperCase()} ${path} as ${role}: ${res.status}, but x-roles lets it in: ${text}`);
      if (!allowed && res.status !== 403)
        failures.push(`${method.toUpperCase()} ${path} as ${role}: ${res.status}, but x-roles leaves it out`);
      if (!allowed && !/problem\+json/.test(res.headers.get('content-type') || ''))
        failures.push(`${method.toUpperCase()} ${path} as ${role}: the refusal is not a problem`);
    }
  }
}

if (failures.length) {
  for (const f of failures) console.error(`roles.mjs: ${f}`);
  process.exit(1);
}
console.log(`roles.mjs: ${operations} operations, ${roles.length} roles, ${calls} calls: each role let in or refused as x-roles says`);
