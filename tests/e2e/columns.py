#!/usr/bin/env python3
"""columns.py FILE TITLE NAME... — where a table's columns are, in the
columns a person sees (wide East Asian characters take two, combining marks
none), for tests/e2e/46_alignment.t.

The table starts at the line that starts with TITLE and ends at the first
blank line. For each row that starts, after its indent, with one of the
NAMEs (a header row too, when its first word is given as a NAME), prints
"<start> <end> <line end>": the display columns where the first field after
the name starts and ends, and where the line ends. A table that lines up
prints the same number in a column for every row."""
import sys
import unicodedata


def width(s):
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def main():
    path, title, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    lines = open(path, encoding="utf-8").read().split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith(title))
    # The longest name first: "скидка+会員" before "скидка".
    names.sort(key=len, reverse=True)
    for line in lines[start + 1:]:
        if not line.strip():
            break
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        name = next((n for n in names if body.startswith(n + " ")), None)
        if name is None:
            continue
        rest = body[len(name):]
        field = rest.lstrip(" ").split(" ")[0]
        start_of_field = indent + width(name) + len(rest) - len(rest.lstrip(" "))
        print(start_of_field, start_of_field + width(field), width(line.rstrip(" ")))


main()
