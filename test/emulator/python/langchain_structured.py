"""LangChain's ChatOpenAI(...).with_structured_output over the Responses API, against the emulator.

Prints the structured result as JSON, for test/emulator/agents.test.ts. OPENAI_BASE_URL and
OPENAI_API_KEY name the emulator.
"""

import json
import os

from langchain_openai import ChatOpenAI
from pydantic import BaseModel


class Ticket(BaseModel):
    summary: str
    priority: str
    order_number: str


llm = ChatOpenAI(model="gpt-4.1", use_responses_api=True, base_url=os.environ["OPENAI_BASE_URL"], max_retries=0)
structured = llm.with_structured_output(Ticket)
ticket = structured.invoke("Open a ticket: order_number: AC-77, priority: high, the parcel never came.")
print(json.dumps({"type": type(ticket).__name__, "value": ticket.model_dump()}))
