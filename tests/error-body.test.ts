// One rule for "this reply is a failure", whatever flag a source puts beside it. Replies are real ones
// from tests/fixtures/real (ToolBench DFSDT answers, InterCode Python), quoted as the APIs sent them.
import { describe, expect, it } from 'vitest';
import { carriesData, errorOnlyBody } from '../src/ingest/error-body.ts';

describe('errorOnlyBody / carriesData', () => {
  it('a reply made only of an error message is one, whatever words it uses', () => {
    expect(errorOnlyBody(`{'message': "Endpoint '/search/shows' does not exist"}`)).toBe("Endpoint '/search/shows' does not exist");
    expect(errorOnlyBody("{'message': 'This endpoint is disabled for your subscription'}")).toBe('This endpoint is disabled for your subscription');
    expect(errorOnlyBody("{'type': 'https://tools.ietf.org/html/rfc7231#section-6.5.1', 'title': 'Bad Request', 'status': 400, 'traceId': '|b1da6c5a-47a57f57d8b1a7d2.'}")).toBe('Bad Request');
    expect(errorOnlyBody('{"status":"401","msg":"Authentication required"}')).toBe('Authentication required');
    expect(errorOnlyBody("{'success': False, 'message': 'Tracking information not found'}")).toBe('Tracking information not found');
    expect(errorOnlyBody("{'error': 'Error: invalid syntax (<string>, line 6)'}")).toBe('Error: invalid syntax (<string>, line 6)');
    expect(errorOnlyBody('Forbidden')).toBe('Forbidden');
    expect(errorOnlyBody('<html><head><title>Forbidden</title></head><body><h1>Forbidden</h1>Access is denied.</body></html>')).toBe('Forbidden');
  });

  it('data, an empty answer, or a message that does not say no is not an error reply', () => {
    expect(errorOnlyBody("{'result': [], 'hasMore': False, 'nextCursor': ''}")).toBeUndefined();
    expect(errorOnlyBody("{'meta': {'code': 200, 'type': 'Success', 'message': 'Success'}, 'data': [{'name': 'Yun Express', 'code': 'yunexpress'}]}")).toBeUndefined();
    expect(errorOnlyBody('{"message": "Deleted"}')).toBeUndefined();
    expect(errorOnlyBody('{"message": "no errors"}')).toBeUndefined();
    expect(errorOnlyBody('Could not find [Zombie]. Similar: [Zombie film]')).toBeUndefined();
    expect(errorOnlyBody('')).toBeUndefined();
  });

  it('a reply holding results carries data, also when the harness cut it short', () => {
    expect(carriesData("{'result': [{'type': 'movie', 'title': 'Fido', 'overview': 'Timmy Robinson")).toBe(true);
    expect(carriesData("{'feed': {'html': {'lang': 'en'}}}")).toBe(true);
    expect(carriesData("{'status': 400, 'message': 'Não foi possível consultar os Correios', 'errors': [{'error': 'CEP INVÁLIDO'}]}")).toBe(false);
    expect(carriesData("{'result': [], 'hasMore': False}")).toBe(false);
  });
});
