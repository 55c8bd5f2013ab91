"""Phone fields take Taiwan landline and mobile numbers as people write them, nothing else."""

import pytest

from tests.conftest import login
from welfare.forms import phone_is_valid
from welfare.roster.models import Person


@pytest.mark.parametrize("text", [
    "07-6412345", "(07) 641-2345", "07 6412345", "076412345", "02-2345-6789", "049-2345678",
    "0836-12345", "082-312345", "0912-345-678", "0912345678", "0912 345 678",
    "+886 912 345 678", "+886-7-641-2345", "+886 (0)7 6412345", "+88676412345",
    "07-6412345#123", "07-6412345 # 12", "07-6412345 分機 88", "07-6412345 ext. 5",
    "641-2345", "6412345", "０７－６４１２３４５", "(07)6412345轉3",
])
def test_taiwan_numbers_are_accepted(text):
    assert phone_is_valid(text)


@pytest.mark.parametrize("text", [
    "abc", "123", "07-641234a", "0912-345-67", "0912-345-6789", "00-12345678", "+886 0912",
    "+1 415 555 0100", "07-6412345#", "07-6412345#1234567", "1234567", "09123456789", "#123",
    "07/6412345", "電話", "0912345678 0912345678",
])
def test_other_text_is_refused(text):
    assert not phone_is_valid(text)


def _person_form(person, **changes):
    data = {"id_number": person.id_number, "name": person.name, "sex": person.sex,
            "birth_date": "39/05/17", "village_id": person.village_id,
            "neighbourhood": person.neighbourhood, "address": person.address,
            "status": "registered", "phone": "", "mobile": ""}
    data.update(changes)
    return data


def test_person_form_refuses_letters_with_a_clear_message(client, db, make_user, make_person):
    person = make_person()
    login(client, make_user("staff"))
    page = client.post(f"/people/{person.id}/edit", data=_person_form(person, phone="abc"))
    assert page.status_code == 200
    assert "請填寫電話號碼，例如 07-6412345" in page.text
    assert db.session.get(Person, person.id).phone in ("", None)
    saved = client.post(f"/people/{person.id}/edit",
                        data=_person_form(person, phone="07-6412345#123", mobile="0912-345-678"))
    assert saved.status_code == 302, saved.text
    db.session.expire_all()
    assert db.session.get(Person, person.id).phone.endswith("6412345#123")
