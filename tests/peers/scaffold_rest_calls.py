#!/usr/bin/env python3
"""Scaffolds the REST test tables from spec/qikberry.yaml and the generated method signatures:

- tests/tests/support/calls.rs: one typed generated-client call per operation (http_operations.rs,
  prism_contract.rs), with the raw query string it must produce (encoded here, independently of
  the client) and the multipart fields it sets;
- tests/tests/support/types.rs: the generated request/response type of each operation
  (roundtrip_examples.rs).

Usage, after an API change made those suites fail with "not covered" / "no generated type":
    python3 tests/peers/scaffold_rest_calls.py [repo-root] && cargo fmt -p qikberry-tests
Review the diff before committing: the tables are test code and are meant to be read.
"""
import glob, os, re, sys, urllib.parse

import yaml

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
spec = yaml.safe_load(open(f"{ROOT}/spec/qikberry.yaml"))

def deref(v):
    while isinstance(v, dict) and "$ref" in v:
        node = spec
        for seg in v["$ref"].lstrip("#/").split("/"):
            node = node[seg.replace("~1", "/").replace("~0", "~")]
        v = node
    return v

src = {}
for f in glob.glob(f"{ROOT}/generated/src/gen/*/mod.rs"):
    src[os.path.basename(os.path.dirname(f))] = open(f).read()

def enc(s):
    return urllib.parse.quote(s, safe="-._~")

def find_block(text, header_regex):
    m = re.search(header_regex, text)
    if not m:
        return None
    i = text.index("{", m.end() - 1) if text[m.end() - 1] != "{" else m.end() - 1
    depth = 0
    for j in range(i, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return text[i + 1 : j]
    return None

def setters(block):
    out = {}
    for m in re.finditer(r"pub fn (r#)?(\w+)\(\s*mut self,\s*((?:r#)?\w+): ([^)]*?)\s*,?\s*\)\s*->\s*Self", block):
        out[(m.group(1) or "") + m.group(2)] = m.group(4).strip()
    return out

def split_args(s):
    args, depth, cur = [], 0, ""
    for ch in s:
        if ch in "<(":
            depth += 1
        elif ch in ">)":
            depth -= 1
        if ch == "," and depth == 0:
            args.append(cur.strip()); cur = ""
        else:
            cur += ch
    if cur.strip():
        args.append(cur.strip())
    return args

def value_for(schema, wire):
    s = deref(schema)
    if wire == "page":
        return 2
    if "enum" in s:
        return s["enum"][0]
    if "oneOf" in s:
        return value_for(s["oneOf"][-1], wire)
    t = s.get("type")
    if t == "integer":
        return 7
    if t == "number":
        return 2.5
    if t == "boolean":
        return True
    fmt = s.get("format")
    if fmt == "date":
        return "2024-01-31"
    if fmt == "date-time":
        return "2024-01-31T10:00:00Z"
    if "date" in wire or wire.endswith("_at]") or wire.endswith("_at"):
        return "2024-01-31 10:00:00"
    return "a b&c"

def rust_lit(ty, v):
    ty = ty.strip()
    if ty == "impl Into<String>" or ty == "String":
        return '"%s"' % str(v)
    if ty == "i64":
        return str(int(v))
    if ty == "f64":
        return repr(float(v))
    if ty == "bool":
        return "true" if v in (True, "1", 1, "true") else "false"
    if ty.endswith("StringOrNumber"):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return f"qikberry::types::StringOrNumber::from({int(v)}i64)"
        return f'qikberry::types::StringOrNumber::from("{v}")'
    if ty.startswith("Vec<"):
        inner = ty[4:-1]
        return f"vec![{rust_lit(inner, v)}]"
    # a string enum
    return f'"{v}".into()'

def wire_str(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)

entries = []
problems = []
registry = []
for path, item in spec["paths"].items():
    for method, op in item.items():
        if method not in ("get", "put", "post", "delete", "patch"):
            continue
        oid = op["operationId"]
        tag = op["tags"][0]
        module = tag.replace("-", "_")
        mname = oid[len(module) + 1 :]
        text = src[module]
        # handle method
        hm = re.search(r"pub fn (r#)?%s\(\s*&self,?([^)]*)\)\s*->\s*(\w+)\s*\{" % mname, text)
        if not hm:
            problems.append(f"{oid}: handle method {mname} not found")
            continue
        builder = hm.group(3)
        args = split_args(hm.group(2))
        bblock = find_block(text, r"impl %s \{" % builder)
        bset = setters(bblock)
        params = {}
        for p in op.get("parameters", []):
            p = deref(p)
            params[(p["in"], p["name"])] = p
        call_args = []
        fields = []
        body_schema = None
        rb = op.get("requestBody")
        mp_props = {}
        if rb:
            ct, media = next(iter(rb["content"].items()))
            if ct.startswith("multipart/"):
                mp_props = deref(media["schema"]).get("properties", {})
        # map multipart wire -> field
        mp_wire = {}
        for m in re.finditer(r'text_parts?\(\s*&mut parts,\s*"([^"]+)",\s*(?:Some\(&)?self\.((?:r#)?\w+)', bblock):
            mp_wire[m.group(2)] = m.group(1)
        for m in re.finditer(r'parts\.push\(\("([^"]+)"\.to_string\(\),\s*crate::multipart::Part::File\(self\.((?:r#)?\w+)\)', bblock):
            mp_wire[m.group(2)] = m.group(1)
        for a in args:
            name, ty = a.split(":", 1)
            name = name.strip().removeprefix("r#"); ty = ty.strip()
            if name == "body":
                t = ty.removeprefix("impl Into<")[:-1]
                t = t.replace("crate::r#gen::", "qikberry::")
                if not t.startswith("qikberry::"):
                    t = f"qikberry::{module}::{t}"
                call_args.append(f"x.body::<{t}>()")
            elif ty == "crate::multipart::FilePart":
                call_args.append("x.file()")
            elif name in mp_wire:
                wire = mp_wire[name]
                v = value_for(mp_props.get(wire, {"type": "string"}), wire)
                call_args.append(rust_lit(ty, v))
                fields.append((wire, wire_str(v)))
            else:
                # path param
                if ty == "i64":
                    call_args.append("x.num")
                else:
                    call_args.append("x.id()")
        for a in args:
            name, ty = a.split(":", 1)
            if name.strip() == "body":
                t = ty.strip().removeprefix("impl Into<")[:-1].replace("crate::r#gen::", "qikberry::")
                if not t.startswith("qikberry::"):
                    t = f"qikberry::{module}::{t}"
                registry.append((oid, "Request", t))
        rm = re.search(r"pub async fn send\(\s*self,?\s*\)\s*->\s*Result<\s*([\w:#]+)\s*,\s*crate::Error,?\s*>", bblock)
        if rm:
            t = rm.group(1).replace("crate::r#gen::", "qikberry::")
            if t != "()":
                if not t.startswith("qikberry::"):
                    t = f"qikberry::{module}::{t}"
                registry.append((oid, "Response", t))
        else:
            problems.append(f"{oid}: send() return type not found")
        chain = f"c.{module}().{mname}({', '.join(call_args)})"
        # optional multipart setters
        for field, wire in mp_wire.items():
            if field in bset:
                v = value_for(mp_props.get(wire, {"type": "string"}), wire)
                chain += f".{field}({rust_lit(bset[field], v)})"
                fields.append((wire, wire_str(v)))
        # query
        rq = find_block(bblock, r"fn request\(&self[^)]*\)\s*->\s*crate::request::Request\s*\{")
        qpairs = []
        filter_calls = []
        builder_calls = []
        if rq:
            norm = re.sub(r"\s+", " ", rq)
            for m in re.finditer(r'\.query_opt\( ?"([^"]+)", (?:self\.(filter)\.((?:r#)?\w+)|self\.((?:r#)?\w+)|(page))', norm):
                wire = m.group(1)
                p = params.get(("query", wire))
                if p is None:
                    problems.append(f"{oid}: query {wire} not in spec")
                    continue
                v = value_for(p.get("schema", {}), wire)
                qpairs.append(f"{enc(wire)}={enc(wire_str(v))}")
                if m.group(2):
                    filter_calls.append((m.group(3), v))
                else:
                    field = m.group(4) or "page"
                    builder_calls.append((field, v))
            for m in re.finditer(r'query_each\( ?\w+, ?"([^"]+)"', norm):
                problems.append(f"{oid}: query_each not handled ({m.group(1)})")
        if filter_calls:
            ftype = re.search(r"pub fn filter\(mut self, filter: (\w+)\)", bblock).group(1)
            fblock = find_block(text, r"impl %s \{" % ftype)
            fset = setters(fblock)
            fchain = f"qikberry::{module}::{ftype}::new()"
            for field, v in filter_calls:
                fchain += f".{field}({rust_lit(fset[field], v)})"
            chain += f".filter({fchain})"
        for field, v in builder_calls:
            chain += f".{field}({rust_lit(bset[field], v)})"
        chain += ".send()"
        query = "&".join(qpairs)
        fl = ", ".join(f'("{w}", "{v}")' for w, v in fields)
        entries.append(f'        call!("{oid}", "{query}", [{fl}], |c, x| {chain}),')

out = '''//! The typed call table: one generated-client call per operation of `spec/qikberry.yaml`.
//! Scaffolded by `tests/peers/scaffold_rest_calls.py` (spec + generated signatures), then reviewed.
//!
//! Each entry names its operationId, the raw query string the call must produce and the multipart
//! text fields it sets; the harness (`http_operations.rs`, `prism_contract.rs`) checks the table
//! covers every operation of the spec exactly once, takes the request bodies and expected responses
//! from the spec's examples, and checks the query names and values against the spec's parameters.
//! A new operation in the spec fails both suites until it gets an entry here.
//!
//! `x` is the call's [`Ctx`](crate::support::ops::Ctx): `x.body()` the request example as the
//! generated body type, `x.id()` / `x.num` path parameter values, `x.file()` the upload.

use crate::call;
use crate::support::ops::Call;

/// Every call, in spec order.
pub fn all() -> Vec<Call> {
    vec![
''' + "\n".join(entries) + '''
    ]
}
'''
open(f"{ROOT}/tests/tests/support/calls.rs", "w").write(out)
print(len(entries), "entries")
for p in problems:
    print("PROBLEM", p)

reg = """//! Which generated type holds each operation's request body and success response, for
//! `roundtrip_examples.rs`. A new operation fails that test until it is listed here.
//! Scaffolded by `tests/peers/scaffold_rest_calls.py`.

use serde_json::Value;

/// Which side of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Request,
    Response,
}

fn rt<T: serde::de::DeserializeOwned + serde::Serialize>(v: Value) -> Result<Value, String> {
    let typed: T = crate::support::ops::serde_path_to_value(v)?;
    serde_json::to_value(&typed).map_err(|e| format!("cannot serialize back: {e}"))
}

/// Deserializes `value` into the generated type of `operation`'s `kind` and serializes it back;
/// `None` when the table has no such entry.
pub fn roundtrip(operation: &str, kind: Kind, value: Value) -> Option<Result<Value, String>> {
    Some(match (operation, kind) {
""" + "\n".join(f'        ("{o}", Kind::{k}) => rt::<{t}>(value),' for o, k, t in registry) + """
        _ => return None,
    })
}
"""
open(f"{ROOT}/tests/tests/support/types.rs", "w").write(reg)
print(len(registry), "registry entries")
