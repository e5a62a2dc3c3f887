"""Tools of the research agent, as OpenAI function tools (JSON Schema parameters)."""

TOOLS = [
    {
        "type": "function",
        "name": "web_search",
        "description": "Search the web.",
        "parameters": {
            "type": "object",
            "properties": {
                "query": {"type": "string", "description": "search query"},
                "recency": {"type": "string", "enum": ["day", "week", "month", "any"]},
            },
            "required": ["query"],
        },
    },
    {
        "type": "function",
        "name": "fetch_url",
        "description": "Download a page as text.",
        "parameters": {
            "type": "object",
            "properties": {
                "url": {"type": "string", "description": "absolute URL"},
            },
            "required": ["url"],
        },
    },
    {
        "type": "function",
        "name": "extract_table",
        "description": "Extract a table from a page.",
        "parameters": {
            "type": "object",
            "properties": {
                "url": {"type": "string", "description": "absolute URL"},
                "table_index": {"type": "integer"},
            },
            "required": ["url"],
        },
    },
    {
        "type": "function",
        "name": "summarize",
        "description": "Summarize text.",
        "parameters": {
            "type": "object",
            "properties": {
                "text": {"type": "string", "description": "text to summarize"},
                "style": {"type": "string", "enum": ["brief", "detailed", "bullets"]},
            },
            "required": ["text"],
        },
    },
]
