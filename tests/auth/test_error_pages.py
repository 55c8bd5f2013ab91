"""Error pages speak the interface's language (Chinese first), like every other page."""

import pytest
from werkzeug.exceptions import TooManyRequests

from config import TestConfig
from tests.conftest import dispose
from welfare import create_app


@pytest.fixture(scope="module")
def failing_app(app):
    class ErrorConfig(TestConfig):
        PROPAGATE_EXCEPTIONS = False  # the 500 page, as users see it
        WTF_CSRF_ENABLED = True
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]

    failing = create_app(ErrorConfig)

    @failing.route("/boom")
    def boom():
        raise RuntimeError("broken on purpose")

    @failing.route("/busy")
    def busy():
        raise TooManyRequests(retry_after=120)

    yield failing
    dispose(failing)


@pytest.mark.parametrize("method, path, status, chinese, english", [
    ("get", "/boom", 500, "很抱歉，系統發生問題", "Sorry, there is a problem with the service"),
    ("get", "/no-such-page", 404, "找不到頁面", "Page not found"),
    ("post", "/login", 400, "無法處理這項要求", "The request could not be processed"),
    ("get", "/busy", 429, "要求次數過多", "Too many requests"),
])
def test_error_pages_are_translated(failing_app, db, method, path, status, chinese, english):
    client = failing_app.test_client()
    zh = getattr(client, method)(path + "?lang=zh_Hant_TW")
    assert zh.status_code == status
    assert chinese in zh.text and english not in zh.text
    assert 'lang="zh-Hant-TW"' in zh.text
    en = getattr(client, method)(path + "?lang=en")
    assert en.status_code == status and english in en.text


def test_chinese_is_the_default_on_error_pages(failing_app, db):
    response = failing_app.test_client().get("/boom")
    assert response.status_code == 500 and "很抱歉，系統發生問題" in response.text


def test_too_many_requests_keeps_retry_after(failing_app, db):
    response = failing_app.test_client().get("/busy")
    assert response.headers["Retry-After"] == "120"
    assert response.mimetype == "text/html"


def test_forbidden_page_in_chinese(client, volunteer_user):
    response = client.get("/reports/map?lang=zh_Hant_TW")
    assert response.status_code == 403 and "您無法開啟這個頁面" in response.text
