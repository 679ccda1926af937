"""References to objects that do not exist: 404, nothing created."""
from common import check, client, error_of

e = error_of(lambda: client.beta.assistants.create(model="gpt-4o", tool_resources={"file_search": {"vector_store_ids": ["vs_nope"]}}))
check(e.get("status") == 404 and e.get("message") == "No vector store found with id 'vs_nope'." and e.get("param") == "tool_resources.file_search.vector_store_ids", "vector store", e)
e = error_of(lambda: client.beta.assistants.create(model="gpt-4o", tool_resources={"code_interpreter": {"file_ids": ["file-nope"]}}))
check(e.get("status") == 404 and e.get("param") == "tool_resources.code_interpreter.file_ids", "code interpreter file", e)
t = client.beta.threads.create()
e = error_of(lambda: client.beta.threads.messages.create(thread_id=t.id, role="user", content="x", attachments=[{"file_id": "file-nope", "tools": [{"type": "file_search"}]}]))
check(e.get("status") == 404 and e.get("param") == "attachments[0].file_id", "attachment", e)
e = error_of(lambda: client.beta.assistants.create(model="gpt-4o", tool_resources={"file_search": {"vector_store_ids": ["vs_a"], "vector_stores": [{"file_ids": []}]}}))
check(e.get("status") == 400 and e.get("code") == "mutually_exclusive_parameters" and e.get("param") == "tool_resources.file_search", "both ids and helper", e)
print("ok")
