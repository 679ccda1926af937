"""Issue 15's Responses and Conversations cases through the openai Python SDK, against the emulator.

Prints one JSON object: for each case what the SDK got back (an error's status, param, code and
message, or the fields that matter), for test/emulator/responses-fidelity-python.test.ts.
OPENAI_BASE_URL and OPENAI_API_KEY name the emulator.
"""

import json
import os
import time

import urllib.error
import urllib.request
import openai
from openai import OpenAI
from pydantic import BaseModel

client = OpenAI(max_retries=0)
out: dict[str, object] = {}


def refused(name: str, **params: object) -> None:
    try:
        client.responses.create(**params)  # type: ignore[call-overload]
        out[name] = "accepted"
    except openai.APIStatusError as e:
        err = e.body if isinstance(e.body, dict) else {}
        out[name] = {"status": e.status_code, "param": err.get("param"), "code": err.get("code"), "message": err.get("message")}


base = {"model": "gpt-4.1", "input": "hello"}
refused("unknown_model", model="gpt-99", input="hi")
refused("max_output_tokens", **base, max_output_tokens=15)
refused("json_schema_without_name", **base, text={"format": {"type": "json_schema", "schema": {"type": "object"}}})
refused("unknown_tool_type", **base, tools=[{"type": "teleport"}])
refused("tool_choice_not_in_tools", **base, tool_choice={"type": "function", "name": "lookup_order"})
refused("temperature_on_reasoning_model", model="o3", input="hi", temperature=0.2)
refused("reasoning_on_other_model", **base, reasoning={"effort": "low"})
refused("json_object_without_json", **base, text={"format": {"type": "json_object"}})
refused("empty_prompt", **base, prompt={})
refused("container_file_ids_not_a_list", **base, tools=[{"type": "code_interpreter", "container": {"type": "auto", "file_ids": "file-1"}}])
refused("unknown_previous_response", **base, previous_response_id="resp_missing")
refused("unknown_vector_store", **base, tools=[{"type": "file_search", "vector_store_ids": ["vs_missing"]}])

# JSON null bodies: answered 400, never 500
conversation = client.conversations.create()
nulls = {}
for path in ["/responses", "/conversations", f"/conversations/{conversation.id}", f"/conversations/{conversation.id}/items"]:
    request = urllib.request.Request(
        os.environ["OPENAI_BASE_URL"] + path,
        data=b"null",
        method="POST",
        headers={"authorization": "Bearer sk-test", "content-type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request) as r:
            nulls[path.replace(conversation.id, "{id}")] = [r.status, None]
    except urllib.error.HTTPError as e:
        nulls[path.replace(conversation.id, "{id}")] = [e.code, json.loads(e.read())["error"]["code"]]
out["null_bodies"] = nulls


# structured output: responses.parse with a pydantic model
class Order(BaseModel):
    order_number: str
    status: str
    days: int


parsed = client.responses.parse(model="gpt-4.1", input="Where is order_number: AC-5? status: late, days: 3", text_format=Order)
out["parsed"] = {"type": type(parsed.output_parsed).__name__, "value": parsed.output_parsed.model_dump() if parsed.output_parsed else None}

# background: polled
bg = client.responses.create(model="gpt-4.1", input="in the background", background=True, background_options={"completion_window": "soonest"})
seen = [bg.status]
current = bg
for _ in range(200):
    if current.status not in ("queued", "in_progress"):
        break
    time.sleep(0.02)
    current = client.responses.retrieve(bg.id)
    if current.status != seen[-1]:
        seen.append(current.status)
out["background_polled"] = {"statuses": seen, "output_text": current.output_text}

# background: streamed as it happens, then streamed again from a sequence number
events = list(client.responses.create(model="gpt-4.1", input="stream it", background=True, stream=True))
out["background_stream"] = {
    "first": [[e.type, e.response.status] for e in events[:3]],
    "last": events[-1].type,
    "sequence": [e.sequence_number for e in events] == list(range(len(events))),
}
replay = [e.sequence_number for e in client.responses.retrieve(events[0].response.id, stream=True, starting_after=2)]
out["background_resume"] = {"replayed": replay, "expected": [e.sequence_number for e in events[3:]]}

# cancel
to_cancel = client.responses.create(model="gpt-4.1", input="never mind", background=True)
cancelled = client.responses.cancel(to_cancel.id)
again = client.responses.cancel(to_cancel.id)
sync = client.responses.create(**base)
try:
    client.responses.cancel(sync.id)
    sync_cancel: object = "accepted"
except openai.BadRequestError as e:
    sync_cancel = e.body.get("message") if isinstance(e.body, dict) else str(e)
out["cancel"] = {"status": cancelled.status, "again": again.status, "sync": sync_cancel}

# the endpoints and parameters the SDK has
count = client.responses.input_tokens.count(model="gpt-4.1", instructions="Be brief.", input="count these five words")
made = client.responses.create(model="gpt-4.1", instructions="Be brief.", input="count these five words")
compacted = client.responses.compact(model="gpt-4.1", input="remember 7")
out["input_tokens"] = {"object": count.object, "count": count.input_tokens, "usage": made.usage.input_tokens if made.usage else None}
out["compact"] = {"object": compacted.object, "types": [o.type for o in compacted.output]}

# conversation items, stored normalised (the proxy checks each against ConversationItem)
conv = client.conversations.create(
    items=[
        {"role": "user", "content": "hi"},
        {"type": "function_call", "call_id": "call_1", "name": "lookup_order", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "call_1", "output": "ok"},
        {"type": "item_reference", "id": made.output[0].id},
    ]
)
items = client.conversations.items.list(conv.id, order="asc")
out["conversation_items"] = [i.type for i in items.data]

print(json.dumps(out))
