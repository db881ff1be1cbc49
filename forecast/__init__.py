"""zorgcap: forecast nursing-home places (Wlz V&V) per zorgkantoorregio."""

__version__ = "0.1.0"

from .errors import DataMissingError, InputError  # noqa: E402

__all__ = ["InputError", "DataMissingError", "__version__"]

from .population import build_projection, project_population  # noqa: E402

__all__ += ["project_population", "build_projection"]
