"""The ``querschnitt`` command: the Flask CLI of this app, serving with gevent."""

import sys


def main() -> None:
    """Run the CLI; ``querschnitt run`` patches gevent before anything imports threading or ssl."""
    if len(sys.argv) > 1 and sys.argv[1] == "run":
        from gevent import monkey

        monkey.patch_all()
    from app.cli import cli

    cli.main(prog_name="querschnitt")


if __name__ == "__main__":
    main()
