#!/usr/bin/env python3
"""pgbench's side of the write benchmark: the statements the server runs for
POST /v1/fund-allocations, POST /v1/fund-allocations/{id}/approve and
POST /v1/payments/{id}/paid, as `consortia sql fund-allocation` and
`consortia sql payment` print them, for unscoped callers and no
Idempotency-Key: BEGIN, insert, record (read back and audit), COMMIT;
BEGIN, lock and read, who may approve (the guard, when the build has one),
approve, record, COMMIT; BEGIN, lock and read the payment, pay, record,
COMMIT. Between the second and the third, one statement more than the
server runs: pgbench takes the payment's id out of the approval's document,
as the client does out of the answer. One transaction of pgbench's is the
three requests.
Usage: write_pg.py ALLOCATION_STATEMENTS PAYMENT_STATEMENTS > script.sql"""
import re
import sys

def statements(path):
    with open(path) as f:
        return dict(line.rstrip("\n").split("\t", 1) for line in f if "\t" in line)


sql = statements(sys.argv[1])
pay = statements(sys.argv[2])


def bind(statement, values):
    """Each $n of statement replaced by values[n - 1] (a pgbench variable or a literal)."""
    return re.sub(r"\$(\d+)", lambda m: values[int(m.group(1)) - 1], statement)


def audit(action, before, key=":id", role="officer", resource="fund-allocation"):
    return [key, "'bench'", f"'{role}'", "'consortia'", f"'{resource}'", key, f"'{action}'", "NULL", before]


print("SELECT fund_id AS fund, group_id AS grp, urn FROM bench_pair "
      "WHERE n = (SELECT nextval('bench_pair_seq')) \\gset")
print("BEGIN;")
print(bind(sql["insert"], [":fund", ":grp", "'100'", ":urn"]) + " \\gset")
print(bind(sql["record"], audit("create", "NULL")) + ";")
print("COMMIT;")
print("BEGIN;")
print(bind(sql["lock"], [":id"]) + " \\gset")
if "guard:approve" in sql:
    print(bind(sql["guard:approve"], [":id", "'bench'"]) + ";")
print(bind(sql["action:approve"], [":id", "'bench'"]) + ";")
print(bind(sql["record"], audit("approve", ":doc")) + " \\gset")
print("COMMIT;")
print("SELECT (:doc::json ->> 'payment_id') AS pid \\gset")
print("BEGIN;")
print(bind(pay["lock"], [":pid"]) + " \\gset")
print(bind(pay["action:paid"], [":pid", "'BACS-bench'", "'2020-10-01'"]) + ";")
print(bind(pay["record"], audit("pay", ":doc", ":pid", "finance", "payment")) + ";")
print("COMMIT;")
