"""Regulator audit reports: one content object rendered as PDF, HTML, JSON and CSV, signed."""
