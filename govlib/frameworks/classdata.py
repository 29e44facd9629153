"""The synthetic class data set for the Pujiang diagnostic instrument (clearly fictional).

The articles publish no questionnaire answers.  For the exercises we generate
answers of three made-up communities (示例社区A/B/C) to the Pujiang items
from a small latent-dimension model, save them once as
``data/synthetic/pujiang_class.csv`` (first line: a comment saying the data are
synthetic) and test that regenerating gives the same bytes.

The model
---------
For respondent *r* of community *c* and dimension *d* (主体/能力/机制):

``theta[r, d] = mu[c, d] + g[r] + s[r, d]``,
``g[r] ~ N(0, 0.5²)`` (the respondent's general impression),
``s[r, d] ~ N(0, 0.4²)`` (their view of that dimension).

Each item *j* of dimension *d* gets a latent state
``y = 3 + theta[r, d] + e``, ``e ~ N(0, 0.7²)``, rounded and clipped to 1–5
(higher = better).  A reverse-coded (problem) item records ``6 − y``: agreeing
that a problem exists means a worse state.  The community profiles ``mu``
(:data:`CLASS_PROFILES`) are invented so that each community has a different
weakest dimension; they describe no real place.
"""

from __future__ import annotations

from pathlib import Path

from govlib import paths
from govlib.frameworks.instrument import COMMUNITY, RESPONDENT, Instrument, read_responses, validate_responses

#: invented community profiles on the latent scale (0 = middling), by dimension id
CLASS_PROFILES: dict[str, dict[str, float]] = {
    "示例社区A": {"subject": 0.6, "capacity": 0.2, "mechanism": -0.5},
    "示例社区B": {"subject": -0.6, "capacity": 0.1, "mechanism": 0.4},
    "示例社区C": {"subject": 0.0, "capacity": -0.5, "mechanism": 0.1},
}
CLASS_SEED = 20240601
CLASS_N = 12
SD_GENERAL, SD_DIMENSION, SD_ITEM = 0.5, 0.4, 0.7
CLASS_CSV = paths.DATA / "synthetic" / "pujiang_class.csv"
HEADER = ("# 合成数据（虚构示例）：示例社区A/B/C均为虚构，答卷由潜变量模型随机生成，"
          "不是任何调查的原始数据。生成方法见 govlib/frameworks/classdata.py 与 data/synthetic/README.md。")
HOW = ("三个虚构社区各12名答卷人；按潜变量模型（社区维度均值+个人总体印象+维度偏差+题目噪声）"
       "随机生成1–5分答案，问题题反向记录")


def make_class_data(instrument: Instrument | None = None, *, seed: int = CLASS_SEED, n: int = CLASS_N,
                    profiles: dict[str, dict[str, float]] | None = None):
    """Generate the synthetic class answers (one row per respondent).

    Parameters
    ----------
    instrument : Instrument, optional
        Default: the Pujiang instrument.
    seed : int
        Seed of ``numpy.random.default_rng``.
    n : int
        Respondents per community.
    profiles : dict, optional
        Community name -> {dimension id: latent mean}; default :data:`CLASS_PROFILES`.

    Returns
    -------
    pandas.DataFrame
        ``respondent, community`` and one int column per item, marked
        hypothetical with :func:`govlib.synthetic.mark`.
    """
    import numpy as np
    import pandas as pd

    from govlib.errors import ParameterError
    from govlib.synthetic import mark

    inst = instrument or Instrument("pujiang")
    profiles = profiles or CLASS_PROFILES
    if n < 2:
        raise ParameterError(f"n (respondents per community) must be at least 2, got {n}")
    for name, prof in profiles.items():
        missing = [d for d in inst.dimensions if d not in prof]
        if missing:
            raise ParameterError(f"profile of {name!r} lacks dimension(s) {', '.join(missing)}")
    rng = np.random.default_rng(seed)
    lo, hi = inst.scale
    mid = (lo + hi) / 2
    dims = list(inst.dimensions)
    rows = []
    for k, (name, prof) in enumerate(profiles.items()):
        letter = chr(ord("A") + k)
        for r in range(n):
            g = rng.normal(0, SD_GENERAL)
            theta = {d: prof[d] + g + rng.normal(0, SD_DIMENSION) for d in dims}
            row = {RESPONDENT: f"{letter}{r + 1:02d}", COMMUNITY: name}
            for it in inst.items:
                y = int(np.clip(np.rint(mid + theta[it.dimension] + rng.normal(0, SD_ITEM)), lo, hi))
                row[it.id] = lo + hi - y if it.reverse else y
            rows.append(row)
    df = pd.DataFrame(rows, columns=[RESPONDENT, COMMUNITY, *inst.item_ids])
    return mark(df, "hypothetical", HOW)


def class_csv_text(**kwargs) -> str:
    """The CSV file text of :func:`make_class_data` (comment line, header, rows; ``\\n`` line ends)."""
    df = make_class_data(**kwargs)
    return HEADER + "\n" + df.to_csv(index=False, lineterminator="\n")


def write_class_data(path: str | Path = CLASS_CSV, **kwargs) -> Path:
    """Write the synthetic class data set (default ``data/synthetic/pujiang_class.csv``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(class_csv_text(**kwargs).encode("utf-8"))
    return path


def load_class_data(path: str | Path = CLASS_CSV, instrument: Instrument | None = None):
    """Read and check the saved class data set and mark it as hypothetical.

    Returns
    -------
    pandas.DataFrame
        As from :func:`govlib.frameworks.instrument.read_responses`, marked with
        :func:`govlib.synthetic.mark` so captions and banners say what it is.
    """
    from govlib.synthetic import mark

    inst = instrument or Instrument("pujiang")
    return mark(read_responses(path, inst), "hypothetical", HOW)


def class_data(seed: int = CLASS_SEED, n: int = CLASS_N, instrument: Instrument | None = None):
    """The class data for a lesson: the saved file for the default seed and size, else regenerated.

    Parameters
    ----------
    seed : int
        A lesson's ``seed`` parameter.
    n : int
        Respondents per community.

    Returns
    -------
    pandas.DataFrame
        Checked answers (as from :func:`~govlib.frameworks.instrument.validate_responses`),
        marked hypothetical.
    """
    from govlib.synthetic import mark

    inst = instrument or Instrument("pujiang")
    if seed == CLASS_SEED and n == CLASS_N:
        return load_class_data(instrument=inst)
    df = make_class_data(inst, seed=seed, n=n)
    return mark(validate_responses(df, inst, source=f"make_class_data(seed={seed}, n={n})"), "hypothetical", HOW)
