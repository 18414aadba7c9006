"""Writes of the city guide, one transaction each (places, OCOP, traffic, imports)."""
