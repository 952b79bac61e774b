"""TEMPORARY in-memory stand-in until the coordination seam lands."""
import threading


class _Presence:
    def __init__(self):
        self.scopes = {}
        self.lock = threading.Lock()

    def add(self, scope, sid):
        with self.lock:
            self.scopes.setdefault(scope, set()).add(sid)

    def remove(self, scope, sid):
        with self.lock:
            self.scopes.get(scope, set()).discard(sid)

    def count(self, scope):
        return len(self.scopes.get(scope, ()))


class _Dirty:
    def __init__(self):
        self.marked = {}
        self.lock = threading.Lock()

    def mark(self, kind, key):
        with self.lock:
            self.marked.setdefault(kind, set()).add(str(key))

    def take(self, kind):
        with self.lock:
            return self.marked.pop(kind, set())


_p, _d = _Presence(), _Dirty()


def presence():
    return _p


def dirty():
    return _d
