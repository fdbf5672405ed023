#!/usr/bin/env python3
"""Copy Redoc's standalone bundle with its one outside address taken out.

usage: offline_redoc.py IN.js OUT.js

The bundle draws its maker's logo from a CDN in the side menu (hidden when
it fails to load). /docs loads nothing from elsewhere, so the address
becomes an empty data: URL, which fails at once and hides the logo. Fails
if the address is not there, so that an upgrade of Redoc is looked at.
"""
import sys

LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"

src, out = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
if data.count(LOGO) != 1:
    sys.exit("offline_redoc.py: expected the logo's address once in %s, found it %d times" % (src, data.count(LOGO)))
open(out, "wb").write(data.replace(LOGO, b"data:,"))
