"""AssistantEventHandler: on_tool_call_created/done fire for file_search; contents only with include[]."""
from typing import Any

from openai import AssistantEventHandler
from openai.types.beta.threads.runs import RunStep, ToolCall
from typing_extensions import override

from common import check, client, upload

vs = client.vector_stores.create(name="kb")
client.vector_stores.files.create_and_poll(vector_store_id=vs.id, file_id=upload("our refund window is thirty days", "refunds.md"), poll_interval_ms=10)
a = client.beta.assistants.create(model="gpt-4o", tools=[{"type": "file_search"}], tool_resources={"file_search": {"vector_store_ids": [vs.id]}})


class Handler(AssistantEventHandler):
    def __init__(self) -> None:
        super().__init__()
        self.created: list[str] = []
        self.done: list[str] = []
        self.results: list[Any] = []

    @override
    def on_tool_call_created(self, tool_call: ToolCall) -> None:
        self.created.append(tool_call.type)

    @override
    def on_tool_call_done(self, tool_call: ToolCall) -> None:
        self.done.append(tool_call.type)

    @override
    def on_run_step_done(self, run_step: RunStep) -> None:
        if run_step.step_details.type == "tool_calls":
            for call in run_step.step_details.tool_calls:
                if call.type == "file_search":
                    self.results.extend(r.model_dump(exclude_unset=True) for r in call.file_search.results or [])


for include in (False, True):
    t = client.beta.threads.create(messages=[{"role": "user", "content": "refund window?"}])
    h = Handler()
    extra: Any = {"include": ["step_details.tool_calls[*].file_search.results[*].content"]} if include else {}
    with client.beta.threads.runs.stream(thread_id=t.id, assistant_id=a.id, event_handler=h, **extra) as stream:
        stream.until_done()
    check(h.created == ["file_search"], "on_tool_call_created fired for file_search", h.created)
    # the SDK calls on_tool_call_done again at each later step and at the run's end (its current call is never reset)
    check(len(h.done) >= 1 and set(h.done) == {"file_search"}, "on_tool_call_done fired for file_search", h.done)
    check(len(h.results) == 1 and h.results[0].get("file_name") == "refunds.md", "one result", h.results)
    check(("content" in h.results[0]) == include, f"content {'with' if include else 'without'} include[]", h.results)
print("ok")
