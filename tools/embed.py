#!/usr/bin/env python3
"""Write a C file holding text files as NUL-terminated strings.

usage: embed.py OUT.c ARRAY_NAME FILE...

Emits `const struct embedded_file ARRAY_NAME[]` (name = the file's base
name, text = its bytes) sorted by name, and `ARRAY_NAME_count`. Used at
build time for schema migrations and the OpenAPI contract, so that the
binary carries what it serves and applies.
"""
import os
import sys


def c_string(data: bytes) -> str:
    out = []
    for line in data.split(b"\n"):
        esc = "".join(
            chr(b) if 32 <= b < 127 and chr(b) not in '"\\?' else "\\%03o" % b
            for b in line
        )
        out.append('"%s\\n"' % esc)
    return "\n\t".join(out)


def main() -> None:
    out, name, files = sys.argv[1], sys.argv[2], sorted(sys.argv[3:], key=os.path.basename)
    with open(out, "w", encoding="ascii") as f:
        f.write('#include "embedded.h"\n\n')
        f.write("const struct embedded_file %s[] = {\n" % name)
        for path in files:
            with open(path, "rb") as src:
                data = src.read()
            if data.endswith(b"\n"):
                data = data[:-1]
            f.write('\t{"%s", %d,\n\t%s},\n' % (os.path.basename(path), len(data) + 1, c_string(data)))
        f.write("};\n\nconst size_t %s_count = %d;\n" % (name, len(files)))


if __name__ == "__main__":
    main()
