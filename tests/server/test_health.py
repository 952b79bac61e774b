"""GET /health: 200 while the database and the message queue answer, 503 when one does not."""

import pytest
import requests

from app import create_app
from app.extensions import db
from tests.live import LiveServer, on_postgres


def _health(client):
    response = client.get("/health")
    return response.status_code, response.get_json()


def test_one_process_without_redis_is_healthy(app, client, database_url):
    status, body = _health(client)
    assert status == 200
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["database"]["backend"] == database_url.split(":")[0].split("+")[0]
    assert body["message_queue"] == {"status": "none"}
    assert body["coordination"] == {"backend": "memory", "status": "ok"}
    assert client.get("/healthz").get_json() == body
    assert "no-store" in client.get("/health").headers["Cache-Control"]


@pytest.mark.parametrize(
    "unreachable",
    [
        "sqlite:////nonexistent-directory/querschnitt.db",
        "postgresql+psycopg://querschnitt:geheimes-passwort@127.0.0.1:1/querschnitt",
    ],
    ids=["sqlite", "postgresql"],
)
def test_an_unreachable_database_gives_503_and_no_secret(unreachable):
    app = create_app({"SQLALCHEMY_DATABASE_URI": unreachable, "SECRET_KEY": "geheimer-schluessel"})
    status, body = _health(app.test_client())
    with app.app_context():
        db.engine.dispose()
    assert status == 503
    assert body["status"] == "error"
    assert body["database"]["status"] == "down"
    assert body["message_queue"] == {"status": "none"}
    text = str(body)
    for secret in ("geheim", "nonexistent", "127.0.0.1", "querschnitt.db"):
        assert secret not in text


def test_redis_going_down_gives_503_and_coming_back_200(app, own_redis):
    app.config.update(SOCKETIO_MESSAGE_QUEUE=own_redis.url, REDIS_URL=own_redis.url)
    from app import coordination

    coordination.init_app(app)
    client = app.test_client()
    try:
        status, body = _health(client)
        assert (status, body["message_queue"], body["coordination"]) == (
            200,
            {"status": "ok"},
            {"backend": "redis", "status": "ok"},
        )
        own_redis.stop()
        status, body = _health(client)
        assert status == 503
        assert body["status"] == "error"
        assert body["database"]["status"] == "ok"
        assert body["message_queue"] == {"status": "down"}
        assert body["coordination"] == {"backend": "redis", "status": "down"}
        assert str(own_redis.port) not in str(body)
        own_redis.start()
        status, body = _health(client)
        assert (status, body["status"], body["message_queue"]) == (200, "ok", {"status": "ok"})
    finally:
        app.extensions.pop("coordination").close()


@pytest.mark.server
def test_the_served_app_reports_its_schema_at_the_newest_migration(tmp_path):
    server = LiveServer(tmp_path / "live").start()
    try:
        response = requests.get(server.url + "/health", timeout=10)
    finally:
        server.stop()
    body = response.json()
    assert response.status_code == 200
    assert body["database"]["backend"] == ("postgresql" if on_postgres() else "sqlite")
    assert body["database"]["schema"] == body["database"]["schema_head"]
    assert body["database"]["schema"] is not None
    assert body["version"] not in ("", "unknown")
    assert server.errors_in_log() == []
