import pytest

from welfare.auth.rules import sign_in_throttled


@pytest.mark.parametrize("name_failures, address_failures, throttled", [
    (0, 0, False),
    (4, 4, False),    # one short of the name limit
    (5, 5, True),     # the name's limit from this address
    (0, 29, False),   # spread over other names, one short of the address limit
    (0, 30, True),    # the address's limit, whatever the names
    (7, 40, True),
])
def test_sign_in_throttled(name_failures, address_failures, throttled):
    assert sign_in_throttled(name_failures, address_failures, 5, 30) is throttled
