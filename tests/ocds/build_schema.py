#!/usr/bin/env python3
"""Rebuild tests/ocds/schema/release-schema-with-enquiry.json.

    python3 tests/ocds/build_schema.py          # (re)write the file
    python3 tests/ocds/build_schema.py --check  # exit 1 if the committed file is stale

Input (both committed verbatim from their git tags, see README.md):
  schema/1__1__5/release-schema.json             OCDS 1.1.5 release schema
  schema/extensions/enquiry/release-schema.json  Enquiries extension v1.1.5 (JSON Merge Patch)

Steps, the same as ocdsextensionregistry's ProfileBuilder.patched_release_schema(),
which libcoveocds uses:
  1. replace the {{lang}} / {{version}} placeholders in the standard's files with
     "en" / "1.1" (as the published schema at standard.open-contracting.org does);
  2. drop `null` members from the patch (extensions may not remove fields);
  3. apply the patch with JSON Merge Patch, RFC 7386.
No network, no third-party package needed. If the `json-merge-patch` package is
installed, its result is compared with ours as a cross-check.
"""

import copy
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCHEMA_DIR = HERE / "schema"
CORE = SCHEMA_DIR / "1__1__5" / "release-schema.json"
PATCH = SCHEMA_DIR / "extensions" / "enquiry" / "release-schema.json"
OUT = SCHEMA_DIR / "release-schema-with-enquiry.json"


def load_standard_file(path):
    text = path.read_text(encoding="utf-8")
    return json.loads(text.replace("{{lang}}", "en").replace("{{version}}", "1.1"))


def remove_nulls(value):
    if isinstance(value, dict):
        return {k: remove_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [remove_nulls(v) for v in value]
    return value


def merge_patch(target, patch):
    """RFC 7386 section 2, MergePatch(Target, Patch)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def build():
    core = load_standard_file(CORE)
    patch = remove_nulls(json.loads(PATCH.read_text(encoding="utf-8")))
    patched = merge_patch(core, patch)
    try:
        import json_merge_patch  # optional cross-check
    except ImportError:
        pass
    else:
        other = copy.deepcopy(core)
        json_merge_patch.merge(other, patch)
        assert other == patched, "json-merge-patch disagrees with the local RFC 7386 merge"
    return patched


def render(schema):
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main(argv):
    text = render(build())
    if "--check" in argv:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is stale: run python3 tests/ocds/build_schema.py", file=sys.stderr)
            return 1
        print(f"{OUT.name} is up to date")
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
