"""MkDocs hook: writes the REST API's OpenAPI schema into docs/api/openapi.json before each build.

The schema comes from the running code (django-ninja's `api.get_openapi_schema()`), so the API
page can never drift from the API. It runs in a child process with development settings and a
throw-away var folder, so building the docs touches no database and needs no secrets. The file
is rewritten only when the schema changed (so `mkdocs serve` does not rebuild in a loop) and is
not committed (see .gitignore).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SCRIPT = """
import json, django
django.setup()
from teacher_portal.api import api
print(json.dumps(api.get_openapi_schema(path_prefix="/api/v1"), indent=2, sort_keys=True))
"""


def openapi_schema(repo: Path) -> dict:
    with tempfile.TemporaryDirectory() as var_dir:
        env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "streamwise.settings",
            "DEBUG": "1",
            "STREAMWISE_VAR_DIR": var_dir,
        }
        env.pop("DATABASE_URL", None)
        done = subprocess.run(  # noqa: S603 (our own interpreter and script)
            [sys.executable, "-c", SCRIPT],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"Could not produce the OpenAPI schema:\n{done.stderr}")
    return json.loads(done.stdout)


def on_pre_build(config, **kwargs):
    docs_dir = Path(config["docs_dir"])
    target = docs_dir / "api" / "openapi.json"
    text = json.dumps(openapi_schema(docs_dir.parent), indent=2, sort_keys=True) + "\n"
    if not target.exists() or target.read_text() != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
