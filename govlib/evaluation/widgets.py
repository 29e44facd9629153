"""A live explorer of the weights and the poll size (ipywidgets, loaded only when it is built)."""

from __future__ import annotations

from govlib.evaluation.charts import plot_poll_spread, pyplot
from govlib.evaluation.examples import Example
from govlib.evaluation.weights import default_weights, weights_label

__all__ = ["weights_explorer"]


def weights_explorer(example: Example, *, commend_at: float | None = None, rectify_below: float | None = None,
                     n_sims: int = 2_000, seed: int = 0, register=None):
    """Sliders for the weights and the poll size, redrawing the quarter and its simulated spread.

    The chart is drawn only when a slider moves (or the button is pressed),
    so running this cell without a live front end (papermill, nbconvert)
    draws nothing; static charts come from ordinary cells.  In a static
    page the widget shows as a one-line note.

    Returns
    -------
    ipywidgets.VBox
    """
    import ipywidgets as widgets
    from IPython.display import display

    w0 = default_weights(register)
    n0 = example.poll_size

    class _Explorer(widgets.VBox):
        def __repr__(self) -> str:  # shown where widgets cannot be displayed
            return "（交互控件：在 JupyterLab 中运行本格，拖动滑块即可调整权重和抽样户数。）"

    style = {"description_width": "initial"}
    s_self = widgets.FloatSlider(value=w0["self"], min=0, max=1, step=0.05, description="自评权重", style=style)
    s_peer = widgets.FloatSlider(value=w0["peer"], min=0, max=1, step=0.05, description="互评权重", style=style)
    s_n = widgets.IntSlider(value=n0, min=10, max=example.households, step=10, description="抽样户数",
                            style=style)
    info = widgets.HTML()
    button = widgets.Button(description="绘制")
    out = widgets.Output()

    def redraw(*_):
        plt = pyplot()
        poll = round(1 - s_self.value - s_peer.value, 10)
        with out:
            out.clear_output(wait=True)
            if poll < 0:
                info.value = "<b>自评与互评权重之和超过1，请调小其中一项。</b>"
                return
            w = {"self": s_self.value, "peer": s_peer.value, "poll": poll}
            info.value = f"民意测评权重 = 1 − 自评 − 互评 = {poll:.2f}"
            sim = example.simulate(weights=w, poll_size=s_n.value, n_sims=n_sims, seed=seed, register=register)
            from govlib import synthetic

            cap = synthetic.caption("虚构单位", example.scores)
            fig = plot_poll_spread(sim, commend_at=commend_at, rectify_below=rectify_below,
                                   title=f"{weights_label(w)}，每单位抽样{s_n.value}户", caption=cap)
            display(fig)
            plt.close(fig)

    for s in (s_self, s_peer, s_n):
        s.observe(redraw, names="value")
    button.on_click(redraw)
    box = _Explorer([widgets.HBox([s_self, s_peer]), widgets.HBox([s_n, button]), info, out])
    box.redraw = redraw
    return box
