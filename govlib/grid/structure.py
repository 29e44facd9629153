"""Grid structures: the grid levels each place reports and how they nest.

:data:`STRUCTURES` names, per place, its levels (top first) and the register
figure counting the grids of each level; :func:`structure_table` adds how
many grids of one level sit, on average, under a grid of the level above (a
derived number).  The chart is :func:`govlib.grid.charts.plot_structures`.
"""

from __future__ import annotations

import pandas as pd

from govlib.data import Register, load_register


#: grid levels each place reports, top level first: place -> [(level label, figure id)]
STRUCTURES: dict[str, list[tuple[str, str]]] = {
    "南安市": [("一级网格", "qz-nanan-grids-l1"), ("二级网格", "qz-nanan-grids-l2"),
             ("单元网格", "qz-nanan-grids-unit")],
    "台商投资区": [("网格片区", "qz-tai-grid-areas"), ("单元网格", "qz-tai-unit-grids")],
    "鲤城区": [("社区网格", "qz-licheng-community-grids"), ("微网格", "qz-licheng-micro-grids")],
}


def structure_table(place: str | None = None, *, register: Register | None = None) -> pd.DataFrame:
    """Levels and grid counts of the places in :data:`STRUCTURES`.

    Parameters
    ----------
    place : str, optional
        One place (default: all).

    Returns
    -------
    pandas.DataFrame
        Columns ``place, level, depth, id, count, per_parent`` where
        ``per_parent`` is count divided by the count of the level above
        (NaN for the top level) — a derived number.
    """
    reg = register or load_register()
    places = list(STRUCTURES) if place is None else [place]
    rows = []
    for p in places:
        if p not in STRUCTURES:
            raise KeyError(f"no grid structure for {p!r}; known: {', '.join(STRUCTURES)}")
        prev = None
        for depth, (level, fid) in enumerate(STRUCTURES[p], start=1):
            n = reg.value(fid)
            rows.append({"place": p, "level": level, "depth": depth, "id": fid, "count": n,
                         "per_parent": n / prev if prev else float("nan")})
            prev = n
    return pd.DataFrame(rows)
