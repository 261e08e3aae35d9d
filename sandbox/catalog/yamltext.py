"""Parse YAML text into plain data plus the line of every key, so problems can cite file:line.

Pure: takes the text, never opens files. Dates stay strings (the schemas check their format), and a
key repeated inside one mapping is a problem instead of silently keeping the last value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from sandbox.catalog.model import KeyPath
from sandbox.catalog.problems import Problem


class _Loader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver: ``2026-11-25`` stays the string it is in the file."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class ParsedYaml:
    data: object
    lines: dict[KeyPath, int] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_yaml(text: str, file: str) -> ParsedYaml:
    """Parse one YAML document; syntax errors and duplicate keys come back as problems."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        reason = exc.problem or exc.context or "unreadable"
        return ParsedYaml(
            None,
            problems=(Problem(file, line, f"YAML syntax error: {reason}", f"YAML 语法错误：{reason}", "catalog.yaml"),),
        )
    except yaml.YAMLError as exc:
        return ParsedYaml(None, problems=(Problem(file, 1, f"YAML error: {exc}", f"YAML 错误：{exc}", "catalog.yaml"),))
    finally:
        loader.dispose()
    lines: dict[KeyPath, int] = {(): 1 if node is None else node.start_mark.line + 1}
    problems: list[Problem] = []
    if node is not None:
        _walk(node, (), lines, problems, file)
    return ParsedYaml(data, lines, tuple(problems))


def _walk(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], problems: list[Problem], file: str) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(
                    Problem(
                        file,
                        line,
                        f"key '{key}' appears twice in the same mapping",
                        f"同一映射中字段 '{key}' 重复出现",
                        "catalog.duplicate_key",
                    )
                )
                continue
            seen.add(key)
            lines[(*path, key)] = line
            _walk(value_node, (*path, key), lines, problems, file)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            _walk(item, (*path, index), lines, problems, file)
