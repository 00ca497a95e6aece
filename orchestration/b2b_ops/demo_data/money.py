"""USD amounts to local-currency cents."""

from __future__ import annotations

import numpy as np

from b2b_ops.demo_data.config import COUNTRIES, COUNTRY_CURRENCY, CURRENCIES, UNITS_PER_USD

_RATE = np.array([UNITS_PER_USD[code] for code in CURRENCIES])
_JPY = CURRENCIES.index("JPY")


def to_local_cents(usd: np.ndarray, currency: np.ndarray) -> np.ndarray:
    """Integer cents in each row's currency (codes into CURRENCIES).

    Yen has no minor unit, so yen amounts are whole (their cents are 00).
    """
    local = np.asarray(usd, dtype=float) * _RATE[np.asarray(currency)]
    cents = np.round(local * 100.0).astype(np.int64)
    whole_yen = np.round(local).astype(np.int64) * 100
    return np.maximum(np.where(currency == _JPY, whole_yen, cents), 0)


def currency_of_country(country: np.ndarray) -> np.ndarray:
    """Currency codes (into CURRENCIES) for country codes (into COUNTRIES)."""
    table = np.array([CURRENCIES.index(COUNTRY_CURRENCY[name]) for name in COUNTRIES])
    return table[np.asarray(country)]
