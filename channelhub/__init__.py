"""channelhub: the command line and the all-in-one demo that compose the other packages."""

__version__ = "0.1.0"
