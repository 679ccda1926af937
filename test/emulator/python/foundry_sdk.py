"""azure-ai-projects (Python) against the emulator as a Foundry project, named by AZURE_AI_PROJECT_ENDPOINT.

A fake TokenCredential hands out a static token; the SDK sends it over plain http only with
enforce_https=False, which this script passes only because the endpoint is loopback (the emulator).
Prints `ok`, or says what it saw and exits 1.
"""
import json
import os
import sys
from typing import Any
from urllib.parse import urlparse

from azure.ai.projects import AIProjectClient
from azure.ai.projects.models import FileSearchTool, FunctionTool, PromptAgentDefinition, WorkflowAgentDefinition
from azure.core.credentials import AccessToken, AccessTokenInfo
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError, ServiceRequestError
from azure.core.rest import HttpRequest

ENDPOINT = os.environ["AZURE_AI_PROJECT_ENDPOINT"]
LOOPBACK = urlparse(ENDPOINT).hostname in ("127.0.0.1", "localhost", "::1")
INSECURE: dict[str, Any] = {"enforce_https": False} if LOOPBACK else {}
SCOPES: set[str] = set()


class StaticToken:
    """A TokenCredential that hands out one static token (no Entra)."""

    def get_token(self, *scopes: str, **_: Any) -> AccessToken:
        SCOPES.update(scopes)
        return AccessToken(os.environ.get("AZURE_AI_PROJECT_TOKEN", "static-test-token"), 4102444800)

    def get_token_info(self, *scopes: str, **_: Any) -> AccessTokenInfo:
        SCOPES.update(scopes)
        return AccessTokenInfo(os.environ.get("AZURE_AI_PROJECT_TOKEN", "static-test-token"), 4102444800)


def check(ok: bool, what: str, seen: Any = None) -> None:
    if not ok:
        sys.stderr.write(f"FAILED: {what}; saw {json.dumps(seen, default=str)}\n")
        sys.exit(1)


project = AIProjectClient(endpoint=ENDPOINT, credential=StaticToken())
check(LOOPBACK, "the endpoint is loopback", ENDPOINT)

# without enforce_https=False the SDK refuses plain http
try:
    project.agents.get(agent_name="anything")
    check(False, "plain http refused without enforce_https=False")
except ServiceRequestError as e:
    check("non-https" in str(e), "the SDK's https rule", str(e))

# files and a vector store through the project's OpenAI client
openai = project.get_openai_client()
check(str(openai.base_url) == f"{ENDPOINT}/openai/v1/", "the OpenAI base URL", str(openai.base_url))
policy = openai.files.create(file=("shipping.md", b"Orders ship within 2 business days from the Rotterdam warehouse.\n"), purpose="assistants")
check(policy.id.startswith("assistant-"), "file id shape", policy.id)
store = openai.vector_stores.create(name="shipping", file_ids=[policy.id])
attached = openai.vector_stores.files.poll(policy.id, vector_store_id=store.id)
check(attached.status == "completed", "indexed", attached.status)

lookup = FunctionTool(name="lookup_order", parameters={"type": "object", "properties": {"order_id": {"type": "string"}}, "required": ["order_id"], "additionalProperties": False}, strict=True)
v1 = project.agents.create_version(
    agent_name="py-agent",
    definition=PromptAgentDefinition(model="gpt-4o", instructions="Answer from the shipping policy.", tools=[FileSearchTool(vector_store_ids=[store.id]), lookup]),
    metadata={"owner": "python"},
    description="first",
    **INSECURE,
)
check((v1.id, v1.version, v1.metadata, v1.description) == ("py-agent:1", "1", {"owner": "python"}, "first"), "version 1", v1.as_dict())
for n in (2, 3):
    project.agents.create_version(agent_name="py-agent", definition=PromptAgentDefinition(model="gpt-4o", instructions=f"draft {n}"), **INSECURE)

pages = [[v.version for v in page] for page in project.agents.list_versions(agent_name="py-agent", limit=2, **INSECURE).by_page()]
# the SDK pages by `last_id` until a page has none: the empty last page of recordings/05
check(pages == [["3", "2"], ["1"], []], "versions page by page, newest first", pages)
check(project.agents.get(agent_name="py-agent", **INSECURE).versions.latest.version == "3", "latest")
got = project.agents.get_version(agent_name="py-agent", agent_version="1", **INSECURE)
check([t["type"] for t in got.definition["tools"]] == ["file_search", "function"], "version 1's tools", got.as_dict())

# update (no Python wrapper: POST /agents/{name} through the client's pipeline): a new version only when the definition changed
update = {"definition": {"kind": "prompt", "model": "gpt-4o", "instructions": "Answer briefly."}}
for want in ("4", "4"):
    res = project.send_request(HttpRequest("POST", f"{ENDPOINT}/agents/py-agent?api-version=v1", json=update), **INSECURE)
    check(res.status_code == 200 and res.json()["versions"]["latest"]["version"] == want, "update", res.text())
deleted = project.agents.delete_version(agent_name="py-agent", agent_version="2", **INSECURE)
check(deleted.deleted and deleted.version == "2", "delete version", deleted.as_dict())

# the agent answers through agent_reference, in a conversation, citing the file it used
conversation = openai.conversations.create(items=[{"type": "message", "role": "user", "content": "Hi"}])
reply = openai.responses.create(
    conversation=conversation.id,
    input="How fast do orders ship?",
    extra_body={"agent_reference": {"name": "py-agent", "version": "1", "type": "agent_reference"}},
)
body = reply.to_dict()
check(body.get("agent") == {"type": "agent_id", "name": "py-agent", "version": "1"}, "agent echoed", body.get("agent"))
check(body.get("instructions") == "Answer from the shipping policy.", "instructions of version 1", body.get("instructions"))
message = next(o for o in reply.output if o.type == "message")
citations = [a for a in message.content[0].annotations if a.type == "file_citation"]
check([(c.file_id, c.filename) for c in citations] == [(policy.id, "shipping.md")], "cites the file it used", body)
call = openai.responses.create(input='lookup_order for order_id: "B-7"', extra_body={"agent_reference": {"name": "py-agent", "version": "1", "type": "agent_reference"}})
calls = [o for o in call.output if o.type == "function_call"]
check(len(calls) == 1 and calls[0].name == "lookup_order" and json.loads(calls[0].arguments) == {"order_id": "B-7"}, "function call", call.to_dict())
openai.conversations.delete(conversation.id)

# a preview kind without allow_preview: the service's 403
try:
    project.agents.create_version(agent_name="flow", definition=WorkflowAgentDefinition(workflow="kind: workflow\n"), **INSECURE)
    check(False, "403 for a workflow agent")
except HttpResponseError as e:
    check(e.status_code == 403 and "preview_feature_required" in str(e), "preview_feature_required", str(e))

check(project.agents.delete(agent_name="py-agent", **INSECURE).deleted, "delete agent")
try:
    project.agents.get(agent_name="py-agent", **INSECURE)
    check(False, "404 after delete")
except ResourceNotFoundError:
    pass
check(SCOPES == {"https://ai.azure.com/.default"}, "token scope", sorted(SCOPES))
print("ok")
