// SOAP 1.2 messages in the WCF shape (protocol.md message layout) of a chosen size, for the c14n benchmarks.

export const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';

const HEAD =
  `<s:Envelope xmlns:s="${SOAP12}" xmlns:a="http://www.w3.org/2005/08/addressing" xmlns:u="${WSU}"><s:Header>` +
  '<a:Action s:mustUnderstand="1">http://tempuri.org/IOrderService/Submit</a:Action>' +
  '<a:MessageID>urn:uuid:7b1c2f4e-3a5d-4e6f-8a9b-0c1d2e3f4a5b</a:MessageID>' +
  '<a:To s:mustUnderstand="1">https://localhost:8443/OrderService.svc</a:To>' +
  `<o:Security s:mustUnderstand="1" xmlns:o="${WSSE}"><u:Timestamp u:Id="_0"><u:Created>2024-02-14T02:07:04.784Z</u:Created>` +
  '<u:Expires>2024-02-14T02:12:04.784Z</u:Expires></u:Timestamp></o:Security></s:Header>' +
  '<s:Body u:Id="_1"><Submit xmlns="http://tempuri.org/"><order xmlns:d="http://schemas.datacontract.org/2004/07/Orders" ' +
  'xmlns:i="http://www.w3.org/2001/XMLSchema-instance">';
const TAIL = '</order></Submit></s:Body></s:Envelope>';

function item(n: number): string {
  return (
    `\n  <d:Line><d:Id>${n}</d:Id><d:Sku>SKU-${(n * 7919) % 100000}</d:Sku><d:Name>Widget ${n} &amp; spare parts</d:Name>` +
    `<d:Price currency="EUR">${(n % 997) + 0.5}</d:Price><d:Discount i:nil="true"/>` +
    `<d:Note xml:lang="de">Größe M, naïve café — ${n}</d:Note></d:Line>`
  );
}

/** A message whose UTF-8 size is close to (not above, past the fixed parts) `bytes`; the Body has `u:Id="_1"`. */
export function soapMessage(bytes: number): Uint8Array {
  const enc = new TextEncoder();
  const parts = [HEAD];
  let size = enc.encode(HEAD + TAIL).length;
  for (let n = 1; ; n++) {
    const it = item(n);
    const len = enc.encode(it).length;
    if (size + len > bytes && n > 1) break;
    parts.push(it);
    size += len;
  }
  parts.push(TAIL);
  return enc.encode(parts.join(''));
}
