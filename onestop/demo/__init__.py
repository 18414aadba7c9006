"""Demo data for Cần Thơ: agencies, staff, ~20 procedures and a few hundred dossiers.

An app-less package (no models): `onestop seed_demo` and `onestop demo` call
onestop.demo.loader.demo_load. Everything here is fictitious and labelled as demo data; the
dossiers are made only through the real services, with moments in the past.
"""
