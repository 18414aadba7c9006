from __future__ import annotations

import pytest

from onestop.testing import Teams, make_teams


@pytest.fixture
def teams(db) -> Teams:
    return make_teams()
