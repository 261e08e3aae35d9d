"""Builds one notebook per scenario from the example scripts in examples/.

    python examples/notebooks/build_notebooks.py
    ruff check --fix examples/notebooks && ruff format examples/notebooks

Each statement of the script's ``main()`` becomes a code cell and the comments above it a markdown
cell, so the notebooks stay the same analyses as the scripts the tests run.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
SCENARIOS = {
    "tourism": "文化旅游 · Tourism: visitor flows and lodging",
    "governance": "社会治理 · Social governance: fire alarms and vessel safety",
    "transit": "公共交通 · Public transit: ridership and arrival accuracy",
    "housing_fund": "智慧公积金 · Housing provident fund: risk patterns",
}
TODO_DP = (
    "> **TODO (DP):** a differentially private model of the risk patterns goes here once the gateway's "
    "DP training lands (`hpf_account` and the other `dp`-mode tables are refused until then). "
    "待差分隐私训练上线后，在此加入风险模式的差分隐私模型。"
)
SETUP = """\
# The notebook server was started with SANDBOX_GATEWAY_URL and a session token (SANDBOX_TOKEN):
# every query below goes through the gateway and its privacy policy. 所有查询均经网关及其隐私策略。"""


def build(scenario: str, title: str) -> nbformat.NotebookNode:
    source = (HERE.parent / f"{scenario}.py").read_text()
    tree = ast.parse(source)
    lines = source.splitlines()
    cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\n{ast.get_docstring(tree) or ''}")]
    helpers = [node for node in tree.body if not (isinstance(node, ast.FunctionDef) and node.name == "main")]
    helpers = [node for node in helpers if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))]
    helpers = [node for node in helpers if not isinstance(node, ast.If)]  # the __main__ guard
    head = "\n\n".join(_segment(lines, node) for node in helpers if not _is_future(node))
    cells.append(nbformat.v4.new_code_cell(f"{SETUP}\n{head}"))
    main = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "main")
    previous_end = main.body[0].lineno - 1
    for node in main.body:
        comments = [line.strip()[1:].strip() for line in lines[previous_end : node.lineno - 1] if line.strip()]
        comments = [text for text in comments if text]
        if comments:
            cells.append(nbformat.v4.new_markdown_cell("### " + " ".join(comments)))
        cells.append(nbformat.v4.new_code_cell(_segment(lines, node)))
        previous_end = node.end_lineno or node.lineno
    if scenario == "housing_fund" and "db.train(" not in source:
        cells.append(nbformat.v4.new_markdown_cell(TODO_DP))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def _segment(lines: list[str], node: ast.stmt) -> str:
    start = node.lineno - 1
    if isinstance(node, ast.FunctionDef) and node.decorator_list:
        start = node.decorator_list[0].lineno - 1
    return textwrap.dedent("\n".join(lines[start : node.end_lineno])).strip()


def _is_future(node: ast.stmt) -> bool:
    return isinstance(node, ast.ImportFrom) and node.module == "__future__"


def main() -> None:
    for scenario, title in SCENARIOS.items():
        notebook = build(scenario, title)
        nbformat.validate(notebook)
        nbformat.write(notebook, HERE / f"{scenario}.ipynb")


if __name__ == "__main__":
    main()
