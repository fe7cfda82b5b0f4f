// The events of XML 1.0 + Namespaces 1.0 parses (events.ts) recorded, then replayed as those of a spliced document (XML Encryption 1.0 §4.2 step 3.1: decrypted octets put back in place of their EncryptedData).
import type { XmlElement, XmlHandler } from './events.js';
import { checkDepth, checkInputSize, checkText } from './guards.js';
import { resolveLimits, type XmlLimits } from './limits.js';
import { NamespaceScope } from './namespace-scope.js';

/** The op codes of EventLog.events (for readers of a log, e.g. treeOfLog). */
export const LOG_START = 0;
export const LOG_END = 1;
export const LOG_TEXT = 2;
export const LOG_COMMENT = 3;
export const LOG_PI = 4;
const START = LOG_START;
const END = LOG_END;
const TEXT = LOG_TEXT;
const COMMENT = LOG_COMMENT;
const PI = LOG_PI;

/** Records every event of a parse, in order (the elements and strings the parser made, not copies). */
export class EventLog implements XmlHandler {
  /** Op code, then its payload (START/END: the element; TEXT/COMMENT: the string; PI: target and data). */
  readonly events: unknown[] = [];

  startElement(el: XmlElement): void {
    this.events.push(START, el);
  }
  endElement(el: XmlElement): void {
    this.events.push(END, el);
  }
  text(text: string): void {
    this.events.push(TEXT, text);
  }
  comment(text: string): void {
    this.events.push(COMMENT, text);
  }
  processingInstruction(target: string, data: string): void {
    this.events.push(PI, target, data);
  }
}

/** One element of the outer log replaced by the content of a fragment parse. */
export interface LoggedSplice {
  /** The element of the outer log that is replaced, with its whole subtree. */
  readonly element: XmlElement;
  /**
   * The events of a parse of the replacement wrapped in one element (checkFragment's `<_ …>…</_>`, parsed in the
   * namespace scope of `element`'s parent): the wrapper's start first and its end last; what lies between is replayed.
   */
  readonly log: EventLog;
  /** Offset in the output document of byte 0 of that wrapped input. */
  readonly shift: number;
}

export interface ReplayOptions {
  /** Byte length of the document the replay stands for (checked against `maxBytes`). */
  readonly length: number;
  readonly splices?: readonly LoggedSplice[];
  /** Where a byte offset of the outer log lands in that document (default: where it was). */
  readonly mapOffset?: (p: number) => number;
  readonly limits?: Partial<XmlLimits>;
}

/**
 * Sends `handler` the events a parse of the spliced document would report: the outer log's, with each splice's
 * element (and its subtree) replaced by the fragment's events; fresh element objects carry the document's depth and
 * byte offsets (`byteEnd` -1 until their end, as in a parse); the namespace context is rebuilt from each element's
 * declarations, as the parser builds it. Text may arrive in more pieces than a parse would give (events.ts allows it).
 *
 * SECURITY: the limits of the document are enforced as the parser enforces them (size, depth, text runs across
 * the seams); the per-element limits held in the parses that made the logs, which must have used the same `limits`.
 * The seams themselves must be checked by the caller with seamIsClean: a text run that continues across one is
 * read differently when parsed whole (CR LF is one line end; `]]>` is refused).
 * @throws XmlError `XML_LIMIT`, and whatever `handler` throws.
 */
export function replayEvents(log: EventLog, handler: XmlHandler, options: ReplayOptions): void {
  const limits = resolveLimits(options.limits);
  checkInputSize(options.length, limits);
  const splices = options.splices ?? [];
  const scope = new NamespaceScope();
  const open: XmlElement[] = [];
  let run = 0;
  const outerMap = options.mapOffset;

  /**
   * Events [from, to) of `events`, depths moved by `depthShift`, offsets mapped by `map` or else moved by `shift`.
   * PERF: no closure per splice and no Map of them (an array scan over the few there are): see unprotect.ts.
   */
  const play = (events: readonly unknown[], from: number, to: number, depthShift: number, map: ((p: number) => number) | undefined, shift: number, outer: boolean): void => {
    for (let i = from; i < to;) {
      const op = events[i] as number;
      if (op === START) {
        const el = events[i + 1] as XmlElement;
        i += 2;
        let splice: LoggedSplice | undefined;
        if (outer) for (const s of splices) if (s.element === el) splice = s;
        if (splice !== undefined) {
          const inner = splice.log.events;
          if (inner.length < 4 || inner[0] !== START || inner[inner.length - 2] !== END || inner[1] !== inner[inner.length - 1]) {
            throw new RangeError('a fragment log must be one wrapper element');
          }
          const wrapperDepth = (inner[1] as XmlElement).depth;
          play(inner, 2, inner.length - 2, el.depth - wrapperDepth - 1, undefined, splice.shift, false);
          // Skip the replaced element's own events, up to and including its end.
          while (i < to && !(events[i] === END && events[i + 1] === el)) i += events[i] === PI ? 3 : 2;
          if (i >= to) throw new RangeError('the replaced element does not end in the log');
          i += 2;
          continue;
        }
        const depth = el.depth + depthShift;
        checkDepth(depth, limits);
        const copy: XmlElement = {
          name: el.name,
          prefix: el.prefix,
          local: el.local,
          uri: el.uri,
          attributes: el.attributes,
          namespaces: el.namespaces,
          depth,
          byteStart: map === undefined ? el.byteStart + shift : map(el.byteStart),
          byteEnd: -1,
        };
        open.push(copy);
        if (copy.namespaces.length > 0) scope.push(copy.namespaces);
        run = 0;
        handler.startElement(copy, scope);
      } else if (op === END) {
        const el = events[i + 1] as XmlElement;
        i += 2;
        const copy = open.pop()!;
        copy.byteEnd = map === undefined ? el.byteEnd + shift : map(el.byteEnd);
        run = 0;
        handler.endElement(copy);
        if (copy.namespaces.length > 0) scope.pop();
      } else if (op === TEXT) {
        const text = events[i + 1] as string;
        i += 2;
        run += text.length;
        checkText(run, limits, 'text');
        handler.text(text);
      } else if (op === COMMENT) {
        const text = events[i + 1] as string;
        i += 2;
        checkText(text.length, limits, 'comment');
        run = 0;
        handler.comment(text, open.length);
      } else {
        const target = events[i + 1] as string;
        const data = events[i + 2] as string;
        i += 3;
        checkText(data.length, limits, 'processing instruction');
        run = 0;
        handler.processingInstruction(target, data, open.length);
      }
    }
  };
  play(log.events, 0, log.events.length, 0, outerMap, 0, true);
}

const CR = 0x0d;
const LF = 0x0a;
const RSQB = 0x5d;
const GT = 0x3e;

/**
 * Whether the bytes of `doc` on either side of the seam at `at` (where a splice begins or ends) read the same parsed
 * as a whole as parsed apart: no CR LF line end and no `]]>` across it. Anything else that continues across a seam
 * (a reference, a tag, a comment, a CDATA section, a UTF-8 sequence) could not have been complete in both parts.
 */
export function seamIsClean(doc: Uint8Array, at: number): boolean {
  if (doc[at - 1] === CR && doc[at] === LF) return false;
  if (doc[at - 2] === RSQB && doc[at - 1] === RSQB && doc[at] === GT) return false;
  if (doc[at - 1] === RSQB && doc[at] === RSQB && doc[at + 1] === GT) return false;
  return true;
}
