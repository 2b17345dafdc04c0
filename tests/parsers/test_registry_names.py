"""Dated unit names: a rename keeps the unit's code, its old name stays an alias, and a registry
seen on a day shows the names in force then (built-in data, the operator's names file, and the
operator's own registry CSV)."""

from __future__ import annotations

from datetime import date

import pytest

from parsers.registry import builtin, find_units, load_registry_csv
from parsers.registry.units import read_renames, unit_name, unit_names, use_operator_names

HUE_CITY = date(2025, 1, 1)  # Resolution 1314/NQ-UBTVQH15: Thành phố Huế, centrally run


@pytest.fixture
def operator_names():
    """Put an operator's renames in force for one test, and take them away after it."""
    yield lambda text: use_operator_names(read_renames(text))
    use_operator_names(())


def test_thua_thien_hue_became_thanh_pho_hue_with_its_code() -> None:
    vn63 = builtin("vn63")
    hue = vn63.unit("46")
    assert (hue.name, hue.full_name) == ("Thừa Thiên Huế", "Tỉnh Thừa Thiên Huế")  # its first name
    before, after = unit_name(hue, date(2024, 12, 31)), unit_name(hue, HUE_CITY)
    assert (before.full_name, before.valid_until) == ("Tỉnh Thừa Thiên Huế", date(2024, 12, 31))
    assert (after.full_name, after.valid_from, after.basis) == ("Thành phố Huế", HUE_CITY, "1314/NQ-UBTVQH15")
    assert [n.full_name for n in unit_names(hue)] == ["Tỉnh Thừa Thiên Huế", "Thành phố Huế"]
    # A 2019 campaign sees the province; one of spring 2025 the city, same code, old name an alias.
    assert vn63.on(date(2019, 12, 15)) is vn63
    spring = vn63.on(date(2025, 4, 15)).unit("46")
    assert (spring.code, spring.name, spring.full_name) == ("46", "Huế", "Thành phố Huế")
    assert "Thừa Thiên Huế" in spring.aliases and "Huế" not in spring.aliases
    assert [m.code for m in find_units("Sở LĐTBXH tỉnh Thừa Thiên Huế", vn63.on(date(2025, 4, 15)))] == ["46"]
    assert find_units("UBND THÀNH PHỐ HUẾ", vn63)[0].kind == "name"  # a later name is a name


def test_a_dated_registry_leaves_other_units_alone() -> None:
    vn63 = builtin("vn63")
    spring = vn63.on(date(2025, 4, 15))
    changed = [u.code for u, old in zip(spring.units, vn63.units) if u is not old]
    assert changed == ["46"] and spring.codes == vn63.codes and spring.name == "vn63"


def test_an_operator_rename_keeps_code_aliases_and_predecessors(operator_names) -> None:
    operator_names("registry,code,name,full_name,valid_from,valid_until,basis\n"
                   "vn34,22,Quảng Ninh,Thành phố Quảng Ninh,2026-03-01,,NQ thí dụ\n")
    vn34 = builtin("vn34")
    unit = vn34.unit("22")
    assert (unit.name, unit.full_name) == ("Quảng Ninh", "Tỉnh Quảng Ninh")
    assert vn34.on(date(2026, 1, 15)).unit("22").full_name == "Tỉnh Quảng Ninh"
    assert vn34.on(date(2026, 3, 1)).unit("22").full_name == "Thành phố Quảng Ninh"
    use_operator_names(())
    assert builtin("vn34").on(date(2026, 3, 1)).unit("22").full_name == "Tỉnh Quảng Ninh"


def test_a_new_short_name_identifies_the_unit_and_the_old_one_still_does(operator_names) -> None:
    operator_names("registry,code,name,full_name,valid_from\nvn34,22,Đông Hải,Thành phố Đông Hải,2026-03-01\n")
    vn34 = builtin("vn34")
    assert [m.code for m in find_units("UBND THÀNH PHỐ ĐÔNG HẢI", vn34)] == ["22"]
    later = vn34.on(date(2026, 6, 1))
    assert later.unit("22").name == "Đông Hải"
    assert [m.code for m in find_units("Sở Nội vụ tỉnh Quảng Ninh", later)] == ["22"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code,name\n22,X\n", "line 1: expected the header"),
        ("registry,code,name,valid_from,when\nvn34,22,X,2026-01-01,\n", "unknown when"),
        ("registry,code,name,valid_from\nvn35,22,X,2026-01-01\n", "line 2: registry 'vn35'"),
        ("registry,code,name,valid_from\nvn34,02,X,2026-01-01\n", "line 2: no unit '02' in registry vn34"),
        ("registry,code,name,valid_from\nvn34,22,X,\n", "line 2: a rename needs valid_from"),
        ("registry,code,name,valid_from\nvn34,22,X,1/3/2026\n", "line 2: valid_from '1/3/2026' is not a date"),
        ("registry,code,name,valid_from,valid_until\nvn34,22,X,2026-03-01,2026-01-01\n", "line 2: valid_until"),
    ],
)
def test_names_file_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_renames(text)


def test_a_name_of_another_unit_is_refused_and_changes_nothing(operator_names) -> None:
    with pytest.raises(ValueError, match="would name both unit"):
        operator_names("registry,code,name,valid_from\nvn34,22,Hải Phòng,2026-03-01\n")
    assert builtin("vn34").unit("22").renames == ()


CUSTOM = """code,name,full_name,aliases,domains,valid_from,valid_until
QN,Quảng Ninh,Sở LĐTBXH tỉnh Quảng Ninh,SLĐTBXH QN,quangninh.gov.vn,,
HP,Hải Phòng,,,,,
QN,Quảng Ninh,Sở Nội vụ tỉnh Quảng Ninh,SNV QN,,2025-03-01,
"""


def test_a_rename_in_the_operators_registry_is_one_more_row() -> None:
    registry = load_registry_csv(CUSTOM, name="so")
    assert registry.codes == ("QN", "HP")
    unit = registry.unit("QN")
    assert unit.full_name == "Sở LĐTBXH tỉnh Quảng Ninh"
    assert registry.on(date(2026, 1, 15)).unit("QN").full_name == "Sở Nội vụ tỉnh Quảng Ninh"
    assert registry.on(date(2024, 12, 31)).unit("QN").full_name == "Sở LĐTBXH tỉnh Quảng Ninh"
    assert [m.code for m in find_units("Kính gửi SNV QN và SLĐTBXH QN", registry)] == ["QN", "QN"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code,name,valid_from\nQN,A,2025-01-01\n", "line 2: the first row of unit 'QN'"),
        ("code,name,valid_from\nQN,A,\nQN,B,\n", "line 3: unit code 'QN' already on line 2 .a rename is"),
        ("code,name,valid_from\nQN,A,\nQN,B,2025\n", "line 3: valid_from '2025' is not a date"),
        ("code,name,valid_from\nQN,A,\nHP,B,\nQN,B,2025-01-01\n", "line 4: 'B' already names unit HP"),
    ],
)
def test_operator_registry_rename_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_registry_csv(text)
