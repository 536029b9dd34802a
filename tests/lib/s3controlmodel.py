"""s3controlmodel: botocore's published S3 Control model (rest-xml), used
strictly, for s3controlserver.py:

    model = Model()
    op, labels = model.route("GET", "/v20180820/jobs/abc12")
    params = model.check_request(op, labels, query, headers, body)
    xml = model.serialize(op.output_shape, {"Job": {...}})

route() finds the operation by method and requestUri template; check_request
checks the header, URI and querystring members, and walks an XML body itself
(botocore's parser drops what its model does not know): the root element's
name and namespace, every element one the shape defines, required members,
union members, list member names, types, enums, lengths, ranges and patterns.
It answers the members as botocore would parse them, or raises Invalid with
the path of the element and the rule broken. serialize() writes a response
from the model, and checks its own output the same way."""
import base64
import binascii
import datetime
import email.utils
import functools
import re
import sys
import unicodedata
import urllib.parse
import xml.etree.ElementTree as ET

import botocore.session

INT_RANGE = {"integer": (-2**31, 2**31 - 1), "long": (-2**63, 2**63 - 1)}
MRAP_ARN = re.compile(r"arn:[a-z-]+:s3::[0-9]{12}:accesspoint/(.+)")
ISO8601 = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$")


class Invalid(Exception):
    """A request the model does not allow: status, code, and a message that
    names the element and the rule."""

    def __init__(self, message, code="InvalidRequest", status=400):
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


# ------------------------------------------------------------ patterns

@functools.lru_cache(maxsize=None)
def _categories():
    """For each of L, N, Z: a character class body of the code points whose
    Unicode category starts with it (Python's re has no \\p{..}): one pass."""
    ranges = {"L": [], "N": [], "Z": []}
    for cp in range(sys.maxunicode + 1):
        r = ranges.get(unicodedata.category(chr(cp))[0])
        if r is None:
            continue
        if r and r[-1][1] == cp - 1:
            r[-1][1] = cp
        else:
            r.append([cp, cp])
    return {k: "".join(_range(a, b) for a, b in v) for k, v in ranges.items()}


def _range(a, b):
    return f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}"


def _surrogates(m):
    hi, lo = int(m.group(1), 16), int(m.group(2), 16)
    return f"\\U{0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00):08x}"


@functools.lru_cache(maxsize=None)
def compile_pattern(pattern):
    """A model pattern (Java/ECMA syntax) as a Python regex: \\p{L} and the
    like become explicit ranges, a UTF-16 surrogate pair one code point, \\d
    ASCII digits, and a final $ the very end. Smithy patterns are not
    anchored: use search()."""
    p = re.sub(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})", _surrogates, pattern,
               flags=re.I)
    p = re.sub(r"\\p\{([LNZ])\}", lambda m: _categories()[m.group(1)], p)
    if p.endswith("$") and not p.endswith(r"\$"):
        p = p[:-1] + r"\Z"
    return re.compile(p, re.ASCII)  # \d is 0-9, as in Java


# ------------------------------------------------------------ scalars

def xml_name(member_name, shape):
    return shape.serialization.get("name", member_name)


def check_scalar(shape, text, path, where="body"):
    """The Python value of one scalar, or Invalid."""
    t = shape.type_name
    if t == "string":
        return check_string(shape, text, path)
    if t in INT_RANGE:
        if not re.fullmatch(r"-?[0-9]+", text):
            raise Invalid(f"{path}: '{text}' is not an {t}")
        return check_range(shape, int(text), path, *INT_RANGE[t])
    if t in ("double", "float"):
        try:
            return check_range(shape, float(text), path, float("-inf"), float("inf"))
        except ValueError:
            raise Invalid(f"{path}: '{text}' is not a {t}") from None
    if t == "boolean":
        if text not in ("true", "false"):
            raise Invalid(f"{path}: '{text}' is not a boolean (true or false)")
        return text == "true"
    if t == "timestamp":
        return check_timestamp(shape, text, path, where)
    if t == "blob":
        try:
            return base64.b64decode(text, validate=True)
        except binascii.Error:
            raise Invalid(f"{path}: not base64") from None
    raise Invalid(f"{path}: a {t} cannot be a scalar")


def check_string(shape, text, path):
    arn = MRAP_ARN.fullmatch(text) if shape.name == "MultiRegionAccessPointId" else None
    if arn:  # the model's pattern has no '/', its documentation an ARN
        check_string(shape, arn.group(1), f"{path} (the alias in the ARN)")
        check_length(shape, len(text), path, "characters")
        return text
    enum = shape.metadata.get("enum")
    if enum and text not in enum:
        raise Invalid(f"{path}: '{text}' is not a valid {shape.name} (one of {', '.join(enum)})")
    check_length(shape, len(text), path, "characters")
    pattern = shape.metadata.get("pattern")
    if pattern and not compile_pattern(pattern).search(text):
        raise Invalid(f"{path}: '{text}' does not match the pattern {pattern} of {shape.name}")
    return text


def check_length(shape, n, path, unit):
    lo, hi = shape.metadata.get("min"), shape.metadata.get("max")
    if lo is not None and n < lo:
        raise Invalid(f"{path}: {n} {unit}, fewer than the minimum {lo} of {shape.name}")
    if hi is not None and n > hi:
        raise Invalid(f"{path}: {n} {unit}, more than the maximum {hi} of {shape.name}")


def check_range(shape, v, path, lo, hi):
    lo = max(lo, shape.metadata.get("min", lo))
    hi = min(hi, shape.metadata.get("max", hi))
    if not lo <= v <= hi:
        raise Invalid(f"{path}: {v} is out of the range [{lo}, {hi}] of {shape.name}")
    return v


def check_timestamp(shape, text, path, where):
    fmt = shape.serialization.get("timestampFormat") or \
        ("rfc822" if where == "header" else "iso8601")
    if fmt == "iso8601":
        m = ISO8601.match(text)
        try:
            if m:
                return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            pass
        raise Invalid(f"{path}: '{text}' is not an ISO 8601 timestamp (YYYY-MM-DDThh:mm:ssZ)")
    if fmt == "rfc822":
        try:
            return email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            raise Invalid(f"{path}: '{text}' is not an RFC 822 date") from None
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", text):
        raise Invalid(f"{path}: '{text}' is not epoch seconds")
    return datetime.datetime.fromtimestamp(float(text), datetime.timezone.utc)


# ------------------------------------------------------------ XML bodies

def local(elem, ns, path):
    """The element's name without the namespace, which must be ns."""
    tag = elem.tag
    uri, _, name = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    if uri != ns:
        raise Invalid(f"{path}/{name}: the element is in the namespace '{uri}', "
                      f"not '{ns}'")
    return name


def no_text(elem, path, what):
    if (elem.text or "").strip():
        raise Invalid(f"{path}: text '{elem.text.strip()}' where a {what} has only elements")
    if elem.attrib:
        raise Invalid(f"{path}: unexpected attributes {sorted(elem.attrib)}")
    for child in elem:
        if (child.tail or "").strip():
            raise Invalid(f"{path}: text '{child.tail.strip()}' between the elements of a {what}")


def check_value(shape, elem, path, ns):
    t = shape.type_name
    if t == "structure":
        return check_structure(shape, elem, path, ns, body_members(shape))
    if t == "list":
        no_text(elem, path, "list")
        return check_items(shape, list(elem), path, ns)
    if t == "map":
        return check_map(shape, elem, path, ns)
    if len(elem) or elem.attrib:
        raise Invalid(f"{path}: a {shape.name} ({t}) has no child elements nor attributes")
    return check_scalar(shape, elem.text or "", path)


def body_members(shape):
    return {n: s for n, s in shape.members.items() if not s.serialization.get("location")}


def check_structure(shape, elem, path, ns, members):
    no_text(elem, path, "structure")
    by_xml = {xml_name(n, s): n for n, s in members.items()}
    groups = {}
    for child in elem:
        name = local(child, ns, path)
        if name not in by_xml:
            raise Invalid(f"{path}/{name}: unknown element: {shape.name} has no member "
                          f"'{name}' (it has {', '.join(sorted(by_xml)) or 'none'})")
        groups.setdefault(by_xml[name], []).append(child)
    out = {}
    for n, children in groups.items():
        s, p = members[n], f"{path}/{xml_name(n, members[n])}"
        if s.type_name == "list" and s.serialization.get("flattened"):
            out[n] = check_items(s, children, path, ns, name=xml_name(n, s))
        elif len(children) > 1:
            raise Invalid(f"{p}: the element appears {len(children)} times, once at most")
        else:
            out[n] = check_value(s, children[0], p, ns)
    check_presence(shape, members, out, path)
    return out


def check_presence(shape, members, out, path):
    for r in shape.required_members:
        if r in members and r not in out:
            raise Invalid(f"{path}: the required member {xml_name(r, members[r])} "
                          f"of {shape.name} is missing")
    if shape.metadata.get("union") and len(out) != 1:
        raise Invalid(f"{path}: {shape.name} is a union: exactly one of "
                      f"{', '.join(xml_name(n, s) for n, s in members.items())} must be set, "
                      f"not {len(out)}")


def check_items(shape, children, path, ns, name=None):
    item = shape.member
    want = xml_name("member", item) if name is None else name
    out = []
    for i, child in enumerate(children, 1):
        got = local(child, ns, path)
        if got != want:
            raise Invalid(f"{path}/{got}: unexpected element in the list {shape.name}: "
                          f"its items are <{want}>")
        out.append(check_value(item, child, f"{path}/{want}[{i}]", ns))
    check_length(shape, len(out), path, "items")
    return out


def check_map(shape, elem, path, ns):
    no_text(elem, path, "map")
    key_name, value_name = xml_name("key", shape.key), xml_name("value", shape.value)
    out = {}
    for i, entry in enumerate(elem, 1):
        p = f"{path}/entry[{i}]"
        if local(entry, ns, path) != "entry":
            raise Invalid(f"{path}/{local(entry, ns, path)}: a map {shape.name} has only <entry>")
        no_text(entry, p, "map entry")
        names = [local(c, ns, p) for c in entry]
        if sorted(names) != sorted([key_name, value_name]):
            raise Invalid(f"{p}: an entry has one <{key_name}> and one <{value_name}>, "
                          f"not {names}")
        kv = {local(c, ns, p): c for c in entry}
        k = check_value(shape.key, kv[key_name], f"{p}/{key_name}", ns)
        if k in out:
            raise Invalid(f"{p}/{key_name}: the key '{k}' is given twice")
        out[k] = check_value(shape.value, kv[value_name], f"{p}/{value_name}", ns)
    check_length(shape, len(out), path, "entries")
    return out


# ------------------------------------------------------------ the model

class Model:
    def __init__(self):
        self.service = botocore.session.get_session().get_service_model("s3control")
        self.namespace = None
        self.routes = []
        for name in self.service.operation_names:
            op = self.service.operation_model(name)
            self.routes.append((op.http["method"], *template(op.http["requestUri"]), op))
            ns = (op.input_shape.serialization.get("xmlNamespace") or {}).get("uri") \
                if op.input_shape else None
            self.namespace = self.namespace or ns
        # The most literal template first: /mrap/instances/{name+} would
        # also match .../{mrap+}/routes.
        self.routes.sort(key=lambda r: -r[2])

    def route(self, method, raw_path):
        """(operation model, URI labels decoded) for a request, or Invalid."""
        path = raw_path.split("?")[0]
        allowed = []
        for m, regex, _, labels, op in self.routes:
            hit = regex.fullmatch(path)
            if hit and m == method:
                return op, {k: urllib.parse.unquote(v) for k, v in zip(labels, hit.groups())}
            if hit:
                allowed.append(f"{m} ({op.name})")
        if allowed:
            raise Invalid(f"{method} {path}: the method is not allowed here; "
                          f"the model has {', '.join(sorted(set(allowed)))}")
        raise Invalid(f"{method} {path}: no S3 Control operation has this path")

    def check_request(self, op, labels, query, headers, body):
        """The input members of a request, as botocore would parse them."""
        shape, out = op.input_shape, {}
        if shape is None:
            return out
        for n, s in shape.members.items():
            loc = s.serialization.get("location")
            if loc == "uri":
                out[n] = check_label(s, n, labels)
            elif loc == "header":
                value = headers.get(xml_name(n, s))
                if value is not None:
                    out[n] = check_scalar(s, value, f"header {xml_name(n, s)}", "header")
        out.update(check_query(shape, query))
        out.update(self.check_body(op, shape, body))
        for r in shape.required_members:
            s = shape.members[r]
            if s.serialization.get("location") and r not in out:
                raise Invalid(f"{op.name}: the required {s.serialization['location']} "
                              f"member {xml_name(r, s)} is missing")
        return out

    def check_body(self, op, shape, body):
        payload = shape.serialization.get("payload")
        if payload:
            s = shape.members[payload]
            if s.type_name in ("blob", "string"):
                return {payload: body} if body else {}
            if not body.strip():
                return {}
            return {payload: self.check_document(s, body, xml_name(payload, s))}
        members = body_members(shape)
        if not members:
            if body:
                raise Invalid(f"{op.name}: the operation takes no body, got {len(body)} bytes")
            return {}
        if not body.strip():
            check_presence(shape, members, {}, xml_name(shape.name, shape))
            return {}
        return self.check_document(shape, body, xml_name(shape.name, shape), members)

    def check_document(self, shape, body, root_name, members=None):
        try:
            root = ET.fromstring(body)
        except ET.ParseError as e:
            raise Invalid(f"the body is not well-formed XML: {e}", code="MalformedXML") from None
        ns = (shape.serialization.get("xmlNamespace") or {}).get("uri") or self.namespace
        name = local(root, ns, "")
        if name != root_name:
            raise Invalid(f"/{name}: the root element must be <{root_name} xmlns=\"{ns}\">")
        if members is None:
            return check_value(shape, root, "/" + root_name, ns)
        return check_structure(shape, root, "/" + root_name, ns, members)

    # -------------------------------------------------------- responses

    def serialize(self, shape, value):
        """A response body for an output shape, checked against the model."""
        members = body_members(shape)
        if not members:
            return b""
        root = ET.Element(xml_name(shape.name, shape), xmlns=self.namespace)
        for n, s in members.items():
            if value.get(n) is not None:
                put(root, n, s, value[n])
        body = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root)
        try:
            self.check_document(shape, body, root.tag, members)
        except Invalid as e:
            raise AssertionError(f"s3controlserver answers off the model: {e.message}") from None
        return body


def put(parent, name, shape, value):
    t = shape.type_name
    tag = xml_name(name, shape)
    if t == "list" and shape.serialization.get("flattened"):
        for v in value:
            put(parent, tag, shape.member, v)
        return
    elem = ET.SubElement(parent, tag)
    if t == "structure":
        for n, s in shape.members.items():
            if value.get(n) is not None:
                put(elem, n, s, value[n])
    elif t == "list":
        for v in value:
            put(elem, xml_name("member", shape.member), shape.member, v)
    elif t == "map":
        for k, v in value.items():
            entry = ET.SubElement(elem, "entry")
            put(entry, xml_name("key", shape.key), shape.key, k)
            put(entry, xml_name("value", shape.value), shape.value, v)
    else:
        elem.text = scalar_text(t, value)


def scalar_text(t, value):
    if t == "boolean":
        return "true" if value else "false"
    if t == "timestamp":
        v = value.astimezone(datetime.timezone.utc)
        return v.strftime("%Y-%m-%dT%H:%M:%S.") + f"{v.microsecond // 1000:03d}Z"
    if t == "blob":
        return base64.b64encode(value).decode()
    return str(value)


def template(uri):
    """(regex, literal characters, label names) of a requestUri template."""
    path = uri.split("?")[0]
    out, labels, literal = "", [], 0
    for part in re.split(r"(\{[^}]+\})", path):
        if part.startswith("{"):
            name = part[1:-1]
            greedy = name.endswith("+")
            labels.append(name.rstrip("+"))
            out += "(.+)" if greedy else "([^/]+)"
        else:
            out += re.escape(part)
            literal += len(part)
    return re.compile(out), literal, labels


def check_label(shape, member, labels):
    name = xml_name(member, shape)
    value = labels.get(name)
    if value is None:
        raise Invalid(f"the URI label {{{name}}} is missing")
    if value == "":
        raise Invalid(f"the URI label {{{name}}} is empty")
    return check_scalar(shape, value, f"URI label {{{name}}}", "uri")


def check_query(shape, query):
    """query: [(key, value)] decoded, in order."""
    by_key = {xml_name(n, s): (n, s) for n, s in shape.members.items()
              if s.serialization.get("location") == "querystring"}
    got = {}
    for k, v in query:
        if k not in by_key:
            raise Invalid(f"query parameter '{k}': {shape.name} defines no such parameter "
                          f"(it has {', '.join(sorted(by_key)) or 'none'})")
        got.setdefault(k, []).append(v)
    out = {}
    for k, values in got.items():
        n, s = by_key[k]
        p = f"query parameter '{k}'"
        if s.type_name == "list":
            out[n] = [check_scalar(s.member, v, f"{p}[{i}]", "querystring")
                      for i, v in enumerate(values, 1)]
            check_length(s, len(values), p, "values")
        elif len(values) > 1:
            raise Invalid(f"{p}: given {len(values)} times, once at most")
        else:
            out[n] = check_scalar(s, values[0], p, "querystring")
    return out
