"""Input tables: where they are found, how they are parsed and cached, what they hold."""

from .datadir import cache_dir, data_roots, project_root
from .manifest import locate
from .tables import load_gebieden, load_population_gemeente, read_table

__all__ = [
           "cache_dir",
           "data_roots",
           "load_gebieden",
           "load_population_gemeente",
           "locate",
           "project_root",
           "read_table",
]
