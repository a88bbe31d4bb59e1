"""Experiments behind docs/MODEL.md's findings: runnable, not part of the shipped model's pipeline."""
