"""zorgcap: forecast nursing-home places (Wlz V&V) per zorgkantoorregio."""

__version__ = "0.1.0"

from .errors import DataMissingError, InputError

__all__ = ["DataMissingError", "InputError", "__version__"]

from .population import build_projection, project_population

__all__ += ["build_projection", "project_population"]
