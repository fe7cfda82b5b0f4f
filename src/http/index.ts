// wssc/http: the SOAP HTTP binding for secure sessions: an HTTP/1.1 server and a node:http request handler (services), a node:http(s) transport and a fetch transport (clients).
export { SoapHttpServer, type SoapHttpServerOptions } from './http1-server.js';
export { createRequestHandler, formatLogLine, sessionPrefix, type HttpService, type RequestHandlerOptions, type RequestLogEntry } from './node-handler.js';
export { fetchTransport, type FetchTransportOptions, type Transport, type TransportResponse } from './fetch-transport.js';
export { defaultTransport, nodeHttpTransport, type NodeHttpTransportOptions } from './node-transport.js';
