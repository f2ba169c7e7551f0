"""Headless Chromium on the result page: the reveal modes and the 3D palette plot.

The job is run by the worker's own function (``worker.run_job``) in the test process; the
browser then gets the owner's session cookie. Every check reads the canvas back and measures,
per cell of a 10 x 10 grid, how far each pixel has moved from the photo towards the styled
picture (0 = photo, 1 = styled), so a reveal that does nothing fails. Screenshots go to
``test-artifacts/reveals/``.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings

from devkit.browser import CspWatch
from styling import uploads
from styling.jobs import worker
from styling.models import JobStatus, StylingJob
from styling.selectors import Owner
from styling.tests.factories import StyleFactory, photo_bytes

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
# SwiftShader gives headless Chromium the WebGL the 3D plot needs without a GPU.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
]  # fmt: skip
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "reveals"
PHOTO = "bsd68/101085.png"  # 321 x 481

#: Revealed amount per cell of a 10 x 10 grid over the canvas (rows first).
READ_BACK = """() => {
  const c = document.getElementById('compare-canvas');
  const W = c.width, H = c.height;
  const off = document.createElement('canvas'); off.width = W; off.height = H;
  const o = off.getContext('2d', {willReadFrequently: true});
  const grab = (img) => { o.clearRect(0, 0, W, H); o.drawImage(img, 0, 0, W, H);
                          return o.getImageData(0, 0, W, H).data; };
  const b = grab(document.querySelector('.compare-before'));
  const a = grab(document.querySelector('#compare-after img'));
  const d = c.getContext('2d').getImageData(0, 0, W, H).data;
  const sum = Array.from({length: 100}, () => 0), n = Array.from({length: 100}, () => 0);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const i = 4 * (y * W + x);
    const ab = [a[i] - b[i], a[i+1] - b[i+1], a[i+2] - b[i+2]];
    const len2 = ab[0]*ab[0] + ab[1]*ab[1] + ab[2]*ab[2];
    if (len2 < 40 * 40) continue;  // photo and picture alike here: says nothing
    const t = ((d[i]-b[i])*ab[0] + (d[i+1]-b[i+1])*ab[1] + (d[i+2]-b[i+2])*ab[2]) / len2;
    const cell = Math.min(9, Math.floor(10 * y / H)) * 10 + Math.min(9, Math.floor(10 * x / W));
    sum[cell] += Math.max(0, Math.min(1, t)); n[cell] += 1;
  }
  return sum.map((s, k) => n[k] ? s / n[k] : null);
}"""


def cell(grid: list[float | None], fx: float, fy: float) -> float:
    value = grid[min(9, int(fy * 10)) * 10 + min(9, int(fx * 10))]
    assert value is not None, f"cell at {fx}, {fy} has no measurable pixels"
    return value


def mean(grid: list[float | None]) -> float:
    values = [v for v in grid if v is not None]
    return sum(values) / len(values)


@pytest.fixture
def done_job_cookie(shared_data: Path) -> tuple[StylingJob, dict]:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store.create()
    upload = uploads.create_upload(
        owner=Owner(session=store.session_key),
        data=photo_bytes(shared_data, PHOTO),
        filename="carvings.png",
    )
    job = StylingJob.objects.create(upload=upload, style=StyleFactory(name="Retro cel"))
    job = worker.run_job(job_id=job.pk)
    assert job.status == JobStatus.DONE
    return job, {"name": settings.SESSION_COOKIE_NAME, "value": store.session_key}


@pytest.fixture
def browser(monkeypatch):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    watch = CspWatch()
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        chromium.csp = watch  # every context opened in these tests is watched
        yield chromium
        chromium.close()
    watch.check()


def open_result(browser, live_server, job_cookie, **context_options):  # type: ignore[no-untyped-def]
    job, cookie = job_cookie
    context = browser.new_context(viewport={"width": 1100, "height": 800}, **context_options)
    browser.csp.attach(context)
    context.add_cookies([{**cookie, "url": live_server.url}])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.errors = errors  # type: ignore[attr-defined]
    page.goto(f"{live_server.url}/create/jobs/{job.pk}/")
    page.wait_for_selector("#reveal-modes:not([hidden])")
    return page


def choose(page, mode: str) -> dict:  # type: ignore[no-untyped-def]
    page.check(f'input[name="reveal"][value="{mode}"]')
    page.wait_for_selector("#compare-canvas:not([hidden])")
    if mode != "scroll":  # scroll mode puts the picture in view itself
        page.locator("#compare-canvas").scroll_into_view_if_needed()
    return page.locator("#compare-canvas").bounding_box()


def at(box: dict, fx: float, fy: float) -> tuple[float, float]:
    return box["x"] + box["width"] * fx, box["y"] + box["height"] * fy


def test_scratch_by_mouse_keyboard_and_touch(browser, live_server, done_job_cookie) -> None:
    page = open_result(browser, live_server, done_job_cookie)
    box = choose(page, "scratch")
    assert mean(page.evaluate(READ_BACK)) < 0.05  # all photo until scratched

    # Mouse: a horizontal stroke across the upper third
    page.mouse.move(*at(box, 0.15, 0.25))
    page.mouse.down()
    page.mouse.move(*at(box, 0.85, 0.25), steps=12)
    page.mouse.up()
    grid = page.evaluate(READ_BACK)
    # The brush is 12% of the width wide: most of each 10% cell along the stroke is scratched
    assert min(cell(grid, fx, 0.25) for fx in (0.25, 0.45, 0.65)) > 0.6
    assert cell(grid, 0.5, 0.85) < 0.05
    page.screenshot(path=str(ARTIFACTS / "scratch-mouse.png"))

    # Keyboard: the cursor starts in the middle; arrow keys scratch a path down
    page.focus("#compare-canvas")
    for _ in range(8):  # 0.5 -> 0.82 of the height, 4% a press
        page.keyboard.press("ArrowDown")
    grid = page.evaluate(READ_BACK)
    # The path runs down x = 0.5, the border of two cell columns: each is about half scratched.
    for fy in (0.6, 0.7):
        assert cell(grid, 0.45, fy) + cell(grid, 0.55, fy) > 0.6, grid
    assert cell(grid, 0.45, 0.95) + cell(grid, 0.55, 0.95) < 0.1
    assert cell(grid, 0.15, 0.75) < 0.05
    assert cell(grid, 0.25, 0.25) > 0.6  # scratches add up: the mouse stroke is still open
    page.screenshot(path=str(ARTIFACTS / "scratch-keyboard.png"))

    # Covered again by the button
    page.click("#reveal-reset")
    assert mean(page.evaluate(READ_BACK)) < 0.05

    # Touch emulation: a tap scratches where the finger lands
    touch = open_result(browser, live_server, done_job_cookie, has_touch=True, is_mobile=True)
    tbox = choose(touch, "scratch")
    touch.touchscreen.tap(*at(tbox, 0.35, 0.85))
    grid = touch.evaluate(READ_BACK)
    assert cell(grid, 0.35, 0.85) > 0.5, grid  # a 12%-wide dot covers ~3/4 of the cell
    assert cell(grid, 0.8, 0.2) < 0.05
    assert page.errors == [] and touch.errors == []  # type: ignore[attr-defined]


def test_hover_soft_window_by_mouse_keyboard_and_touch(
    browser, live_server, done_job_cookie
) -> None:
    page = open_result(browser, live_server, done_job_cookie)
    box = choose(page, "hover")

    page.mouse.move(*at(box, 0.35, 0.35))
    grid = page.evaluate(READ_BACK)
    centre, far = cell(grid, 0.35, 0.35), cell(grid, 0.85, 0.85)
    assert centre > 0.9 and far < 0.05
    # The window's edge is soft: a ring of part-revealed pixels between centre and outside
    edge = [v for v in grid if v is not None and 0.15 < v < 0.85]
    assert len(edge) >= 3, grid
    page.screenshot(path=str(ARTIFACTS / "hover-mouse.png"))

    # It follows the pointer and goes when the mouse leaves
    page.mouse.move(*at(box, 0.75, 0.75))
    grid = page.evaluate(READ_BACK)
    assert cell(grid, 0.75, 0.75) > 0.9 and cell(grid, 0.35, 0.35) < 0.1
    page.mouse.move(box["x"] + box["width"] + 40, box["y"] - 40)
    assert mean(page.evaluate(READ_BACK)) < 0.02

    # Keyboard: arrow keys move the window from the middle
    page.focus("#compare-canvas")
    page.keyboard.press("Shift+ArrowLeft")  # 12% left
    page.keyboard.press("ArrowDown")  # 4% down: the window's centre is at (0.38, 0.54)
    grid = page.evaluate(READ_BACK)
    assert cell(grid, 0.35, 0.55) > 0.9 and cell(grid, 0.85, 0.55) < 0.1
    assert page.locator("#compare-cursor").is_visible()

    # Touch: the window stays where the finger touched
    touch = open_result(browser, live_server, done_job_cookie, has_touch=True, is_mobile=True)
    tbox = choose(touch, "hover")
    touch.touchscreen.tap(*at(tbox, 0.65, 0.25))
    grid = touch.evaluate(READ_BACK)
    assert cell(grid, 0.65, 0.25) > 0.9 and cell(grid, 0.25, 0.85) < 0.05
    assert page.errors == [] and touch.errors == []  # type: ignore[attr-defined]


def reveal(page) -> float:  # type: ignore[no-untyped-def]
    return float(page.get_attribute("#compare-canvas", "data-reveal"))


def test_scroll_reveal_by_wheel_keyboard_touch_and_reduced_motion(
    browser, live_server, done_job_cookie
) -> None:
    page = open_result(browser, live_server, done_job_cookie)
    box = choose(page, "scroll")
    assert reveal(page) == 0 and mean(page.evaluate(READ_BACK)) < 0.02
    distance = max(120, 800 * 0.6)  # compare.js: 60% of the viewport's height

    # Mouse wheel: part-way down, the top of the picture is revealed and the bottom is not
    page.mouse.move(*at(box, 0.5, 0.5))
    page.mouse.wheel(0, distance * 0.5)
    page.wait_for_function(
        "() => document.getElementById('compare-canvas').dataset.reveal > 0.3", polling=100
    )
    grid = page.evaluate(READ_BACK)
    assert 0.3 < reveal(page) < 0.75
    assert cell(grid, 0.5, 0.1) > 0.9 and cell(grid, 0.5, 0.9) < 0.05
    page.screenshot(path=str(ARTIFACTS / "scroll-half.png"))

    # Keyboard: page keys scroll on, the whole picture appears; scrolling back hides it
    page.focus("#compare-canvas")
    page.keyboard.press("PageDown")
    page.wait_for_function(
        "() => document.getElementById('compare-canvas').dataset.reveal == 1", polling=100
    )
    assert mean(page.evaluate(READ_BACK)) > 0.95
    page.wait_for_timeout(500)  # let the PageDown's smooth scroll finish first
    page.keyboard.press("Home")
    page.wait_for_function("() => window.scrollY === 0", polling=100)
    assert reveal(page) == 0

    # Touch: a finger swiping up over the picture (raw touch events, as a touchscreen sends them)
    touch = open_result(browser, live_server, done_job_cookie, has_touch=True, is_mobile=True)
    tbox = choose(touch, "scroll")
    x, y = at(tbox, 0.5, 0.95)
    cdp = touch.context.new_cdp_session(touch)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 31):
        point = {"x": x, "y": y - step * (y - 20) / 30}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    touch.wait_for_function(
        "() => document.getElementById('compare-canvas').dataset.reveal == 1", polling=100
    )
    assert mean(touch.evaluate(READ_BACK)) > 0.95
    touch.screenshot(path=str(ARTIFACTS / "scroll-touch.png"))

    # Reduced motion: nothing moves with the scroll; the picture appears at once half-way
    calm = open_result(browser, live_server, done_job_cookie, reduced_motion="reduce")
    cbox = choose(calm, "scroll")
    calm.mouse.move(*at(cbox, 0.5, 0.5))
    calm.mouse.wheel(0, distance * 0.3)
    calm.wait_for_timeout(300)
    assert reveal(calm) == 0 and mean(calm.evaluate(READ_BACK)) < 0.02
    calm.mouse.wheel(0, distance * 0.4)
    calm.wait_for_function(
        "() => document.getElementById('compare-canvas').dataset.reveal == 1", polling=100
    )
    assert page.errors == [] and touch.errors == [] and calm.errors == []  # type: ignore[attr-defined]


def test_slider_stays_the_default_and_palette_plot_rotates_and_switches(
    browser, live_server, done_job_cookie
) -> None:
    page = open_result(browser, live_server, done_job_cookie)
    assert page.is_checked('input[name="reveal"][value="slider"]')
    assert page.locator("#compare-canvas").is_hidden()
    assert page.locator(".palette-swatches rect").count() == 18

    plot = "#palette-plot-result"
    page.wait_for_function(f"() => document.querySelector('{plot}')._fullData !== undefined")
    colours = page.evaluate(f"() => document.querySelector('{plot}')._fullData[0].marker.color")
    assert colours == [c["hex"] for c in done_job_cookie[0].palette]
    page.locator(plot).scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "palette-rgb.png"), full_page=True)

    # Rotatable: dragging the scene changes the camera
    # Plotly writes the dragged camera into the figure's layout (absent until the first drag)
    camera = (
        f"JSON.stringify((document.querySelector('{plot}').layout.scene || {{}}).camera || null)"
    )
    before = page.evaluate(f"() => {camera}")
    pbox = page.locator(plot).bounding_box()
    page.mouse.move(*at(pbox, 0.5, 0.5))
    page.mouse.down()
    page.mouse.move(*at(pbox, 0.75, 0.55), steps=8)
    page.mouse.up()
    page.wait_for_function(f"() => {camera} !== {before!r}", polling=100)

    # Switchable: the HSV cylinder puts the same colours on the cylinder's coordinates
    page.click('[data-space="hsv"]')
    page.wait_for_function(f"() => document.querySelector('{plot}').dataset.space === 'hsv'")
    assert page.get_attribute('[data-space="hsv"]', "aria-pressed") == "true"
    zs = page.evaluate(f"() => Array.from(document.querySelector('{plot}')._fullData[0].z)")
    assert zs == pytest.approx([c["hsv"][2] for c in done_job_cookie[0].palette], abs=1e-3)
    page.screenshot(path=str(ARTIFACTS / "palette-hsv.png"), full_page=True)
    assert page.errors == []  # type: ignore[attr-defined]


def test_without_javascript_the_swatches_remain(browser, live_server, done_job_cookie) -> None:
    job, cookie = done_job_cookie
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1100, "height": 800}
    )
    browser.csp.attach(context)
    context.add_cookies([{**cookie, "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/create/jobs/{job.pk}/")
    assert page.locator(".palette-swatches").is_visible()
    assert page.locator(".palette-plot-wrap").is_hidden()
    assert page.locator("#reveal-modes").is_hidden()
    page.screenshot(path=str(ARTIFACTS / "no-js.png"), full_page=True)


def wagtail_root() -> None:
    """Wagtail's locale and root page come from migrations, which earlier transactional tests
    flushed: put them back when they are missing."""
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale, Page

    code = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    Locale.objects.get_or_create(language_code=code)
    if Page.get_first_root_node() is None:
        Page.add_root(title="Root", slug="root")


def test_gallery_and_style_editor_show_palettes(browser, live_server, shared_data: Path) -> None:
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.test import Client

    from shop.seed import seed_site
    from styling import curation
    from styling.pages import StyleIndexPage

    wagtail_root()
    home = seed_site()
    home.add_child(instance=StyleIndexPage(title="Styles", slug="styles"))
    still = photo_bytes(shared_data, "sun80/desert_sand_sun_bgwdwaeuakbmuxeg.jpg")
    plain = StyleFactory(name="Retro cel", slug="retro-cel")
    desert = StyleFactory(
        name="Desert cel",
        slug="desert-cel",
        sort_order=1,
        palette_source=ContentFile(still, name="desert.jpg"),
        palette_source_provenance="SUN database photo",
        palette_source_licence="Research use",
        source_palette=curation.source_palette(ContentFile(still, name="desert.jpg")),
    )
    for style in (plain, desert):
        assert curation.generate_samples(style_id=style.pk) == "done"

    context = browser.new_context(viewport={"width": 1200, "height": 900})
    browser.csp.attach(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/styles/")
    for slug in ("retro-cel", "desert-cel"):
        plot = f"#palette-plot-{slug}"
        page.wait_for_function(
            f"() => document.querySelector('{plot}')._fullData !== undefined", polling=100
        )
        assert page.locator(f"#style-{slug} .palette-swatches rect").count() >= 6
    page.screenshot(path=str(ARTIFACTS / "gallery.png"), full_page=True)

    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("c", "c@r.test", "pw-c-1"))
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": admin.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}/cms/snippets/styling/style/edit/{desert.pk}/")
    page.wait_for_selector("#palette-plot-source")
    page.locator("#palette-plot-source").scroll_into_view_if_needed()
    assert page.locator(".style-palette-panel .palette-swatches").count() == 2
    page.screenshot(path=str(ARTIFACTS / "style-editor.png"), full_page=True)
    assert errors == []
