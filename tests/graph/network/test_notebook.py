"""notebooks/who-does-what-where.ipynb runs top to bottom (nbclient), opened from a project's
``notebooks/`` directory with no setting: it finds the project's ``var/store`` itself."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[3] / "notebooks" / "who-does-what-where.ipynb"


def test_committed_notebook_has_no_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(
        not cell.get("outputs") and cell.get("execution_count") is None
        for cell in notebook.cells
        if cell.cell_type == "code"
    )


@pytest.mark.slow
def test_notebook_runs_top_to_bottom(built_store_path, monkeypatch, tmp_path):
    monkeypatch.delenv("CTAIR_STORE", raising=False)
    monkeypatch.delenv("CTAIR_ENDPOINT", raising=False)
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "store").symlink_to(built_store_path)  # the bundled corpus, built once per session
    (tmp_path / "notebooks").mkdir()
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path / "notebooks")}}
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "Adoma" in text and "Coallia" in text
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 2  # the network and the bar chart
    by_axis = next(cell for cell in notebook.cells if "territory_by_axis =" in cell.source)
    table = "".join(str(o.get("data", {}).get("text/plain", "")) for o in by_axis.outputs)
    assert "Autun" in table  # its actions name no organisation: the table counts actions, not 3W rows


def test_the_store_is_found_from_a_subdirectory_or_named(tmp_path, built_store_path):
    from ctair.notebook import find_project_store, open_project_store

    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "store").symlink_to(built_store_path)
    (tmp_path / "notebooks" / "deeper").mkdir(parents=True)
    assert find_project_store(tmp_path / "notebooks" / "deeper") == tmp_path / "var" / "store"
    assert len(open_project_store(tmp_path / "notebooks", environ={})) > 1000
    with pytest.raises(Exception, match="no Oxigraph store"):
        open_project_store(environ={"CTAIR_STORE": str(tmp_path / "nowhere")})
