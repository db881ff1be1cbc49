"""The Parquet cache on disk (forecast/io/cache.py): it saves time and never stops a run.

Issue 30 audit: with ``ZORGCAP_CACHE`` on a full drive, ``zorgcap gap`` stopped with "could
not write --out DIR: No space left on device" - the output folder had room; the cache did
not. A cache that cannot be written now costs only time: the frame is parsed and returned
as without a cache, and one warning names the cache folder and the fix. The cache folder is
made unwritable for real here (``ZORGCAP_CACHE`` is a file, so no folder can be made in
it). These are code checks of the file handling, not model validations.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from zorgcap.forecast.errors import InputWarning
from zorgcap.forecast.io import cache


@pytest.fixture
def unwritable_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    monkeypatch.setenv("ZORGCAP_CACHE", str(blocker))
    monkeypatch.setattr(cache, "_CACHE_WARNED", set())
    return blocker


def test_an_unwritable_cache_costs_time_not_the_run(tmp_path, unwritable_cache):
    source = tmp_path / "table.csv"
    source.write_text("zk_code,places\nZK01,2300\nZK02,9100\n", encoding="utf-8")
    calls = []

    def parse(path):
        calls.append(path)
        return pd.read_csv(path)

    with pytest.warns(InputWarning, match=r"file .*cache-is-a-file: the cache could not be "
                                          r"written .*parsed anew on every run") as caught:
        first = cache.cached(source, "table", parse)
        second = cache.cached(source, "table", parse)
    assert len(caught) == 1  # said once per cache folder, not per table
    assert "set ZORGCAP_CACHE to a folder you may write to" in str(caught[0].message)
    # the numbers are the file's (2,300 and 9,100 places), parsed each time: nothing cached
    for frame in (first, second):
        assert frame["places"].tolist() == [2300, 9100] and frame.attrs["cache"] == "miss"
    assert len(calls) == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # already said for this folder
        result = cache.cached_result("fit", ("a", 1), lambda: pd.DataFrame({"x": [1.5]}))
    assert result["x"].tolist() == [1.5]
    assert unwritable_cache.read_text(encoding="utf-8") == "not a folder\n"


def test_a_writable_cache_is_written_and_read_back(tmp_path, monkeypatch):
    """A writable cache is still written, readable as the umask allows, and read back."""
    from zorgcap.forecast.io.output import umask_mode

    monkeypatch.setenv("ZORGCAP_CACHE", str(tmp_path / "cache"))
    source = tmp_path / "table.csv"
    source.write_text("zk_code,places\nZK01,2300\n", encoding="utf-8")
    assert cache.cached(source, "table", pd.read_csv).attrs["cache"] == "miss"
    again = cache.cached(source, "table", pd.read_csv)
    assert again.attrs["cache"] == "hit" and again["places"].tolist() == [2300]
    (stored,) = (tmp_path / "cache" / "parquet").iterdir()
    assert stored.stat().st_mode & 0o777 == umask_mode()
