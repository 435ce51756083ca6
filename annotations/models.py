"""Highlights, notes and theme tags live here (see the reading issue)."""
