"""Every setting of ctair in one place, read from the environment (prefix ``CTAIR_``)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CTAIR_", extra="ignore")

    base_iri: str = Field(
        "https://w3id.org/ctair/",
        description="Base under which every resource IRI is minted; must end with '/'.",
    )
    store: Path = Field(Path("var/store"), description="Embedded Oxigraph store directory.")
    corpus: Path = Field(REPO_ROOT / "corpus", description="Corpus directory (documents + manifests + curation).")
    query_timeout: float = Field(10.0, description="Seconds before a SPARQL query is stopped.")
    admin_token: str | None = Field(None, description="Bearer token that allows SPARQL Update when updates are enabled.")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
