// An in-process language model for tests of code built on the engine, in the
// manner of the AI SDK's MockLanguageModel: it records every request and
// answers from a function, so loop logic runs without HTTP or an SDK. Each
// provider keeps its own wire tests against loopback servers.
import type { GenerateRequest, GenerateResult, LanguageModel, ProviderName } from './types.ts';

export type MockReply = string | (Partial<GenerateResult> & { text: string });

export interface MockLanguageModelOptions {
  modelId?: string;
  provider?: ProviderName;
  /** Answers the n-th request (0-based, in arrival order). */
  doGenerate: MockReply | ((request: GenerateRequest, index: number) => MockReply | Promise<MockReply>);
}

/** Rough token count (4 characters a token), the same on every side of a test. */
export function approxTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export class MockLanguageModel implements LanguageModel {
  readonly provider: ProviderName;
  readonly modelId: string;
  /** Every request, in arrival order. */
  readonly calls: GenerateRequest[] = [];
  private readonly answer: MockLanguageModelOptions['doGenerate'];

  constructor(opts: MockLanguageModelOptions) {
    this.provider = opts.provider ?? 'openai';
    this.modelId = opts.modelId ?? 'mock-model';
    this.answer = opts.doGenerate;
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const index = this.calls.push(request) - 1;
    request.signal?.throwIfAborted();
    const reply = typeof this.answer === 'function' ? await this.answer(request, index) : this.answer;
    const r = typeof reply === 'string' ? { text: reply } : reply;
    let text = r.text;
    let finishReason = r.finishReason ?? 'stop';
    // Like a real model, stop at the requested output cap.
    if (request.maxOutputTokens !== undefined && approxTokens(text) > request.maxOutputTokens) {
      text = text.slice(0, request.maxOutputTokens * 4);
      finishReason = 'length';
    }
    const input = approxTokens((request.system ?? '') + request.messages.map((m) => m.content).join(''));
    return {
      ...r,
      text,
      finishReason,
      usage: r.usage ?? { inputTokens: input, outputTokens: approxTokens(text) },
    };
  }
}
