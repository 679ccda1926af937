"""Shared by the scripts: a client for the emulator named by OPENAI_BASE_URL, and a check that says what it saw."""
import json
import os
import sys
from typing import Any

from openai import OpenAI

client = OpenAI(base_url=os.environ["OPENAI_BASE_URL"], api_key="sk-test", max_retries=0)


def check(ok: bool, what: str, seen: Any = None) -> None:
    if not ok:
        sys.stderr.write(f"FAILED: {what}; saw {json.dumps(seen, default=str)}\n")
        sys.exit(1)


def error_of(call: Any) -> dict[str, Any]:
    """Call it; return the API error it raised (status and error body)."""
    try:
        call()
    except Exception as e:  # noqa: BLE001 - any SDK error
        return {"status": getattr(e, "status_code", None), **(getattr(e, "body", None) or {})}
    return {"status": None}


def upload(text: str, name: str) -> str:
    return client.files.create(file=(name, text.encode()), purpose="assistants").id
