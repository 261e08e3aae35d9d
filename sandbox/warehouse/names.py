"""Names the warehouse contract fixes: the five schemas that hold the demo data."""

SCHEMAS = ("common", "tourism", "governance", "transit", "housing_fund")


def quote_ident(name: str) -> str:
    """Quote one SQL identifier (same rules in DuckDB and PostgreSQL)."""
    return '"' + name.replace('"', '""') + '"'


def qualified(dataset: str) -> str:
    schema, table = dataset.split(".", 1)
    return f"{quote_ident(schema)}.{quote_ident(table)}"
