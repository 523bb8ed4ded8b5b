"""Screens pushed over the main view: help, prompts and the filter."""
