__version__ = "0.1.0"

__all__ = ["SCVI", "SCANVI", "LinearSCVI", "settings"]


def __getattr__(name):
    # `scvi_nb.SCVI` (and `SCANVI`) without importing torch, Lightning and Pyro on `import scvi_nb` (nbdev owns only __version__ here)
    if name == "SCVI":
        from .api import SCVI
        return SCVI
    if name == "settings":
        from .api import settings
        return settings
    if name == "SCANVI":
        from .scanvi import SCANVI
        return SCANVI
    if name == "LinearSCVI":
        from .linear import LinearSCVI
        return LinearSCVI
    raise AttributeError(f"module 'scvi_nb' has no attribute {name!r}")
