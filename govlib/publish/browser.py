"""Headless Chromium over the DevTools protocol: print pages to PDF, take screenshots, offline.

One browser process serves a whole job (both handouts), so its start-up is
paid once, not per file.  It talks over ``--remote-debugging-pipe`` (file
descriptors 3 and 4, JSON messages ended by a NUL byte), so no port is
opened.  Every request that is not a ``file:``/``data:`` URL is refused by
the host resolver rule, so a page can never fetch anything from the network.

Chromium is a Debian package (``chromium``), not a Python one.  When it is
missing, :func:`find_chromium` raises :class:`ToolMissingError` with a
message in Chinese and English naming the tool and how to install it
(``.ci/system-packages`` installs it for ``make course`` and CI).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from govlib.errors import GovlibError

__all__ = ["Browser", "ToolMissingError", "find_chromium", "fix_pdf_dates", "CHROMIUM_FLAGS"]

#: flags for a quiet, offline, reproducible headless browser
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
    "--font-render-hinting=none", "--force-color-profile=srgb",
    # no host resolves: nothing can be fetched from the network
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
]


class ToolMissingError(GovlibError):
    """A system tool the build needs is not installed."""


def find_chromium() -> str:
    """The Chromium executable (``$GOVLIB_CHROMIUM``, else ``chromium`` on PATH).

    Raises
    ------
    ToolMissingError
        With a Chinese and English message naming the tool.
    """
    name = os.environ.get("GOVLIB_CHROMIUM") or "chromium"
    found = shutil.which(name) or shutil.which("chromium-browser")
    if not found:
        raise ToolMissingError(
            f"缺少 Chromium 浏览器（{name}），无法打印 PDF 讲义。请安装 Debian 软件包 chromium："
            f"sudo .ci/system-packages（或 apt-get install chromium）。\n"
            f"Chromium ({name}) is missing: it prints the PDF handouts. Install the Debian package "
            f"'chromium' (sudo .ci/system-packages, or apt-get install chromium).")
    return found


_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{14})([^)]*)\)")


def fix_pdf_dates(pdf: bytes, epoch: int | None = None) -> bytes:
    """Replace the PDF's creation and modification dates by ``SOURCE_DATE_EPOCH``.

    The replacement has the same length, so the cross-reference offsets stay valid.
    """
    if epoch is None:
        epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "1704067200"))
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(epoch)).encode()

    def sub(m: re.Match) -> bytes:
        tail = m.group(3)
        return b"/" + m.group(1) + b" (D:" + stamp + tail + b")"

    return _PDF_DATE.sub(sub, pdf)


class Browser:
    """A headless Chromium driven over the DevTools pipe; use as a context manager.

    Examples
    --------
    >>> with Browser() as b:                                    # doctest: +SKIP
    ...     pdf = b.pdf(Path("page.html"), header="课题")
    """

    def __init__(self, timeout: float = 600.0):
        self.timeout = timeout
        self.proc: subprocess.Popen | None = None
        self._id = 0
        self._buf = b""

    # ------------------------------------------------------------------ process
    def __enter__(self) -> "Browser":
        exe = find_chromium()
        self.profile = tempfile.mkdtemp(prefix="govlib-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def fds():  # runs in the child: the protocol uses fds 3 (in) and 4 (out)
            import fcntl

            r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.proc = subprocess.Popen(
            [exe, *CHROMIUM_FLAGS, "--remote-debugging-pipe", f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=fds, pass_fds=(3, 4), close_fds=True)
        os.close(to_child_r)
        os.close(from_child_w)
        return self

    def __exit__(self, *exc) -> bool:
        self.close()
        return False

    def close(self) -> None:
        if self.proc is None:
            return
        try:
            self._send("Browser.close", wait=False)
        except OSError:
            pass
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None
        shutil.rmtree(self.profile, ignore_errors=True)

    # ------------------------------------------------------------------ protocol
    def _send(self, method: str, params: dict | None = None, session: str | None = None,
              wait: bool = True) -> dict[str, Any]:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_child, json.dumps(msg).encode() + b"\0")
        if not wait:
            return {}
        want = self._id
        while True:
            reply = self._read()
            if reply.get("id") == want:
                if "error" in reply:
                    raise GovlibError(f"Chromium {method}: {reply['error'].get('message')}")
                return reply.get("result", {})

    def _read(self, until: float | None = None) -> dict[str, Any]:
        import select

        deadline = until or (time.monotonic() + self.timeout)
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise GovlibError(f"Chromium did not answer within {self.timeout:.0f}s")
            ready, _, _ = select.select([self._from_child], [], [], left)
            if ready:
                chunk = os.read(self._from_child, 1 << 20)
                if not chunk:
                    raise GovlibError("Chromium exited unexpectedly")
                self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def _open(self, url: str, width: int, height: int) -> tuple[str, str]:
        target = self._send("Target.createTarget", {"url": "about:blank"})
        tid = target["targetId"]
        sid = self._send("Target.attachToTarget", {"targetId": tid, "flatten": True})["sessionId"]
        self._send("Page.enable", session=sid)
        self._send("Emulation.setDeviceMetricsOverride",
                   {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=sid)
        self._send("Page.navigate", {"url": url}, session=sid)
        deadline = time.monotonic() + self.timeout
        while True:
            ev = self._read(deadline)
            if ev.get("method") == "Page.loadEventFired" and ev.get("sessionId") == sid:
                break
        # fonts and layout settle
        self._send("Runtime.evaluate", {"expression": "document.fonts.ready.then(() => true)",
                                        "awaitPromise": True}, session=sid)
        return tid, sid

    def _close_target(self, tid: str) -> None:
        self._send("Target.closeTarget", {"targetId": tid})

    # ------------------------------------------------------------------ actions
    def pdf(self, page: Path, *, header: str = "", footer_label: str = "") -> bytes:
        """Print *page* (a local HTML file) to an A4 PDF with the title in the header and page numbers.

        Dates are fixed to ``SOURCE_DATE_EPOCH`` (see :func:`fix_pdf_dates`).
        """
        import html as _html

        # the viewport is the A4 text column (210 mm - 2 x 14 mm at 96 px/in), so scripts measure what prints
        tid, sid = self._open(Path(page).resolve().as_uri(), 688, 1000)
        try:
            style = ("<style>*{font-family:'WenQuanYi Zen Hei','Noto Sans CJK SC',sans-serif;}"
                     "div{font-size:8px;width:100%;color:#555;padding:0 12mm;}</style>")
            head = f'{style}<div style="text-align:center">{_html.escape(header)}</div>'
            foot = (f'{style}<div style="text-align:center">{_html.escape(footer_label)}'
                    '第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页</div>')
            res = self._send("Page.printToPDF", {
                "paperWidth": 8.27, "paperHeight": 11.69, "marginTop": 0.6, "marginBottom": 0.6,
                "marginLeft": 0.55, "marginRight": 0.55, "printBackground": True,
                "displayHeaderFooter": True, "headerTemplate": head, "footerTemplate": foot,
                "preferCSSPageSize": False, "generateTaggedPDF": False}, session=sid)
        finally:
            self._close_target(tid)
        return fix_pdf_dates(base64.b64decode(res["data"]))

    def screenshot(self, url: str, *, width: int = 1280, height: int = 720, script: str | None = None) -> bytes:
        """A PNG screenshot of *url* after running the optional JavaScript *script*."""
        tid, sid = self._open(url, width, height)
        try:
            if script:
                self._send("Runtime.evaluate", {"expression": script, "awaitPromise": True}, session=sid)
                time.sleep(0.3)
            res = self._send("Page.captureScreenshot", {"format": "png"}, session=sid)
        finally:
            self._close_target(tid)
        return base64.b64decode(res["data"])

    def evaluate(self, url: str, expression: str, *, width: int = 1280, height: int = 720) -> Any:
        """Open *url* and return the value of a JavaScript *expression*."""
        tid, sid = self._open(url, width, height)
        try:
            res = self._send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                  "awaitPromise": True}, session=sid)
        finally:
            self._close_target(tid)
        return res.get("result", {}).get("value")
