// wssc/http: the SOAP HTTP binding for secure sessions: a node:http request handler (services) and a fetch transport (clients).
export { createRequestHandler, formatLogLine, sessionPrefix, type HttpService, type RequestHandlerOptions, type RequestLogEntry } from './node-handler.js';
export { fetchTransport, type FetchTransportOptions, type Transport, type TransportResponse } from './fetch-transport.js';
