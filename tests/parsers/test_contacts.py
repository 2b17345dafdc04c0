"""Known addresses across registries: the operator's contacts and learned addresses (parsers.registry.contacts)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from parsers.registry import Contacts, KnownAddress, Registry, builtin, load_contacts_csv
from parsers.signals import Facts, sender_unit, unit_signals

VN63, VN34 = builtin("vn63"), builtin("vn34")
GMAIL = "vanphong.sldtbxh@gmail.com"


def facts(sender: str) -> Facts:
    received = datetime(2025, 12, 1, tzinfo=timezone.utc)
    return Facts(sender=sender, display_name="", subject="", body="", received_at=received)


def test_an_address_without_a_registry_holds_in_every_registry():
    contacts = Contacts([KnownAddress(GMAIL, "22", None)])
    assert contacts.owner(GMAIL, VN63) == ("22", "contacts")
    assert contacts.owner(GMAIL, VN34) == ("22", "contacts")


def test_addresses_are_compared_stripped_and_lower_cased():
    contacts = Contacts([KnownAddress("  VanPhong.SLDTBXH@Gmail.com ", "22", "vn63")])
    assert contacts.owner(" vanphong.sldtbxh@GMAIL.COM", VN63) == ("22", "contacts")
    assert contacts.owner("other@gmail.com", VN63) is None
    assert contacts.addresses_of("22", "vn63") == (GMAIL,)


def test_a_vn63_address_names_its_vn34_successor():
    contacts = Contacts([KnownAddress(GMAIL, "02", "vn63")])  # Hà Giang, merged into Tuyên Quang (08)
    assert contacts.owner(GMAIL, VN63) == ("02", "contacts")
    assert contacts.owner(GMAIL, VN34) == ("08", "contacts")
    assert contacts.addresses_of("08", "vn34") == (GMAIL,)
    assert contacts.addresses_of("02", "vn34") == ()


def test_a_vn34_address_names_an_old_province_only_when_it_was_not_merged():
    contacts = Contacts([KnownAddress("qn@gmail.com", "22", "vn34"), KnownAddress("tq@gmail.com", "08", "vn34")])
    assert contacts.owner("qn@gmail.com", VN63) == ("22", "contacts")  # Quảng Ninh took no other province
    assert contacts.owner("tq@gmail.com", VN63) is None  # Tuyên Quang or Hà Giang: cannot tell
    assert contacts.owner("tq@gmail.com", VN34) == ("08", "contacts")


def test_an_entry_that_cannot_be_expressed_is_skipped_for_the_next():
    contacts = Contacts([KnownAddress(GMAIL, "79", "vn34", "contacts"), KnownAddress(GMAIL, "77", "vn63", "learned")])
    assert contacts.owner(GMAIL, VN63) == ("77", "learned")  # 79 was three provinces
    assert contacts.owner(GMAIL, VN34) == ("79", "contacts")


def test_an_operator_registry_takes_only_its_own_and_registry_free_entries():
    custom = Registry("custom", None, None, VN63.units[:3])
    contacts = Contacts([KnownAddress(GMAIL, "22", "vn63"), KnownAddress("x@gmail.com", "K1", "custom")])
    assert contacts.owner(GMAIL, custom) is None
    assert contacts.owner("x@gmail.com", custom) == ("K1", "contacts")


def test_contacts_win_over_learned_addresses():
    learned_first = [KnownAddress(GMAIL, "01", None, "learned"), KnownAddress(GMAIL, "22", None, "contacts")]
    assert Contacts(learned_first).owner(GMAIL, VN63) == ("22", "contacts")
    only_learned = Contacts([KnownAddress(GMAIL, "01", "vn63", "learned")])
    assert only_learned.owner(GMAIL, VN34) == ("01", "learned")


def test_from_mapping_reads_the_contacts_file_shape():
    mapping = load_contacts_csv("unit,email,name\n22,A@gmail.com,Văn phòng\n22,b@gmail.com,\n01,c@gmail.com,\n")
    contacts = Contacts.from_mapping(mapping)
    assert len(contacts) == 3 and contacts
    assert contacts.addresses_of("22", "vn34") == ("a@gmail.com", "b@gmail.com")
    assert contacts.owner("c@gmail.com", VN34) == ("01", "contacts")
    pinned = Contacts.from_mapping({"02": ["hg@gmail.com"]}, registry="vn63")
    assert pinned.owner("hg@gmail.com", VN34) == ("08", "contacts")


def test_empty_contacts_are_false():
    assert not Contacts() and len(Contacts()) == 0
    assert not Contacts.from_mapping({}) and Contacts.from_mapping({"22": ["a@b.vn"]})


def test_a_learned_address_is_a_sender_signal_as_strong_as_a_contact():
    contacts = Contacts([KnownAddress(GMAIL, "22", "vn63", "learned")])
    assert sender_unit(facts(GMAIL), VN34, contacts) == ("22", "learned")
    [learned] = unit_signals(facts(GMAIL), VN34, contacts=contacts)
    assert (learned.code, learned.source) == ("22", "learned")
    assert learned.evidence == f"sender {GMAIL} is a learned address of 22"
    [contact] = unit_signals(facts(GMAIL), VN34, contacts={"22": [GMAIL]})
    assert contact.evidence == f"sender {GMAIL} is a contact of 22" and contact.weight == learned.weight == 0.95


@pytest.mark.parametrize("contacts", [None, {}, Contacts()])
def test_no_contacts_leave_the_domain(contacts):
    assert sender_unit(facts("sldtbxh@quangninh.gov.vn"), VN63, contacts) == ("22", "sender domain")
    assert sender_unit(facts(GMAIL), VN63, contacts) is None
