"""docs/data-contract.md documents every column of pipelines/contract.py as the code has it."""

from pathlib import Path

from pipelines.contract import TABLES

DOC = Path(__file__).resolve().parents[1] / "docs" / "data-contract.md"


def test_every_column_documented_with_type_and_requirement():
    text = DOC.read_text()
    for table in TABLES.values():
        assert f"### `{table.name}`" in text
        for c in table.columns:
            row = f"| `{c.name}` | {c.type} | {'yes' if c.required else 'no'} |"
            assert row in text, f"{table.name}.{c.name} undocumented or out of date"
            for value in c.allowed or ():
                assert f"`{value}`" in text
