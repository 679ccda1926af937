"""Creates agent versions in a Foundry project with the real azure-ai-projects SDK.

Reads the JSON file named by its argument: {"versions": [{"name", "definition", "metadata",
"description"}]},
creates each in order with `agents.create_version`, and prints one line per version made:
`NAME VERSION`. The project is AZURE_AI_PROJECT_ENDPOINT; a static bearer token
(AZURE_AI_PROJECT_TOKEN); plain http is allowed only because the endpoint is loopback.
"""

import json
import os
import sys
from typing import Any
from urllib.parse import urlparse

from azure.ai.projects import AIProjectClient
from azure.core.credentials import AccessToken

ENDPOINT = os.environ["AZURE_AI_PROJECT_ENDPOINT"]
LOOPBACK = urlparse(ENDPOINT).hostname in ("127.0.0.1", "localhost", "::1")
INSECURE: dict[str, Any] = {"enforce_https": False} if LOOPBACK else {}


class StaticToken:
    def get_token(self, *scopes: str, **_: Any) -> AccessToken:
        return AccessToken(os.environ["AZURE_AI_PROJECT_TOKEN"], 4102444800)


project = AIProjectClient(endpoint=ENDPOINT, credential=StaticToken())
with open(sys.argv[1], encoding="utf-8") as f:
    versions = json.load(f)["versions"]
for v in versions:
    body = {"definition": v["definition"], "metadata": v["metadata"], "description": v.get("description", "")}
    made = project.agents.create_version(agent_name=v["name"], body=body, **INSECURE)
    print(made.name, made.version)
