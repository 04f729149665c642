#!/usr/bin/env python3
"""Regenerates the reference shape fixtures and checks the schema excerpts for drift.

The conformance tests in Tests/SpotSimulatorTests compare the simulator's answers with the shape
of the published API samples (keys, key order, arrays and JSON value types; see `Shape` in
NovaShape.swift). The samples themselves live outside the repository, in ../shared/reference/
(or $SPOTCTL_REFERENCE); the tests read only a *shape skeleton* of each sample they use, kept in
Tests/SpotSimulatorTests/Fixtures/reference-shapes/ with the same relative paths. This script
writes those skeletons from the samples:

- every value is replaced by a neutral value of the same JSON type: strings -> "", integers -> 0,
  floats -> 0.0 (written with a decimal point, so the comparator still tells them from integers),
  booleans -> false, null stays null; objects keep their keys in order, arrays keep every element;
- an object under a free-form key (the comparator's `Shape.Options.freeForm`: metadata,
  extra_specs, addresses, ...) holds data, not schema: the comparator checks every actual value
  against the sample's first value, so only that first value is kept, under the key "key";
- the few values a test reads (listed in KEPT_VALUES) are kept as published.

Then it compares the OpenAPI schema excerpts kept in NetBoxSchemaExcerpts.swift and
HyperstackSchemaExcerpts.swift with the published schema files they were cut from, and exits 1
naming the schema file when one has drifted (text or first line number).

    python3 scripts/refresh-reference-fixtures.py            # regenerate, then the drift check
    python3 scripts/refresh-reference-fixtures.py --check    # write nothing: stale fixtures and drift
    python3 scripts/refresh-reference-fixtures.py --reference /path/to/reference

Exit status: 0 all well; 1 drift or (with --check) stale fixtures; 2 the reference folder or a
listed sample is missing. Python 3 standard library only. Run by `make reference-fixtures`.
"""
import argparse
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = os.path.join(ROOT, "Tests", "SpotSimulatorTests")
FIXTURES = os.path.join(TESTS, "Fixtures", "reference-shapes")

NOVA = "nova/doc/api_samples"
KEYSTONE = "keystone/api-ref/source/v3/samples"
NEUTRON = "neutron/api-ref/source/v2/samples"

# Nova calls the tests pick per microversion (`Reference.nova(folder, file, at:)`): every `vX.Y/`
# variant of each file is kept beside the base file, so the tests' selection (the highest folder
# not above the version) chooses the same sample as it would among the published ones, whatever
# the version asked for.
NOVA_BY_MICROVERSION = {
    "os-aggregates": [  # NovaConformanceTests.aggregatesMatchTheSamples
        "aggregates-list-get-resp.json", "aggregates-get-resp.json", "aggregates-add-host-post-resp.json",
        "aggregates-remove-host-post-resp.json", "aggregates-metadata-post-resp.json",
        "aggregate-post-resp.json", "aggregate-update-post-resp.json",
    ],
    "os-services": ["services-list-get-resp.json"],  # servicesMatchTheSamples
    "os-hypervisors": [  # hypervisorsMatchTheSamples, NovaShapeTests
        "hypervisors-list-resp.json", "hypervisors-detail-resp.json", "hypervisors-show-resp.json",
        "hypervisors-search-resp.json", "hypervisors-with-servers-resp.json",
        "hypervisors-without-servers-resp.json", "hypervisors-detail-with-servers-resp.json",
        "hypervisors-show-with-servers-resp.json", "hypervisors-statistics-resp.json",
        "hypervisors-uptime-resp.json",
    ],
    "flavors": ["flavors-list-resp.json", "flavors-detail-resp.json", "flavor-get-resp.json"],  # flavorsMatchTheSamples
    "servers": ["servers-details-resp.json", "servers-list-resp.json", "server-get-resp.json"],  # serversMatchTheSamples, NovaShapeTests
    "os-attach-interfaces": [  # interfacesMatchTheSamples
        "attach-interfaces-create-resp.json", "attach-interfaces-list-resp.json", "attach-interfaces-show-resp.json",
    ],
}

# Samples the tests load by their path (`Reference.load`).
SAMPLES_BY_PATH = [
    # NovaConformanceTests
    f"{NOVA}/versions/versions-get-resp.json",
    f"{NOVA}/versions/v21-version-get-resp.json",
    f"{NOVA}/os-availability-zone/availability-zone-list-resp.json",
    f"{NOVA}/os-availability-zone/availability-zone-detail-resp.json",
    f"{NOVA}/flavor-extra-specs/flavor-extra-specs-list-resp.json",
    f"{NOVA}/flavor-extra-specs/flavor-extra-specs-get-resp.json",
    # KeystoneConformanceTests
    f"{KEYSTONE}/auth/responses/project-scoped-password.json",
    f"{KEYSTONE}/auth/responses/unscoped-password.json",
    f"{KEYSTONE}/admin/get-service-catalog-response.json",
    # NeutronTests
    f"{NEUTRON}/networks/versions-list-response.json",
    f"{NEUTRON}/networks/version-show-response.json",
    f"{NEUTRON}/networks/networks-list-response.json",
    f"{NEUTRON}/networks/network-show-response.json",
    f"{NEUTRON}/ports/port-create-request.json",
    f"{NEUTRON}/ports/port-create-response.json",
    f"{NEUTRON}/ports/port-show-response.json",
    f"{NEUTRON}/ports/ports-list-response.json",
]

# The comparator's free-form keys and how many levels of data keys they hold (Shape.Options.freeForm),
# and the samples a test compares with more of them.
FREE_FORM = {
    "metadata": 1, "extra_specs": 1, "addresses": 1, "properties": 1, "scheduler_hints": 1,
    "binding:profile": 1, "binding:vif_details": 1,
}
FREE_FORM_EXTRA = {
    # NovaConformanceTests.availabilityZonesMatchTheSamples: options.freeForm["hosts"] = 2
    f"{NOVA}/os-availability-zone/availability-zone-detail-resp.json": {"hosts": 2},
}

# Values a test reads from a sample (paths as the comparator writes them), kept as published.
KEPT_VALUES = {
    # NeutronTests.portsMatchTheSamples sends the sample request to the simulator and expects the
    # created port to carry its name.
    f"{NEUTRON}/ports/port-create-request.json": {"$.port.name"},
}

# The schema excerpts in the test target and the test file each belongs to.
EXCERPT_FILES = ["NetBoxSchemaExcerpts.swift", "HyperstackSchemaExcerpts.swift"]


class Float:
    """A number the tests' parser reads as a float (it has '.', 'e' or 'E', or does not fit an Int)."""


class Pairs(list):
    """An object's (key, value) pairs in document order (duplicates kept, as the tests' parser does)."""


def parse_int(text):
    value = int(text)
    # ShapeJSON takes an integer that does not fit Swift's Int as a Double.
    return value if -(2 ** 63) <= value < 2 ** 63 else Float()


def load_sample(path):
    with open(path, "rb") as handle:
        return json.loads(handle.read().decode("utf-8"), object_pairs_hook=Pairs,
                          parse_float=lambda _: Float(), parse_int=parse_int)


def skeleton(value, path, free_levels, free_form, kept, original):
    """The neutral copy of `value`, walked as Shape.compare walks a sample."""
    if path in kept:
        return original(value)
    if isinstance(value, Pairs):
        key = path.split(".")[-1]
        levels = free_levels if free_levels > 0 else free_form.get(key, 0)
        if levels > 0:
            if not value:
                return Pairs()
            return Pairs([("key", skeleton(value[0][1], f"{path}.key", levels - 1, free_form, kept, original))])
        return Pairs((name, skeleton(item, f"{path}.{name}", 0, free_form, kept, original)) for name, item in value)
    if isinstance(value, list):
        return [skeleton(item, f"{path}[{index}]", 0, free_form, kept, original) for index, item in enumerate(value)]
    if isinstance(value, Float):
        return Float()
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0
    if isinstance(value, str):
        return ""
    return None


def render(value, indent=0):
    """JSON text with the keys in order and floats written `0.0`."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(value, Pairs):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(name)}: {render(item, indent + 1)}" for name, item in value]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + render(item, indent + 1) for item in value) + "\n" + pad + "]"
    if isinstance(value, Float):
        return "0.0"
    return json.dumps(value)


def published_value(value):
    """A kept value as published (only scalars are kept)."""
    if isinstance(value, (Pairs, list, Float)):
        raise SystemExit("a kept value must be a string, integer, boolean or null")
    return value


def listed_samples(reference):
    """Every sample the tests use, as paths relative to the reference folder, sorted."""
    paths = set(SAMPLES_BY_PATH)
    for folder, files in NOVA_BY_MICROVERSION.items():
        base = os.path.join(reference, NOVA, folder)
        versions = sorted(name for name in os.listdir(base) if re.fullmatch(r"v\d+\.\d+", name)) if os.path.isdir(base) else []
        for file in files:
            found = False
            for prefix in [""] + [version + "/" for version in versions]:
                if os.path.isfile(os.path.join(base, prefix + file)):
                    paths.add(f"{NOVA}/{folder}/{prefix}{file}")
                    found = True
            if not found:
                raise FileNotFoundError(f"{NOVA}/{folder}/{file} (in no microversion folder either)")
    return sorted(paths)


def fixture_text(reference, relative):
    sample = load_sample(os.path.join(reference, relative))
    free_form = dict(FREE_FORM, **FREE_FORM_EXTRA.get(relative, {}))
    return render(skeleton(sample, "$", 0, free_form, KEPT_VALUES.get(relative, set()), published_value)) + "\n"


def existing_fixtures():
    found = set()
    for directory, _, names in os.walk(FIXTURES):
        for name in names:
            found.add(os.path.relpath(os.path.join(directory, name), FIXTURES).replace(os.sep, "/"))
    return found


def refresh(reference, check):
    """Writes (or with `check` compares) every fixture; returns the problems found."""
    try:
        samples = listed_samples(reference)
        texts = {relative: fixture_text(reference, relative) for relative in samples}
    except FileNotFoundError as error:
        print(f"reference sample missing: {error}", file=sys.stderr)
        sys.exit(2)
    problems = []
    for relative, text in texts.items():
        target = os.path.join(FIXTURES, relative)
        current = None
        if os.path.isfile(target):
            with open(target, encoding="utf-8") as handle:
                current = handle.read()
        if current == text:
            continue
        if check:
            problems.append(f"fixture {'stale' if current is not None else 'missing'}: {relative}")
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        print(f"wrote {relative}")
    for relative in sorted(existing_fixtures() - set(texts)):
        if check:
            problems.append(f"fixture not used by the tests: {relative}")
            continue
        os.remove(os.path.join(FIXTURES, relative))
        print(f"removed {relative}")
    if not check:
        for directory, _, _ in sorted(os.walk(FIXTURES), reverse=True):
            if directory != FIXTURES and not os.listdir(directory):
                os.rmdir(directory)
    size = sum(len(text.encode("utf-8")) for text in texts.values())
    print(f"{len(texts)} fixtures ({size} bytes) {'checked' if check else 'up to date'} "
          f"in {os.path.relpath(FIXTURES, ROOT)}")
    return problems


# MARK: schema drift

def swift_excerpts(path):
    """The source file and the (name, line, yaml) excerpts of a *SchemaExcerpts.swift file."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    source = re.search(r'static let source = "([^"]+)"', text)
    if source is None:
        raise SystemExit(f"{path}: no `static let source`")
    # Each excerpt is `("Name", line, #"""` ... `"""#)`, a raw string closed at column 0.
    excerpts = [(name, int(line), yaml) for name, line, yaml in
                re.findall(r'\(\s*"([^"]+)",\s*(\d+),\s*#"""\n(.*?)\n"""#\s*\)', text, re.S)]
    if not excerpts:
        raise SystemExit(f"{path}: no excerpts found")
    return source.group(1), excerpts


def cut_excerpt(name, lines):
    """A component schema cut out of an OpenAPI file the way the excerpts were made: the schema's
    lines up to the next schema, without its `example:` blocks; and its first line number."""
    try:
        start = lines.index(f"    {name}:")
    except ValueError:
        return None

    def indent(line):
        return len(line) - len(line.lstrip(" "))

    def blank(line):
        return line.strip(" \t") == ""

    end = start + 1
    while end < len(lines) and (blank(lines[end]) or indent(lines[end]) > 4):
        end += 1
    kept, skipping = [], None
    for line in lines[start:end]:
        depth = indent(line)
        if skipping is not None:
            if blank(line) or depth > skipping:
                continue
            skipping = None
        if line.lstrip(" ").startswith("example:"):
            skipping = depth
            continue
        kept.append(line)
    return start + 1, "\n".join(kept)


def drift(reference):
    """The differences between the excerpts in the repository and the published schema files."""
    problems = []
    for file in EXCERPT_FILES:
        source, excerpts = swift_excerpts(os.path.join(TESTS, file))
        path = os.path.join(reference, source)
        if not os.path.isfile(path):
            problems.append(f"{source}: the published schema file is missing (excerpts in {file})")
            continue
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().split("\n")
        found = []
        for name, line, yaml in excerpts:
            current = cut_excerpt(name, lines)
            if current is None:
                found.append(f"{name} is no longer in {source}")
                continue
            if current[1] != yaml:
                found.append(f"{name} differs from {source}")
            if current[0] != line:
                found.append(f"{name} moved to line {current[0]} of {source}")
        for problem in found:
            problems.append(f"schema drift in {source} (excerpts in {file}): {problem}")
        if not found:
            print(f"{len(excerpts)} schema excerpts match {source}")
    return problems


def main():
    sys.stdout.reconfigure(line_buffering=True)
    default = os.environ.get("SPOTCTL_REFERENCE") or os.path.join(os.path.dirname(ROOT), "shared", "reference")
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--reference", default=default, help=f"the reference folder (default: {default})")
    parser.add_argument("--check", action="store_true", help="write nothing; report stale fixtures as problems")
    parser.add_argument("--no-drift", action="store_true", help="skip the schema drift check")
    args = parser.parse_args()
    reference = os.path.abspath(args.reference)
    if not os.path.isdir(reference):
        print(f"no reference folder at {reference}: nothing to regenerate or compare "
              "(the fixtures in the repository stay as they are)", file=sys.stderr)
        return 2
    problems = refresh(reference, args.check)
    if not args.no_drift:
        problems += drift(reference)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
