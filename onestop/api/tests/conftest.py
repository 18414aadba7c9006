# The exchange endpoint's tests use the exchange app's fixtures (demo CA, two agencies).
from onestop.exchange.tests.conftest import (  # noqa: F401
    anchors,
    city_key,
    demo_ca,
    exchange,
)
