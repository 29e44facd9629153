# Jupyter server settings of the course (used by `make lab` and the hub's single-user servers
# through JUPYTER_CONFIG_DIR=<this folder>).  jupytext's server extension is enabled by its own
# package; here only what the course decides.
c = get_config()  # noqa: F821

# Lessons are text notebooks (MyST .md): open and save them through jupytext, and never write
# paired .ipynb copies beside them.  jupyter_lsp (installed with JupyterLab) is turned off: the
# course ships no language server, and its search for them at start cost every student's server
# about 0.3 CPU-seconds (benchmarks/student_cost.py).
c.ServerApp.jpserver_extensions = {"jupyterlab_jupytext": True, "jupyter_lsp": False}
