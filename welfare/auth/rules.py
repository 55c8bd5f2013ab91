"""Sign-in rules as pure functions: no Flask, no database."""


def sign_in_throttled(name_failures, address_failures, max_failures, address_max_failures):
    """Wait if this name failed too often from this address, or this address did at all."""
    return name_failures >= max_failures or address_failures >= address_max_failures
