"""Process commands: `onestop demo`, `seed_demo`, `serve` and `worker`.

The top of the house: it may import any app (the demo builder, the WSGI application), and no
app imports it.
"""
