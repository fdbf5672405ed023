#!/usr/bin/env python3
"""Print the SQL of a macro of tests/reads/before.h: the reference a
reworked read's answers are compared with, measured beside it.

usage: before_sql.py MACRO [MACRO ...]   (their texts joined)
"""
import re
import sys

HEADER = "tests/reads/before.h"


def macros(text):
    """Each #define NAME of string literals (and macros named in it), as its text."""
    found = {}
    for m in re.finditer(r"^#define (\w+)\s*((?:.*\\\n)*.*)$", text, re.M):
        found[m.group(1)] = m.group(2).replace("\\\n", " ")
    return found


def expand(name, defs):
    out = []
    for token in re.finditer(r'"((?:[^"\\]|\\.)*)"|(\w+)', defs[name]):
        if token.group(1) is not None:
            out.append(bytes(token.group(1), "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8"))
        elif token.group(2) in defs:
            out.append(expand(token.group(2), defs))
        else:
            sys.exit("before_sql.py: %s names %s, which takes arguments or is not a macro" % (name, token.group(2)))
    return "".join(out)


def main():
    with open(HEADER, encoding="utf-8") as f:
        defs = macros(f.read())
    print("".join(expand(name, defs) for name in sys.argv[1:]))


if __name__ == "__main__":
    main()
