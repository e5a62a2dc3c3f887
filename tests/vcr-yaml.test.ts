// The YAML subset VCR.py cassettes are written in. Expected values are what
// PyYAML's safe_load returns for the same text (binary as base64); every
// cassette of CrewAI's and Pydantic AI's repositories (2,007 files, the sets in
// tests/fixtures/real among them) was checked the same way when they were added.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { YamlSubsetError, parseVcrYaml } from '../src/ingest/vcr-yaml.ts';

const fixture = fileURLToPath(new URL('./fixtures/formats/vcr/constructs.yaml', import.meta.url));

describe('VCR cassette YAML', () => {
  it('reads folded quoted scalars, escapes, escaped line breaks, binary blocks, plain scalars over lines and empty collections as PyYAML does', () => {
    expect(parseVcrYaml(readFileSync(fixture, 'utf8'))).toEqual({
      interactions: [
        {
          request: {
            body: '{"messages": [{"role": "user", "content": "It\'s a long line folded\nover a blank line"}]}',
            headers: {},
            method: 'POST',
            uri: 'https://api.openai.com/v1/chat/completions',
          },
          response: {
            body: { string: '{\n  "id": "chatcmpl-1",\n  "content": "café ✓ tail"\n}\n' },
            headers: { 'Content-Type': ['application/json'], 'x-list': [] },
            status: { code: 200, message: 'OK' },
          },
        },
        {
          request: { body: 'H4sIAAAAAAAAA6tWKkktLlGyUlAqS8wpTVWqBQAoJ6hlEQAAAA==', method: 'POST', uri: 'https://telemetry.example/v1/traces' },
          response: { body: { string: 'plain text that goes on to a second line' }, status: { code: 404, message: 'Not Found' } },
        },
      ],
      version: 1,
    });
  });

  it('reads indented sequences, a sequence inside a sequence, a scalar on the lines after its key, a kept block of blank lines, an empty binary and a closing `...`', () => {
    const fixture2 = fileURLToPath(new URL('./fixtures/formats/vcr/constructs-indented.yaml', import.meta.url));
    expect(parseVcrYaml(readFileSync(fixture2, 'utf8'))).toEqual({
      version: 1,
      interactions: [
        {
          request: {
            method: 'POST',
            parsed_body: { embeddings: [[-0.04, 0.5]], text: 'A scalar on the lines after its key, folded.', token: '\n\n', empty: '' },
            uri: 'https://api.example/v1/embed',
          },
          response: { status: { code: 200 } },
        },
      ],
    });
  });

  it('refuses what it does not read, naming the line', () => {
    expect(() => parseVcrYaml('interactions:\n- request: &a\n    method: GET\n')).toThrow(YamlSubsetError);
    expect(() => parseVcrYaml('a: {b: 1}\n')).toThrow(/line 1: flow collections are not read/);
    expect(() => parseVcrYaml('a: "open\nb: 1\n')).toThrow(/unterminated quoted scalar/);
  });
});
