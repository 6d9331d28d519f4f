"""notebooks/who-does-what-where.ipynb runs top to bottom (nbclient) on a store named by CTAIR_STORE."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "who-does-what-where.ipynb"


def test_committed_notebook_has_no_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not cell.get("outputs") and cell.get("execution_count") is None for cell in notebook.cells if cell.cell_type == "code")


@pytest.mark.slow
def test_notebook_runs_top_to_bottom(built_store_path, monkeypatch, tmp_path):
    monkeypatch.setenv("CTAIR_STORE", str(built_store_path))  # the bundled corpus, built once per session
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "Adoma" in text and "Coallia" in text
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 2  # the network and the bar chart
