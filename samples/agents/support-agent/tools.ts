// Tools of the support agent, in the OpenAI chat-completions `tools` format.
export const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'search_kb',
      description: 'Search the help-center knowledge base.',
      parameters: {
        type: 'object',
        properties: {
          query: { type: 'string', description: 'search text' },
          category: { type: 'string', enum: ['billing', 'shipping', 'returns', 'account'] },
        },
        required: ['query'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'lookup_order',
      description: 'Fetch an order by id.',
      parameters: {
        type: 'object',
        properties: {
          order_id: { type: 'string', description: 'order id like ORD-123456' },
          include_items: { type: 'boolean' },
        },
        required: ['order_id'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'update_address',
      description: 'Change the shipping address of an order that has not shipped.',
      parameters: {
        type: 'object',
        properties: {
          order_id: { type: 'string', description: 'order id' },
          address: { type: 'string', description: 'full postal address' },
        },
        required: ['order_id', 'address'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'refund_order',
      description: 'Refund all or part of an order.',
      parameters: {
        type: 'object',
        properties: {
          order_id: { type: 'string', description: 'order id' },
          amount: { type: 'number' },
          reason: { type: 'string', enum: ['damaged', 'late', 'wrong_item', 'changed_mind'] },
        },
        required: ['order_id', 'amount', 'reason'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'escalate',
      description: 'Hand the conversation to a human agent.',
      parameters: {
        type: 'object',
        properties: {
          priority: { type: 'string', enum: ['low', 'normal', 'high', 'urgent'] },
          summary: { type: 'string', description: 'what the human needs to know' },
        },
        required: ['priority', 'summary'],
      },
    },
  },
];
