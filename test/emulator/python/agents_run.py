"""An OpenAI Agents SDK agent against the emulator, over the Responses API.

The agent has a file_search tool over the vector store given as argv[1], a function tool and a
structured output type; it runs once with Runner.run and once with Runner.run_streamed. Prints one
JSON object per run (the final output, the items made, the stream events seen) for
test/emulator/agents.test.ts. OPENAI_BASE_URL and OPENAI_API_KEY name the emulator.
"""

import asyncio
import json
import sys

from agents import (
    Agent,
    FileSearchTool,
    Runner,
    function_tool,
    set_default_openai_api,
    set_tracing_disabled,
)
from pydantic import BaseModel


class SupportAnswer(BaseModel):
    answer: str
    order_status: str
    refund_days: int
    urgent: bool


CALLS: list[str] = []


@function_tool
def lookup_order(order_number: str) -> str:
    """Look up an order by its number."""
    CALLS.append(order_number)
    return json.dumps({"order_number": order_number, "order_status": "shipped", "refund_days": 14})


def make_agent(vector_store_id: str) -> Agent:
    return Agent(
        name="Support",
        instructions="Answer from the documents; call lookup_order for orders.",
        model="gpt-4.1",
        tools=[FileSearchTool(vector_store_ids=[vector_store_id], include_search_results=True), lookup_order],
        output_type=SupportAnswer,
    )


def describe(result) -> dict:
    items = []
    for item in result.new_items:
        raw = item.raw_item
        raw_type = raw.get("type") if isinstance(raw, dict) else getattr(raw, "type", None)
        entry = {"item": item.type, "raw": raw_type}
        if raw_type == "file_search_call":
            entry["results"] = [r.filename for r in (raw.results or [])]
        if raw_type == "function_call":
            entry["name"] = raw.name
            entry["arguments"] = json.loads(raw.arguments)
        items.append(entry)
    out = result.final_output
    return {"final_output": out.model_dump(), "final_type": type(out).__name__, "items": items}


QUESTION = "Please lookup_order for order_number: AC-1042, and tell me how refunds are paid."


async def main() -> None:
    set_tracing_disabled(True)
    set_default_openai_api("responses")
    agent = make_agent(sys.argv[1])

    result = await Runner.run(agent, QUESTION)
    print(json.dumps({"mode": "run", "calls": list(CALLS), **describe(result)}))

    CALLS.clear()
    streamed = Runner.run_streamed(agent, QUESTION)
    events: list[str] = []
    async for event in streamed.stream_events():
        if event.type == "raw_response_event":
            name = f"raw:{event.data.type}"
        elif event.type == "run_item_stream_event":
            name = f"item:{event.name}"
        else:
            name = event.type
        if not events or events[-1] != name:
            events.append(name)
    print(json.dumps({"mode": "streamed", "calls": list(CALLS), "events": events, **describe(streamed)}))


asyncio.run(main())
