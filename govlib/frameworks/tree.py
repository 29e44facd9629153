"""Walking framework trees: resolve a framework or node, find nodes, list leaves."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from govlib.schemas import Framework, Node

#: Chinese names of the node kinds (legend of diagrams, tables)
KIND_ZH: dict[str, str] = {
    "root": "框架",
    "dimension": "维度",
    "group": "分组",
    "problem": "困局/问题",
    "remedy": "对策",
    "practice": "做法",
    "mechanism": "机制",
    "component": "组成部分",
    "rule": "规则",
    "step": "步骤/层级",
    "actor": "主体",
    "constraint": "制约因素",
    "path": "路径",
}


def as_framework(fw_or_name) -> Framework:
    """Return a :class:`~govlib.schemas.Framework` from a framework, a file stem or a path.

    Parameters
    ----------
    fw_or_name : Framework, str or path-like
        ``"pujiang"`` loads ``data/frameworks/pujiang.yaml`` (validated).
    """
    if isinstance(fw_or_name, Framework):
        return fw_or_name
    if isinstance(fw_or_name, (str, Path)):
        from govlib.data import load_framework

        return load_framework(fw_or_name)
    raise TypeError(f"expected a Framework, a framework name or a path, got {type(fw_or_name).__name__}")


def as_node(fw_or_node, node: str | None = None) -> Node:
    """Return the node to work on.

    Parameters
    ----------
    fw_or_node : Framework, Node, str or path-like
        A node is used as is; anything else is resolved with :func:`as_framework`
        and its root is taken.
    node : str, optional
        Id of a node inside it (the subtree to use).

    Raises
    ------
    KeyError
        When *node* is not in the tree (the message lists near ids).
    """
    root = fw_or_node if isinstance(fw_or_node, Node) else as_framework(fw_or_node).root
    if node is None:
        return root
    return find_node(root, node)


def iter_nodes(fw_or_node, *, with_depth: bool = False) -> Iterator:
    """All nodes in depth-first pre-order (the order of the file).

    Yields ``node`` or, with ``with_depth=True``, ``(node, depth)`` with the
    starting node at depth 0.
    """
    start = as_node(fw_or_node)

    def walk(n: Node, d: int):
        yield (n, d) if with_depth else n
        for c in n.children:
            yield from walk(c, d + 1)

    yield from walk(start, 0)


def find_node(fw_or_node, node_id: str) -> Node:
    """The node with id *node_id* (raises ``KeyError`` naming near ids)."""
    nodes = list(iter_nodes(fw_or_node))
    for n in nodes:
        if n.id == node_id:
            return n
    import difflib

    near = difflib.get_close_matches(node_id, [n.id for n in nodes], n=3)
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    raise KeyError(f"no node {node_id!r} in the framework{hint}")


def leaves(fw_or_node) -> list[Node]:
    """Nodes without children, in file order."""
    return [n for n in iter_nodes(fw_or_node) if not n.children]


def count_kind(fw_or_node, kind: str) -> int:
    """How many nodes of a kind (e.g. ``"mechanism"``) the tree holds."""
    if kind not in KIND_ZH:
        raise ValueError(f"unknown node kind {kind!r}; expected one of {', '.join(KIND_ZH)}")
    return sum(1 for n in iter_nodes(fw_or_node) if n.kind == kind)


def node_table(fw_or_node, *, kinds=None, max_depth: int | None = None):
    """A table of the tree: one row per node with depth, kind, label, locator and note.

    Parameters
    ----------
    kinds : iterable of str, optional
        Keep only these kinds.
    max_depth : int, optional
        Keep nodes down to this depth (the start node is depth 0).

    Returns
    -------
    pandas.DataFrame
        Columns ``id, depth, parent, kind, 类型, 名称, 出处, 说明, 下级条数``
        (下级条数: how many children the node has in the file).
    """
    import pandas as pd

    start = as_node(fw_or_node)
    rows = []

    def walk(n: Node, d: int, parent: str | None):
        if max_depth is not None and d > max_depth:
            return
        if kinds is None or n.kind in kinds:
            rows.append({"id": n.id, "depth": d, "parent": parent, "kind": n.kind,
                         "类型": KIND_ZH[n.kind], "名称": n.label_zh, "出处": n.locator,
                         "说明": n.note_zh or "", "下级条数": len(n.children)})
        for c in n.children:
            walk(c, d + 1, n.id)

    walk(start, 0, None)
    return pd.DataFrame(rows, columns=["id", "depth", "parent", "kind", "类型", "名称", "出处", "说明", "下级条数"])


def parent_of(fw_or_node, node_id: str) -> Node:
    """The parent of node *node_id* (raises ``KeyError`` for the start node or an unknown id)."""
    for n in iter_nodes(fw_or_node):
        for c in n.children:
            if c.id == node_id:
                return n
    find_node(fw_or_node, node_id)  # raises with suggestions when unknown
    raise KeyError(f"node {node_id!r} is the top of the tree and has no parent")
