"""The deeper half of the reference comparison (imported by reference_facts.py): field types and
defaults, the HTTP status code table, the limits the reference states in words, and the
platform's wire samples (`wire-shapes.md`), extracted as facts and checked against the spec.

Extraction adds rows to spec/reference-facts.tsv (kinds `type`, `default`, `code`, `limit`,
`sample`); `--check` validates the spec against every row of those kinds (the Rust side of
spec-lint compares the other kinds; a `sample` is validated as what spec/reference-samples.tsv
says it is: a request, a response or an event), prints one
`class compared exact explained` line per class (`sample-request`, `sample-response` and
`sample-event` for the samples) and exits 1 on any difference that
spec/reference-mismatches.tsv does not explain (or on an explanation that matches nothing).
"""
import json
import re

# The fact kinds this half owns, and the classes it counts (a `sample` counts as its mapped class).
DEEP_KINDS = ("type", "default", "code", "limit", "sample")
CLASSES = ("type", "default", "code", "limit", "sample-request", "sample-response", "sample-event")
BASE_TYPE = re.compile(r"^(string|integer|number|boolean|object|array|Array of \w+)")
DEFAULT = re.compile(r"^Default: (.*)$")
CODE_ROW = re.compile(r"^(\d{3}|5xx) (.+)$")

# Limits the reference states in prose: (schema pointer, keyword, value, reference line).
# Template names "without space" apply to every create-template shape of the product.
PROSE_LIMITS = [
    ("#/components/schemas/SmsSendTemplateMessageRequest/properties/data/additionalProperties", "maxLength", 30, 2740),
    ("#/components/schemas/SmsSendMeta/properties/tags", "maxItems", 3, 8645),
    ("#/components/schemas/SmsSendScheduled/properties/time", "x-max-days-ahead", 30, 8798),
    ("#/components/schemas/SmsImportUnsubscribersRequest/properties/file", "x-max-size-bytes", 100 << 20, 1883),
    ("#/components/schemas/SmsImportBlockedTemplatesRequest/properties/file", "x-max-size-bytes", 100 << 20, 2137),
    ("#/components/schemas/RcsImportUnsubscribersRequest/properties/file", "x-max-size-bytes", 100 << 20, 3315),
    ("#/components/schemas/VoiceImportUnsubscribersRequest/properties/file", "x-max-size-bytes", 100 << 20, 4117),
    ("#/components/schemas/ViberImportUnsubscribersRequest/properties/file", "x-max-size-bytes", 100 << 20, 5757),
    ("#/components/schemas/WhatsappImportUnsubscribersRequest/properties/file", "x-max-size-bytes", 100 << 20, 6471),
    ("#/components/schemas/ContactsImportSubscribersRequest/properties/file", "x-max-size-bytes", 5 << 20, 7739),
    ("#/components/schemas/E164Number", "pattern", "^[1-9][0-9]{6,14}$", 1089),
]
TEMPLATE_NAME_LINES = {"Viber": 5353, "Whatsapp": 6129}
TEMPLATE_NAME_SCHEMAS = {
    "Viber": ["TransactionalText", "TransactionalFile", "SessionText", "SessionFile", "SessionImage",
              "PromotionalVideo", "PromotionalImage", "PromotionalImageTextButton", "PromotionalVideoText",
              "PromotionalTextButton", "PromotionalVideoTextButton"],
    "Whatsapp": ["TextTemplate", "JsonTemplate", "MediaImageTemplate", "MediaVideoTemplate", "MediaAudioTemplate",
                 "MediaDocumentTemplate", "TemplateTextButton", "TemplateTextReply", "TemplateImageButton",
                 "TemplateImageReply", "TemplateVideoButton", "TemplateVideoReply", "TemplateDocumentButton",
                 "TemplateDocumentReply", "TemplateAuthenticationCopyCode"],
}


def field_details(para):
    """(base type, default) of a field paragraph (`name`, [`required`], type, … `Default: x`)."""
    base, default = None, None
    for line in para[1:]:
        if base is None and BASE_TYPE.match(line):
            t = BASE_TYPE.match(line).group(1)
            base = "array" if t.startswith("Array of") else t
        m = DEFAULT.match(line)
        if m:
            default = m.group(1)
    return base, default


def code_facts(lines):
    """The `HTTP Status Codes` table: one fact per code."""
    out = []
    try:
        start = lines.index("HTTP Status Codes")
    except ValueError:
        return out
    for i in range(start + 2, min(start + 20, len(lines))):
        m = CODE_ROW.match(lines[i])
        if m:
            out.append(("*", "*", "code", m.group(1).upper(), m.group(2), i + 1))
        elif out:
            break
    return out


def limit_facts():
    out = [("*", ptr, "limit", kw, json.dumps(v), line) for ptr, kw, v, line in PROSE_LIMITS]
    for product, names in TEMPLATE_NAME_SCHEMAS.items():
        for n in names:
            schema = n if n.startswith("Template") or n.endswith("Template") else n + "Template"
            ptr = f"#/components/schemas/{product}{schema}/properties/name"
            out.append(("*", ptr, "limit", "pattern", json.dumps("^\\S+$"), TEMPLATE_NAME_LINES[product]))
    return out


# --- wire samples ---------------------------------------------------------------------------

LEAF = re.compile(r"^(\S*?): (\w+)(?: = (.*))?$")
ENDPOINT = re.compile(r"^`([A-Z]+) v[23]/(.*)`$")


def put(node, segs, value):
    """Sets `a[].b`-style path `segs` in `node`; a key already set starts a new array element."""
    seg, rest = segs[0], segs[1:]
    is_array = seg.endswith("[]")
    key = seg[:-2] if is_array else seg
    if not rest:
        if is_array:
            node.setdefault(key, []).append(value)
            return True
        if key in node:
            return False
        node[key] = value
        return True
    if is_array:
        items = node.setdefault(key, [])
        if not items or not put(items[-1], rest, value):
            items.append({})
            put(items[-1], rest, value)
        return True
    return put(node.setdefault(key, {}), rest, value)


def leaf_value(kind, text):
    if text is None:
        return {"array": [], "object": {}}.get(kind, None)
    try:
        return json.loads(text)
    except ValueError:
        return text


def block_json(block):
    """The JSON a block of `path: type = example` lines describes (None for a form body or one the docs show as invalid JSON)."""
    if block and block[0].startswith("(body"):
        return None
    root = {}
    for line in block:
        m = LEAF.match(line)
        if not m:
            continue
        path, kind, text = m.groups()
        segs = [s for s in re.split(r"\.(?![^\[]*\])", path) if s]
        segs = [s for part in segs for s in re.findall(r"[^\[\]]*\[\]|[^\[\]]+", part)]
        put(root, segs, leaf_value(kind, text))
    return root.get("") if list(root) == [""] else root


def sections(text):
    """(part, name, endpoint or None, [blocks]) for every `### name` of wire-shapes.md."""
    part, out, cur, block = None, [], None, None
    for i, line in enumerate(text.split("\n")):
        if line.startswith("## "):
            part = "request" if line.startswith("## Request") else "response"
        elif line.startswith("### "):
            cur = [part, line[4:].strip(), None, [], i + 1]
            out.append(cur)
        elif cur is not None and ENDPOINT.match(line):
            cur[2] = ENDPOINT.match(line).groups()
        elif line == "```":
            if block is None:
                block = []
            else:
                cur[3].append((block, i + 1))
                block = None
        elif block is not None:
            block.append(line)
    return out


def sample_facts(text):
    """One `sample` fact per JSON block of wire-shapes.md: the section's own endpoint line (or
    `* *`), the section name, the JSON and the line of the block's closing fence. What each
    sample is (a request, a response or an event, and of what) is not guessed here: the curated
    spec/reference-samples.tsv says it, keyed by that line (see reference_samples.py)."""
    out = []
    for part, name, ep, blocks, at in sections(text):
        method, path = (ep[0], "/" + ep[1]) if ep else ("*", "*")
        for block, line in blocks:
            value = block_json(block)
            if value is not None:
                out.append((method, path, "sample", name, json.dumps(value, ensure_ascii=False), line))
    return out
