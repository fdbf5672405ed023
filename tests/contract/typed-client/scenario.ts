// A front-end's use of a client generated from the contract with
// openapi-typescript, type-checked by `typed-client.sh` (strict tsc). It
// compiles only if every list operation answers JSON alone, so that a
// page's `items` is reached with no narrowing: a list that also declared
// text/csv for its 200 would make its answer "JSON or a string".
import type { operations, paths } from './api';

// What a typed client receives for a 200: the union of the bodies of every media type declared.
type Ok<P extends keyof paths, M extends keyof paths[P]> =
  paths[P][M] extends { responses: { 200: { content: infer C } } } ? C[keyof C] : never;

// Every list operation (listSchools, listPayments, ...) whose 200 declares a media type besides JSON.
type ListOps = Extract<keyof operations, `list${string}`>;
type Media<O extends keyof operations> =
  operations[O] extends { responses: { 200: { content: infer C } } } ? keyof C : never;
type NotJsonAlone = { [O in ListOps]: [Exclude<Media<O>, 'application/json'>] extends [never] ? never : O }[ListOps];
// Fails to compile naming the operation, if there is one.
export const everyListIsJsonAlone: [NotJsonAlone] extends [never] ? true : NotJsonAlone = true;

// A scenario: the register's first page, a region's plans, the payments to reconcile.
export function firstSchoolName(page: Ok<'/v1/schools', 'get'>): string {
  return page.items[0]?.name ?? '';
}
export function plansInWelsh(page: Ok<'/v1/strategic-plans', 'get'>): string[] {
  return page.items.map((p) => p.title_cy ?? p.title);
}
export function nextPage(page: Ok<'/v1/memberships', 'get'>): string | null {
  return page.next_cursor;
}
export function paidPence(page: Ok<'/v1/payments', 'get'>): number {
  // the list or the change feed (both JSON): told apart by what they hold
  return 'next_cursor' in page ? page.items.reduce((sum, p) => sum + p.amount_pence, 0) : 0;
}
