"""file_search attachments go into the thread's vector store (7-day expiry), which the run searches."""
from common import check, client, upload

a = client.beta.assistants.create(model="gpt-4o", tools=[{"type": "file_search"}])
fid = upload("the warranty lasts two years from delivery", "warranty.md")
t = client.beta.threads.create()
client.beta.threads.messages.create(thread_id=t.id, role="user", content="how long does the warranty last?", attachments=[{"file_id": fid, "tools": [{"type": "file_search"}]}])
t = client.beta.threads.retrieve(t.id)
ids = t.tool_resources.file_search.vector_store_ids if t.tool_resources and t.tool_resources.file_search else None
check(ids is not None and len(ids) == 1, "the thread names one store", t.tool_resources)
assert ids is not None
vs = client.vector_stores.retrieve(ids[0])
check(vs.expires_after is not None and vs.expires_after.days == 7 and vs.expires_after.anchor == "last_active_at", "7-day expiry", vs.expires_after)
check([f.id for f in client.vector_stores.files.list(ids[0])] == [fid], "holds the file")
run = client.beta.threads.runs.create_and_poll(thread_id=t.id, assistant_id=a.id, poll_interval_ms=10)
msg = client.beta.threads.messages.list(thread_id=t.id, run_id=run.id).data[0]
block = msg.content[0]
cited = [x.file_citation.file_id for x in block.text.annotations if x.type == "file_citation"] if block.type == "text" else []
check(cited == [fid], "the run cites the attached file", cited)
print("ok")
