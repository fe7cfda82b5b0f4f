// wssc/http: the SOAP HTTP binding for secure sessions: a node:http request handler (services), a node:http(s) transport and a fetch transport (clients).
export { createRequestHandler, formatLogLine, sessionPrefix, type HttpService, type RequestHandlerOptions, type RequestLogEntry } from './node-handler.js';
export { fetchTransport, type FetchTransportOptions, type Transport, type TransportResponse } from './fetch-transport.js';
export { defaultTransport, nodeHttpTransport, type NodeHttpTransportOptions } from './node-transport.js';
