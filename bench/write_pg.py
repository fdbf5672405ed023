#!/usr/bin/env python3
"""pgbench's side of the write benchmark: the statements the server runs for
POST /v1/fund-allocations and POST /v1/fund-allocations/{id}/approve, as
`consortia sql fund-allocation` prints them, for an unscoped officer and
no Idempotency-Key: BEGIN, insert, record (read back and audit), COMMIT;
BEGIN, lock and read, who may approve (the guard, when the build has one),
approve (with the officer, when it takes one), record, COMMIT. One
transaction of pgbench's is one pair of requests.
Usage: write_pg.py < statements > script.sql"""
import re
import sys

sql = dict(line.rstrip("\n").split("\t", 1) for line in sys.stdin if "\t" in line)


def bind(statement, values):
    """Each $n of statement replaced by values[n - 1] (a pgbench variable or a literal)."""
    return re.sub(r"\$(\d+)", lambda m: values[int(m.group(1)) - 1], statement)


def audit(action, before):
    return [":id", "'bench'", "'officer'", "'consortia'", "'fund-allocation'", ":id", f"'{action}'",
            "NULL", before]


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
print(bind(sql["record"], audit("approve", ":doc")) + ";")
print("COMMIT;")
