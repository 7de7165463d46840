#!/usr/bin/env python3
"""The layers of src/ and include/httpbench/ include only the layers below them.

Data flows one way: argv -> plan (cli) -> drivers (engine) over connections and codecs -> recorders
(stats) -> reporters (report). Each folder may include the folders listed for it here; any other
include of "httpbench/<layer>/..." is printed with its place, and the check fails.
Usage: check_layers.py REPO_ROOT
"""
import os
import re
import sys

ALLOWED = {
    "stats": {"stats"},
    "codec": {"codec", "stats"},
    "connection": {"connection", "codec", "stats"},
    "engine": {"engine", "connection", "codec", "stats"},
    "report": {"report", "stats"},
    "serve": {"serve", "connection", "codec", "stats"},
    "scale": {"scale", "report", "stats"},
    "cli": {"cli", "engine", "connection", "codec", "stats", "report", "serve", "scale"},
}
INCLUDE = re.compile(r'#include "httpbench/(\w+)/\w+\.hpp"')


def main(root):
    wrong = []
    for base in ("src", "include/httpbench"):
        for layer in sorted(os.listdir(os.path.join(root, base))):
            folder = os.path.join(root, base, layer)
            if not os.path.isdir(folder):
                continue
            if layer not in ALLOWED:
                wrong.append(f"{base}/{layer}/: a folder that is no layer (add it to {__file__})")
                continue
            for name in sorted(os.listdir(folder)):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    for number, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if m and m.group(1) not in ALLOWED[layer]:
                            wrong.append(f"{base}/{layer}/{name}:{number}: {layer} includes {m.group(1)}/")
    for w in wrong:
        print(w)
    print(f"{len(wrong)} includes against the layers")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
