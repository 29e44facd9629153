"""A lesson's student notebook for one parameter set, without executing anything.

:func:`student_notebook_for` is what ``govlib student`` writes into a
student's folder: the same cells as the build's ``student.ipynb`` (solution
and instructor cells removed, the set's values in the parameters cell,
plumbing cells collapsed), made directly from the lesson source.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["student_notebook_for"]


def student_notebook_for(lesson_id: str, set_name: str = "default", *, syllabus: str | Path | None = None):
    """The student notebook of *lesson_id* for parameter set *set_name*.

    Parameters
    ----------
    lesson_id : str
        A lesson id of the syllabus.
    set_name : str
        One of the lesson's parameter sets (default ``"default"``).
    syllabus : path, optional
        The syllabus file (default ``course/course.yml``).

    Returns
    -------
    nbformat.NotebookNode
        Unexecuted, version 4.5; write it with ``nbformat.write``.

    Raises
    ------
    GovlibError
        Unknown lesson or parameter set (the message lists the valid ones).
    ParameterError
        The set does not match the notebook's parameters cell.
    """
    import jupytext

    from govlib import paths
    from govlib.errors import GovlibError, ParameterError
    from govlib.publish import editions
    from govlib.publish.params import read_parameters, validate_parameter_set
    from govlib.syllabus import load_syllabus

    syl = load_syllabus(syllabus or paths.SYLLABUS)
    ids = [les.id for les in syl.lessons]
    if lesson_id not in ids:
        raise GovlibError(f"没有编号为“{lesson_id}”的课；可选：{'、'.join(ids)}")
    les = syl.lesson(lesson_id)
    if set_name not in les.params:
        raise GovlibError(f"课程 {lesson_id} 没有参数集“{set_name}”；"
                          f"可选：{'、'.join(les.set_names())}")
    nb_path = syl.notebook_path(les)
    nbp = read_parameters(nb_path)
    values, errs = validate_parameter_set(nbp, les.params[set_name], lesson=les.id, set_name=set_name)
    if errs:
        raise ParameterError("；".join(errs))
    nb = jupytext.read(nb_path)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    clean = editions.normalise(nb, meta={"lesson": les.id, "params": set_name, "values": values})
    return editions.handout_notebook(editions.student_notebook(clean), values=values)
