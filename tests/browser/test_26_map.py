"""Issue 14's done-when in the browser: properties, projects and the map, with every request that
leaves this machine refused (the default base map, `none`, draws the county's own streets and parcels
from the API, so the map needs no network at all).

RICH CONTRACTOR opens View Map and sees the company's permits as markers and in the "In view" list;
Tab reaches a marker (through a cluster, zoomed by Enter, when the permits are close together) and
Enter opens the permit; Locate My Address for 1968 E DODD RD centres the map on it; Use my location
centres on the nearest parcel; View on Map from a permit shows that permit, highlighted and announced;
Pay Fees of a project puts its fees in the cart; axe finds nothing on the map, Search Property, a
property, Search Projects and a project, at 1280 and 390 px. No JavaScript error, no CSP violation.

Written against docs/properties-and-map.md (API.md Part 2 "Properties, projects and the map") and the
demo data: parcel "1968 E DODD RD", project P-2026-001 NORTHSHORE ESTATES with three of RICH
CONTRACTOR's permits.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_accessible, log_in_to_dashboard

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
ADDRESS = "1968 E DODD RD"
PERMIT = "RES16-0688"
PROJECT = "P-2026-001"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


@pytest.fixture
def offline(page: Page):
    """Refuse every request to anything but this machine; the test fails if the site tried one."""
    refused: list[str] = []

    def only_loopback(route) -> None:
        if urlsplit(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", only_loopback)
    yield refused
    assert not refused, f"the site asked the network for: {refused[:5]}"


def side_menu(page: Page):
    return page.get_by_role("navigation", name="Side menu")


def the_map(page: Page):
    return page.locator("#map")


def wait_for_map(page: Page) -> None:
    """The view's layers have been read and drawn (map.js sets data-state once the answers are in)."""
    expect(the_map(page)).to_have_attribute("data-state", "ready")


def in_view(page: Page):
    return page.locator("#inview-list")


def geocode(portal, token: str, q: str) -> dict:
    items = portal.call("GET", f"/geocode?q={quote(q)}", token=token)["items"]
    assert items, f"GET /geocode?q={q} found nothing"
    return next((i for i in items if i["address"] == q), items[0])


def centre(page: Page) -> tuple[float, float]:
    lon, lat = (float(x) for x in the_map(page).get_attribute("data-center").split(","))
    return lon, lat


def assert_centred_on(page: Page, lon: float, lat: float) -> None:
    got_lon, got_lat = centre(page)
    assert abs(got_lon - lon) < 1e-4 and abs(got_lat - lat) < 1e-4, (got_lon, got_lat, lon, lat)


def accessible_at_both_widths(page: Page, label: str) -> None:
    page.set_viewport_size(DESKTOP)
    assert_accessible(page, f"{label} at 1280 px")
    page.set_viewport_size(PHONE)
    assert_accessible(page, f"{label} at 390 px")
    page.set_viewport_size(DESKTOP)


def test_view_map_shows_the_companys_permits_and_a_marker_opens_by_keyboard(page: Page, portal, console_errors,
                                                                              offline) -> None:
    page.set_viewport_size(DESKTOP)
    log_in_to_dashboard(page, portal)
    side_menu(page).get_by_role("link", name="View Map", exact=True).click()
    expect(page).to_have_url(re.compile(r"/map\.html$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("View Map")
    wait_for_map(page)

    # The permits the API has in this view are the In view list's links, and drawn as markers.
    token = portal.token()
    bbox = the_map(page).get_attribute("data-bbox")
    permits = portal.call("GET", f"/map/features?layer=permits&bbox={bbox}", token=token)["features"]
    labels = [f["properties"]["label"] for f in permits]
    assert labels, f"no permit of RICH CONTRACTOR in the first view ({bbox})"
    assert any(label.startswith(PERMIT) for label in labels), labels
    for label in labels:
        expect(in_view(page).get_by_role("link", name=label, exact=True)).to_be_visible()
    markers = page.locator("#map .portal-marker__link, #map .portal-cluster")
    expect(markers.first).to_be_visible()
    drawn = page.evaluate("""() => [...document.querySelectorAll('#map .portal-marker__link')].length
      + [...document.querySelectorAll('#map .portal-cluster')].reduce((n, c) => n + Number(c.textContent), 0)""")
    listed = in_view(page).locator("li").count()
    assert drawn == listed, f"{drawn} markers (clusters counted by their numbers) for {listed} places in view"
    assert_accessible(page, "View Map")

    # By keyboard alone: Tab to a permit's marker (Enter on a cluster zooms in), Enter opens the permit.
    opened = None
    for _ in range(200):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => { const el = document.activeElement;
          return {cluster: el.classList.contains('portal-cluster'),
                  marker: el.classList.contains('portal-marker__link'), href: el.getAttribute('href') || ''}; }""")
        if focused["marker"] and focused["href"].startswith("permit.html?permit_no="):
            opened = focused["href"].split("=", 1)[1]
            break
        if focused["cluster"]:
            zoom = the_map(page).get_attribute("data-zoom")
            page.keyboard.press("Enter")
            expect(the_map(page)).not_to_have_attribute("data-zoom", zoom)
            wait_for_map(page)
    assert opened, "Tab never reached a permit's marker"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/permit\.html\?permit_no={re.escape(opened)}$"))
    expect(page.get_by_role("heading", name=f"Permit {opened}")).to_be_visible()


def test_locate_my_address_and_use_my_location_centre_the_map(page: Page, portal, console_errors, offline) -> None:
    page.set_viewport_size(DESKTOP)
    token = portal.token()
    place = geocode(portal, token, ADDRESS)
    log_in_to_dashboard(page, portal)
    side_menu(page).get_by_role("link", name="Locate My Address", exact=True).click()
    expect(page).to_have_url(re.compile(r"/map\.html\?locate=1$"))
    field = page.get_by_role("combobox", name="Street address")
    expect(field).to_be_focused()
    field.press_sequentially("1968 E Dodd")  # the API normalises what is typed; the site never does
    option = page.get_by_role("listbox", name="Street address").get_by_role("option", name=ADDRESS, exact=True)
    expect(option).to_be_visible()
    page.keyboard.press("ArrowDown")
    while page.evaluate("document.querySelector('.usa-combo-box__list-option--focused')?.textContent") != ADDRESS:
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(the_map(page)).to_have_attribute("data-located", ADDRESS)
    assert_centred_on(page, place["lon"], place["lat"])
    expect(page.locator("#map-focus")).to_contain_text(f"The map is centred on {ADDRESS}.")
    expect(page.locator("#map .portal-located-label")).to_have_text(ADDRESS)  # the dropped marker's label
    wait_for_map(page)
    assert_accessible(page, "Locate My Address")

    # Use my location: the browser's position (granted here), then the nearest parcel (GET /geocode/nearest).
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": place["lat"] + 0.00005, "longitude": place["lon"] + 0.00005})
    page.goto(f"{portal.web}/map.html")
    wait_for_map(page)
    page.get_by_role("button", name="Use my location").click()
    nearest = portal.call("GET", f"/geocode/nearest?lat={place['lat'] + 0.00005:.6f}&lon={place['lon'] + 0.00005:.6f}",
                          token=token)
    expect(the_map(page)).to_have_attribute("data-located", nearest["address"])
    assert_centred_on(page, nearest["lon"], nearest["lat"])

    # Far from every parcel: said in the alert region, beside the buttons.
    page.context.set_geolocation({"latitude": 40.0, "longitude": -100.0})
    page.get_by_role("button", name="Use my location").click()
    expect(page.locator("#locate-message").get_by_role("alert")).to_contain_text("Your location could not be used")


def test_view_on_map_from_a_permit_shows_it_highlighted_and_announced(page: Page, portal, console_errors,
                                                                       offline) -> None:
    page.set_viewport_size(DESKTOP)
    log_in_to_dashboard(page, portal)
    page.goto(f"{portal.web}/permit.html?permit_no={PERMIT}")
    page.get_by_role("link", name="View on Map", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/map\.html\?permit={PERMIT}$"))
    announced = page.locator("#map-focus")
    expect(announced).to_contain_text(f"Permit {PERMIT}")
    expect(announced).to_contain_text("is shown on the map, highlighted.")
    expect(announced.get_by_role("status")).to_be_attached()  # a polite live region says it
    expect(the_map(page)).to_have_attribute("data-highlight", f"permits:{PERMIT}")
    highlighted = page.locator("#map .portal-marker--highlight a")
    expect(highlighted).to_have_count(1)
    expect(highlighted).to_have_accessible_name(re.compile(rf"^{PERMIT} · "))
    expect(highlighted).to_have_attribute("href", f"permit.html?permit_no={PERMIT}")
    wait_for_map(page)
    row = in_view(page).locator(".portal-inview__item--highlight")
    expect(row).to_contain_text(PERMIT)
    expect(row).to_contain_text("(highlighted)")
    permit = portal.call("GET", f"/permits/{PERMIT}", token=portal.token())
    assert_centred_on(page, permit["lon"], permit["lat"])

    # The inspections list's View on Map opens the map on that inspection's permit.
    page.goto(f"{portal.web}/inspections.html")
    expect(page.locator("main")).not_to_contain_text("Loading…")
    links = page.locator("#scheduled-table").get_by_role("link", name=re.compile(r"^View on Map"))
    if links.count():
        links.first.click()
        expect(page).to_have_url(re.compile(r"/map\.html\?inspection="))
        expect(page.locator("#map-focus")).to_contain_text("inspection of permit")


def test_properties_and_projects_pages(page: Page, portal, console_errors, offline) -> None:
    page.set_viewport_size(DESKTOP)
    token = portal.token()
    parcel = geocode(portal, token, ADDRESS)["parcel_no"]
    log_in_to_dashboard(page, portal)

    # Search Property: the guide's words, normalised by the API ("Road" finds RD).
    side_menu(page).get_by_role("link", name="Search Property", exact=True).click()
    # The page has drawn its menu (initPage), so its search form is wired before it is used.
    current = side_menu(page).get_by_role("link", name="Search Property", exact=True)
    expect(current).to_have_attribute("aria-current", "page")
    page.get_by_label("Address or parcel number").fill("1968 E Dodd Road")
    page.get_by_role("button", name="SEARCH").click()
    table = page.locator("#properties-table")
    expect(table.get_by_role("link", name=parcel, exact=True)).to_be_visible()
    expect(table).to_contain_text(ADDRESS)
    accessible_at_both_widths(page, "Search Property")
    page.get_by_label("Address or parcel number").fill("1")  # too short: the API says so, beside the field
    page.get_by_role("button", name="SEARCH").click()
    expect(page.get_by_label("Address or parcel number")).to_have_attribute("aria-invalid", "true")

    # A property: its details, its shape on a small map, this company's permits there.
    page.goto(f"{portal.web}/property.html?parcel_no={quote(parcel)}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Property {parcel}")
    expect(page.locator("#property-summary")).to_contain_text(ADDRESS)
    expect(page.get_by_role("img", name=re.compile(rf"^Map of parcel {re.escape(parcel)}"))).to_be_visible()
    expect(page.locator("#property-permits").get_by_role("link", name=PERMIT, exact=True)).to_be_visible()
    accessible_at_both_widths(page, "property")
    page.get_by_role("link", name="View on Map", exact=True).click()
    expect(the_map(page)).to_have_attribute("data-highlight", f"properties:{parcel}")

    # Search Projects and the project: its permits, fees due, Pay Fees and View on Map.
    side_menu(page).get_by_role("link", name="Search Projects", exact=True).click()
    projects = page.locator("#projects-table")
    expect(projects.get_by_role("link", name=PROJECT, exact=True)).to_be_visible()
    expect(projects).to_contain_text("NORTHSHORE ESTATES")
    accessible_at_both_widths(page, "Search Projects")
    projects.get_by_role("link", name=PROJECT, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Project {PROJECT}")
    project = portal.call("GET", f"/projects/{PROJECT}", token=token)
    assert len(project["permits"]) == 3, project
    permits = page.locator("#project-permits")
    for permit in project["permits"]:
        expect(permits.get_by_role("link", name=permit["permit_no"], exact=True)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Loading…")
    accessible_at_both_widths(page, "project")

    page.get_by_role("link", name="View on Map", exact=True).click()
    expect(the_map(page)).to_have_attribute("data-highlight", f"projects:{PROJECT}")
    expect(page.locator("#map-focus")).to_contain_text(f"Project {PROJECT}")
    wait_for_map(page)
    accessible_at_both_widths(page, "the map on a project")


def test_the_map_fits_a_small_phone(page: Page, portal, console_errors, offline) -> None:
    """At 320 px the map, its controls and In view (below the map) fit: nothing scrolls sideways."""
    page.set_viewport_size({"width": 320, "height": 640})
    log_in_to_dashboard(page, portal)
    page.goto(f"{portal.web}/map.html?permit={PERMIT}")
    wait_for_map(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the map page scrolls sideways by {overflow}px at 320 px"
    box, listed = the_map(page).bounding_box(), page.locator("#inview-heading").bounding_box()
    assert listed["y"] >= box["y"] + box["height"], "In view is below the map on a phone"


def test_pay_fees_of_a_project_fills_the_cart(page: Page, portal, console_errors, offline) -> None:
    token = portal.token()
    project = portal.call("GET", f"/projects/{PROJECT}", token=token)
    due = [p["permit_no"] for p in project["permits"] if float(p.get("fees_due") or 0) > 0]
    if not due:
        pytest.skip("nothing is due on the project's permits any more (an earlier journey paid them)")
    page.set_viewport_size(DESKTOP)
    log_in_to_dashboard(page, portal)
    page.goto(f"{portal.web}/project.html?project_no={PROJECT}")
    page.get_by_role("button", name=re.compile(r"^Pay Fees")).click()
    expect(page).to_have_url(re.compile(r"/cart\.html$"))
    for permit_no in due:
        expect(page.locator("main")).to_contain_text(permit_no)
    # The cart as the other journeys expect it: empty.
    for permit_no in due:
        portal.call("DELETE", f"/cart/items/{permit_no}", token=token)
