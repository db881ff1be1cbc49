"""Shared fixtures.

Tests that read real data need ``../shared/data`` (present on every dev machine and in CI);
they are skipped with a clear reason where it is absent. The Parquet cache is redirected to a
temporary directory per test session, so tests never depend on an earlier run's cache.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from zorgcap.forecast.io.datadir import data_roots

_SESSION_CACHE = tempfile.mkdtemp(prefix="zorgcap-test-cache-")
os.environ["ZORGCAP_CACHE"] = _SESSION_CACHE
os.environ.pop("ZORGCAP_DATA", None)


def _shared_data():
    for root in data_roots():
        if root.origin == "shared":
            return root.path
    return None


SHARED = _shared_data()
needs_data = pytest.mark.skipif(SHARED is None, reason="../shared/data is not beside the project")


@pytest.fixture
def shared_data() -> Path:
    if SHARED is None:
        pytest.skip("../shared/data is not beside the project")
    return SHARED


def write_cbs(path: Path, header: list[str], rows: list[list], pad: int = 0) -> Path:
    """Write a small table in the CBS OData dump format (';', BOM, padded strings)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [";".join(header)]
    for row in rows:
        cells = [f"{v:<{pad}}" if isinstance(v, str) else str(v) for v in row]
        lines.append(";".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def refuses(tmp_path: Path, name: str, body: str, reader, match: str):
    """Write ``body`` to ``tmp_path / name``; ``reader(path)`` must raise an InputError that
    matches ``match`` (regex) and names the file and a fix. Returns the error."""
    from zorgcap.forecast.errors import InputError

    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=match) as err:
        reader(path)
    assert name in str(err.value) and "Fix:" in str(err.value)
    return err.value
