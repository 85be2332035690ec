"""How drf-spectacular describes our authentication in the OpenAPI schema."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.PersonalTokenAuthentication"
    name = "personalToken"
    # Anonymous reads are allowed: the token only widens what is visible.
    optional = True

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal token from /accounts/api-tokens/ (also accepted as «Token <key>»).",
        }


ERRORS = {
    "304": "Not modified: the If-None-Match ETag is current",
    "400": "Invalid parameters",
    "401": "Invalid or revoked token",
    "404": "Not found, or not visible to the reader",
    "429": "Too many requests: see Retry-After",
}


class ApiAutoSchema(AutoSchema):
    """Every operation also documents the answers a client must expect besides 200."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction == "response":
            body = {"application/json": {"schema": {"type": "object", "additionalProperties": True}}}
            for code, text in ERRORS.items():
                responses.setdefault(
                    code, {"description": text} if code == "304" else {"content": body, "description": text}
                )
        return responses
