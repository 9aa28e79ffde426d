"""`reference_facts.py --check`: the spec against the deeper facts (see reference_deep.py).

Prints `<class>: <compared> compared, <exact> exact, <explained> explained` per class and each
unexplained difference as `<pointer>: <what> (explain `method path kind name` …)`; exit code 1
when there is one, or when an explanation of these kinds matches no difference (stale).

A wire sample (fact kind `sample`) is validated as what spec/reference-samples.tsv says it is
(reference_samples.py): a request body, an operation's answer or a push, each against that one
schema. A sample the samples file does not map, a row of it that maps no sample or names another
section, and a target the spec lacks are problems too (the last can be explained).

Placeholders: the samples redact digits as `x` (`9198xxxxxxxx`, `12xxxxx`); before validation a
run of two or more `x`/`X` right after a digit becomes as many `0`s, so a redacted number is
checked as a number (type, pattern, length) instead of being excused. Request samples also carry
Postman variables (`{{receiver}}`, which wire-shapes.md calls placeholders); an error on a
string holding one is not a difference. A value listing the possible values of a field
(`"sent|delivered|read|failed|deleted"` in the status pushes) is validated once per listed value.
"""
import copy
import json
import re
import sys
from pathlib import Path

import jsonschema
import yaml

import reference_samples
from reference_deep import CLASSES, DEEP_KINDS
from reference_samples import norm


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


VARIABLE = re.compile(r"\{\{.*\}\}")
REDACTED = re.compile(r"(?<=[0-9])[xX]{2,}")


def unredact(value):
    """`value` with every redacted digit run (`9198xxxxxxxx`) as zeros (`919800000000`)."""
    if isinstance(value, str):
        return REDACTED.sub(lambda m: "0" * len(m.group(0)), value)
    if isinstance(value, list):
        return [unredact(v) for v in value]
    if isinstance(value, dict):
        return {k: unredact(v) for k, v in value.items()}
    return value


ALTERNATIVES = re.compile(r"^[a-z]+(\|[a-z]+)+$")


def variants(value, i=None):
    """The sample once per listed value of its `a|b|c` strings (the i-th of each; the last when a
    list is shorter), or just the sample when it lists none."""
    if i is None:
        widest = max(listed(value), default=1)
        return [variants(value, n) for n in range(widest)]
    if isinstance(value, str) and ALTERNATIVES.match(value):
        options = value.split("|")
        return options[min(i, len(options) - 1)]
    if isinstance(value, list):
        return [variants(v, i) for v in value]
    if isinstance(value, dict):
        return {k: variants(v, i) for k, v in value.items()}
    return value


def listed(value):
    """How many values each `a|b|c` string of `value` lists."""
    if isinstance(value, str) and ALTERNATIVES.match(value):
        yield len(value.split("|"))
    elif isinstance(value, (list, dict)):
        for v in value.values() if isinstance(value, dict) else value:
            yield from listed(v)


def only_placeholders(error):
    """True when the error is only about a Postman variable (`{{receiver}}`), which
    wire-shapes.md says the request samples use; in a oneOf/anyOf, some alternative must fail
    on variables alone."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        groups = {}
        for e in error.context:
            groups.setdefault(e.relative_schema_path[0], []).append(e)
        return any(all(only_placeholders(e) for e in g) for g in groups.values())
    return isinstance(error.instance, str) and bool(VARIABLE.search(error.instance))


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
        return sorted({f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:160]}"
                       for v in variants(unredact(value))
                       for e in validator.iter_errors(v) if not only_placeholders(e)})

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
    raise ValueError(f"unknown fact kind {kind}")


def check_sample(spec, fact, target):
    """None when the sample validates against its target's schema, else (pointer, what)."""
    line, name = fact[5], fact[3]
    pointer, missing = reference_samples.pointer(spec, target)
    if pointer is None:
        return ("#/components" if target.event else "#/paths", f"wire-shapes line {line} ({name}): {missing}")
    errors = spec.validate(json.loads(fact[4]), pointer)
    if not errors:
        return None
    return (pointer, f"wire-shapes line {line} ({name}): " + "; ".join(errors[:3]))


def explanations(file):
    out = {}
    for n, line in enumerate(Path(file).read_text().split("\n"), 1):
        cells = line.split("\t")
        if line.startswith("#") or len(cells) != 5 or cells[2] not in CLASSES:
            continue
        out[tuple(cells[:4])] = n
    return out


def facts(file):
    """The rows of the facts file this half owns."""
    for row in Path(file).read_text().split("\n"):
        cells = row.split("\t")
        if not row.startswith("#") and len(cells) == 6 and cells[2] in DEEP_KINDS:
            yield cells


def judge(spec, cells, samples, problems):
    """(class, explanation key, result) of one fact; None when it is out of reach."""
    if cells[2] != "sample":
        result = check_fact(spec, cells)
        return None if result == "skip" else (cells[2], tuple(cells[:4]), result)
    line, name = int(cells[5]), cells[3]
    if line not in samples:
        problems.append(f"spec/reference-samples.tsv: wire-shapes line {line} ({name}) is not mapped: "
                        "say whether it is a request, a response or an event, and of what")
        return None
    section, target, _ = samples.pop(line)
    if section != name:
        problems.append(f"spec/reference-samples.tsv: wire-shapes line {line} is `{name}`, the row says `{section}`")
        return None
    return target.kind, target.key(name), check_sample(spec, cells, target)


def run(spec_file, facts_file, explained_file):
    spec = Spec(yaml.safe_load(Path(spec_file).read_text()))
    explained = explanations(explained_file)
    samples_file = Path(spec_file).parent / "reference-samples.tsv"
    samples, malformed = reference_samples.read(samples_file)
    problems = [f"{where}: {what}" for where, what in malformed]
    used, counts = set(), {k: [0, 0, 0] for k in CLASSES}
    for cells in facts(facts_file):
        judged = judge(spec, cells, samples, problems)
        if judged is None:
            continue
        kind, key, result = judged
        c = counts[kind]
        c[0] += 1
        if result is None:
            c[1] += 1
            continue
        keys = [key, ("*", "*", kind, key[3])]
        hit = next((k for k in keys if k in explained), None)
        if hit:
            used.add(hit)
            c[2] += 1
        else:
            problems.append(f"{result[0]}: {result[1]} (explain `{' '.join(key)}` in "
                            f"spec/reference-mismatches.tsv or fix the spec)")
    for line, (section, _, n) in sorted(samples.items()):
        problems.append(f"{samples_file}:{n}: stale row: wire-shapes line {line} ({section}) is no sample")
    for key, n in explained.items():
        if key not in used:
            problems.append(f"{explained_file}:{n}: stale explanation: nothing differs on `{' '.join(key)}`")
    for kind, (compared, exact, why) in counts.items():
        print(f"{kind}: {compared} compared, {exact} exact, {why} explained")
    for p in problems:
        print(p)
    return 1 if problems else 0
