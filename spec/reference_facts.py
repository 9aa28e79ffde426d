#!/usr/bin/env python3
"""Extracts what the provider's reference states about each REST operation into
spec/reference-facts.tsv, for the reference-comparison check of `cargo xtask spec-lint`.

    python3 spec/reference_facts.py /work/shared/reference > spec/reference-facts.tsv

The reference (`qikberry-api-docs.txt`) lost each operation's path; operations are found by their
title, in seed order, from the table in `operations.md` (ranges such as "the same 7 operations" are
expanded to the seven unsubscriber titles). Per operation it records, one fact a line:

  query/path  a parameter (path parameters: by position, their names are not compared)
  body        a top-level request-body field, `required` or `optional` ("One of" bodies list only
              the first shape's fields; a field whose name the reference lost is `(unnamed)`)
  enum        the `Enum:`/`Value:` values of a parameter or body field (JSON array)
  response    a top-level key of the response sample
  type, default, code, limit, sample-request, sample-response, sample-event
              the deeper facts of reference_deep.py (types and defaults of those fields, the
              HTTP status table, the limits stated in prose, every wire sample of wire-shapes.md
              as JSON), checked by `reference_facts.py --check [SPEC]` (reference_check.py)

Output columns: method, path, kind, name, detail, ref_line (1-based line of the fact).
"""
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import reference_deep  # noqa: E402

UNSUBSCRIBER_TITLES = [
    ("GET", "", "View All Unsubscribers"),
    ("POST", "", "Create Unsubscriber"),
    ("DELETE", "", "Clean Unsubscribers"),
    ("GET", "/{id}", "View Unsubscriber by ID"),
    ("PUT", "/{id}", "Edit Unsubscriber"),
    ("DELETE", "/{id}", "Delete Unsubscriber"),
    ("POST", "/import", "Import Unsubscriber"),
]
TYPE = re.compile(
    r"^(string|integer|number|boolean|object|array|Array of \w+|any)( or \w+)*( <[^>]*>)?( \([^)]*\))?$"
)
FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\[\]-]*$")
RESPONSE_KEY = re.compile(r'^  • "([^"]+)":')
UNNAMED = "(unnamed)"
ENUM = re.compile(r'^(Enum|Value): (.*)$')


def rows(ops_md):
    """(method, path, title) in seed order; ranges expanded."""
    out = []
    for line in ops_md.splitlines():
        if not re.match(r"^\| \d", line):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        number, title, method = cells[0], cells[2], cells[3]
        path = "|".join(cells[4:-1]).replace("\\|", "|").replace(" \\", "")
        if "-" in number:  # "47-53 … the same 7 operations"
            base = re.sub(r"\[.*$", "", path)
            out += [(m, "/" + base + suffix, t) for (m, suffix, t) in UNSUBSCRIBER_TITLES]
            continue
        title = re.sub(r"\s*\*?\s*\(.*\)$", "", title).rstrip(" *")
        path = "/" + path.replace("(v3) ", "")
        out.append((method, path, title))
    return out


def blocks(lines):
    """Line index of every operation block's `Authorizations:` line."""
    return [i for i, line in enumerate(lines) if line == "Authorizations:"]


def align(lines, ops):
    """Maps each operation to the first later block whose preceding text has its title."""
    auth = blocks(lines)
    out, start = [], 0
    for method, path, title in ops:
        for n in range(start, len(auth)):
            lo = auth[n - 1] if n else 0
            if title in lines[lo:auth[n]]:
                out.append((method, path, auth[n], auth[n + 1] if n + 1 < len(auth) else len(lines)))
                start = n + 1
                break
        else:
            print(f"warning: no block for {method} {path} ({title})", file=sys.stderr)
    return out


def paragraphs(lines, lo, hi):
    para, at = [], lo
    for i in range(lo, hi):
        if lines[i].strip() == "":
            if para:
                yield at, para
            para = []
        else:
            if not para:
                at = i
            para.append(lines[i])
    if para:
        yield at, para


def facts(lines, method, path, lo, hi):
    out = []
    section = None
    one_of = False
    for at, para in paragraphs(lines, lo, hi):
        head = para[0]
        if head in ("Responses", "Request samples", "Response samples"):
            section = head
        for j, line in enumerate(para):
            if line.startswith("query Parameters"):
                section = "query"
            elif line.startswith("path Parameters"):
                section = "path"
            elif line.startswith("Request Body schema"):
                section = "body"
            elif line == "One of" and section == "body":
                one_of = True
        if section in ("query", "path", "body"):
            fields = field_header(para)
            if fields:
                name, required, enum_values = fields
                if section == "path":
                    out.append((section, name, "", at))
                elif section == "query":
                    out.append((section, name, "", at))
                else:
                    out.append(("body", name, "required" if required else "optional", at))
                if enum_values is not None:
                    out.append(("enum", name, json.dumps(enum_values, ensure_ascii=False), at))
                base, default = reference_deep.field_details(para)
                if section != "path" and name != UNNAMED and base:
                    out.append(("type", name, base, at))
                if section != "path" and name != UNNAMED and default is not None:
                    out.append(("default", name, default, at))
        if section == "Response samples":
            for k, line in enumerate(para):
                m = RESPONSE_KEY.match(line)
                if m:
                    out.append(("response", m.group(1), "", at + k))
            section = "done" if any(l == "}" for l in para) else section
    # the body header line itself may share a paragraph with the first field (no blank line)
    seen, unique = set(), []
    for kind, name, detail, at in out:
        if (kind, name) not in seen:
            seen.add((kind, name))
            unique.append((method, path, kind, name, detail, at + 1))
    return unique


def field_header(para):
    """(name, required, enum values) when the paragraph starts a field, else None."""
    lines = [l for l in para if not l.startswith(("query Parameters", "path Parameters",
                                                  "Request Body schema", "One of", "Authorizations", "bearerAuth"))]
    # The reference sometimes loses a field's name: the paragraph then starts at `required` or
    # at the type. Such a field is recorded as `(unnamed)`.
    if lines and (lines[0] == "required" or TYPE.match(lines[0])):
        return UNNAMED, lines[0] == "required", None
    if len(lines) < 2 or not FIELD_NAME.match(lines[0]):
        return None
    rest = lines[1:]
    required = rest[0] == "required"
    if required:
        rest = rest[1:]
    if not rest or not TYPE.match(rest[0]):
        return None
    enum_values = None
    for line in rest[1:]:
        m = ENUM.match(line)
        if m:
            enum_values = re.findall(r'"([^"]*)"', m.group(2)) or m.group(2).split()
    return lines[0], required, enum_values


def main():
    if sys.argv[1:2] == ["--check"]:
        import reference_check
        here = Path(__file__).parent
        spec = Path(sys.argv[2]) if len(sys.argv) > 2 else here / "qikberry.yaml"
        sys.exit(reference_check.run(spec, spec.parent / "reference-facts.tsv",
                                     spec.parent / "reference-mismatches.tsv"))
    ref = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/reference")
    lines = (ref / "qikberry-api-docs.txt").read_text().split("\n")
    ops = rows((ref / "operations.md").read_text())
    print("# What the reference states per operation; generated by spec/reference_facts.py, compared")
    print("# with the spec by `cargo xtask spec-lint` (differences explained in reference-mismatches.tsv).")
    print("method\tpath\tkind\tname\tdetail\tref_line")
    for method, path, lo, hi in align(lines, ops):
        for fact in facts(lines, method, path, lo, hi):
            print("\t".join(str(x) for x in fact))
    wire = (ref / "wire-shapes.md").read_text()
    deep = reference_deep.code_facts(lines) + reference_deep.limit_facts() + reference_deep.sample_facts(wire)
    for fact in deep:
        print("\t".join(str(x) for x in fact))


if __name__ == "__main__":
    main()
