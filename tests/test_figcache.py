"""govlib.figcache: prepared charts shown in a student's kernel, drawn everywhere else.

The default set of quanzhou-survey keeps the notebook's own values: n_township = n_village
= 1000 and conf_level = 0.95 (read from its parameters cell); the sets ``associated`` and
``half-even`` change only assoc_rho and rounding, which the interval chart does not take,
so they need the same picture, and ``smallest-n`` (516 / 309) another.
"""

from __future__ import annotations

import os
import shutil

import matplotlib.pyplot as plt
import numpy as np
import pytest

import govlib
from govlib import figcache, paths
from govlib.atomic import TMP_SUFFIX
from govlib.survey import assumed_sizes, interval_ids, plot_intervals

PNG_HEAD = b"\x89PNG\r\n\x1a\n"
SIZES = {"township": 1000, "village": 1000, "respondents": 1000}


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """The default set's cache, prepared once for the module: (folder, the one file)."""
    folder = tmp_path_factory.mktemp("cache") / "figcache"
    files = figcache.prepare(folder, sets=["default"])
    assert len(files) == 1
    return folder, files[0]


@pytest.fixture
def kernel(monkeypatch):
    """Pretend to be a student's IPython kernel; return the list of what is displayed."""
    import IPython
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    monkeypatch.delenv("GOVLIB_BUILD", raising=False)
    monkeypatch.delenv(figcache.ENV, raising=False)
    return shown


def _draws(result, shown) -> bool:
    from matplotlib.figure import Figure

    drew = isinstance(result, Figure) and plt.get_fignums() != []
    assert drew != bool(shown), "exactly one of: a figure drawn, a prepared PNG shown"
    return drew


def test_a_hit_shows_the_prepared_png_and_creates_no_figure(prepared, kernel, monkeypatch):
    folder, file = prepared
    monkeypatch.setenv(figcache.ENV, str(folder))
    before = plt.get_fignums()
    assert plot_intervals(interval_ids(), SIZES, 0.95) is None
    assert plt.get_fignums() == before == []
    assert len(kernel) == 1 and kernel[0].data == file.read_bytes() and kernel[0].data.startswith(PNG_HEAD)
    # the same call spelt otherwise: conf by default, sizes in another order, numpy integers
    plot_intervals(tuple(interval_ids()), n_assumed={k: np.int64(v) for k, v in reversed(SIZES.items())})
    assert len(kernel) == 2 and plt.get_fignums() == []


def test_other_parameters_miss_and_draw(prepared, kernel, monkeypatch):
    monkeypatch.setenv(figcache.ENV, str(prepared[0]))
    assert _draws(plot_intervals(interval_ids(), dict(SIZES, township=1001), 0.95), kernel)
    plt.close("all")
    assert _draws(plot_intervals(interval_ids(), SIZES, 0.9), kernel)
    plt.close("all")
    assert _draws(plot_intervals(interval_ids(), SIZES, 0.95, register=govlib.load_register()), kernel)


def test_without_the_variable_outside_a_kernel_or_in_a_build_it_draws(prepared, kernel, monkeypatch):
    import IPython

    args = (interval_ids(), SIZES, 0.95)
    assert _draws(plot_intervals(*args), kernel)  # variable unset
    monkeypatch.setenv(figcache.ENV, str(prepared[0]))
    monkeypatch.setenv("GOVLIB_BUILD", "1")  # every build kernel has it (govlib.publish.execute.KERNEL_ENV)
    assert _draws(plot_intervals(*args), kernel)
    monkeypatch.delenv("GOVLIB_BUILD")
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)  # a script, not a kernel
    assert _draws(plot_intervals(*args), kernel)


def test_the_build_never_passes_the_variable_to_its_kernels():
    from govlib.publish.pool import worker_env

    env = worker_env({figcache.ENV: "/srv/cache", "HOME": "/h"})
    assert figcache.ENV not in env and env["GOVLIB_BUILD"] == "1" and env["HOME"] == "/h"


def test_the_key_follows_version_register_content_and_arguments(tmp_path, monkeypatch):
    fn = plot_intervals.__wrapped__
    base = figcache.key(fn, (interval_ids(), SIZES, 0.95))
    assert base.endswith(".png") and len(base) == 64 + 4
    assert figcache.key(fn, (interval_ids(), SIZES), {"conf": 0.95}) == base
    assert figcache.key(fn, (interval_ids()[::-1], SIZES, 0.95)) != base  # panel order is part of the chart
    assert figcache.key(fn, (interval_ids(), SIZES, 0.95), {"ns": [20, 50]}) != base
    assert figcache.key(fn, (iter(interval_ids()), SIZES, 0.95)) is None  # not keyed: drawn
    monkeypatch.setattr(govlib, "__version__", "99.0")
    assert figcache.key(fn, (interval_ids(), SIZES, 0.95)) != base
    monkeypatch.undo()
    copy = tmp_path / "figures.csv"
    shutil.copyfile(paths.FIGURES_CSV, copy)
    monkeypatch.setattr(paths, "FIGURES_CSV", copy)
    assert figcache.key(fn, (interval_ids(), SIZES, 0.95)) == base  # the content counts, not the place
    copy.write_bytes(copy.read_bytes().replace(b"52.9", b"52.8", 1))
    assert figcache.key(fn, (interval_ids(), SIZES, 0.95)) != base


def test_a_damaged_or_untrusted_file_is_drawn_instead(prepared, kernel, monkeypatch, tmp_path):
    folder, file = prepared
    data = file.read_bytes()
    bad = tmp_path / "bad"
    bad.mkdir(mode=0o755)
    monkeypatch.setenv(figcache.ENV, str(bad))
    args = (interval_ids(), SIZES, 0.95)
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0xFF
    for damaged in (data[: len(data) // 2], bytes(flipped), b"not a png", b""):
        (bad / file.name).write_bytes(damaged)
        assert _draws(plot_intervals(*args), kernel)
        plt.close("all")
    (bad / file.name).write_bytes(data)
    os.chmod(bad / file.name, 0o664)  # another student of the group could have written it
    assert _draws(plot_intervals(*args), kernel)
    plt.close("all")
    os.chmod(bad / file.name, 0o644)
    os.chmod(bad, 0o777)
    assert _draws(plot_intervals(*args), kernel)
    plt.close("all")
    os.chmod(bad, 0o755)
    (bad / file.name).unlink()
    # a missing folder first, then the good one: the later folder is searched
    monkeypatch.setenv(figcache.ENV, os.pathsep.join([str(tmp_path / "none"), str(bad), str(folder)]))
    assert plot_intervals(*args) is None and len(kernel) == 1


def test_prepare_writes_readable_files_atomically_one_per_distinct_picture(prepared, tmp_path, monkeypatch):
    folder, file = prepared
    assert folder.stat().st_mode & 0o777 == 0o755 and file.stat().st_mode & 0o777 == 0o644
    assert file.read_bytes().startswith(PNG_HEAD) and [p.name for p in folder.iterdir()] == [file.name]
    out = tmp_path / "out"
    same = figcache.prepare(out, sets=["default", "associated", "half-even"])
    assert [p.name for p in same] == [file.name] and same[0].read_bytes() == file.read_bytes()
    other = figcache.prepare(out, sets=["smallest-n"])
    assert len(other) == 1 and other[0].name != file.name
    assert sorted(p.name for p in out.iterdir()) == sorted([file.name, other[0].name])
    with pytest.raises(KeyError, match="no-such-set"):
        figcache.prepare(out, sets=["no-such-set"])
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o775)
    with pytest.raises(ValueError, match="writable"):
        figcache.prepare(shared, sets=["default"])


def test_a_failed_write_leaves_neither_the_file_nor_a_temporary(tmp_path, monkeypatch):
    def fail(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    out = tmp_path / "out"
    with pytest.raises(OSError, match="disk full"):
        figcache.prepare(out, sets=["default"])
    assert [p.name for p in out.iterdir() if not p.name.endswith(TMP_SUFFIX)] == []
    assert list(out.iterdir()) == []


def test_the_lesson_calls_what_prepare_draws():
    """The notebook's cell and lesson_charts must make the same call, or the cache is never hit."""
    from govlib.publish.params import read_parameters
    from govlib.survey.charts import lesson_charts

    src = (paths.NOTEBOOKS / "quanzhou_survey.md").read_text(encoding="utf-8")
    assert "shares = survey.interval_ids()\nsizes = survey.assumed_sizes(n_township, n_village)\n" \
           "survey.plot_intervals(shares, sizes, conf_level);" in src
    values = {n: s.default for n, s in read_parameters(paths.NOTEBOOKS / "quanzhou_survey.md").specs.items()}
    assert (values["n_township"], values["n_village"], values["conf_level"]) == (1000, 1000, 0.95)
    [(fn, args, kwargs)] = lesson_charts(values)
    assert fn is plot_intervals and kwargs == {}
    assert args == (interval_ids(), assumed_sizes(1000, 1000), 0.95) and args[1] == SIZES
