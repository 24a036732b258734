"""Collectors: one module per source (declared files here; Resource Graph and ARM to come)."""
