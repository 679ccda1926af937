"""OpenAI-Beta: the SDK sends assistants=v2; without it, or with v1, the Assistants endpoints answer 400 invalid_beta."""
from openai import Omit

from common import check, client, error_of

check(isinstance(client.beta.assistants.list().data, list), "the SDK's own header is accepted")
missing = error_of(lambda: client.beta.assistants.list(extra_headers={"OpenAI-Beta": Omit()}))
check(missing.get("status") == 400 and missing.get("code") == "invalid_beta", "no header: 400 invalid_beta", missing)
check(missing.get("message", "").startswith("You must provide the 'OpenAI-Beta' header"), "no header: the API's message", missing)
v1 = error_of(lambda: client.beta.threads.create(extra_headers={"OpenAI-Beta": "assistants=v1"}))
check(v1.get("status") == 400 and v1.get("message", "").startswith("The v1 Assistants API has been deprecated."), "v1: deprecated", v1)
check(client.vector_stores.list(extra_headers={"OpenAI-Beta": Omit()}).data is not None, "vector stores need no header")
print("ok")
