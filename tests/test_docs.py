"""The documentation site builds with no warnings, and its API page covers the whole API."""

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_docs_build_strictly_and_document_every_api_operation(tmp_path):
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=REPO,
        env=os.environ | {"NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert not re.search(r"^WARNING", output, re.MULTILINE), output

    for page in ("index", "install", "standalone", "configure", "operate", "authoring"):
        assert (site / f"{page}.html").is_file()

    # The schema the build wrote is the API's own, and the page shows every operation in it.
    schema = json.loads((REPO / "docs" / "api" / "openapi.json").read_text())
    from teacher_portal.api import api

    assert schema == json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1")))
    api_page = " ".join((site / "api.html").read_text().split())
    assert schema["paths"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            shown = re.sub(r"\{(\w+)\}", r'<span class="route-param">{\1}</span>', path)
            assert f'<span class="http-{method}">{method.upper()}</span> {shown}' in api_page
            assert html.escape(" ".join(operation["description"].split()), quote=False) in api_page


def test_every_setting_the_code_reads_is_documented():
    """A new STREAMWISE_* setting (or environment variable) must get a row in Configure."""
    page = (REPO / "docs" / "configure.md").read_text()
    names = set()
    for app in ("streamwise", "schools", "lessons", "quizzes", "h5p", "teacher_portal", "training"):
        for source in (REPO / app).rglob("*.py"):
            names |= set(re.findall(r"\bSTREAMWISE_[A-Z0-9_]+", source.read_text()))
    for source in (REPO / "safeguarding").rglob("*.py"):
        names |= set(re.findall(r"\bSTREAMWISE_[A-Z0-9_]+", source.read_text()))
    settings_source = (REPO / "streamwise" / "settings.py").read_text()
    names |= set(re.findall(r'os\.environ\.get\(\s*"([A-Z0-9_]+)"', settings_source))
    names |= set(re.findall(r'env_(?:bool|list)\(\s*"([A-Z0-9_]+)"', settings_source))
    # Worked out from other settings, never set by hand.
    names -= {"STREAMWISE_SSO_ORIGINS"}
    missing = sorted(name for name in names if f"`{name}`" not in page)
    assert not missing, f"Document these in docs/configure.md: {missing}"
