// Validates an LA's 360Giving data package, as the service answered it,
// against the package schema kept beside this file
// (360giving-package.schema.json), and checks what the Standard asks beyond
// a schema: grant identifiers unique, amounts to the penny.
//
// usage: node threesixty-check.mjs PACKAGE_JSON
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const [file] = process.argv.slice(2);
if (!file) {
  console.error('usage: node threesixty-check.mjs PACKAGE_JSON');
  process.exit(2);
}
const schema = JSON.parse(readFileSync(new URL('./360giving-package.schema.json', import.meta.url), 'utf8'));
const text = readFileSync(file, 'utf8');
const pkg = JSON.parse(text);
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);
const failures = [];
if (!validate(pkg)) for (const e of validate.errors) failures.push(`${e.instancePath || '(root)'} ${e.message}`);
const ids = new Set();
for (const g of pkg.grants ?? []) {
  if (ids.has(g.id)) failures.push(`grant id ${g.id} appears twice`);
  ids.add(g.id);
}
// Amounts as written: never more than two decimals (read from the text, not the parsed numbers).
for (const m of text.matchAll(/"amount(?:Awarded|Disbursed)":\s*(-?[0-9.]+)/g))
  if (!/^-?[0-9]+(\.[0-9]{1,2})?$/.test(m[1])) failures.push(`amount ${m[1]} is not to the penny`);
if ((pkg.grants ?? []).length === 0) failures.push('the package holds no grant');
if (failures.length) {
  console.error(`threesixty-check.mjs: ${failures.length} failures:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`threesixty-check.mjs: ${pkg.grants.length} grants valid against 360giving-package.schema.json`);
