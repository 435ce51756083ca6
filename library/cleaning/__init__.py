"""Pure-Python cleaning of scraped pages. Imports nothing from Django."""

from .document import BLOCK_KINDS, Block, Cleaned, Link, Metadata, Removal, assemble
from .pipeline import CLEANER_VERSION, Rejected, clean, clean_text
from .rules import RULES

__all__ = [
    "BLOCK_KINDS",
    "CLEANER_VERSION",
    "RULES",
    "Block",
    "Cleaned",
    "Link",
    "Metadata",
    "Rejected",
    "Removal",
    "assemble",
    "clean",
    "clean_text",
]
