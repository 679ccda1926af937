"""A json_schema response format: the reply parses into the Pydantic model it was made from."""
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict

from common import check, client


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: str
    page: Optional[int]


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answer: str
    confidence: float
    verdict: Literal["yes", "no", "unsure"]
    sources: list[Source]


schema = Answer.model_json_schema()
a = client.beta.assistants.create(model="gpt-4o", response_format={"type": "json_schema", "json_schema": {"name": "Answer", "schema": schema, "strict": True}})
run = client.beta.threads.create_and_run_poll(assistant_id=a.id, thread={"messages": [{"role": "user", "content": "is the sky blue?"}]}, poll_interval_ms=10)
block = client.beta.threads.messages.list(thread_id=run.thread_id, run_id=run.id).data[0].content[0]
check(block.type == "text", "a text reply", block)
assert block.type == "text"
parsed = Answer.model_validate_json(block.text.value)
check(isinstance(parsed.sources, list), "parsed", parsed.model_dump())
print("ok")
