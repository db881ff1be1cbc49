"""zorgcap's own data: the manifest of input tables, transcribed public figures and planner
templates (CSV files only, no code).

It is an import package so that the wheel carries it and the code finds it with
``importlib.resources.files("zorgcap.data_raw")`` (see
:func:`zorgcap.forecast.io.datadir.data_raw_dir`).
"""
