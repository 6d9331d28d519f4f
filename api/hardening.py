"""HTTP behaviour every route shares: HEAD on every GET route, and ``nosniff`` on every response.

* ``HEAD`` is answered as the ``GET`` of the same URL without its body (RFC 9110 §9.3.2):
  link checkers and Linked Data crawlers ask HEAD first, and FastAPI only routes the methods
  a route declares (HEAD on a GET route would be 405).
* ``X-Content-Type-Options: nosniff`` on every response: error bodies echo user text (a path,
  a parameter, a query), and a browser must never sniff them into HTML or script.

A pure ASGI middleware, so that streamed and file responses keep streaming.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

NOSNIFF = (b"x-content-type-options", b"nosniff")


class HardeningMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = dict(scope, method="GET")

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() != NOSNIFF[0]]
                headers.append(NOSNIFF)
                message = dict(message, headers=headers)
            elif head and message["type"] == "http.response.body":
                message = dict(message, body=b"")  # keep more_body: the GET's framing stays intact
            await send(message)

        await self.app(scope, receive, send_wrapper)
