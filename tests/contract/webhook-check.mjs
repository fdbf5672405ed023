// Checks the webhooks the tests' receiver took (each signed, kept one per
// line by tests/http/receiver.c) against the contract's `webhooks`: each
// body against its event type's request body schema, each header against
// its parameter's schema, and every event type of the contract received at
// least once.
//
// usage: node webhook-check.mjs OPENAPI_YAML DELIVERIES_JSONL
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const Ajv2020 = Ajv2020Module.default ?? Ajv2020Module;
const addFormats = addFormatsModule.default ?? addFormatsModule;
const [specPath, logPath] = process.argv.slice(2);
if (!specPath || !logPath) {
  console.error('usage: node webhook-check.mjs OPENAPI_YAML DELIVERIES_JSONL');
  process.exit(2);
}
const doc = YAML.parse(readFileSync(specPath, 'utf8'));
const hooks = doc.webhooks ?? {};
const ajv = new Ajv2020({ allErrors: true, strictTypes: false, allowUnionTypes: true });
addFormats(ajv);
const validators = {};
for (const [type, item] of Object.entries(hooks)) {
  const op = item.post;
  validators[type] = {
    body: ajv.compile(op.requestBody.content['application/json'].schema),
    headers: (op.parameters ?? []).filter((p) => p.in === 'header').map((p) => [p.name, ajv.compile(p.schema)]),
  };
}
const failures = [];
const seen = {};
const lines = readFileSync(logPath, 'utf8').split('\n').filter(Boolean);
lines.forEach((line, i) => {
  const d = JSON.parse(line);
  let body;
  try {
    body = JSON.parse(d.body);
  } catch {
    failures.push(`delivery ${i + 1}: the body is not JSON`);
    return;
  }
  const v = validators[body.type];
  if (!v) {
    failures.push(`delivery ${i + 1}: type ${body.type} is not among the contract's webhooks`);
    return;
  }
  seen[body.type] = (seen[body.type] ?? 0) + 1;
  if (!v.body(body))
    for (const e of v.body.errors) failures.push(`${body.type} ${d['webhook-id']}: body${e.instancePath} ${e.message}`);
  for (const [name, check] of v.headers)
    if (!check(d[name])) failures.push(`${body.type} ${d['webhook-id']}: header ${name} ${JSON.stringify(d[name])} does not match`);
});
for (const type of Object.keys(hooks))
  if (!seen[type]) failures.push(`no ${type} was received: the tests never made one`);
if (failures.length) {
  console.error(`webhook-check.mjs: ${failures.length} failures:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`webhook-check.mjs: ${lines.length} deliveries of ${Object.keys(seen).length} event types valid against the contract's webhooks`);
