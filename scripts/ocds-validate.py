#!/usr/bin/env python3
"""Validate OCDS 1.1 release packages and record packages, offline.

    python3 scripts/ocds-validate.py [--strict-codelists] [--quiet] FILE...

Profile: OCDS 1.1.5 + the Enquiries extension v1.1.5 (tender.enquiries).
Schemas, codelists and the extension are read from tests/ocds/schema/ (committed);
this script never touches the network (see tests/ocds/README.md).

Checks, and who does them:
  [libcoveocds] the OCDS Data Review Tool's library (PyPI `libcoveocds`, on top of
      `libcove`, `jsonschema` and `ocdsextensionregistry`): JSON Schema Draft 4
      validation of the package against the package schema with the extension
      patched in, including the formats date-time, uri and email; closed codelists
      (the schema's `enum`s, which libcove reports apart from other schema errors);
      open codelists; OCID prefix format; deprecated fields; additional fields;
      its additional check `empty_field`.
  [jsonschema] a second, plain Draft 4 validation (PyPI `jsonschema`) against the
      COMMITTED tests/ocds/schema/release-schema-with-enquiry.json, as a
      cross-check; only errors that libcoveocds did not already report are printed.
  [script] package type detection, version "1.1", the committed patched schema
      being the one libcoveocds builds, and (with --strict-codelists) values of
      OPEN codelists outside the codelist, which OCDS allows and libcoveocds only
      reports as information.

Exit status: 0 if every file is valid, 1 if any file has an error, 2 on bad usage.
"""

import argparse
import io
import json
import socket
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_DIR = ROOT / "tests" / "ocds" / "schema"
STANDARD_DIR = SCHEMA_DIR / "1__1__5"
STANDARD_TAG = "1__1__5"
ENQUIRY_DIR = SCHEMA_DIR / "extensions" / "enquiry"
PATCHED_RELEASE_SCHEMA = SCHEMA_DIR / "release-schema-with-enquiry.json"

ENQUIRY_EXTENSION_URL = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_enquiry_extension/v1.1.5/extension.json"
)

PIP_LINE = "python3 -m pip install -q libcoveocds==0.17.0 libcove==0.32.1 ocdsextensionregistry==0.7.0 " \
    "jsonschema==4.26.0 referencing==0.37.0 jsonref==1.1.0 rfc3339-validator==0.1.4 rfc3987==1.3.8"


# --------------------------------------------------------------------------- offline plumbing

def _zip_tree(entries, top):
    """A ZIP whose first entry is the directory `top/`, as GitHub archives are (ocdsextensionregistry relies on it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{top}/", "")
        for arcname, path in entries:
            archive.write(path, f"{top}/{arcname}")
    return buffer.getvalue()


def _files(directory):
    return [(path.relative_to(directory).as_posix(), path) for path in sorted(directory.rglob("*")) if path.is_file()]


def standard_zip():
    """The standard repository as ocdsextensionregistry's ProfileBuilder expects it: <top>/schema/..."""
    return _zip_tree([(f"schema/{name}", path) for name, path in _files(STANDARD_DIR)], f"standard-{STANDARD_TAG}")


def local_url_map():
    """Every URL the libraries may ask for, mapped to bytes from the repository."""
    urls = {}
    for scheme in ("http", "https"):
        for name in ("release-package-schema.json", "record-package-schema.json",
                     "versioned-release-validation-schema.json"):
            urls[f"{scheme}://standard.open-contracting.org/schema/{STANDARD_TAG}/{name}"] = STANDARD_DIR / name
        # $ref to the release schema resolves to the release schema WITH the extension.
        urls[f"{scheme}://standard.open-contracting.org/schema/{STANDARD_TAG}/release-schema.json"] = \
            PATCHED_RELEASE_SCHEMA
    base = ENQUIRY_EXTENSION_URL.rsplit("/", 1)[0] + "/"
    for name, path in _files(ENQUIRY_DIR):
        urls[base + name] = path
    # ocdsextensionregistry turns the raw.githubusercontent.com URL into this archive URL and reads all files from it.
    urls["https://github.com/open-contracting-extensions/ocds_enquiry_extension/archive/v1.1.5.zip"] = \
        lambda: _zip_tree(_files(ENQUIRY_DIR), "ocds_enquiry_extension-1.1.5")
    urls[f"https://codeload.github.com/open-contracting/standard/zip/{STANDARD_TAG}"] = standard_zip
    return urls


BLOCKED = []  # URLs or hosts that something tried to reach


def go_offline():
    """Serve known URLs from the repository through `requests`; refuse everything else, down to the socket."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3 import HTTPResponse

    urls = local_url_map()

    def send(self, request, **kwargs):
        url = request.url.split("#", 1)[0]
        response = requests.Response()
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        if url in urls:
            source = urls[url]
            content = source() if callable(source) else Path(source).read_bytes()
            response.status_code = 200
            response._content = content
            # requests-cache (used by ocdsextensionregistry) copies the urllib3 response, so give it one.
            response.raw = HTTPResponse(body=io.BytesIO(content), status=200, preload_content=False,
                                        request_url=request.url)
            return response
        BLOCKED.append(url)
        raise requests.ConnectionError(f"offline: {url} is not available locally", request=request)

    HTTPAdapter.send = send  # every requests session, including requests-cache's and jsonref's

    def no_dns(host, *args, **kwargs):
        if host in ("localhost", "127.0.0.1", "::1"):
            return _getaddrinfo(host, *args, **kwargs)
        BLOCKED.append(str(host))
        raise socket.gaierror(f"offline: refusing to resolve {host}")

    _getaddrinfo = socket.getaddrinfo
    socket.getaddrinfo = no_dns


# --------------------------------------------------------------------------- helpers

def pointer(path):
    """'releases/0/tag' or ['releases', 0, 'tag'] -> '/releases/0/tag' (JSON Pointer, RFC 6901)."""
    parts = path.split("/") if isinstance(path, str) else [str(p) for p in path]
    parts = [p.replace("~", "~0").replace("/", "~1") for p in parts if p != ""]
    return "/" + "/".join(parts)


def expand(data, field_path):
    """Concrete (pointer parts, value) for a field path without indexes, e.g. 'releases/tender/status'."""
    results = []

    def walk(node, keys, where):
        if isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, keys, where + [i])
            return
        if not keys:
            results.append((where, node))
            return
        if isinstance(node, dict) and keys[0] in node:
            walk(node[keys[0]], keys[1:], where + [keys[0]])

    walk(data, [k for k in field_path.split("/") if k], [])
    return results


def describe(value):
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def strip_cove_markers(schema):
    """libcoveocds adds `isCodelist` to its cached schema in place; remove it before comparing."""
    if isinstance(schema, dict):
        return {k: strip_cove_markers(v) for k, v in schema.items() if k != "isCodelist"}
    if isinstance(schema, list):
        return [strip_cove_markers(v) for v in schema]
    return schema


# --------------------------------------------------------------------------- the checks

class Report:
    def __init__(self):
        self.errors = []    # (pointer, message, source)
        self.warnings = []
        self.seen = set()   # pointers already reported as errors

    def error(self, where, message, source):
        self.errors.append((where, message, source))
        if where not in ("", "/"):  # file-level errors hide nothing
            self.seen.add(where)

    def warning(self, where, message, source):
        self.warnings.append((where, message, source))


def run_libcoveocds(data, is_record, report):
    from libcoveocds.common_checks import common_checks_ocds
    from libcoveocds.config import LibCoveOCDSConfig
    from libcoveocds.lib.api import context_api_transform
    from libcoveocds.schema import SchemaOCDS

    config = LibCoveOCDSConfig()
    config.config.update(context="api", standard_zip=standard_zip(), additional_checks="all", skip_aggregates=False)

    declared = data.get("extensions") if isinstance(data.get("extensions"), list) else []
    if ENQUIRY_EXTENSION_URL not in declared:
        report.warning("/extensions", f"does not declare the Enquiries extension ({ENQUIRY_EXTENSION_URL}); "
                       "it is applied anyway", "script")
    # Only the package's `version` and `extensions` are read from this copy; the data itself is checked untouched.
    head = {key: value for key, value in data.items() if key not in ("releases", "records")}
    head["extensions"] = [*declared, ENQUIRY_EXTENSION_URL] if ENQUIRY_EXTENSION_URL not in declared else declared
    if is_record:
        head["records"] = []
    else:
        head["releases"] = []

    schema_obj = SchemaOCDS("1.1", head, config, record_pkg=is_record)
    context = {"file_type": "json"}
    with tempfile.TemporaryDirectory(prefix="ocds-validate-") as upload_dir:
        common_checks_ocds(context, upload_dir, data, schema_obj, cache=False)
    if schema_obj.json_deref_error:
        report.error("", f"schema $ref could not be resolved: {schema_obj.json_deref_error}", "libcoveocds")
        return {}
    context_api_transform(context)

    built = strip_cove_markers(schema_obj.get_schema_obj())
    committed = json.loads(PATCHED_RELEASE_SCHEMA.read_text(encoding="utf-8"))
    if built != committed:
        report.error("", f"{PATCHED_RELEASE_SCHEMA.relative_to(ROOT)} differs from the schema libcoveocds builds "
                     "from the committed sources: run python3 tests/ocds/build_schema.py", "script")

    for url, reason in (context.get("extensions") or {}).get("invalid_extensions", []):
        report.error("/extensions", f"extension {url} not applied ({reason}; only the committed extension "
                     "is available offline)", "libcoveocds")

    for error in context.get("validation_errors", []):
        where = pointer(error["path"])
        message = error["description"]
        if error["type"] not in ("required",) and error.get("value") not in ("", None):
            message += f": {describe(error['value'])}"
        kind = error["type"]
        report.error(where, f"{message} [{kind}]", "libcoveocds")

    for key, info in context.get("additional_closed_codelist_values", {}).items():
        for parts, value in expand(data, key):
            values = value if isinstance(value, list) else [value]
            for index, item in enumerate(values):
                if item in info["values"]:
                    where = pointer(parts + ([index] if isinstance(value, list) else []))
                    if where in report.seen:  # e.g. linked releases' `tag`: an enum without `codelist`, reported above
                        continue
                    report.error(where, f"{describe(item)} is not in the closed codelist {info['codelist']}",
                                 "libcoveocds")

    for key, info in context.get("additional_open_codelist_values", {}).items():
        for parts, value in expand(data, key):
            values = value if isinstance(value, list) else [value]
            for index, item in enumerate(values):
                if item in info["values"]:
                    where = pointer(parts + ([index] if isinstance(value, list) else []))
                    message = f"{describe(item)} is not in the open codelist {info['codelist']}"
                    if STRICT_CODELISTS:
                        report.error(where, message, "libcoveocds, an error by --strict-codelists")
                    else:
                        report.warning(where, message, "libcoveocds")

    for ocid, path in (context.get("conformance_errors") or {}).get("ocds_prefixes_bad_format", []):
        report.error(pointer(path), f"{describe(ocid)} does not start with a registered-style prefix "
                     "(ocds- and 6 characters, e.g. ocds-abc123-)", "libcoveocds")

    for field in context.get("deprecated_fields", []):
        report.warning(pointer(field.get("field", "")), f"deprecated field: {describe(field)}", "libcoveocds")

    for field in context.get("additional_fields", []):
        report.warning(pointer(f"{field['path']}/{field['field']}"),
                       f"additional field not in the schema (used {field['usage_count']}x)", "libcoveocds")

    checks = context.get("additional_checks") or {}
    for name, outputs in checks.items():
        for output in outputs:
            report.warning(pointer(output.get("json_location", "")), f"additional check {name}", "libcoveocds")
    context["_additional_check_count"] = sum(len(v) for v in checks.values())
    return context


def run_jsonschema(data, is_record, report):
    """Plain Draft 4 validation against the committed files, refs resolved through a local registry."""
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    resources = []
    for url, path in local_url_map().items():
        if isinstance(path, Path) and url.endswith(".json") and "standard.open-contracting.org" in url:
            contents = json.loads(path.read_text(encoding="utf-8"))
            resources.append((url, Resource.from_contents(contents, default_specification=DRAFT4)))
    registry = Registry().with_resources(resources)
    name = "record-package-schema.json" if is_record else "release-package-schema.json"
    package_schema = json.loads((STANDARD_DIR / name).read_text(encoding="utf-8"))
    validator = Draft4Validator(package_schema, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)

    def leaves(error):
        # oneOf/anyOf: report the innermost errors of the branch that fits best
        if error.context:
            best = {}
            for sub in error.context:
                best.setdefault(sub.relative_schema_path[0], []).append(sub)
            branch = min(best.values(), key=len)
            for sub in branch:
                yield from leaves(sub)
        else:
            yield error

    count = 0
    for top in validator.iter_errors(data):
        for error in leaves(top):
            count += 1
            where = pointer(list(error.absolute_path))
            # Already reported by libcoveocds at this place, or under an error it reported on an ancestor
            # (e.g. its single "mixture of embedded and linked releases" error for a whole `releases` array).
            if where in report.seen or any(where.startswith(seen + "/") for seen in report.seen):
                continue
            report.error(where, f"{error.message} [{error.validator}]", "jsonschema")
    return count


def validate_file(path):
    report = Report()
    name = Path(path).name
    try:
        with open(path, "rb") as f:
            data = json.loads(f.read())
    except (OSError, ValueError) as e:
        report.error("", f"cannot read JSON: {e}", "script")
        return report, f"{name}: not JSON, invalid"

    if not isinstance(data, dict) or ("releases" in data) == ("records" in data):
        report.error("", "neither a release package (`releases`) nor a record package (`records`)", "script")
        return report, f"{name}: unknown package type, invalid"
    is_record = "records" in data
    kind = "record package" if is_record else "release package"
    items = data["records" if is_record else "releases"]
    count = len(items) if isinstance(items, list) else 0
    noun = ("record" if is_record else "release") + ("" if count == 1 else "s")

    if data.get("version") != "1.1":
        report.error("/version", f"{describe(data.get('version'))}: only OCDS 1.1 packages are checked here",
                     "script")

    blocked_before = len(BLOCKED)
    context = run_libcoveocds(data, is_record, report)
    run_jsonschema(data, is_record, report)
    for url in dict.fromkeys(BLOCKED[blocked_before:]):
        report.error("", f"a validator tried to reach {url}, which is not available offline", "script")

    extra = context.get("_additional_check_count") if context else None
    status = "valid" if not report.errors else f"INVALID, {len(report.errors)} error" + \
        ("" if len(report.errors) == 1 else "s")
    details = []
    if report.warnings:
        details.append(f"{len(report.warnings)} warning" + ("" if len(report.warnings) == 1 else "s"))
    if extra is not None:
        details.append(f"libcoveocds additional checks: {extra}")
    summary = f"{name}: {kind}, {count} {noun}, {status}" + (f" ({'; '.join(details)})" if details else "")
    return report, summary


STRICT_CODELISTS = False


def main(argv=None):
    global STRICT_CODELISTS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", metavar="FILE", help="release package or record package (JSON)")
    parser.add_argument("--strict-codelists", action="store_true",
                        help="treat values outside OPEN codelists (milestone type, party roles, document type, "
                             "...) as errors, not warnings")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors and summaries, no warnings")
    args = parser.parse_args(argv)
    STRICT_CODELISTS = args.strict_codelists

    try:
        import libcoveocds.schema  # noqa: F401
        import jsonschema  # noqa: F401
        import rfc3339_validator  # noqa: F401  (format date-time)
        import rfc3987  # noqa: F401  (format uri)
    except ImportError as e:
        print(f"ocds-validate: missing Python package ({e.name}). Install with:\n  {PIP_LINE}", file=sys.stderr)
        return 2

    go_offline()

    failed = False
    for path in args.files:
        report, summary = validate_file(path)
        name = Path(path).name
        for where, message, source in report.errors:
            print(f"{name}: ERROR {where or '/'}: {message} ({source})")
        if not args.quiet:
            for where, message, source in report.warnings:
                print(f"{name}: warning {where or '/'}: {message} ({source})")
        print(summary)
        failed = failed or bool(report.errors)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
