"""Every runtime dependency's licence is compatible with reportbox's MIT licence.

The closure of what `pip install reportbox` brings (test-only extras left out) is read from the
installed metadata, and each package's licence from pip-licenses. Permissive licences pass; the
weak copyleft of a library used unmodified (LGPL, MPL-2.0) passes; GPL and AGPL fail, and so does
a licence nobody has looked at. A package whose metadata says nothing is listed below after a
person read its licence file, per version, so an upgrade is read again.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PERMISSIVE = re.compile(
    r"\b(MIT|BSD|Apache|ISC|PSF|Python Software Foundation|0BSD|Zlib|CC0|Unlicense|HPND|MIT-CMU)\b", re.I)
WEAK_COPYLEFT = re.compile(r"\b(LGPL|Lesser General Public|Library General Public|MPL|Mozilla Public)\b", re.I)
STRONG_COPYLEFT = re.compile(r"\b(A?GPL|(?<!Lesser )(?<!Library )General Public License)\b", re.I)
READ_BY_HAND = {  # (name, version): the licence as its files state it, when its metadata does not
    ("imapclient", "4.1.0"): "BSD-3-Clause (COPYING)",
}


def runtime_closure(root: str = "reportbox") -> dict[str, str]:
    """name → version of every distribution `root` needs at run time, itself excluded."""
    found: dict[str, str] = {}
    pending = [(root, frozenset())]
    while pending:
        name, extras = pending.pop()
        for line in metadata.requires(name) or ():
            requirement = Requirement(line)
            if requirement.marker and not any(
                    requirement.marker.evaluate({"extra": extra}) for extra in (extras or {""})):
                continue
            key = canonicalize_name(requirement.name)
            if key not in found:
                found[key] = metadata.version(requirement.name)
                pending.append((requirement.name, frozenset(requirement.extras)))
    return found


def licences(names: list[str]) -> dict[str, str]:
    result = subprocess.run([sys.executable, "-m", "piplicenses", "--from=mixed", "--format=json",
                             "--packages", *names], capture_output=True, text=True, check=True, timeout=120)
    return {canonicalize_name(item["Name"]): item["License"] for item in json.loads(result.stdout)}


def verdict(licence: str) -> str:
    """compatible, incompatible or unknown. Of alternatives ("A OR B") the best counts; of parts that
    all apply ("A AND B") the worst."""
    alternatives = [_worst(re.split(r"\s+AND\s+", alternative))
                    for alternative in re.split(r"\s+OR\s+", licence)]
    return next(v for v in ("compatible", "incompatible", "unknown") if v in alternatives)


def _worst(parts: list[str]) -> str:
    verdicts = {_verdict_of_one(part) for part in parts if part.strip()}
    return next(v for v in ("incompatible", "unknown", "compatible") if v in verdicts)


def _verdict_of_one(licence: str) -> str:
    if STRONG_COPYLEFT.search(WEAK_COPYLEFT.sub("", licence)):
        return "incompatible"
    return "compatible" if PERMISSIVE.search(licence) or WEAK_COPYLEFT.search(licence) else "unknown"


def test_the_checker_tells_licences_apart():
    cases = {
        "MIT": "compatible", "BSD-3-Clause": "compatible", "Apache-2.0 AND BSD-2-Clause": "compatible",
        "LGPL-3.0-only": "compatible", "Mozilla Public License 2.0 (MPL 2.0)": "compatible",
        "GNU General Public License v3 or later (GPLv3+)": "incompatible", "GPL-3.0-or-later": "incompatible",
        "AGPL-3.0": "incompatible", "GNU Lesser General Public License v3 (LGPLv3)": "compatible",
        "UNKNOWN": "unknown", "Proprietary": "unknown", "MIT AND GPL-2.0": "incompatible",
        "GPL-2.0 OR MIT": "compatible", "Apache-2.0 OR BSD-3-Clause": "compatible",
        "MIT AND Proprietary": "unknown", "MIT AND Apache-2.0": "compatible",
    }
    assert {licence: verdict(licence) for licence in cases} == cases


def test_the_runtime_closure_follows_extras_and_leaves_test_extras_out():
    closure = runtime_closure()
    assert {"sqlalchemy", "psycopg", "psycopg-binary", "starlette", "lxml"} <= set(closure)  # psycopg[binary]; via fastapi, inscriptis
    assert not {"pytest", "hypothesis", "vietnamadminunits", "unidecode", "pip-licenses"} & set(closure)


def test_every_runtime_dependency_is_compatible_with_mit():
    closure = runtime_closure()
    found = licences(sorted(closure))
    problems = []
    for name, version in sorted(closure.items()):
        licence = READ_BY_HAND.get((name, version)) or found.get(name, "UNKNOWN")
        if verdict(licence) != "compatible":
            problems.append(f"{name} {version}: {licence}")
    assert not problems, "runtime dependencies whose licence is not known compatible with MIT:\n" + "\n".join(problems)
