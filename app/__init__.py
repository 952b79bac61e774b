"""Querschnitt: the workshop week of a local participation process."""


def create_app(test_config=None):
    """Build the Flask application.

    The factory lives in ``app.factory`` so that importing this package stays
    free of Flask: ``querschnitt run`` must patch gevent before ssl and
    threading are imported.
    """
    from app.factory import build_app

    return build_app(test_config)
