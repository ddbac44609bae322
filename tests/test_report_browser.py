"""The report page in a real headless browser (Debian's Chromium), as a reviewer opens it from a
CI artifact: what must be visible is on the screenshot where the page puts it, the DOM holds
the charts' titles and labels, and opening the page makes no network request.

Where the marks are comes from the browser itself: a copy of the page with a probe script
(the page has none, and its Content-Security-Policy forbids one) reads the rectangle of the
plan's marker, the axes and the points along the frontier; the screenshot of the page itself,
at the same width, must show the plan's colour, the frontier's colour and the axes' ink there.

Every request Chromium makes goes to a local listener (its proxy). Chromium itself still calls a
few Google service hosts with every background-networking flag set (CHROMIUM_OWN); the page
must ask for nothing else, and a page that does name a host is seen asking for it.

Without Chromium these tests are skipped (they fail instead when PLANLINT_REQUIRE_BROWSER=1);
.ci/run installs it when it can.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest

pytest.importorskip("matplotlib", reason="the report extra (pip install '.[report]') draws the charts")
Image = pytest.importorskip("PIL.Image", reason="Pillow (a matplotlib dependency) reads the screenshot")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
WIDTH = 1280
# the flags without which Chromium reaches for the network on its own (updates, sync, field trials)
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-features=NetworkTimeServiceQuerying", "--hide-scrollbars", "--force-device-scale-factor=1",
         "--mute-audio", "--disable-extensions")

# the charts' colours (planlint.page.charts): the plan's star, the frontier
VERMILLION, BLUE = (0xD5, 0x5E, 0x00), (0x00, 0x72, 0xB2)

PROBE = """<script>
(function () {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const out = {width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight,
               boxes: {}, paths: {}};
  for (const el of document.querySelectorAll('svg [id]')) {
    if (/-p\\d-(plan-\\d+|x-axis|y-axis)$/.test(el.id)) out.boxes[el.id] = box(el);
    if (/-p0-frontier-\\d+$/.test(el.id)) {
      const path = el.querySelector('path'), m = path.getScreenCTM(), n = path.getTotalLength(), points = [];
      for (let i = 0; i <= 60; i++) {
        const p = path.getPointAtLength(n * i / 60);
        points.push([p.x * m.a + p.y * m.c + m.e, p.x * m.b + p.y * m.d + m.f]);
      }
      out.paths[el.id] = points;
    }
  }
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


@pytest.fixture(scope="module")
def chromium():
    if CHROMIUM is None:
        if os.environ.get("PLANLINT_REQUIRE_BROWSER") == "1":
            pytest.fail("PLANLINT_REQUIRE_BROWSER=1 but there is no chromium (apt-get install chromium)")
        pytest.skip("no chromium on this machine (apt-get install chromium; .ci/run installs it when it can)")
    return CHROMIUM


# Chromium 156 still calls these from the browser process with every flag above (the on-device
# model manifest of its component updater, the account check, network time): its own services,
# which no page of planlint names. Anything else a request went to came from the page.
CHROMIUM_OWN = (".google.com", ".googleapis.com", ".gvt1.com", ".gstatic.com")
REQUEST = re.compile(rb"^(?:CONNECT ([^\s:]+)(?::\d+)?|[A-Z]+ [a-z]+://([^\s/:]+)[^\s]*) HTTP/")


class Listener:
    """A local socket where Chromium is told its proxy is: every request it makes arrives here,
    and the host it asked for is recorded (the request line of a proxy request names it)."""

    def __init__(self):
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(32)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.hosts: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.socket.accept()
            except OSError:
                continue
            conn.settimeout(2.0)
            data = b""
            try:
                while b"\r\n" not in data and len(data) < 8192:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
            except OSError:
                pass
            conn.close()
            if data:  # a connection that sent nothing asked for nothing
                found = REQUEST.match(data)
                self.hosts.append((found.group(1) or found.group(2)).decode("ascii", "replace") if found
                                  else data[:80].decode("ascii", "replace"))

    def from_pages(self, since: int) -> list[str]:
        """The hosts asked for since ``since`` that are not Chromium's own services."""
        return [h for h in self.hosts[since:] if not h.lower().endswith(CHROMIUM_OWN)]

    def close(self):
        self.stop.set()
        self.thread.join(timeout=5)
        self.socket.close()


@pytest.fixture(scope="module")
def proxy():
    listener = Listener()
    yield listener
    listener.close()


def browse(chromium, proxy, profile: Path, page: Path, *args: str) -> subprocess.CompletedProcess:
    """Open ``page`` from its file in a fresh profile, every request sent to the listener."""
    profile.mkdir(parents=True, exist_ok=True)
    command = [chromium, *FLAGS, f"--user-data-dir={profile}", f"--proxy-server=http://127.0.0.1:{proxy.port}",
               "--proxy-bypass-list=<-loopback>", *args, page.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


@pytest.fixture(scope="module")
def opened(chromium, proxy, tmp_path_factory):
    """A two-plan page (so the side-by-side charts are on it too), its DOM as Chromium builds it,
    the probe's measurements, and its screenshot at the probe's full height."""
    from click.testing import CliRunner

    from planlint.cli import main

    folder = tmp_path_factory.mktemp("browser")
    page = folder / "report.html"
    result = CliRunner().invoke(main, ["report", str(EXAMPLES / "harbor-analytics.yaml"),
                                       str(EXAMPLES / "chinchilla-70b.yaml"), "-o", str(page)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    before = len(proxy.hosts)
    dom = browse(chromium, proxy, folder / "profile-dom", page, "--dump-dom").stdout
    probed_page = folder / "probed.html"
    probed_page.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
                           .replace("</body>", PROBE + "\n</body>"), encoding="utf-8")
    probed = browse(chromium, proxy, folder / "profile-probe", probed_page, f"--window-size={WIDTH},900",
                    "--dump-dom").stdout
    found = re.search(r'<pre id="probe">(.*?)</pre>', probed, re.S)
    assert found, "the probe did not run"
    measured = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    shot = folder / "page.png"
    browse(chromium, proxy, folder / "profile-shot", page, f"--window-size={WIDTH},{int(measured['height'])}",
           f"--screenshot={shot}")
    return {"html": html, "dom": dom, "measured": measured, "shot": Image.open(shot).convert("RGB"),
            "requested": proxy.from_pages(before), "all": proxy.hosts[before:]}


def near(pixel, colour, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour))


def pixels(image, box):
    left, top, right, bottom = (int(round(v)) for v in box)
    for y in range(max(top, 0), min(bottom, image.height)):
        for x in range(max(left, 0), min(right, image.width)):
            yield image.getpixel((x, y))


def axes_of(measured, chart: str, panel: str = "p0"):
    """(left, top, right, bottom) of a panel's axes, from its left and bottom spines."""
    x_axis, y_axis = measured["boxes"][f"{chart}{panel}-x-axis"], measured["boxes"][f"{chart}{panel}-y-axis"]
    return x_axis[0], y_axis[1], x_axis[2], x_axis[3]


CHARTS = ["c1-frontier-", "c1-tokens-per-param-", "c1-repetition-", "c1-serving-", "c2-frontier-",
          "cmp-frontier-", "cmp-tokens-per-param-"]


def test_opening_the_page_makes_no_network_request(opened):
    assert opened["requested"] == [], opened["all"]
    assert "<script" not in opened["html"]


def test_the_listener_sees_a_page_that_does_request(chromium, proxy, tmp_path):
    """The check above can fail: a page with a remote image asks the listener for its host."""
    page = tmp_path / "remote.html"
    page.write_text('<!DOCTYPE html><img src="http://planlint-test.invalid/x.png"><p>remote</p>', encoding="utf-8")
    before = len(proxy.hosts)
    browse(chromium, proxy, tmp_path / "profile", page, "--dump-dom", "--virtual-time-budget=3000")
    assert "planlint-test.invalid" in proxy.from_pages(before)


def test_the_dom_holds_each_chart_with_its_title_description_and_axis_labels(opened):
    dom = opened["dom"]
    for prefix in CHARTS:
        assert re.search(rf'<svg [^>]*role="img" aria-labelledby="{prefix}title {prefix}desc"', dom), prefix
        assert f'<title id="{prefix}title">' in dom and f'<desc id="{prefix}desc">' in dom
    assert '<title id="c1-frontier-title">harbor-sql-coder on the compute-optimal frontier</title>' in dom
    for label in ("training compute, 6ND (FLOPs)", "predicted final loss (nats/token)",
                  "training tokens per parameter (tokens/param)", "raw training tokens, D (tokens)",
                  "cumulative cost (US$)", "parameters (params)"):
        assert label in dom, label
    assert dom.count('<section id="plan-') == 2 and '<section id="comparison"' in dom


def test_nothing_is_wider_than_the_window(opened):
    assert opened["measured"]["width"] <= WIDTH


@pytest.mark.parametrize("chart", ["c1-frontier-", "c1-tokens-per-param-", "c2-frontier-"])
def test_the_plans_marker_is_drawn_in_its_colour_inside_the_axes(opened, chart):
    measured, shot = opened["measured"], opened["shot"]
    box = measured["boxes"][f"{chart}p0-plan-0"]
    left, top, right, bottom = axes_of(measured, chart)
    centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    assert left < centre[0] < right and top < centre[1] < bottom, (box, (left, top, right, bottom))
    area = list(pixels(shot, box))
    share = sum(near(p, VERMILLION) for p in area) / len(area)
    assert share > 0.15, share  # the star's fill: most of its box, not a stray pixel
    # nowhere else in the chart's axes is that colour, save the plan's mark
    elsewhere = [p for p in pixels(shot, (left, top, right, bottom)) if near(p, VERMILLION, 12)]
    assert len(elsewhere) <= len(area)


@pytest.mark.parametrize("chart", ["c1-frontier-", "c2-frontier-", "cmp-frontier-"])
def test_the_frontier_is_drawn_where_the_chart_puts_it(opened, chart):
    measured, shot = opened["measured"], opened["shot"]
    [points] = [v for k, v in measured["paths"].items() if k.startswith(f"{chart}p0-frontier")]
    left, top, right, bottom = axes_of(measured, chart)
    inside = [(x, y) for x, y in points if left + 3 < x < right - 3 and top + 3 < y < bottom - 3]
    assert len(inside) >= 20
    hits = sum(any(near(p, BLUE) for p in pixels(shot, (x - 3, y - 3, x + 4, y + 4))) for x, y in inside)
    assert hits >= 0.9 * len(inside), (hits, len(inside))  # a label or a marker may sit on a few
    assert inside[0][1] < inside[-1][1]  # it falls: more compute, less loss


@pytest.mark.parametrize("chart", CHARTS)
def test_the_axes_are_drawn(opened, chart):
    measured, shot = opened["measured"], opened["shot"]
    left, top, right, bottom = axes_of(measured, chart)
    assert right - left > 200 and bottom - top > 150
    x_axis = measured["boxes"][f"{chart}p0-x-axis"]
    y = (x_axis[1] + x_axis[3]) / 2
    for step in range(1, 20):
        x = left + (right - left) * step / 20
        assert any(sum(p) < 200 for p in pixels(shot, (x - 1, y - 2, x + 2, y + 3))), (chart, x, y)
