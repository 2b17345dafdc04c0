"""The built-in registries checked against an independent source: the vietnamadminunits package.

vietnamadminunits (MIT, a test-only dependency) ships an SQLite data set with the 63-province table
(`admin_units_legacy`) and the 34-province table (`admin_units`), read through
`vietnamadminunits.database.get_data`, and the old→new province mapping (`DICT_PROVINCE` in
`vietnamadminunits.converter.converter_2025`: new province key → the old province keys it took in).
parsers.registry must never import it: our data lives in parsers/registry/data/.

Where the package differs, we keep the official form:
- vn63 code 46: the package names it "Thành phố Huế" (its status from 1 January 2025, Resolution
  1314/NQ-UBTVQH15). For nearly all of vn63's life, and in every report it is used for, the province
  was "Tỉnh Thừa Thiên Huế"; we keep that name and match "Huế" / "Thành phố Huế" as well.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from vietnamadminunits.converter.converter_2025 import DICT_PROVINCE
from vietnamadminunits.database import get_data

from parsers.registry import builtin, successor

FIELDS = ["provinceCode", "province", "provinceShort", "provinceKey"]
KNOWN_DIFFERENCES = {("vn63", "46"): (("Thừa Thiên Huế", "Tỉnh Thừa Thiên Huế"), ("Huế", "Thành phố Huế"))}


def _package_units(table: str) -> dict[str, dict[str, str]]:
    return {row["provinceCode"]: row for row in get_data(FIELDS, table=table)}


def _compare(registry_name: str, table: str) -> None:
    registry = builtin(registry_name)
    theirs = _package_units(table)
    assert set(theirs) == set(registry.codes)
    for code, row in theirs.items():
        unit = registry.unit(code)
        ours, their = (unit.name, unit.full_name), (row["provinceShort"], row["province"])
        assert ours == their or KNOWN_DIFFERENCES.get((registry_name, code)) == (ours, their), (code, ours, their)


def test_vn63_codes_and_names_agree() -> None:
    _compare("vn63", "admin_units_legacy")


def test_vn34_codes_and_names_agree() -> None:
    _compare("vn34", "admin_units")


def test_mapping_agrees() -> None:
    old_codes = {row["provinceKey"]: code for code, row in _package_units("admin_units_legacy").items()}
    new_codes = {row["provinceKey"]: code for code, row in _package_units("admin_units").items()}
    theirs = {old_codes[old]: new_codes[new] for new, olds in DICT_PROVINCE.items() for old in olds}
    assert len(theirs) == 63
    assert {old: successor(old) for old in theirs} == theirs


def test_the_registry_does_not_import_the_package() -> None:
    probe = (
        "import sys, parsers.registry as r; r.find_units('Tỉnh Quảng Ninh', r.builtin('vn34')); "
        "print(any(name.startswith('vietnamadminunits') for name in sys.modules))"
    )
    repository = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=repository)
    assert result.stdout.strip() == "False"
