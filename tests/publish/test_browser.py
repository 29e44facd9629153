"""Open the built site in headless Chromium with networking disabled and take screenshots.

Needs Debian's ``chromium`` (and ``fonts-noto-cjk`` for the page text).  Skipped
with a reason when /usr/bin/chromium is missing, unless CI=true (then it
fails).  Screenshots go to a temporary folder, or to $GOVLIB_SCREENSHOTS when
set (CI can keep them as artifacts).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import make_course

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
BAR = (0x1B, 0x9E, 0x77)  # the chart fixture's bar colour, used nowhere in the page CSS


def _need_chromium() -> str:
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{CHROMIUM} is missing on CI: install Debian's 'chromium' and 'fonts-noto-cjk'")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium fonts-noto-cjk)")


def screenshot(page: Path, png: Path, *, width: int = 1280, height: int = 1800) -> Path:
    """Screenshot a local page with Chromium headless, all network blocked."""
    chromium = _need_chromium()
    profile = png.parent / f".profile-{png.stem}"
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-default-apps", "--disable-extensions", f"--user-data-dir={profile}",
           '--host-resolver-rules=MAP * ~NOTFOUND', "--proxy-server=127.0.0.1:9", "--hide-scrollbars",
           f"--window-size={width},{height}", f"--screenshot={png}", page.as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    shutil.rmtree(profile, ignore_errors=True)
    assert png.is_file() and png.stat().st_size > 5000, proc.stderr[-2000:]
    return png


def _pixels(png: Path):
    import matplotlib.image as mpimg
    import numpy as np

    img = mpimg.imread(png)[..., :3]
    return (np.asarray(img) * 255).round().astype(int)


def _near(img, rgb, tol=24) -> int:
    import numpy as np

    return int((np.abs(img - np.array(rgb)).max(axis=-1) <= tol).sum())


@pytest.fixture(scope="module")
def chart_site(tmp_path_factory):
    _need_chromium()
    course = make_course(tmp_path_factory.mktemp("browser") / "root")
    course.keep_only("alpha")
    course.add_lesson("chart", "chart.md", {"default": {}})
    report = course.build()
    assert report.ok, report.text
    return course


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    target = os.environ.get("GOVLIB_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        return Path(target)
    return tmp_path_factory.mktemp("screenshots")


def _has_cjk_font() -> bool:
    if not shutil.which("fc-list"):
        return True  # cannot tell; the screenshot is still taken and kept
    out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    return bool(out.strip())


def test_index_shows_chinese_text(chart_site, shots):
    assert _has_cjk_font(), "no CJK font installed (fonts-noto-cjk): Chinese would render as boxes"
    img = _pixels(screenshot(chart_site.out / "index.html", shots / "index.png"))
    dark = _near(img, (0x1F, 0x23, 0x28), tol=60)
    red = _near(img, (0xB3, 0x20, 0x2A), tol=30)  # course title and lesson numbers
    assert dark > 3000, "little or no text rendered"
    assert red > 500


def test_lesson_page_shows_text_and_chart(chart_site, shots):
    for edition in ("student", "instructor"):
        page = chart_site.out / "lessons" / "chart" / "default" / f"{edition}.html"
        img = _pixels(screenshot(page, shots / f"chart-{edition}.png"))
        assert _near(img, BAR) > 3000, f"{edition}: the chart's bars are not visible"
        assert _near(img, (0x1F, 0x23, 0x28), tol=60) > 2000, f"{edition}: little or no text rendered"


def test_traditional_page_renders(chart_site, shots):
    page = chart_site.out / "lessons" / "alpha" / "default" / "student.zh-Hant.html"
    img = _pixels(screenshot(page, shots / "alpha-student-zh-Hant.png"))
    assert _near(img, (0x1F, 0x23, 0x28), tol=60) > 2000
