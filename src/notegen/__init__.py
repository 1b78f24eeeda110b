"""notegen: Markdown study notes → an Anki deck and a searchable static site, from one parse."""

__version__ = "0.1.0"
