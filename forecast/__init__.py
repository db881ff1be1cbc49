"""zorgcap: forecast nursing-home places (Wlz V&V) per zorgkantoorregio."""

__version__ = "0.1.0"

from .errors import DataMissingError, InputError  # noqa: E402

__all__ = ["InputError", "DataMissingError", "__version__"]
