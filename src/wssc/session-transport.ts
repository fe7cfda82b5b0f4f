// SOAP request-response message exchange (SOAP 1.2 Part 2 §6.2) as one function: how the session client reaches a service.

/** What a transport returns: the HTTP status, the body and the response headers (names lower case). */
export interface TransportResponse {
  status: number;
  body: Uint8Array;
  headers: Record<string, string>;
}

/** Sends one request (body + headers such as content-type) and resolves with the response. */
export type Transport = (body: Uint8Array, headers: Record<string, string>) => Promise<TransportResponse>;

/** Anything with the service's handle(): the in-process transport needs no network (tests, benchmarks). */
export interface Handles {
  handle(request: Uint8Array, headers: Record<string, string>): Promise<{ status: number; body: Uint8Array; contentType: string }>;
}

/** A transport that calls a service object in this process. */
export function inProcessTransport(service: Handles): Transport {
  return async (body, headers) => {
    const r = await service.handle(body, headers);
    return { status: r.status, body: r.body, headers: { 'content-type': r.contentType } };
  };
}
