"""Inter-agency electronic documents (edXML, QCVN 102:2016), registers, transport, liên thông.

`edxml/` builds and parses the envelope and needs no database; `signing.py` signs and
verifies it (XML-DSig); the rest (models, services, transport) keeps the registers and
moves documents between onestop instances. See docs/exchange.md.
"""
