"""A bare Flask-SocketIO relay: the ceiling of this stack for bench/capacity.py.

Same server (gevent's WSGIServer without Nagle's delay), same namespace
(``/board``), same event names and reply shapes as the phone's board, but no
database, no forms and no sessions: ``sync`` answers an empty board,
``post_card`` acknowledges and broadcasts ``card_posted`` to the workshop's
room, ``cast_vote`` / ``take_back_vote`` acknowledge and tell the voter's
other tabs (``dots_changed``, as the app does). ``GET /join`` answers 200 so
the bench can see it is up.

    .venv/bin/python bench/relay.py --port 5401

``--async-mode eventlet`` or ``threading`` serves the same relay on another of
Flask-SocketIO's servers (eventlet's WSGI server; Werkzeug's threaded server with
simple-websocket), so that the server ``querschnitt run`` uses is chosen by measurement
(``capacity.py --relay-modes``).
"""

import argparse
import sys

MODES = ("gevent", "eventlet", "threading")


def _mode() -> str:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--async-mode", choices=MODES, default="gevent")
    return parser.parse_known_args(sys.argv[1:])[0].async_mode


MODE = _mode()
if MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()
elif MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()

import socket  # noqa: E402

from flask import Flask, request  # noqa: E402
from flask_socketio import SocketIO, emit, join_room  # noqa: E402

BOARD = "/board"
app = Flask(__name__)
socketio = SocketIO(
    app, async_mode=MODE, async_handlers=False, ping_interval=20, ping_timeout=20
)
state = {"seq": 0}
who: dict[str, tuple[str, str]] = {}  # sid -> (workshop code, participant)


@app.get("/join")
def up():
    return "relay"


@socketio.on("connect", namespace=BOARD)
def connect(auth=None):
    auth = auth if isinstance(auth, dict) else {}
    code = str(auth.get("workshop", "?"))
    participant = str(auth.get("participant") or request.sid)
    who[request.sid] = (code, participant)
    join_room(f"w:{code}")
    join_room(f"p:{participant}:{code}")


@socketio.on("disconnect", namespace=BOARD)
def disconnect(*_args):
    who.pop(request.sid, None)


@socketio.on("sync", namespace=BOARD)
def sync(_data=None):
    return {"ok": True, "board": {"seq": state["seq"], "cards": [], "votes": {}, "dots_left": 5}}


@socketio.on("post_card", namespace=BOARD)
def post_card(data):
    code, _participant = who.get(request.sid, ("?", "?"))
    state["seq"] += 1
    card = {"id": data.get("id"), "kind": data.get("kind"), "text": data.get("text"), "dots": 0}
    emit("card_posted", {"seq": state["seq"], "card": card}, to=f"w:{code}", namespace=BOARD)
    return {"ok": True, "card": card}


def _dots(data, dots):
    code, participant = who.get(request.sid, ("?", "?"))
    change = {"card": data.get("id"), "dots": dots, "dots_left": 4}
    emit(
        "dots_changed", change, to=f"p:{participant}:{code}", skip_sid=request.sid, namespace=BOARD
    )
    return {"ok": True, **change}


@socketio.on("cast_vote", namespace=BOARD)
def cast_vote(data):
    return _dots(data, 1)


@socketio.on("take_back_vote", namespace=BOARD)
def take_back_vote(data):
    return _dots(data, 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5401)
    parser.add_argument("--async-mode", choices=MODES, default="gevent")
    args = parser.parse_args()
    print(f"relay ({MODE}) on {args.host}:{args.port}", flush=True)
    if MODE != "gevent":
        import logging

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        socketio.run(
            app, host=args.host, port=args.port, log_output=False, allow_unsafe_werkzeug=True
        )
        return
    from gevent.pywsgi import WSGIHandler, WSGIServer

    class NoDelayHandler(WSGIHandler):
        def __init__(self, sock, address, server, rfile=None):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            super().__init__(sock, address, server, rfile)

    WSGIServer((args.host, args.port), app, handler_class=NoDelayHandler, log=None).serve_forever()


if __name__ == "__main__":
    main()
