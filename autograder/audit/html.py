"""The audit as one self-contained HTML page (``audit.html``): findings, then the catch matrix per
question, each cell's tooltip the message the test gave on that mutant, then the clause table."""

from __future__ import annotations

from pathlib import Path

import jinja2

from autograder.audit.clauses import short_test
from autograder.audit.report import AuditReport
from autograder.audit.text import check_lines, header

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Audit of {{ r.assignment }}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; }
.verdict { font-weight: bold; padding: .2em .6em; border-radius: 4px; color: #fff; }
.PASS { background: #2e7d32; } .FAIL { background: #c62828; }
table { border-collapse: collapse; margin: .5em 0; }
td, th { border: 1px solid #ddd; padding: 2px 6px; }
th.m { writing-mode: vertical-rl; transform: rotate(180deg); font-weight: normal; white-space: nowrap; }
td.x { background: #a5d6a7; text-align: center; } td.o { background: #fafafa; }
tr.idle td.id { background: #fff3cd; } td.id { font-family: monospace; white-space: nowrap; }
th.escaped { background: #ffcdd2; }
.error { color: #c62828; } .warning { color: #8d6e00; } .ok { color: #2e7d32; }
code { font-size: 90%; } .bad { background: #ffcdd2; }
</style></head><body>
<h1>Audit of {{ r.assignment }} <span class="verdict {{ verdict }}">{{ verdict }}</span></h1>
<p>{{ head }}</p>
<p>{{ r.errors|length }} error(s) make the audit fail; {{ r.warnings|length }} warning(s) do not.</p>
<h2>Checks and flags</h2>
<ul>
{% for c in checks %}
  <li><span class="{{ {"ok": "ok", "WARN": "warning", "FAIL": "error"}[c.status] }}">{{ c.status }}</span>
    {{ c.label }}{% if c.detail %}: {{ c.detail }}{% endif %}
    {% if c.findings or c.shown_above %}<ul>{% for f in c.findings %}<li class="{{ f.level }}"><code>{{ f.subject }}</code>: {{ f.message }}</li>{% endfor %}
    {% if c.shown_above %}<li>({{ c.shown_above }} listed above)</li>{% endif %}</ul>{% endif %}</li>
{% endfor %}
</ul>
<h2>Catch matrix</h2>
<p>A green cell: the test fails on the mutant (hover for the message the test gave). A yellow test caught no
mutant of its question; a red mutant kept every point of its question.</p>
{% for q in r.questions %}{% set tests = r.matrix.tests_for(q) %}{% set mutants = r.matrix.mutants_for(q) %}
<h2>{{ q }}: {{ tests|length }} tests, {{ mutants|length }} mutants</h2>
<table><tr><th>test</th>{% for m in mutants %}<th class="m{% if not m.caught %} escaped{% endif %}" title="{{ m.description }}">{{ m.name }}</th>{% endfor %}</tr>
{% for t in tests %}<tr{% if mutants and not r.matrix.catches(t) %} class="idle"{% endif %}><td class="id" title="{{ t.name }}">{{ t.test_id }}{% if t.public %} (public){% endif %}</td>
{% for m in mutants %}{% if t.test_id in m.failed %}<td class="x" title="{{ m.failed[t.test_id] }}">x</td>{% else %}<td class="o"></td>{% endif %}{% endfor %}</tr>
{% endfor %}</table>
{% endfor %}
{% if r.clauses %}
<h2>Clause table</h2>
<p>Every normative clause of the spec ({{ r.clauses.path.name }}): the mutants that violate it alone and the tests
of its question that fail on them; the alternatives it allows and their score. A red cell proves nothing.</p>
{% for q in r.questions %}{% set rows = r.clauses.rows_for(q) %}
<h2>{{ q }}: {{ rows|length }} clauses</h2>
<table><tr><th>clause</th><th>the spec says</th><th>mutants: tests failing on them</th><th>alternatives: score</th></tr>
{% for row in rows %}<tr><td class="id">{{ row.clause.id }}</td><td>{{ row.clause.text }}</td>
<td{% if not row.mutants and not row.alternatives %} class="bad"{% endif %}>{% for m in row.mutants %}<div{% if not m.caught %} class="bad"{% endif %}><code>{{ m.name }}</code>: {% if m.caught %}{{ m.failing|map("short_test")|join(", ") }}{% elif not m.exists %}no file{% elif not m.graded %}not graded{% else %}escapes (no test fails){% endif %}</div>{% endfor %}</td>
<td>{% for a in row.alternatives %}<div{% if not a.full %} class="bad"{% endif %}><code>{{ a.name }}</code>: {{ a.score if a.exists else "no file" }}</div>{% endfor %}</td></tr>
{% endfor %}</table>
{% endfor %}
{% endif %}
<h2>Reference under run seeds</h2>
<table><tr><th>seed</th><th>score</th><th>failed tests</th></tr>
{% for seed, res in r.seeded.items() %}<tr><td>{{ seed }}</td><td>{{ res.total }}/{{ res.max_total }}</td>
<td>{% for t in res.tests if not t.passed %}<code>{{ t.test_id }}</code>: {{ t.output }}<br>{% endfor %}{{ res.error or "" }}</td></tr>
{% endfor %}</table>
<h2>Alternatives</h2>
<table><tr><th>alternative</th><th>score</th></tr>
{% for name, res in r.alternatives.items() %}<tr><td>{{ name }}</td><td>{{ res.total }}/{{ res.max_total }}</td></tr>{% endfor %}
</table>
</body></html>
"""


def render_html(r: AuditReport) -> str:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["short_test"] = short_test
    return env.from_string(TEMPLATE).render(r=r, head=header(r), checks=check_lines(r),
                                            verdict="PASS" if r.passed else "FAIL")


def write_html(r: AuditReport, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(r))
    return path
