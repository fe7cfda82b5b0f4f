// replayEvents (src/xml/event-log.ts): the logs of a document and of its replaced parts, replayed, against a parse of the spliced document.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WsscError } from '../../src/errors.js';
import { checkFragment } from '../../src/xenc/fragment.js';
import { EventLog, replayEvents, seamIsClean, type LoggedSplice } from '../../src/xml/event-log.js';
import type { NamespaceContext, XmlElement, XmlHandler, XmlNamespaceDecl } from '../../src/xml/events.js';
import type { XmlLimits } from '../../src/xml/limits.js';
import { XML_NAMESPACE } from '../../src/xml/namespace-scope.js';
import { XmlParser } from '../../src/xml/parser.js';
import { randomDocument, Rng } from '../c14n/random-document.js';

const enc = new TextEncoder();

/** Every event as a string (element byteEnd as seen at the start too); adjacent texts merged. */
class Recorder implements XmlHandler {
  readonly out: string[] = [];
  startElement(el: XmlElement, ns: NamespaceContext): void {
    const scope: string[] = [];
    ns.forEach((uri, p) => scope.push(`${p}=${uri}`));
    this.out.push(`start ${el.name} {${el.uri}}${el.local} d${el.depth} @${el.byteStart}/${el.byteEnd} ${JSON.stringify(el.attributes)} ${JSON.stringify(el.namespaces)} [${scope.sort().join(' ')}]`);
  }
  endElement(el: XmlElement): void {
    this.out.push(`end ${el.name} d${el.depth} @${el.byteStart}-${el.byteEnd}`);
  }
  text(t: string): void {
    const last = this.out.length - 1;
    if (last >= 0 && this.out[last]!.startsWith('text ')) this.out[last] += t;
    else this.out.push(`text ${t}`);
  }
  comment(t: string, depth: number): void {
    this.out.push(`comment ${depth} ${t}`);
  }
  processingInstruction(target: string, data: string, depth: number): void {
    this.out.push(`pi ${depth} ${target} ${data}`);
  }
}

function parse(bytes: Uint8Array, handler: XmlHandler, limits?: Partial<XmlLimits>): void {
  const p = new XmlParser(handler, limits === undefined ? {} : { limits });
  p.write(bytes);
  p.end();
}

/**
 * The events, or the error (class and code) that ended them. A text run refused for its length may have been
 * reported in part before the refusal (as a parser fed in chunks reports it), so that part is not compared.
 */
function outcome(run: (h: XmlHandler) => void): string[] {
  const r = new Recorder();
  try {
    run(r);
  } catch (err) {
    assert.ok(err instanceof WsscError, String(err));
    if (r.out.at(-1)?.startsWith('text ') === true) r.out.pop();
    r.out.push(`error ${err.name} ${err.code}`);
  }
  return r.out;
}

interface Located {
  el: XmlElement;
  scope: XmlNamespaceDecl[];
}

/** Elements below the root with the namespace bindings in scope at their parent. */
function candidates(doc: Uint8Array): Located[] {
  const out: Located[] = [];
  const parents: XmlNamespaceDecl[][] = [];
  parse(doc, {
    startElement(el, ns) {
      if (el.depth >= 2) out.push({ el, scope: parents[parents.length - 1]! });
      const scope: XmlNamespaceDecl[] = [];
      ns.forEach((uri, prefix) => {
        if (prefix !== 'xml' || uri !== XML_NAMESPACE) scope.push({ prefix, uri });
      });
      parents.push(scope);
    },
    endElement() {
      parents.pop();
    },
    text() {},
    comment() {},
    processingInstruction() {},
  });
  return out;
}

/** A handler that records into `log` and hands each element start to `seen`. */
function logging(log: EventLog, seen: (el: XmlElement) => void): XmlHandler {
  return {
    startElement: (el) => {
      log.startElement(el);
      seen(el);
    },
    endElement: (el) => log.endElement(el),
    text: (t) => log.text(t),
    comment: (t) => log.comment(t),
    processingInstruction: (t, d) => log.processingInstruction(t, d),
  };
}

const concatBytes = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

// Texts put on either side of a replaced part, so that runs continue across the seams (CR LF and `]]>` among them).
const EDGES = ['', '', 'a', ' ', '\r', '\n', '\r\n', ']', ']]', '>', '&amp;', 'x\r', '\ny', '&#13;'];

test('replayed logs with replaced elements give the events (or the refusal) of a parse of the spliced document', () => {
  let replayed = 0;
  let refusedAlike = 0;
  let unclean = 0;
  for (let seed = 1; seed <= 3000; seed++) {
    const rng = new Rng(seed);
    const doc = enc.encode(randomDocument(rng).xml);
    const all = candidates(doc);
    if (all.length === 0) continue;
    // One to three replaced elements, none inside another, in document order.
    const chosen: Located[] = [];
    for (let k = 1 + rng.int(3); k > 0; k--) {
      const c = rng.pick(all);
      if (chosen.some((x) => !(c.el.byteEnd <= x.el.byteStart || x.el.byteEnd <= c.el.byteStart))) continue;
      chosen.push(c);
    }
    chosen.sort((a, b) => a.el.byteStart - b.el.byteStart);
    const limits: Partial<XmlLimits> = rng.chance(0.5) ? {} : { maxDepth: 3 + rng.int(8), maxTextLength: 10 + rng.int(150) };
    // The outer document holds a placeholder element (with an Id the part may repeat) where each part goes.
    const outerParts: Uint8Array[] = [];
    const splicedParts: Uint8Array[] = [];
    const fragments: Uint8Array[] = [];
    let at = 0;
    for (const c of chosen) {
      const between = concatBytes(doc.subarray(at, c.el.byteStart), enc.encode(rng.pick(EDGES)));
      const fragment = concatBytes(enc.encode(rng.pick(EDGES)), doc.subarray(c.el.byteStart, c.el.byteEnd), enc.encode(rng.pick(EDGES)));
      outerParts.push(between, enc.encode('<ph:ed xmlns:ph="urn:ph" Id="x"><ph:c/></ph:ed>'));
      splicedParts.push(between, fragment);
      fragments.push(fragment);
      at = c.el.byteEnd;
    }
    const rest = concatBytes(enc.encode(rng.pick(EDGES)), doc.subarray(at));
    outerParts.push(rest);
    splicedParts.push(rest);
    const outer = concatBytes(...outerParts);
    const spliced = concatBytes(...splicedParts);

    // The logs: the outer document, then each part as checkFragment reads it (content of the parent's scope).
    const log = new EventLog();
    const placeholders: XmlElement[] = [];
    try {
      parse(outer, logging(log, (el) => el.local === 'ed' && placeholders.push(el)), limits);
    } catch {
      continue; // a limit the outer document alone exceeds: nothing to replay
    }
    const splices: LoggedSplice[] = [];
    const edits: { at: number; end: number; length: number }[] = [];
    let ok = true;
    let clean = true;
    let shiftSoFar = 0;
    chosen.forEach((c, i) => {
      const fragmentLog = new EventLog();
      let head: number;
      try {
        head = checkFragment(fragments[i]!, c.scope, 'content', limits, fragmentLog);
      } catch {
        ok = false;
        return;
      }
      const ph = placeholders[i]!;
      const start = ph.byteStart + shiftSoFar;
      splices.push({ element: ph, log: fragmentLog, shift: start - head });
      edits.push({ at: ph.byteStart, end: ph.byteEnd, length: fragments[i]!.length });
      shiftSoFar += fragments[i]!.length - (ph.byteEnd - ph.byteStart);
      if (!seamIsClean(spliced, start) || !seamIsClean(spliced, start + fragments[i]!.length)) clean = false;
    });
    if (!ok) continue;
    const mapOffset = (p: number): number => {
      let out = p;
      for (const e of edits) if (e.end <= p) out += e.length - (e.end - e.at);
      return out;
    };
    const expected = outcome((h) => parse(spliced, h, limits));
    const got = outcome((h) => replayEvents(log, h, { length: spliced.length, splices, mapOffset, limits }));
    if (!clean) {
      // The caller parses instead; the seam check must not be vacuous: here the replay may read differently.
      unclean++;
      continue;
    }
    assert.deepEqual(got, expected, `seed ${seed}`);
    if (expected.at(-1)!.startsWith('error')) refusedAlike++;
    else replayed++;
  }
  assert.ok(replayed > 1000 && refusedAlike > 15 && unclean > 50, `${replayed} replayed, ${refusedAlike} refused alike, ${unclean} unclean seams`);
});

test('seams: CR LF and ]]> across a seam read differently whole, so they are unclean; a replay there would differ', () => {
  const doc = enc.encode('<r>a\r\nb]]&gt;</r>');
  assert.equal(seamIsClean(doc, 5), false); // between CR and LF
  assert.equal(seamIsClean(doc, 4), true);
  assert.equal(seamIsClean(doc, 6), true);
  const cdata = enc.encode('<r>]]></r>');
  assert.equal(seamIsClean(cdata, 4), false);
  assert.equal(seamIsClean(cdata, 5), false);
  assert.equal(seamIsClean(cdata, 3), true);
  // The replay of "a\r" + "\nb" gives two line ends where the parse of the whole gives one.
  const log = new EventLog();
  const ph: XmlElement[] = [];
  parse(enc.encode('<r>a\r<p/>b</r>'), logging(log, (el) => el.local === 'p' && ph.push(el)));
  const frag = new EventLog();
  const head = checkFragment(enc.encode('\n'), [], 'content', undefined, frag);
  const got = outcome((h) => replayEvents(log, h, { length: 8, splices: [{ element: ph[0]!, log: frag, shift: 5 - head }], mapOffset: (p) => (p >= 9 ? p - 3 : p) }));
  const whole = outcome((h) => parse(enc.encode('<r>a\r\nb</r>'), h));
  assert.notDeepEqual(got, whole);
});

test('a fragment log that is not one wrapper element, or a replaced element that never ends, is refused', () => {
  const log = new EventLog();
  const els: XmlElement[] = [];
  parse(enc.encode('<r><p/></r>'), logging(log, (el) => els.push(el)));
  const bad = new EventLog();
  bad.text('x');
  assert.throws(() => replayEvents(log, new Recorder(), { length: 11, splices: [{ element: els[1]!, log: bad, shift: 0 }] }), RangeError);
  const truncated = new EventLog();
  truncated.events.push(...log.events.slice(0, 4));
  const frag = new EventLog();
  checkFragment(enc.encode('<q/>'), [], 'element', undefined, frag);
  assert.throws(() => replayEvents(truncated, new Recorder(), { length: 11, splices: [{ element: els[1]!, log: frag, shift: 0 }] }), RangeError);
});

test('limits hold on the spliced document: a text run across the seams, the depth, the size', () => {
  const log = new EventLog();
  const ph: XmlElement[] = [];
  const outer = enc.encode('<r><s>aaaa<p/>bbbb</s></r>');
  parse(outer, logging(log, (el) => el.local === 'p' && ph.push(el)));
  const replay = (fragment: string, limits: Partial<XmlLimits>): string[] => {
    const frag = new EventLog();
    const head = checkFragment(enc.encode(fragment), [], 'content', limits, frag);
    const delta = enc.encode(fragment).length - 4;
    return outcome((h) => replayEvents(log, h, { length: outer.length + delta, splices: [{ element: ph[0]!, log: frag, shift: 10 - head }], mapOffset: (p) => (p >= 14 ? p + delta : p), limits }));
  };
  const whole = (fragment: string, limits: Partial<XmlLimits>): string[] => outcome((h) => parse(enc.encode(`<r><s>aaaa${fragment}bbbb</s></r>`), h, limits));
  for (const [fragment, limits] of [['cccc', { maxTextLength: 10 }], ['cc', { maxTextLength: 10 }], ['<q><q/></q>', { maxDepth: 3 }], ['<q/>', { maxDepth: 3 }], ['cccc', { maxBytes: 25 }], ['cccc', { maxBytes: 26 }]] as const) {
    const expected = whole(fragment, limits);
    assert.deepEqual(replay(fragment, limits), expected, `${fragment} ${JSON.stringify(limits)}`);
  }
  assert.match(whole('cccc', { maxTextLength: 10 }).at(-1)!, /XML_LIMIT/);
  assert.match(whole('<q><q/></q>', { maxDepth: 3 }).at(-1)!, /XML_LIMIT/);
  assert.match(whole('cccc', { maxBytes: 25 }).at(-1)!, /XML_LIMIT/);
});
