"""Sphinx configuration of the zorgcap documentation.

Build (warnings are errors, as in CI)::

    pip install -e ".[docs]"
    python -m sphinx -W -b html docs docs/_build/html

The command-line reference, the named assumptions and the frames' columns are generated from
the code when the build starts (``_ext/zorgcap_docs.py``); the API pages by autosummary; the
gallery runs ``examples/plot_*.py`` (sphinx-gallery). zorgcap embeds a snapshot of its input
tables, so both run anywhere; were no table to be found, the gallery would be shown unrun and the
assumptions page would list the catalogue only.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import zorgcap  # noqa: E402
from zorgcap.forecast.io.datadir import data_roots  # noqa: E402

# -- project -----------------------------------------------------------------------------------

project = "zorgcap"
author = "the zorgcap developers"
copyright = "the zorgcap developers; data CC BY 4.0 CBS and others (see Sources and licences)"
release = version = zorgcap.__version__

# -- extensions --------------------------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.intersphinx",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "zorgcap_docs",  # generated pages: CLI, named assumptions, columns
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints", "examples/README.rst"]
templates_path = ["_templates"]
smartquotes_action = "qe"  # quotes and ellipses; "--occupancy" stays two hyphens

# -- API reference (autosummary + numpydoc, as pvlib and geopandas) ---------------------------

autosummary_generate = True
autosummary_imported_members = False
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types and units
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = False
numpydoc_xref_param_type = False

intersphinx_mapping = {}  # offline builds: no inventories are fetched

# -- the user guide (Markdown, MyST) -----------------------------------------------------------

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# -- the gallery (sphinx-gallery) --------------------------------------------------------------

# a place with tables in it: ZORGCAP_DATA, the cache, ../shared/data or the embedded snapshot
HAS_DATA = any(root.path.is_dir() and any(root.path.iterdir()) for root in data_roots())

sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "plot_gallery": "True" if HAS_DATA else "False",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "within_subsection_order": "FileNameSortKey",
    "show_memory": False,
    "min_reported_time": 1,
}

# -- HTML --------------------------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"zorgcap {release}"
html_static_path = []
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_show_sourcelink = False
html_context = {"default_mode": "light"}
