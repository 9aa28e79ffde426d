"""spec/reference-samples.tsv: what each wire sample of `wire-shapes.md` is, read by
reference_check.py.

The samples file says, per sample (keyed by the line of the block's closing fence, as the `sample`
facts of reference-facts.tsv record it, with the section name as a check that the line still points
at the same sample), what the sample shows:

  request METHOD /path             the JSON request body of that operation
  response METHOD /path [STATUS]   that operation's JSON answer for STATUS (200 when not given)
  event NAME                       a push: NAME is a callback of the spec (`sms_unsubscription`,
                                   the key under the webhook operation's `callbacks`) or a schema
                                   of `#/components/schemas`
  request|response|event none      something the spec has no operation or push for (the note
                                   says what); always a difference, to be explained in
                                   reference-mismatches.tsv (`* * sample-<class> <section>`)

Columns: line, section, target, note (why, where the choice is not obvious). Paths are the spec's
(`{id}` and `:id` both match any parameter name).
"""
import re
from pathlib import Path

TARGET = re.compile(r"^(request|response) ([A-Z]+) (/\S*)(?: (\d{3}|[1-5]XX))?$|^event (?!none$)(\S+)$|^(request|response|event) none$")
PARAM = re.compile(r"\{[^}]*\}|:\w+")


def norm(path):
    """A path with every parameter as `{}` (the spec's `{id}` and the samples' `:id` alike)."""
    return PARAM.sub("{}", path.rstrip("/"))


class Target:
    """One parsed target: its class (`sample-request`, …), method, path, status or event name."""

    def __init__(self, text):
        m = TARGET.match(text)
        if not m:
            raise ValueError(f"`{text}` is not `request METHOD /path`, `response METHOD /path [STATUS]`, "
                             "`event NAME` or `request|response|event none`")
        part, self.method, self.path, status, self.event, self.none = m.groups()
        self.kind = "sample-event" if self.event else f"sample-{part or self.none}"
        self.status = status or "200"

    def key(self, section):
        """The explanation key of a sample with this target (reference-mismatches.tsv)."""
        if self.none:
            return ("*", "*", self.kind, section)
        if self.event:
            return ("*", self.event, self.kind, section)
        return (self.method, self.path, self.kind, section)


def read(file):
    """{line: (section, Target, file line)} and the problems of malformed rows."""
    out, problems = {}, []
    if not Path(file).exists():
        return out, problems
    for n, row in enumerate(Path(file).read_text().split("\n"), 1):
        cells = row.split("\t")
        if not row.strip() or row.startswith("#") or cells[0] == "line":
            continue
        where = f"{file}:{n}"
        if len(cells) != 4 or not cells[0].isdigit():
            problems.append((where, "expected `line section target note` (4 tab-separated columns)"))
            continue
        try:
            target = Target(cells[2])
        except ValueError as e:
            problems.append((where, str(e)))
            continue
        if int(cells[0]) in out:
            problems.append((where, f"wire-shapes line {cells[0]} is mapped twice"))
        out[int(cells[0])] = (cells[1], target, n)
    return out, problems


def pointer(spec, target):
    """(JSON pointer of the schema the sample is validated against, None) or (None, why not)."""
    if target.none:
        return None, "the spec has no operation or push for it (mapped `none`)"
    if target.event:
        return event_pointer(spec, target.event)
    key = (target.method, norm(target.path))
    if key not in spec.ops:
        return None, f"no operation {target.method} {target.path}"
    path, method, op = spec.ops[key]
    at = "#/paths/" + escape(path) + "/" + method
    if target.kind == "sample-request":
        if "application/json" not in op.get("requestBody", {}).get("content", {}):
            return None, f"{target.method} {target.path} has no JSON request body"
        return at + "/requestBody/content/application~1json/schema", None
    raw = op["responses"].get(target.status)
    response = spec.deref(raw)
    if not response or "application/json" not in response.get("content", {}):
        return None, f"{target.method} {target.path} has no JSON {target.status} answer"
    at = raw["$ref"] if "$ref" in raw else at + "/responses/" + target.status
    return at + "/content/application~1json/schema", None


def event_pointer(spec, name):
    if name in spec.doc.get("components", {}).get("schemas", {}):
        return f"#/components/schemas/{name}", None
    for path, method, op in spec.ops.values():
        for expression, item in op.get("callbacks", {}).get(name, {}).items():
            if "application/json" in item.get("post", {}).get("requestBody", {}).get("content", {}):
                at = f"#/paths/{escape(path)}/{method}/callbacks/{name}/{escape(expression)}"
                return at + "/post/requestBody/content/application~1json/schema", None
    return None, f"no callback or schema `{name}`"


def escape(segment):
    return segment.replace("~", "~0").replace("/", "~1")
