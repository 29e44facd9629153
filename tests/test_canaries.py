"""Canaries: each library behaviour the build relies on that no public API promises.

When an upgrade changes one of them, the test named after it fails with a message naming the
internal and the govlib code that depends on it, before a lesson build fails in a way that is
hard to trace.  Where a public API could do the job, govlib uses it and there is no canary:
papermill's engine registry is read through ``get_engine`` (not its ``_engines`` dict).
"""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest


def _fail(internal: str, user: str, what: str) -> str:
    return f"library internal changed: {internal} (relied on by {user}): {what}"


# --------------------------------------------------------------------------- papermill

def test_papermill_engine_registry_answers_unknown_names_with_its_exception():
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.exceptions import PapermillException

    where = "govlib.publish.execute._register_engine"
    with pytest.raises(PapermillException):
        papermill_engines.get_engine("govlib-canary-never-registered")
    assert callable(getattr(papermill_engines, "register", None)), _fail(
        "papermill.engines.papermill_engines.register", where, "no register(name, engine)")
    method = inspect.getattr_static(NBClientEngine, "execute_managed_notebook", None)
    assert isinstance(method, classmethod), _fail(
        "papermill.engines.NBClientEngine.execute_managed_notebook", where, "no longer a classmethod")
    params = list(inspect.signature(NBClientEngine.execute_managed_notebook).parameters)
    assert params[:2] == ["nb_man", "kernel_name"], _fail(
        "NBClientEngine.execute_managed_notebook(nb_man, kernel_name, ...)", where, f"signature is now {params}")


@pytest.mark.slow  # starts a kernel
def test_papermill_hands_a_custom_engine_the_notebook_it_executes(tmp_path):
    """The failed-notebook handle: an engine subclass sees ``nb_man.nb`` while papermill runs it."""
    import nbformat
    import papermill as pm
    from papermill.engines import NBClientEngine, papermill_engines

    seen = []

    class Probe(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            seen.append(nb_man.nb)
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    papermill_engines.register("govlib-canary-probe", Probe)
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell("x = 6 * 7")]
    src = tmp_path / "probe.ipynb"
    nbformat.write(nb, src)
    pm.execute_notebook(str(src), None, engine_name="govlib-canary-probe", kernel_name="python3",
                        progress_bar=False, cwd=str(tmp_path))
    assert len(seen) == 1 and seen[0].cells[0].source == "x = 6 * 7", _fail(
        "papermill engine protocol (execute_managed_notebook gets nb_man.nb)", "govlib.publish.execute",
        "the engine did not receive the notebook being executed")


# --------------------------------------------------------------------------- jupyter_client

def test_jupyter_client_kernel_start_failure_text():
    import jupyter_client.client

    from govlib.publish.execute import _KERNEL_START_FAILED

    assert _KERNEL_START_FAILED in inspect.getsource(jupyter_client.client), _fail(
        f"jupyter_client's error text {_KERNEL_START_FAILED!r}", "govlib.publish.execute.retry_kernel_start",
        "the text is gone from jupyter_client.client; a kernel lost at start-up would no longer be retried")


# --------------------------------------------------------------------------- IPython

def test_ipython_inline_png_goes_through_pylabtools_print_figure():
    """Traditional chart renders (govlib.publish.charts) replace ``IPython.core.pylabtools.print_figure``
    before the inline backend selects its formats; the PNG formatter must then call the replacement and
    accept its ``(data, metadata)`` answer."""
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt
    from IPython.core import pylabtools
    from IPython.core.formatters import DisplayFormatter

    where = "govlib.publish.charts.load_ipython_extension"
    params = list(inspect.signature(pylabtools.print_figure).parameters)
    assert params[:2] == ["fig", "fmt"], _fail("IPython.core.pylabtools.print_figure(fig, fmt, ...)", where,
                                               f"signature is now {params}")

    class Shell:
        display_formatter = DisplayFormatter()

    calls = []
    original = pylabtools.print_figure

    def probe(fig, fmt="png", *args, **kwargs):
        calls.append(fmt)
        return original(fig, fmt, *args, **kwargs), {"govlib-canary": "1"}

    pylabtools.print_figure = probe
    try:
        shell = Shell()
        pylabtools.select_figure_formats(shell, {"png"})
        fig, ax = plt.subplots(figsize=(1, 1))
        data, md = shell.display_formatter.format(fig)
        plt.close(fig)
    finally:
        pylabtools.print_figure = original
    assert calls == ["png"], _fail("IPython.core.pylabtools.select_figure_formats", where,
                                   "the PNG formatter no longer calls the module's print_figure")
    assert "image/png" in data and md.get("image/png", {}).get("govlib-canary") == "1", _fail(
        "IPython formatters' (data, metadata) return", where, "metadata returned by print_figure is dropped")


# --------------------------------------------------------------------------- nbconvert

def test_nbconvert_alt_text_placeholder():
    import nbformat
    from nbconvert import HTMLExporter

    from govlib.publish.editions import _NO_ALT

    png = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("chart()")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"})]
    nb.cells = [cell]
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    assert _NO_ALT.search(body), _fail(
        "nbconvert.exporters.html.HTMLExporter's alt placeholder", "govlib.publish.editions (chart alt text)",
        "images without alt no longer get 'No description has been provided for this image'; "
        "charts would keep nbconvert's text instead of govlib's Chinese alt")


def test_nbconvert_markdown_filter_import_path():
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    assert "<strong>" in markdown2html_mistune("**粗体**"), _fail(
        "nbconvert.filters.markdown_mistune.markdown2html_mistune", "govlib.publish.slides._md",
        "the filter no longer renders Markdown")


def test_nbconvert_coalesce_streams_preprocessor():
    import nbformat
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(1); print(2)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n"),
                    nbformat.v4.new_output("stream", name="stdout", text="2\n")]
    nb.cells = [cell]
    out, _ = CoalesceStreamsPreprocessor().preprocess(nb, {})
    assert [o["text"] for o in out.cells[0].outputs] == ["1\n2\n"], _fail(
        "nbconvert.preprocessors.CoalesceStreamsPreprocessor", "govlib.publish.editions (byte-identical builds)",
        "adjacent stream outputs are no longer merged")


# --------------------------------------------------------------------------- matplotlib

def test_matplotlib_findfont_cache_can_be_cleared():
    from matplotlib import font_manager

    cached = getattr(font_manager.fontManager, "_findfont_cached", None)
    assert cached is not None and callable(getattr(cached, "cache_clear", None)), _fail(
        "matplotlib.font_manager.FontManager._findfont_cached (an lru_cache)", "govlib.plotting._register_font",
        "without clearing it, a font looked up before the bundled CJK font was registered keeps the system file")


# --------------------------------------------------------------------------- seaborn

def _theme_after(apply) -> dict:
    import matplotlib as mpl
    from matplotlib.colors import to_rgb

    with mpl.rc_context():
        mpl.rcdefaults()
        apply()
        rc = dict(mpl.rcParams)
    rc["axes.prop_cycle"] = [tuple(round(x, 6) for x in to_rgb(c)) for c in rc["axes.prop_cycle"].by_key()["color"]]
    rc.pop("image.cmap")  # seaborn's own colormap "rocket": govlib charts always name theirs
    return rc


def test_frozen_theme_matches_seaborn():
    """govlib.plotting.THEME_RC is seaborn's whitegrid/notebook/deep theme; setup() uses it to skip importing
    seaborn (and scipy.stats) in every kernel."""
    import seaborn as sns

    from govlib.plotting import apply_theme

    ours = _theme_after(apply_theme)
    theirs = _theme_after(lambda: sns.set_theme(style="whitegrid", context="notebook", palette="deep"))
    diff = sorted(k for k in set(ours) | set(theirs) if ours.get(k) != theirs.get(k))
    assert not diff, _fail(f"seaborn {sns.__version__}'s whitegrid theme", "govlib.plotting.THEME_RC",
                           "copy seaborn's new values: " + "; ".join(f"{k}: {theirs.get(k)!r}" for k in diff))


def test_seaborn_imported_after_setup_keeps_the_cjk_font():
    """The import hook wraps ``seaborn.rcmod``'s theme functions when a lesson cell first imports seaborn
    (seaborn/__init__ copies them from rcmod)."""
    code = ("import sys, govlib; govlib.setup(); assert 'seaborn' not in sys.modules, 'setup imported seaborn'\n"
            "import seaborn as sns, matplotlib as mpl\n"
            "sns.set_theme(style='darkgrid'); sns.set_style('ticks')\n"
            "print(mpl.rcParams['font.sans-serif'][0])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    from govlib.plotting import CJK_FAMILY

    assert out.stdout.strip() == CJK_FAMILY, _fail(
        "seaborn.rcmod holding set_theme/set_style, re-exported by seaborn/__init__",
        "govlib.plotting._SeabornHook", f"after sns.set_theme the first sans-serif font is {out.stdout.strip()!r}")


# --------------------------------------------------------------------------- JupyterHub

def test_local_process_spawner_polls_a_server_it_did_not_popen_by_its_pid():
    """govlib_hub's forked servers are children of the fork server, not of the hub: the spawner
    keeps only their pid (``proc`` is None), as JupyterHub does for a server resumed after a
    restart, and relies on ``poll`` to answer by that pid."""
    asyncio = pytest.importorskip("asyncio")
    spawner_mod = pytest.importorskip("jupyterhub.spawner")
    where = "deploy/jupyterhub/govlib_hub/spawner.py StudentSpawner._start_forked"
    sp = spawner_mod.LocalProcessSpawner()
    child = subprocess.Popen(["sleep", "30"])
    try:
        sp.proc, sp.pid = None, child.pid
        assert asyncio.run(sp.poll()) is None, _fail("LocalProcessSpawner.poll with proc=None", where,
                                                     "a running pid is no longer reported as running")
    finally:
        child.kill()
        child.wait()
    assert asyncio.run(sp.poll()) == 0 and not sp.pid, _fail("LocalProcessSpawner.poll with proc=None", where,
                                                             "a gone pid is no longer reported as stopped")
