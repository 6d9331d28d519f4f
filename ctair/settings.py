"""Every setting of ctair in one place, read from the environment (prefix ``CTAIR_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CTAIR_", extra="ignore")

    base_iri: str = Field(
        "https://w3id.org/ctair/",
        description="Base under which every resource IRI is minted; must end with '/'.",
    )
    public_url: str | None = Field(
        None,
        description="The URL the server is reached at (scheme, host, port, optional path prefix), from "
        "which every redirect, link and description (303 Location, service description, VoID, dumps, "
        "JSON-LD context) is made; the request's Host header is never used. Default: what `ctair serve` "
        "binds, http://HOST:PORT.",
    )
    trusted_proxies: str = Field(
        "",
        description="Comma-separated addresses of reverse proxies whose X-Forwarded-For/X-Forwarded-Proto "
        "headers are believed (client address and scheme in logs); empty (the default): no proxy is "
        "trusted and those headers are ignored. URLs still come from `public_url` only.",
    )
    store: Path = Field(Path("var/store"), description="Embedded Oxigraph store directory.")
    corpus: Path = Field(REPO_ROOT / "corpus", description="Corpus directory (documents + manifests + curation).")
    queries_dir: Path | None = Field(
        None,
        description="Directory of the public named queries (*.rq) that the API lists and runs and the "
        "query page offers; default: the bundled queries/.",
    )
    query_timeout: float = Field(
        10.0,
        gt=0,
        description="Seconds a SPARQL query may run (evaluation and serialization) before its worker "
        "process is killed; the client then gets 503 with code 'query-timeout'. Also the longest a "
        "query waits in the queue for a free worker.",
    )
    admin_token: str | None = Field(
        None,
        description="Bearer token that allows SPARQL Update when `allow_update` is on "
        "(`Authorization: Bearer <token>`; compared in constant time). Env CTAIR_ADMIN_TOKEN.",
    )
    allow_update: bool = Field(
        False,
        description="Accept SPARQL Update on /sparql (POST only, with the admin token). Off by default: "
        "updates then answer 403. LOAD and SERVICE are refused in any case.",
    )
    update_timeout: float = Field(
        60.0,
        gt=0,
        description="Seconds a SPARQL Update may run before its writer process is killed (the update "
        "is transactional: nothing is written) and the client gets 503.",
    )
    max_query_length: int = Field(
        100_000,
        ge=1,
        description="Longest SPARQL query or update accepted, in characters; longer ones answer 413.",
    )
    max_query_depth: int = Field(
        200,
        ge=1,
        description="Deepest nesting a SPARQL query or update may have, counted on its tokens: every "
        "bracket ({, (, [) opens a level and, inside a group, every OPTIONAL, MINUS, UNION, BIND, FILTER, "
        "VALUES and every '!', '&&', '||', arithmetic or path operator adds one (the engine nests its "
        "algebra that way). Deeper queries answer 400 'query-too-deep' with the limit and the position, "
        "before the engine sees them: thousands of levels crash it.",
    )
    max_result_rows: int = Field(
        100_000,
        ge=1,
        description="Most rows (SELECT) or triples (CONSTRUCT/DESCRIBE) one response carries. A longer "
        "result is cut at this number and the response says so with the headers "
        "`X-Ctair-Result-Truncated: true` and `X-Ctair-Result-Limit: <this value>`.",
    )
    max_concurrent_queries: int = Field(
        2,
        ge=1,
        description="Number of SPARQL worker processes, i.e. queries evaluated at the same time "
        "(each worker uses up to one CPU core).",
    )
    slow_query_seconds: float = Field(
        1.0,
        gt=0,
        description="A SPARQL query still running after this many seconds moves to the slow lane: its "
        "worker drops to the lowest CPU priority and a fresh worker takes its place among the "
        "`max_concurrent_queries`, so ordinary queries never wait behind slow ones. The query still "
        "ends at `query_timeout`.",
    )
    max_slow_queries: int = Field(
        2,
        ge=0,
        description="Places in the slow lane (a warm spare worker is kept for each), at most one per "
        "client address: a client's second query to turn slow is stopped with 503 'slow-lane-full' and "
        "Retry-After; when the lane is full of other clients' queries, a query that turns slow keeps "
        "its place among the ordinary ones. 0 turns the slow lane off.",
    )
    max_queued_queries: int = Field(
        8,
        ge=0,
        description="Queries allowed to wait for a free worker when all are busy; beyond that the "
        "endpoint answers 503 with a Retry-After header.",
    )
    remote_token: SecretStr | None = Field(
        None,
        description="Bearer token sent to a remote store (`--store http://…`; QLever's access token, proxies). "
        "Never logged. Takes precedence over `remote_user`.",
    )
    remote_user: str | None = Field(None, description="User name for a remote store's HTTP authentication.")
    remote_password: SecretStr | None = Field(None, description="Password of `remote_user`. Never logged.")
    remote_auth: str = Field(
        "basic",
        description="HTTP authentication scheme of `remote_user`: 'basic' (the default) or 'digest' "
        "(Virtuoso's *-auth endpoints).",
    )

    def site_url(self) -> str:
        """``public_url`` without its trailing '/', or the default local address."""
        return (self.public_url or "http://127.0.0.1:8000").rstrip("/")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
