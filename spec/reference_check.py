"""`reference_facts.py --check`: the spec against the deeper facts (see reference_deep.py).

Prints `<class>: <compared> compared, <exact> exact, <explained> explained` per class and each
unexplained difference as `<pointer>: <what> (explain `method path kind name` …)`; exit code 1
when there is one, or when an explanation of these kinds matches no difference (stale).
"""
import copy
import json
import re
import sys
from pathlib import Path

import jsonschema
import yaml

from reference_deep import DEEP_KINDS

PARAM = re.compile(r"\{[^}]*\}|:\w+")


def norm(path):
    return PARAM.sub("{}", path.rstrip("/"))


def to_json_schema(node):
    """OpenAPI 3.0 schema objects → JSON Schema (nullable becomes a null alternative)."""
    if isinstance(node, list):
        return [to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: to_json_schema(v) for k, v in node.items() if k not in ("example", "examples", "discriminator")}
    if node.get("nullable") is True:
        out.pop("nullable", None)
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = out["enum"] + [None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


PLACEHOLDER = re.compile(r"\{\{.*\}\}|[0-9][xX]{3,}")


def only_placeholders(error):
    """True when the error is only about placeholder values (`{{receiver}}`, `9189195xxxxx`),
    which wire-shapes.md says the samples use; in a oneOf/anyOf, some alternative must fail
    on placeholders alone."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        groups = {}
        for e in error.context:
            groups.setdefault(e.relative_schema_path[0], []).append(e)
        return any(all(only_placeholders(e) for e in g) for g in groups.values())
    return isinstance(error.instance, str) and bool(PLACEHOLDER.search(error.instance))


class Spec:
    def __init__(self, doc):
        self.doc = doc
        self.schema_root = to_json_schema(copy.deepcopy(doc))
        self.ops = {}
        for path, item in doc.get("paths", {}).items():
            for method, op in item.items():
                if isinstance(op, dict) and "responses" in op:
                    self.ops[(method.upper(), norm(path))] = (path, method, op)

    def resolve(self, pointer):
        node = self.doc
        for part in pointer.lstrip("#/").split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def deref(self, node):
        while isinstance(node, dict) and "$ref" in node:
            node = self.resolve(node["$ref"])
        return node

    def validate(self, value, pointer):
        """Error messages of `value` against the schema at `pointer` (empty: valid)."""
        root = dict(self.schema_root)
        root["$ref"] = pointer
        validator = jsonschema.Draft7Validator(root)
        return sorted(f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:160]}"
                      for e in validator.iter_errors(value) if not only_placeholders(e))

    def body_pointer(self, key):
        path, method, op = self.ops[key]
        at = "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method
        if "application/json" in op.get("requestBody", {}).get("content", {}):
            return at + "/requestBody/content/application~1json/schema"
        return None

    def response_pointer(self, key):
        path, method, op = self.ops[key]
        at = "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method + "/responses/200"
        response = self.deref(op["responses"].get("200"))
        if not response or "application/json" not in response.get("content", {}):
            return None
        if "$ref" in op["responses"]["200"]:
            at = op["responses"]["200"]["$ref"]
        return at + "/content/application~1json/schema"

    def leaves(self, schema):
        schema = self.deref(schema)
        if not isinstance(schema, dict):
            return []
        if "oneOf" in schema and "properties" not in schema:
            return [l for s in schema["oneOf"] for l in self.leaves(s)]
        return [schema]

    def field_schemas(self, key, name):
        path, method, op = self.ops[key]
        out = [self.deref(p.get("schema")) for p in map(self.deref, op.get("parameters", []))
               if p.get("name") == name]
        body = op.get("requestBody", {}).get("content", {})
        for media in body.values():
            for leaf in self.leaves(media.get("schema")):
                prop = leaf.get("properties", {}).get(name)
                if prop is not None:
                    out.append(self.deref(prop))
        return out


def types_of(spec, schema):
    schema = spec.deref(schema) or {}
    if "type" in schema:
        return {schema["type"]}
    alts = schema.get("oneOf") or schema.get("anyOf") or []
    return {t for a in alts for t in types_of(spec, a)} or {"any"}


def check_fact(spec, fact):
    """None when the spec agrees (or the fact is out of reach), else (pointer, what)."""
    method, path, kind, name, detail, line = fact
    key = (method, norm(path))
    if kind in ("type", "default"):
        if key not in spec.ops:
            return "skip"
        schemas = spec.field_schemas(key, name)
        if not schemas:
            return "skip"
        if kind == "type":
            found = set().union(*(types_of(spec, s) for s in schemas))
            if detail in found or "any" in found or (detail == "number" and "integer" in found):
                return None
            return (f"{method} {path} `{name}`", f"reference line {line} types it {detail}, the spec {sorted(found)}")
        wanted = detail.strip('"')
        have = [str(s.get("default")).lower() if isinstance(s.get("default"), bool) else str(s.get("default"))
                for s in schemas if "default" in s]
        if wanted in have:
            return None
        return (f"{method} {path} `{name}`", f"reference line {line} defaults it to {detail}, the spec to {have or 'nothing'}")
    if kind == "code":
        declared = {c.upper() for _, _, op in spec.ops.values() for c in op["responses"]}
        if name in declared or (name == "5XX" and "5XX" in declared):
            return None
        return ("#/paths", f"reference line {line} lists HTTP {name} ({detail}); no operation declares it")
    if kind == "limit":
        node = spec.resolve(path)
        value = json.loads(detail)
        if isinstance(node, dict) and node.get(name) == value:
            return None
        return (path, f"reference line {line}: `{name}: {value}` expected, the spec has {node.get(name) if isinstance(node, dict) else 'no such schema'}")
    value = json.loads(detail)
    if kind == "sample-event":
        names = [n for n in spec.doc["components"]["schemas"] if n.startswith("Webhook")]
        if any(not spec.validate(value, f"#/components/schemas/{n}") for n in names):
            return None
        return ("#/components/schemas/Webhook*", f"wire-shapes line {line} ({name}) matches no webhook schema")
    if key not in spec.ops:
        return ("#/paths", f"wire-shapes line {line} ({name}): no operation {method} {path}")
    pointer = spec.body_pointer(key) if kind == "sample-request" else spec.response_pointer(key)
    if pointer is None:
        return "skip"
    errors = spec.validate(value, pointer)
    if not errors:
        return None
    return (pointer, f"wire-shapes line {line} ({name}): " + "; ".join(errors[:3]))


def explanations(file):
    out = {}
    for n, line in enumerate(Path(file).read_text().split("\n"), 1):
        cells = line.split("\t")
        if line.startswith("#") or len(cells) != 5 or cells[2] not in DEEP_KINDS:
            continue
        out[tuple(cells[:4])] = n
    return out


def run(spec_file, facts_file, explained_file):
    spec = Spec(yaml.safe_load(Path(spec_file).read_text()))
    explained = explanations(explained_file)
    used, problems, counts = set(), [], {k: [0, 0, 0] for k in DEEP_KINDS}
    for row in Path(facts_file).read_text().split("\n"):
        cells = row.split("\t")
        if row.startswith("#") or len(cells) != 6 or cells[2] not in DEEP_KINDS:
            continue
        result = check_fact(spec, cells)
        if result == "skip":
            continue
        c = counts[cells[2]]
        c[0] += 1
        if result is None:
            c[1] += 1
            continue
        keys = [tuple(cells[:4]), ("*", "*", cells[2], cells[3])]
        hit = next((k for k in keys if k in explained), None)
        if hit:
            used.add(hit)
            c[2] += 1
        else:
            problems.append(f"{result[0]}: {result[1]} (explain `{' '.join(cells[:4])}` in "
                            f"spec/reference-mismatches.tsv or fix the spec)")
    for key, n in explained.items():
        if key not in used:
            problems.append(f"{explained_file}:{n}: stale explanation: nothing differs on `{' '.join(key)}`")
    for kind, (compared, exact, why) in counts.items():
        print(f"{kind}: {compared} compared, {exact} exact, {why} explained")
    for p in problems:
        print(p)
    return 1 if problems else 0
