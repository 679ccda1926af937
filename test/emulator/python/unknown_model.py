"""Models outside the catalogue: assistant create/update, run and thread-and-run overrides."""
from common import check, client, error_of

want = {"status": 400, "message": "The requested model 'gpt-99' does not exist.", "type": "invalid_request_error", "param": "model", "code": "model_not_found"}
e = error_of(lambda: client.beta.assistants.create(model="gpt-99"))
check({k: e.get(k) for k in want} == want, "create", e)
a = client.beta.assistants.create(model="gpt-4o")
check(error_of(lambda: client.beta.assistants.update(assistant_id=a.id, model="gpt-99")).get("code") == "model_not_found", "update")
t = client.beta.threads.create(messages=[{"role": "user", "content": "hi"}])
check(error_of(lambda: client.beta.threads.runs.create(thread_id=t.id, assistant_id=a.id, model="gpt-99")).get("code") == "model_not_found", "run override")
check(error_of(lambda: client.beta.threads.create_and_run(assistant_id=a.id, model="gpt-99")).get("code") == "model_not_found", "thread-and-run override")
check(client.models.retrieve("gpt-4o").id == "gpt-4o", "the catalogue is served")
print("ok")
