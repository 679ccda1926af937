"""The real Python SDK (azure-ai-projects) on the Foundry project AZURE_AI_PROJECT_ENDPOINT names.

  get NAME            the agent's versions, newest first, as JSON (version, description, metadata, definition)
  version NAME JSON   a version made by hand ({"definition", "metadata", "description"}), printed as JSON
  create NAME JSON    a hand-made agent, the same way

A static TokenCredential hands out AZURE_AI_PROJECT_TOKEN; plain http is sent only to a loopback
endpoint (the emulator), with enforce_https=False.
"""
import json
import os
import sys
from typing import Any
from urllib.parse import urlparse

from azure.ai.projects import AIProjectClient
from azure.core.credentials import AccessToken, AccessTokenInfo

ENDPOINT = os.environ["AZURE_AI_PROJECT_ENDPOINT"]
LOOPBACK = urlparse(ENDPOINT).hostname in ("127.0.0.1", "localhost", "::1")
INSECURE: dict[str, Any] = {"enforce_https": False} if LOOPBACK and ENDPOINT.startswith("http:") else {}
TOKEN = os.environ["AZURE_AI_PROJECT_TOKEN"]


class StaticToken:
    def get_token(self, *scopes: str, **_: Any) -> AccessToken:
        return AccessToken(TOKEN, 4102444800)

    def get_token_info(self, *scopes: str, **_: Any) -> AccessTokenInfo:
        return AccessTokenInfo(TOKEN, 4102444800)


def plain(v: Any) -> dict[str, Any]:
    d = v.as_dict()
    return {k: d.get(k) for k in ("name", "version", "description", "metadata", "definition")}


project = AIProjectClient(endpoint=ENDPOINT, credential=StaticToken())
command, name = sys.argv[1], sys.argv[2]
if command == "get":
    versions = [plain(v) for v in project.agents.list_versions(agent_name=name, **INSECURE)]
    latest = project.agents.get(agent_name=name, **INSECURE)
    print(json.dumps({"latest": latest.versions.latest.version, "versions": versions}))
elif command in ("version", "create"):
    body = json.loads(sys.argv[3])
    made = project.agents.create_version(
        agent_name=name,
        definition=body["definition"],
        metadata=body.get("metadata"),
        description=body.get("description"),
        **INSECURE,
    )
    print(json.dumps(plain(made)))
else:
    sys.stderr.write(f"unknown command {command}\n")
    sys.exit(2)
