// Tools of the coding agent, in the Anthropic messages `tools` format
// (the instrumentation records `input_schema` as the function's parameters).
export const TOOLS = [
  {
    name: 'list_dir',
    description: 'List a directory.',
    input_schema: {
      type: 'object',
      properties: { path: { type: 'string', description: 'directory path' } },
      required: ['path'],
    },
  },
  {
    name: 'search_code',
    description: 'Search the repository with a regular expression.',
    input_schema: {
      type: 'object',
      properties: {
        pattern: { type: 'string', description: 'regex' },
        glob: { type: 'string', description: 'file glob' },
      },
      required: ['pattern'],
    },
  },
  {
    name: 'read_file',
    description: 'Read a file.',
    input_schema: {
      type: 'object',
      properties: { path: { type: 'string', description: 'file path' } },
      required: ['path'],
    },
  },
  {
    name: 'write_file',
    description: 'Write a file.',
    input_schema: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'file path' },
        content: { type: 'string', description: 'full new content' },
      },
      required: ['path', 'content'],
    },
  },
  {
    name: 'run_tests',
    description: 'Run a test target.',
    input_schema: {
      type: 'object',
      properties: {
        target: { type: 'string', description: 'test file or directory' },
        framework: { type: 'string', enum: ['vitest', 'jest', 'pytest', 'go'] },
      },
      required: ['target'],
    },
  },
];
