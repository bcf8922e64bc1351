"""The site's formatting module, run in the browser: money from the API's strings, county dates."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

MONEY = {
    "1054.70": "$1,054.70",
    "1023.98": "$1,023.98",
    "0.00": "$0.00",
    "30.72": "$30.72",
    "1.5": "$1.50",
    "35": "$35.00",
    "1000000.01": "$1,000,000.01",
    "9007199254740993.99": "$9,007,199,254,740,993.99",  # past a float's exact integers
    "-5.00": "-$5.00",
    "-0.00": "$0.00",
    "": "",
}
DATES = {"2017-03-20": "3/20/2017", "2016-10-10": "10/10/2016", "2017-06-04": "6/4/2017", "": ""}


def test_money_and_dates_are_formatted_from_strings(page: Page, portal) -> None:
    page.goto(portal.web + "/index.html")
    result = page.evaluate(
        """async ([money, dates]) => {
             const f = await import('/js/format.js');
             return {
               money: Object.fromEntries(Object.keys(money).map((k) => [k, f.money(k)])),
               dates: Object.fromEntries(Object.keys(dates).map((k) => [k, f.date(k)])),
               positive: [f.isPositive('0.00'), f.isPositive('0.01'), f.isPositive('-1.00')],
             };
           }""",
        [MONEY, DATES],
    )
    assert result["money"] == MONEY
    assert result["dates"] == DATES
    assert result["positive"] == [False, True, False]
