"""Citizen pages, one module per area. Thin: parse input, call one service or selector, render.

Public pages (catalog, lookup, payment links, bills, feedback, transparency) need no account;
the citizen's own pages are guarded by onestop.accounts.decorators.citizen_required.
"""
