"""A small IAM policy evaluator for replication_engine.py (moto evaluates
no policies when it runs as a server): is one action on one resource, by one
principal, in one request context, allowed by a set of policy documents?

It stands in for AWS's evaluation and simplifies it: explicit Deny wins,
then any Allow, else nothing (implicit deny). Action/NotAction,
Resource/NotResource and Principal/NotPrincipal are matched with IAM's
wildcards (* and ?; actions case-insensitively). Conditions know the
String*, Arn*, Bool and Null operators, the ForAnyValue:/ForAllValues:
qualifiers and ...IfExists; a key missing from the context makes a
condition false (unless IfExists or Null), and an unknown operator makes
it false too, so a statement the evaluator does not understand never
grants. Not modelled: policy variables (${aws:username}), numeric and date
operators, permission boundaries, session policies, SCPs, KMS key
policies, ACLs.

(Not named after anything moto or the standard library provides: this
directory is first on sys.path when motopatch/moto_server runs.)"""
import json
import re
import urllib.parse


def as_list(x):
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple, set)) else [x]


def load(doc):
    """A policy document (str, bytes, dict) as a dict, or None. IAM hands
    documents back URL-encoded at times; both forms are accepted."""
    if isinstance(doc, dict):
        return doc
    if isinstance(doc, bytes):
        doc = doc.decode("utf-8", "replace")
    if not isinstance(doc, str) or not doc.strip():
        return None
    for text in (doc, urllib.parse.unquote(doc)):
        try:
            out = json.loads(text)
            return out if isinstance(out, dict) else None
        except ValueError:
            continue
    return None


def statements(docs):
    out = []
    for doc in docs:
        d = load(doc)
        if d:
            out += [s for s in as_list(d.get("Statement")) if isinstance(s, dict)]
    return out


_PATTERNS = {}


def wildcard(pattern, value, ignore_case=False):
    """IAM's wildcard match: * any run, ? one character, nothing else."""
    if not isinstance(pattern, str) or not isinstance(value, str):
        return False
    k = (pattern, ignore_case)
    rx = _PATTERNS.get(k)
    if rx is None:
        body = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
        rx = re.compile(body, re.S | (re.I if ignore_case else 0))
        _PATTERNS[k] = rx
    return rx.fullmatch(value) is not None


def _matches(stmt, field, value, ignore_case=False, absent=True):
    """Field/NotField of a statement against one value; absent is what a
    statement with neither means (trust policies have no Resource)."""
    if field in stmt:
        return any(wildcard(p, value, ignore_case) for p in as_list(stmt[field]))
    if "Not" + field in stmt:
        return not any(wildcard(p, value, ignore_case) for p in as_list(stmt["Not" + field]))
    return absent


def _principal_values(principal):
    """{"AWS": [...], "Service": [...]} from a policy's Principal element."""
    if principal == "*":
        return {"*": ["*"]}
    if not isinstance(principal, dict):
        return {}
    return {k: as_list(v) for k, v in principal.items()}


def principal_matches(stmt, who):
    """who: {"AWS": [role ARN, account root ARN, account id], "Service": [...]}.
    None means an identity policy (no Principal element to match)."""
    if who is None:
        return True
    for field, negate in (("Principal", False), ("NotPrincipal", True)):
        if field not in stmt:
            continue
        given = _principal_values(stmt[field])
        hit = "*" in given or any(
            p == "*" or any(wildcard(p, w) for w in who.get(kind, []))
            for kind, ps in given.items() for p in ps)
        return hit != negate
    return False


def _context_get(context, key):
    for k, v in context.items():
        if k.lower() == key.lower():
            return v
    return None


def _op_test(base):
    """(test(value, pattern), negated) for an operator name, or None."""
    def like(v, p):
        return wildcard(p, v)
    ops = {
        "StringEquals": (lambda v, p: v == p, False),
        "StringNotEquals": (lambda v, p: v == p, True),
        "StringEqualsIgnoreCase": (lambda v, p: v.lower() == p.lower(), False),
        "StringNotEqualsIgnoreCase": (lambda v, p: v.lower() == p.lower(), True),
        "StringLike": (like, False),
        "StringNotLike": (like, True),
        "ArnEquals": (like, False),
        "ArnLike": (like, False),
        "ArnNotEquals": (like, True),
        "ArnNotLike": (like, True),
        "Bool": (lambda v, p: v.lower() == p.lower(), False),
    }
    return ops.get(base)


def _one_condition(op, key, wanted, context):
    qualifier, _, base = op.rpartition(":")
    if_exists = base.endswith("IfExists")
    if if_exists:
        base = base[:-len("IfExists")]
    have = _context_get(context, key)
    if base == "Null":
        return (have is None) == (str(as_list(wanted)[0]).lower() == "true")
    if have is None:
        return if_exists or qualifier == "ForAllValues"
    spec = _op_test(base)
    if spec is None:
        return False
    test, negated = spec
    wanted = [str(w) for w in as_list(wanted)]

    def one(value):
        hit = any(test(str(value), w) for w in wanted)
        return not hit if negated else hit
    values = as_list(have)
    if qualifier == "ForAllValues":
        return all(one(v) for v in values)
    return any(one(v) for v in values)


def conditions_hold(cond, context):
    if not cond:
        return True
    if not isinstance(cond, dict):
        return False
    for op, block in cond.items():
        if not isinstance(block, dict):
            return False
        for key, wanted in block.items():
            if not _one_condition(op, key, wanted, context):
                return False
    return True


def evaluate(docs, action, resource, context=None, who=None):
    """"Allow", "Deny" (explicit) or None (no statement applies)."""
    verdict = None
    for st in statements(docs):
        if not (_matches(st, "Action", action, ignore_case=True, absent=False) and
                _matches(st, "Resource", resource) and principal_matches(st, who) and
                conditions_hold(st.get("Condition"), context or {})):
            continue
        effect = st.get("Effect")
        if effect == "Deny":
            return "Deny"
        if effect == "Allow":
            verdict = "Allow"
    return verdict
