"""The request's unit of work: one commit on success, nothing kept on failure."""

import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm
from wtforms import StringField

from welfare.errors import ServiceError
from welfare.roster.models import Person
from welfare.uow import do_action, form_page, save_form, unit_of_work


class NameForm(FlaskForm):
    name = StringField()


def people_named(db, name):
    return db.session.scalar(sa.select(sa.func.count(Person.id)).where(Person.name == name))


def test_success_commits(db, make_person):
    with unit_of_work() as work:
        make_person(name="成功者")
    assert work.ok and work.errors == []
    db.session.rollback()  # a commit survives a later rollback
    assert people_named(db, "成功者") == 1


def test_service_error_rolls_back_and_reports(app, db, make_person):
    with app.test_request_context(method="POST"):
        form = NameForm(meta={"csrf": False})
        with unit_of_work(form) as work:
            make_person(name="半途者")
            raise ServiceError(("name", "名字重複"), "整體錯誤")
    assert work.failed
    assert form.name.errors == ["名字重複"]
    assert work.errors == ["整體錯誤"]
    assert work.field_errors == [("name", "名字重複"), (None, "整體錯誤")]
    assert people_named(db, "半途者") == 0


def test_without_a_form_every_message_is_general(app, db):
    with app.test_request_context():
        with unit_of_work() as work:
            raise ServiceError(("amount", "金額不符"))
        assert work.errors == ["金額不符"]
        response = work.problem(409)
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"] == [{"field": "amount", "message": "金額不符"}]


def test_other_errors_roll_back_and_propagate(db, make_person):
    with pytest.raises(LookupError), unit_of_work():
        make_person(name="未完成")
        raise LookupError("not a business rule")
    assert people_named(db, "未完成") == 0


def test_flash_errors(app, db):
    from flask import get_flashed_messages

    with app.test_request_context():
        with unit_of_work() as work:
            raise ServiceError("甲", "乙")
        work.flash_errors()
        assert get_flashed_messages(with_categories=True) == [("error", "甲"), ("error", "乙")]


def test_save_form_commits_flashes_and_redirects(app, db, make_person):
    from flask import get_flashed_messages

    with app.test_request_context(method="POST", data={"name": "表單者"}):
        form = NameForm(meta={"csrf": False})
        response, errors = save_form(
            form, lambda: make_person(name=form.name.data),
            lambda person: (f"已新增{person.name}", f"/people/{person.id}"))
        assert get_flashed_messages(with_categories=True) == [("success", "已新增表單者")]
    assert errors == []
    assert response.status_code == 302
    db.session.rollback()  # committed, so a later rollback keeps it
    assert people_named(db, "表單者") == 1
    assert response.location.startswith("/people/")


def test_save_form_keeps_nothing_on_a_service_error(app, db, make_person):
    from flask import get_flashed_messages

    def failing():
        make_person(name="失敗者")
        raise ServiceError(("name", "名字重複"), "整體錯誤")

    with app.test_request_context(method="POST", data={"name": "失敗者"}):
        form = NameForm(meta={"csrf": False})
        response, errors = save_form(form, failing, lambda _r: ("不該出現", "/"))
        assert get_flashed_messages() == []
    assert response is None
    assert errors == ["整體錯誤"]
    assert form.name.errors == ["名字重複"]
    assert people_named(db, "失敗者") == 0


def test_save_form_runs_nothing_when_not_submitted(app, db):
    calls = []
    with app.test_request_context(method="GET"):
        form = NameForm(meta={"csrf": False})
        response, errors = save_form(form, lambda: calls.append(1), lambda _r: ("", "/"))
    assert (response, errors, calls) == (None, [], [])


def test_do_action_commits_and_flashes_the_notice(app, db, make_person):
    from flask import get_flashed_messages

    def action():
        make_person(name="按鈕者")
        return "完成"

    with app.test_request_context(method="POST"):
        response = do_action(action, "/done")
        assert get_flashed_messages(with_categories=True) == [("success", "完成")]
    assert (response.status_code, response.location) == (302, "/done")
    db.session.rollback()
    assert people_named(db, "按鈕者") == 1


def test_do_action_rolls_back_and_flashes_the_errors(app, db, make_person):
    from flask import get_flashed_messages

    def action():
        make_person(name="撤回者")
        raise ServiceError("已處理過")

    with app.test_request_context(method="POST"):
        response = do_action(action, "/back")
        assert get_flashed_messages(with_categories=True) == [("error", "已處理過")]
    assert response.location == "/back"
    assert people_named(db, "撤回者") == 0


def test_do_action_flashes_a_given_notice(app, db, make_person):
    from flask import get_flashed_messages

    with app.test_request_context(method="POST"):
        do_action(lambda: make_person(name="給訊息者"), "/done", "已刪除")
        assert get_flashed_messages(with_categories=True) == [("success", "已刪除")]


@pytest.fixture
def form_template(app, monkeypatch):
    from jinja2 import ChoiceLoader, DictLoader

    page = "{{ form.name.data }}|{{ form.name.errors|join }}|{{ errors|join }}|{{ extra }}"
    monkeypatch.setattr(app.jinja_env, "loader",
                        ChoiceLoader([DictLoader({"uow_test.html": page}), app.jinja_env.loader]))
    return "uow_test.html"


def test_form_page_shows_the_form_again_with_its_errors(app, db, form_template):
    def failing():
        raise ServiceError(("name", "名字重複"), "整體錯誤")

    with app.test_request_context(method="POST", data={"name": "重來者"}):
        form = NameForm(meta={"csrf": False})
        page = form_page(form, failing, lambda _r: ("", "/"), form_template, extra="附加")
    assert page == "重來者|名字重複|整體錯誤|附加"


def test_form_page_redirects_when_saved(app, db, make_person, form_template):
    with app.test_request_context(method="POST", data={"name": "存好者"}):
        form = NameForm(meta={"csrf": False})
        response = form_page(form, lambda: make_person(name="存好者"),
                             lambda person: ("已存", f"/people/{person.id}"), form_template)
    assert response.status_code == 302 and response.location.startswith("/people/")
    db.session.rollback()
    assert people_named(db, "存好者") == 1
