"""Suggestions for the synthesis board: which cards of the week look like one need."""
