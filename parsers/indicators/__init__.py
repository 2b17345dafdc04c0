"""Indicators: the figures a campaign's letter asks for, read from reports for one national table (issue 19).

definitions  which indicators a campaign asks for, their units and ranges, and the words that name them
"""

from parsers.indicators.definitions import (
    Indicator,
    IndicatorSet,
    Mention,
    default_definitions,
    indicators_named,
    read_definitions,
)

__all__ = ["Indicator", "IndicatorSet", "Mention", "default_definitions", "indicators_named", "read_definitions"]
