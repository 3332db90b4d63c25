"""badgesite: publish Open Badges 2.0 from a git repository as a static site."""

__version__ = "0.1.0"
