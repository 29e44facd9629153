"""Showing exercises on the lesson pages, from their one definition in the bank.

A lesson's exercise section holds only calls::

    show_exercise("quanzhou-survey-1")             # remove-input: the numbered prompt
    ans_qs1 = None                                 # exercise cell: the student's answer
    check("quanzhou-survey-1", ans_qs1)
    solution("quanzhou-survey-1", ans_qs1)         # solution cell: the expected value, with unit
    show_rubric("quanzhou-survey-6")               # instructor cell: marking points

so no prompt or rubric is typed in a notebook.  Every fragment is HTML with
a plain-text fallback; all text is escaped.
"""

from __future__ import annotations

from typing import Any

import html as _html
import re

from govlib.exercises.core import KIND_ZH, Exercise, _fmt_number, _match_choice, format_expected, get, grade_answer

__all__ = ["show_exercise", "show_rubric", "solution"]


def _esc(x) -> str:
    return _html.escape("" if x is None else str(x))


def text_html(text: str) -> str:
    """Exercise text (prompt, hint, rubric point) as HTML: escaped, with `backticked` code as ``<code>``."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _esc(text))


def _HTML(html_text: str, plain: str):
    from govlib.display import HTML  # pandas comes with it: not at import time (a student kernel stays light)

    return HTML(html_text, plain)


def _ex(exercise: Exercise | str) -> Exercise:
    return exercise if isinstance(exercise, Exercise) else get(exercise)


def show_exercise(exercise: Exercise | str, **params: Any):
    """The numbered prompt as the student reads it: ``练习n（kind）`` (a warm-up: ``热身练习（kind）``), the question, how to answer.

    Parameters
    ----------
    exercise : Exercise or str
        The exercise or its id.
    **params
        Values for the prompt's ``{parameter}`` placeholders (the page's
        parameter set); only the ones the exercise declares are used.

    Returns
    -------
    HTML
        ``<div class="gv-exercise" data-exercise="ID">``.
    """
    ex = _ex(exercise)
    mine = {k: v for k, v in params.items() if k in ex.params}
    head = f"{ex.label_zh}（{KIND_ZH.get(ex.kind, ex.kind)}）"
    prompt = ex.prompt(**mine)
    parts = [f'<p><strong>{_esc(head)}</strong>　{text_html(prompt)}</p>']
    plain = [f"{head}　{prompt}"]
    if ex.answer == "choice" and ex.show_choices:
        parts.append("<ul>" + "".join(f"<li>{_esc(c)}</li>" for c in ex.choices) + "</ul>")
        plain += [f"- {c}" for c in ex.choices]
    from govlib.exercises.worked import paper_note

    note = paper_note(ex)
    if note:
        parts.append(f'<p class="gv-exercise-paper"><small>{text_html(note)}</small></p>')
        plain.append(note)
    fmt = ex.answer_format()
    where = f"答案写在变量 <code>{_esc(ex.variable)}</code> 中。" if ex.graded else ""
    # no inline style: numbers in attributes would read as page text to the answer-leak test
    parts.append(f'<p class="gv-exercise-format"><small>作答：{text_html(fmt)}{where}</small></p>')
    plain.append(f"作答：{fmt.replace('`', '')}")
    return _HTML(f'<div class="gv-exercise" data-exercise="{_esc(ex.id)}">{"".join(parts)}</div>', "\n".join(plain))


def show_rubric(exercise: Exercise | str):
    """The marking points of a discussion question (for an ``instructor`` cell)."""
    ex = _ex(exercise)
    if not ex.rubric_zh:
        raise ValueError(f"exercise {ex.id} has no rubric")
    n = len(ex.rubric_zh)
    head = f"{ex.label_zh}评分要点（每点1分，共{n}分）"
    items = "".join(f"<li>{text_html(p)}</li>" for p in ex.rubric_zh)
    plain = "\n".join([head] + [f"{i}. {p}" for i, p in enumerate(ex.rubric_zh, 1)])
    return _HTML(f'<div class="gv-rubric" data-exercise="{_esc(ex.id)}"><p><strong>{_esc(head)}</strong></p>'
                f"<ol>{items}</ol></div>", plain)


def solution(exercise: Exercise | str, answer: Any = None, **params: Any):
    """The reference answer for this page's parameters, with its unit (for a ``solution`` cell).

    Shows the expected value (:func:`format_expected`), the other methods the
    checker also accepts, and whether the notebook's own computation
    *answer* agrees.

    Parameters
    ----------
    exercise : Exercise or str
        The exercise or its id.
    answer : object, optional
        The value the solution cell computed; graded like a student's answer.
    **params
        The parameters the exercise declares.

    Returns
    -------
    HTML
        ``<div class="gv-answer" data-exercise="ID">``; the value itself is in
        ``<span class="gv-answer-value">``.
    """
    from govlib.exercises.worked import worked_answer

    ex = _ex(exercise)
    if not ex.graded:
        raise ValueError(f"exercise {ex.id} is a discussion question: show its rubric instead")
    value = format_expected(ex, **params)
    parts, plain = [], []
    if answer is not None:
        # the check as it runs on the worked answer (the instructor edition shows this, not 尚未作答)
        res = grade_answer(ex.id, answer, **params)
        mark = "【正确】" if res.correct else "【再想想】"
        line = f"{mark} {ex.label_zh}：本格算得 {_answer_text(ex, answer)}"
        parts.append(f'<p class="gv-answer-run"><strong>{_esc(mark)}</strong> {_esc(line[len(mark) + 1:])}</p>')
        plain.append(line)
    parts.append(f'<p><strong>参考答案（{ex.label_zh}）</strong>：<span class="gv-answer-value">{_esc(value)}</span></p>')
    plain.append(f"参考答案（{ex.label_zh}）：{value}")
    w = worked_answer(ex, **params)
    if w.quantities_zh:
        parts.append("<ul class=\"gv-answer-quantities\">" + "".join(f"<li>{_esc(q)}</li>" for q in w.quantities_zh)
                     + "</ul>")
        plain += [f"- {q}" for q in w.quantities_zh]
    if w.steps_zh:
        parts.append('<p class="gv-answer-steps">算式：' + "<br>".join(_esc(t) for t in w.steps_zh) + "</p>")
        plain += ["算式：" + w.steps_zh[0]] + list(w.steps_zh[1:])
    alts = ex.alternatives(**params)
    if alts:
        shown = []
        for desc, v in alts.items():
            if isinstance(v, (tuple, list)):
                txt = f"{_num(ex, v[0])}–{_num(ex, v[1])}"
            else:
                txt = _num(ex, v)
            shown.append(f"{desc}：{txt}")
        parts.append(f"<p>也算对：{_esc('；'.join(shown))}</p>")
        plain.append("也算对：" + "；".join(shown))
    if ex.key_note_zh:
        from govlib.exercises.key import key_note

        note = key_note(ex, **params)
        parts.append(f"<p>{_esc(note)}</p>")
        plain.append(note)
    if ex.neighbours:
        parts.append(f"<p>本页数字经过四舍五入，与参考答案相差不超过{ex.neighbours}的整数也算对。</p>")
    if answer is not None:
        res = grade_answer(ex.id, answer, **params)
        verdict = "本格的计算与参考答案一致。" if res.correct else f"本格的计算与参考答案不一致：{res.message}"
        parts.append(f'<p class="gv-answer-check">{_esc(verdict)}</p>')
        plain.append(verdict)
    return _HTML(f'<div class="gv-answer" data-exercise="{_esc(ex.id)}">{"".join(parts)}</div>', "\n".join(plain))


def _answer_text(ex: Exercise, v: Any) -> str:
    """The solution cell's own value as a reader reads it: with its unit, 是/否 for a bool."""
    if ex.answer == "bool" or isinstance(v, bool):
        return "是" if bool(v) else "否"
    if ex.answer == "choice":
        opt, _ = _match_choice(ex, str(v))  # an id or code word the checker accepts reads as the option itself
        return f"“{opt if opt is not None else v}”"
    if isinstance(v, str):
        return f"“{v}”"
    if ex.answer == "percent":
        return _fmt_number(float(v), ex.decimals if ex.decimals is not None else 2) + "%"
    return _num(ex, v)


def _num(ex: Exercise, v: Any) -> str:
    if ex.answer == "int":
        return f"{int(round(float(v)))}{ex.unit}"
    d = ex.decimals if ex.decimals is not None else 2
    return _fmt_number(float(v), d) + ("%" if ex.answer == "percent" else ex.unit)
