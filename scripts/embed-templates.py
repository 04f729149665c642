#!/usr/bin/env python3
"""Builds templates/ into the binary: writes Sources/SpotSite/EmbeddedTemplates.swift.

Run by `make templates` after editing a template; a test fails while the two differ."""
import os
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
source = os.path.join(root, "templates")
target = os.path.join(root, "Sources", "SpotSite", "EmbeddedTemplates.swift")

files = {}
for directory, _, names in os.walk(source):
    for name in names:
        if name.startswith(".") or name == "README.md":
            continue
        path = os.path.join(directory, name)
        relative = os.path.relpath(path, source).replace(os.sep, "/")
        with open(path, encoding="utf-8") as handle:
            files[relative] = handle.read()

lines = [
    "// Generated from templates/ by scripts/embed-templates.py (`make templates`). Do not edit.",
    "enum EmbeddedTemplates {",
    "    static let files: [String: String] = [",
]
for relative in sorted(files):
    text = files[relative]
    hashes = "#"
    while ('"' + hashes) in text or ("\\" + hashes) in text:
        hashes += "#"
    lines.append(f'        "{relative}": {hashes}"""')
    # The closing delimiter at column 0: no indentation is stripped, the text is kept byte for byte.
    lines.extend(text.split("\n"))
    lines.append(f'"""{hashes},')
lines += ["    ]", "}", ""]
output = "\n".join(lines)
if "--check" in sys.argv:
    with open(target, encoding="utf-8") as handle:
        sys.exit(0 if handle.read() == output else 1)
with open(target, "w", encoding="utf-8") as handle:
    handle.write(output)
