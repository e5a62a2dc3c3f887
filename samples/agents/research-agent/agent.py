"""The research agent: one chat-completions loop over the tools in tools.py."""
from tools import TOOLS

SYSTEM_PROMPT = "You are a research assistant. Search the web, read primary sources, and answer with a short cited summary."


def messages_for(question: str) -> list[dict]:
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": question},
    ]


def request(question: str) -> dict:
    return {"model": "gpt-4o-mini", "messages": messages_for(question), "tools": TOOLS}
