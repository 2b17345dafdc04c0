"""Indicators: the figures a campaign's letter asks for, read from reports for one national table (issue 19).

definitions  which indicators a campaign asks for, their units and ranges, and the words that name them
numbers      Vietnamese numbers and the words glued to them: values with units, shares of plan, changes
"""

from parsers.indicators.definitions import (
    Indicator,
    IndicatorSet,
    Mention,
    default_definitions,
    indicators_named,
    read_definitions,
)
from parsers.indicators.numbers import (
    Change,
    Figures,
    PlanShare,
    Quantity,
    format_number,
    quantities,
    read_figures,
    read_quantity,
)

__all__ = [
    "Change",
    "Figures",
    "Indicator",
    "IndicatorSet",
    "Mention",
    "PlanShare",
    "Quantity",
    "default_definitions",
    "format_number",
    "indicators_named",
    "quantities",
    "read_definitions",
    "read_figures",
    "read_quantity",
]
