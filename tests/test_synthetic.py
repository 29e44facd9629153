from __future__ import annotations

import pandas as pd
import pytest

from govlib.synthetic import caption, is_synthetic, mark, provenance


def test_mark_and_caption():
    df = mark(pd.DataFrame({"a": [1]}), "synthetic", "按独立性假设生成")
    assert is_synthetic(df)
    assert provenance(df)["how"] == "按独立性假设生成"
    assert caption("图：分布", df).endswith("并非调查原始数据】")
    assert caption("图：示例", kind="hypothetical").endswith("仅供练习】")
    assert caption("图：公布数字") == "图：公布数字"


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="synthetic"):
        mark(pd.DataFrame(), "made-up")
