#!/usr/bin/env python3
# Oracle for subtree exclusive c14n: lxml (libxml2) over many documents per process (xml-security.md §2.1).
# Input: one JSON object per line: {"doc": base64, "index": n, "prefixes": [..], "comments": bool}
#   index: the n-th element in document order (0 = root) is the apex.
# Output: one JSON object per line: {"ok": true, "c14n": base64} or {"ok": false, "error": "..."}
import base64
import json
import sys

from lxml import etree

parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, remove_blank_text=False, huge_tree=True)

for line in sys.stdin:
    req = json.loads(line)
    try:
        root = etree.fromstring(base64.b64decode(req["doc"]), parser)
        elements = [e for e in root.iter() if isinstance(e.tag, str)]
        apex = elements[req["index"]]
        out = etree.tostring(apex, method="c14n", exclusive=True, with_comments=req.get("comments", False),
                             inclusive_ns_prefixes=req.get("prefixes") or None)
        res = {"ok": True, "c14n": base64.b64encode(out).decode("ascii")}
    except Exception as err:  # noqa: BLE001 - every failure is reported back to the test
        res = {"ok": False, "error": f"{type(err).__name__}: {err}"}
    sys.stdout.write(json.dumps(res) + "\n")
