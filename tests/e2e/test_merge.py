"""Merging two records of one person through the check page, and an admin's undo through
its own check page, on a phone and on a desk (axe-core on each page)."""

import random
import re
import time
from datetime import date

import pytest
import sqlalchemy as sa

from welfare.core import idno
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.roster.models import DuplicateFlag, Person, PersonMerge
from welfare.rounds.models import BankAccount

pytestmark = pytest.mark.e2e


def duplicate_pair(live_server, name):
    """Two records of one (young) person, flagged: on no round, so nothing refuses the merge."""
    rng = random.Random(time.time_ns())
    with live_server.app.app_context():
        village = db.session.scalar(sa.select(Village).order_by(Village.code))
        people = [Person(id_number=idno.generate(sex="F", rng=rng), name=name, sex="F",
                         birth_date=date(1991, 3, 4), village_id=village.id,
                         address="林園北路9號", phone=phone) for phone in ("", "076410000")]
        db.session.add_all(people)
        db.session.flush()
        # The second record's bank account moves with it (and back on undo).
        db.session.add(BankAccount(person_id=people[1].id, bank="post_office",
                                   account_number="00012345678901", holder_name=name))
        a, b = sorted(p.id for p in people)
        flag = DuplicateFlag(person_a_id=a, person_b_id=b, reason="name_birth")
        db.session.add(flag)
        db.session.commit()
        return flag.id, a, b


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_merge_on_its_check_page_and_an_admin_undoes_it(request, size, live_server, login,
                                                        check_axe, snap):
    page = request.getfixturevalue(f"{size}_page")
    name = f"合併{size}{time.time_ns() % 10000}"
    flag_id, keep_id, other_id = duplicate_pair(live_server, name)
    login(page, "staff")
    page.goto(live_server("/duplicates"))
    card = page.locator(f"section[aria-labelledby='dup-{flag_id}']")
    card.locator("button[value=merge]").click()
    page.wait_for_load_state()
    assert f"/duplicates/{flag_id}/merge" in page.url, page.url
    check_axe(page)
    assert "1" in page.locator("main table").nth(1).inner_text()  # the account moves
    snap(page, f"merge-check-{size}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert re.search(rf"/people/{keep_id}$", page.url), page.url
    with live_server.app.app_context():
        merge = db.session.scalars(sa.select(PersonMerge).where(
            PersonMerge.flag_id == flag_id)).one()
        assert db.session.get(Person, other_id).merged_into_id == keep_id
        merge_id = merge.id

    page.context.clear_cookies()
    login(page, "admin")
    page.goto(live_server("/merges"))
    check_axe(page)
    page.locator(f"a[href$='/merges/{merge_id}/undo']").click()
    page.wait_for_load_state()
    check_axe(page)
    snap(page, f"merge-undo-{size}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert re.search(rf"/people/{other_id}$", page.url), page.url
    with live_server.app.app_context():
        assert db.session.get(Person, other_id).merged_into_id is None
        assert db.session.get(PersonMerge, merge_id).undone_at is not None
        assert db.session.get(Person, keep_id).phone == ""
        assert db.session.scalar(sa.select(BankAccount.person_id).where(
            BankAccount.holder_name == name)) == other_id
