"""No message while a run is queued or waiting for tool outputs."""
from common import check, client, error_of

a = client.beta.assistants.create(model="gpt-4o", tools=[{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}])
t = client.beta.threads.create(messages=[{"role": "user", "content": "get_weather city: Oslo"}])
run = client.beta.threads.runs.create(thread_id=t.id, assistant_id=a.id)
e = error_of(lambda: client.beta.threads.messages.create(thread_id=t.id, role="user", content="more"))
check(e.get("status") == 400 and e.get("message") == f"Can't add messages to {t.id} while a run {run.id} is active.", "queued run", e)
run = client.beta.threads.runs.poll(run_id=run.id, thread_id=t.id, poll_interval_ms=10)
check(run.status == "requires_action", "waits for tool outputs", run.status)
e = error_of(lambda: client.beta.threads.messages.create(thread_id=t.id, role="user", content="more"))
check(e.get("status") == 400, "requires_action run", e)
client.beta.threads.runs.cancel(run_id=run.id, thread_id=t.id)
check(client.beta.threads.messages.create(thread_id=t.id, role="user", content="now").role == "user", "after cancel")
print("ok")
