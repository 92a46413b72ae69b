import { gzipSync } from 'node:zlib'

// The hostile corpus: requests real clients and attackers send, as data, each with the answer it must get.
//
// Every case is sent as raw bytes to a real process (test/helpers/raw-http.ts), so what reaches the server is
// exactly what is written here: no client library fixes up paths, header names, bodies or encodings on the way.
// The expectation is decided per case. The rules behind the decisions:
// - A JSON body is validated strictly: wrong types, out-of-range values, unknown fields, non-objects -> 400 naming
//   the field. Bytes that are not UTF-8 are not JSON text (RFC 8259 section 8.1) -> 400, never a silent U+FFFD.
// - A `charset` parameter on application/json has no effect (RFC 8259 section 11): the body is UTF-8 or a 400.
// - Duplicate keys: ECMAScript's JSON.parse keeps the last one; the answer follows it consistently.
// - A query string is coerced ("12" is a length); a malformed percent-escape (%ff, %zz, %C0%AF) is not text the
//   client could have meant literally -> 400, like invalid UTF-8 in a body. Repeated parameters -> 400.
// - Paths are matched exactly: no case folding, no dot-segment or slash merging -> 404; traversal never serves a
//   file from outside the assets.
// - Methods a route does not have -> 404 or 405; methods HTTP/1.1 parsers refuse -> 400.
// - Headers over 16 KB in total -> 431. An Accept header that allows neither JSON nor text -> 406.
// - A bad X-Request-Id is replaced, never echoed.
// - Every error that carries a body is application/problem+json.

export interface HostileCase {
  name: string
  method: string
  path: string
  headers?: Array<[string, string]>
  body?: string | Buffer
  /** Send no Content-Length even though there is a body (for cases that frame the body themselves). */
  contentLength?: false
  /** The whole request as bytes, for what the fields above cannot express. */
  raw?: Buffer
  /** The status, or every acceptable status; 0 stands for "connection closed without an answer". */
  expect: number | number[]
  /** For 400 validation answers: a field that `errors[].field` must name. */
  field?: string
  /** A response header that must match (for example a replaced request id). */
  header?: [string, RegExp]
  /** Text that must not appear in the response (for example a file served by a traversal). */
  mustNotContain?: string
  /** The body must match (for example to show which of two duplicate keys won). */
  bodyMatch?: RegExp
}

const JSON_TYPE: [string, string] = ['Content-Type', 'application/json']
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

function post (name: string, path: string, body: string | Buffer, expect: number | number[], field?: string, headers: Array<[string, string]> = [JSON_TYPE]): HostileCase {
  return { name, method: 'POST', path, headers, body, expect, ...(field === undefined ? {} : { field }) }
}

function get (name: string, path: string, expect: number | number[], field?: string, headers: Array<[string, string]> = []): HostileCase {
  return { name, method: 'GET', path, headers, expect, ...(field === undefined ? {} : { field }) }
}

const bytes = (...parts: Array<string | number[]>): Buffer => Buffer.concat(parts.map((part) => typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part)))

// --- JSON bodies: wrong types and values, field by field ---

const lengthValues: Array<[string, number | number[]]> = [
  ['"12"', 400], ['true', 400], ['null', 400], ['[]', 400], ['{}', 400], ['[12]', 400], ['{"$gt":4}', 400],
  ['1.5', 400], ['-1', 400], ['0', 400], ['-0', 400], ['3', 400], ['129', 400], ['1e309', 400], ['-1e309', 400],
  ['1e21', 400], ['9007199254740993', 400], ['"NaN"', 400], ['"Infinity"', 400], ['"-Infinity"', 400], ['""', 400],
  ['1' + '0'.repeat(400), 400], ['4', 200], ['128', 200], ['12.0', 200], ['1e1', 200]
]
const booleanValues = ['"true"', '"false"', '1', '0', 'null', '[]', '{}', '[true]', '"yes"']
const BOOLEAN_FIELDS = ['uppercase', 'lowercase', 'digits', 'symbols', 'excludeAmbiguous', 'requireEachClass']

const passwordBodies: HostileCase[] = [
  ...lengthValues.map(([value, expect]) => post(`generate length ${value.slice(0, 24)}`, '/api/generate', `{"length":${value}}`, expect, expect === 400 ? 'length' : undefined)),
  ...BOOLEAN_FIELDS.flatMap((field) => booleanValues.map((value) => post(`generate ${field} ${value}`, '/api/generate', `{"${field}":${value}}`, 400, field))),
  ...['1', 'true', '[]', '{}', 'null', '["a"]'].map((value) => post(`generate exclude ${value}`, '/api/generate', `{"exclude":${value}}`, 400, 'exclude')),
  post('generate exclude of 257 characters', '/api/generate', JSON.stringify({ exclude: 'x'.repeat(257) }), 400, 'exclude'),
  post('generate exclude of 256 characters', '/api/generate', JSON.stringify({ exclude: 'x'.repeat(256) }), 200),
  post('generate exclude every lowercase letter with only lowercase', '/api/generate', JSON.stringify({ uppercase: false, digits: false, symbols: false, exclude: 'abcdefghijklmnopqrstuvwxyz' }), 400, 'exclude'),
  post('generate no class at all', '/api/generate', JSON.stringify({ uppercase: false, lowercase: false, digits: false, symbols: false }), 400, 'lowercase'),
  post('generate exclude with a lone surrogate escape', '/api/generate', '{"exclude":"\\ud800abc"}', 200),
  post('generate exclude with NUL and control escapes', '/api/generate', '{"exclude":"\\u0000\\n\\r\\t"}', 200),
  ...['0', '101', '-1', '1.5', '"1"', '1e309', 'null', '[1]'].map((value) => post(`generate count ${value}`, '/api/generate', `{"count":${value}}`, 400, 'count')),
  post('generate count 100 length 128', '/api/generate', '{"count":100,"length":128}', 200),
  post('generate unknown field', '/api/generate', '{"foo":1}', 400, 'foo'),
  post('generate field in the wrong case', '/api/generate', '{"Length":12}', 400, 'Length'),
  post('generate field name with a trailing space', '/api/generate', '{"length ":12}', 400, 'length '),
  post('generate nested options object', '/api/generate', '{"options":{"length":5}}', 400, 'options'),
  post('generate deeply nested unknown field', '/api/generate', '{"a":' + '{"a":'.repeat(300) + '1' + '}'.repeat(301), 400, 'a'),
  post('generate deeply nested array', '/api/generate', '['.repeat(1500) + ']'.repeat(1500), 400),
  post('generate top-level array', '/api/generate', '[]', 400),
  post('generate top-level string', '/api/generate', '"length"', 400),
  post('generate top-level number', '/api/generate', '12', 400),
  post('generate top-level true', '/api/generate', 'true', 400),
  // JSON null is what JSON.stringify(null) sends for "no options": the route treats it as no body, i.e. the defaults.
  post('generate top-level null', '/api/generate', 'null', 200),
  post('generate old body', '/api/generate', '{"length":16,"uppercase":true,"lowercase":true,"digits":true,"symbols":false}', 200),
  post('generate with a UTF-8 BOM', '/api/generate', '\ufeff{"length":16}', [200, 400]),
  // Prototype pollution attempts: rejected by the JSON parser (secure-json-parse) or by the schema.
  post('generate __proto__ at top level', '/api/generate', '{"__proto__":{"length":5}}', 400),
  post('generate __proto__ null', '/api/generate', '{"__proto__":null}', 400),
  post('generate __proto__ nested', '/api/generate', '{"x":{"__proto__":{"polluted":true}}}', 400),
  post('generate __proto__ escaped', '/api/generate', '{"\\u005f_proto__":{"polluted":true}}', 400),
  post('generate constructor.prototype', '/api/generate', '{"constructor":{"prototype":{"polluted":true}}}', 400),
  post('generate constructor nested', '/api/generate', '{"x":{"constructor":{"prototype":{"polluted":true}}}}', 400),
  post('generate prototype key', '/api/generate', '{"prototype":{"polluted":true}}', 400, 'prototype'),
  post('generate constructor as a plain value', '/api/generate', '{"constructor":1}', 400, 'constructor'),
  post('generate hasOwnProperty key', '/api/generate', '{"hasOwnProperty":1}', 400, 'hasOwnProperty'),
  post('generate toString key', '/api/generate', '{"toString":"x"}', 400, 'toString'),
  // Duplicate keys: the last one counts, consistently (checked below via the length of the answer).
  { ...post('generate duplicate length, last valid', '/api/generate', '{"length":"6","length":6}', 200), bodyMatch: /"length":6,/ },
  { ...post('generate duplicate length, both valid', '/api/generate', '{"length":5,"length":7}', 200), bodyMatch: /"length":7,/ },
  post('generate duplicate length, last invalid', '/api/generate', '{"length":6,"length":"6"}', 400, 'length'),
  post('generate duplicate unknown key', '/api/generate', '{"foo":1,"foo":2}', 400, 'foo'),
  post('generate duplicate __proto__', '/api/generate', '{"__proto__":{},"__proto__":{}}', 400),
  // Not JSON at all.
  post('generate truncated JSON', '/api/generate', '{"length":', 400),
  post('generate single quotes', '/api/generate', "{'length':12}", 400),
  post('generate trailing comma', '/api/generate', '{"length":12,}', 400),
  post('generate comment', '/api/generate', '{/* c */"length":12}', 400),
  post('generate bare NaN', '/api/generate', '{"length":NaN}', 400),
  post('generate bare Infinity', '/api/generate', '{"length":Infinity}', 400),
  post('generate hex number', '/api/generate', '{"length":0x10}', 400),
  post('generate leading zero', '/api/generate', '{"length":012}', 400),
  post('generate unquoted key', '/api/generate', '{length:12}', 400),
  post('generate two JSON texts', '/api/generate', '{}{}', 400),
  post('generate NUL byte after the JSON', '/api/generate', '{}\u0000', 400),
  post('generate empty body with JSON type', '/api/generate', '', 400),
  post('generate whitespace body', '/api/generate', '   ', 400)
]

// --- JSON bodies for passphrases ---

const passphraseBodies: HostileCase[] = [
  ...[['"6"', 'words'], ['2', 'words'], ['21', 'words'], ['6.5', 'words'], ['null', 'words'], ['[6]', 'words'], ['-6', 'words'], ['1e309', 'words']]
    .map(([value, field]) => post(`passphrase words ${value}`, '/api/passphrase', `{"words":${value}}`, 400, field)),
  post('passphrase separator number', '/api/passphrase', '{"separator":1}', 400, 'separator'),
  post('passphrase separator null', '/api/passphrase', '{"separator":null}', 400, 'separator'),
  post('passphrase separator array', '/api/passphrase', '{"separator":["-"]}', 400, 'separator'),
  post('passphrase separator of 9 characters', '/api/passphrase', '{"separator":"123456789"}', 400, 'separator'),
  post('passphrase separator of 8 emoji', '/api/passphrase', JSON.stringify({ separator: '😀'.repeat(8) }), 200),
  post('passphrase separator of 9 emoji', '/api/passphrase', JSON.stringify({ separator: '😀'.repeat(9) }), 400, 'separator'),
  post('passphrase empty separator', '/api/passphrase', '{"separator":""}', 200),
  post('passphrase separator CRLF (would split the text/plain lines)', '/api/passphrase', '{"separator":"\\r\\n"}', 400, 'separator'),
  post('passphrase capitalize "true"', '/api/passphrase', '{"capitalize":"true"}', 400, 'capitalize'),
  post('passphrase includeNumber 1', '/api/passphrase', '{"includeNumber":1}', 400, 'includeNumber'),
  post('passphrase count 0', '/api/passphrase', '{"count":0}', 400, 'count'),
  post('passphrase count 101', '/api/passphrase', '{"count":101}', 400, 'count'),
  post('passphrase unknown field', '/api/passphrase', '{"wordlist":"mine"}', 400, 'wordlist'),
  post('passphrase __proto__', '/api/passphrase', '{"__proto__":{"words":3}}', 400),
  post('passphrase all options', '/api/passphrase', '{"words":20,"separator":" ","capitalize":true,"includeNumber":true,"count":100}', 200)
]

// --- Bytes that are not UTF-8, in a JSON body ---

const invalidUtf8Bodies: HostileCase[] = [
  post('passphrase separator byte FF', '/api/passphrase', bytes('{"separator":"', [0xff], '"}'), 400),
  post('passphrase separator overlong slash C0 AF', '/api/passphrase', bytes('{"separator":"', [0xc0, 0xaf], '"}'), 400),
  post('passphrase separator encoded surrogate ED A0 80', '/api/passphrase', bytes('{"separator":"', [0xed, 0xa0, 0x80], '"}'), 400),
  post('passphrase separator truncated sequence E2 82', '/api/passphrase', bytes('{"separator":"', [0xe2, 0x82], '"}'), 400),
  post('generate exclude Latin-1 byte A7', '/api/generate', bytes('{"exclude":"', [0xa7], '"}'), 400),
  post('generate exclude continuation byte 80', '/api/generate', bytes('{"exclude":"', [0x80], '"}'), 400),
  post('generate key with byte FE', '/api/generate', bytes('{"', [0xfe], '":1}'), 400),
  post('generate UTF-16LE body', '/api/generate', Buffer.from('{"length":12}', 'utf16le'), 400),
  post('generate Latin-1 body declared as latin1', '/api/passphrase', bytes('{"separator":"', [0xa7], '"}'), 400, undefined, [['Content-Type', 'application/json; charset=latin1']])
]

// --- Sizes ---

const sizes: HostileCase[] = [
  post('generate body of 4,097 bytes', '/api/generate', `{"exclude":"${'x'.repeat(4097 - 14)}"}`, 413),
  post('generate body of 100 KB', '/api/generate', `{"exclude":"${'x'.repeat(100_000)}"}`, 413),
  post('passphrase body of 5,000 bytes', '/api/passphrase', `{"separator":"${' '.repeat(4980)}"}`, 413),
  { name: 'generate Content-Length of 1 MB, body never sent', method: 'POST', path: '/api/generate', headers: [JSON_TYPE, ['Content-Length', '1000000']], expect: 413 },
  // The rest of the body is read as a second request, which is garbage: either answer may come first.
  { name: 'generate Content-Length shorter than the body', method: 'POST', path: '/api/generate', headers: [JSON_TYPE, ['Content-Length', '2']], body: '{}{"length":5}', contentLength: false, expect: [200, 400] },
  { name: 'generate negative Content-Length', method: 'POST', path: '/api/generate', headers: [JSON_TYPE, ['Content-Length', '-1']], body: '{}', contentLength: false, expect: 400 },
  { name: 'generate non-numeric Content-Length', method: 'POST', path: '/api/generate', headers: [JSON_TYPE, ['Content-Length', 'abc']], body: '{}', contentLength: false, expect: 400 },
  { name: 'generate two different Content-Lengths', method: 'POST', path: '/api/generate', headers: [JSON_TYPE, ['Content-Length', '2'], ['Content-Length', '3']], body: '{} ', contentLength: false, expect: 400 },
  { name: 'generate Content-Length and chunked together', method: 'POST', path: '/api/generate', headers: [JSON_TYPE, ['Transfer-Encoding', 'chunked'], ['Content-Length', '2']], body: '2\r\n{}\r\n0\r\n\r\n', contentLength: false, expect: 400 },
  { name: 'generate chunked body, complete', method: 'POST', path: '/api/generate', headers: [JSON_TYPE, ['Transfer-Encoding', 'chunked']], body: '6\r\n{"leng\r\n7\r\nth":16}\r\n0\r\n\r\n', contentLength: false, expect: 200 },
  { name: 'generate chunked body over BODY_LIMIT', method: 'POST', path: '/api/generate', headers: [JSON_TYPE, ['Transfer-Encoding', 'chunked']], body: `1000\r\n${'x'.repeat(4096)}\r\n1000\r\n${'x'.repeat(4096)}\r\n0\r\n\r\n`, contentLength: false, expect: 413 },
  { name: 'generate bad chunk size', method: 'POST', path: '/api/generate', headers: [JSON_TYPE, ['Transfer-Encoding', 'chunked']], body: 'zz\r\n{}\r\n0\r\n\r\n', contentLength: false, expect: 400 },
  { name: 'generate Transfer-Encoding gzip', method: 'POST', path: '/api/generate', headers: [JSON_TYPE, ['Transfer-Encoding', 'gzip']], body: '{}', contentLength: false, expect: 400 }
]

// --- Content types ---

const contentTypes: HostileCase[] = [
  ...[
    ['text/plain', 415], ['text/plain; charset=utf-8', 415], ['application/x-www-form-urlencoded', 415],
    ['multipart/form-data; boundary=x', 415], ['application/json-seq', 415], ['application/xml', 415], ['text/json', 415],
    ['application/jsonp', 415], ['application/octet-stream', 415], ['*/*', 415], ['application/*', 415], ['garbage', 415],
    ['application/json; charset=latin1', 200], ['application/json; charset=utf-8', 200], ['application/json;charset=UTF-8', 200],
    ['Application/JSON', 200], ['application/json; boundary=x', 200]
  ].map(([type, expect]) => post(`generate Content-Type ${String(type)}`, '/api/generate', '{"length":16}', expect as number, undefined, [['Content-Type', type as string]])),
  post('generate no Content-Type with a body', '/api/generate', '{"length":16}', 415, undefined, []),
  post('generate empty Content-Type with a body', '/api/generate', '{"length":16}', [400, 415], undefined, [['Content-Type', '']]),
  post('generate form body with form type', '/api/generate', 'length=16', 415, undefined, [['Content-Type', 'application/x-www-form-urlencoded']]),
  post('generate multipart body', '/api/generate', '--x\r\nContent-Disposition: form-data; name="length"\r\n\r\n16\r\n--x--\r\n', 415, undefined, [['Content-Type', 'multipart/form-data; boundary=x']]),
  post('passphrase text/plain', '/api/passphrase', '{}', 415, undefined, [['Content-Type', 'text/plain']]),
  post('passphrase no Content-Type', '/api/passphrase', '{}', 415, undefined, []),
  { name: 'generate POST without a body or type', method: 'POST', path: '/api/generate', expect: 200 },
  { name: 'passphrase POST with Content-Length 0 and no type', method: 'POST', path: '/api/passphrase', headers: [['Content-Length', '0']], expect: 200 },
  post('generate Expect 100-continue', '/api/generate', '{"length":16}', 200, undefined, [JSON_TYPE, ['Expect', '100-continue']]),
  post('generate unknown Expect', '/api/generate', '{}', 417, undefined, [JSON_TYPE, ['Expect', 'something-else']]),
  // Content-Encoding is not interpreted: a plain body passes as what it is, a compressed one is not JSON.
  post('generate gzip Content-Encoding on a plain body', '/api/generate', '{}', [200, 400, 415], undefined, [JSON_TYPE, ['Content-Encoding', 'gzip']]),
  post('generate gzip Content-Encoding on a gzip body', '/api/generate', gzipSync('{"length":16}'), [400, 415], undefined, [JSON_TYPE, ['Content-Encoding', 'gzip']])
]

// --- Query strings ---

const queries: HostileCase[] = [
  get('query length empty and 5', '/api/generate?length=&length=5', 400, 'length'),
  get('query length twice', '/api/generate?length=5&length=6', 400, 'length'),
  get('query =', '/api/generate?=', 400),
  get('query bare length', '/api/generate?length', 400, 'length'),
  get('query length empty', '/api/generate?length=', 400, 'length'),
  get('query only separators', '/api/generate?&&&', 200),
  get('query ?', '/api/generate?', 200),
  get('query length NaN', '/api/generate?length=NaN', 400, 'length'),
  get('query length Infinity', '/api/generate?length=Infinity', 400, 'length'),
  get('query length -Infinity', '/api/generate?length=-Infinity', 400, 'length'),
  get('query length 1e309', '/api/generate?length=1e309', 400, 'length'),
  get('query length 12abc', '/api/generate?length=12abc', 400, 'length'),
  get('query length -5', '/api/generate?length=-5', 400, 'length'),
  get('query length 5.5', '/api/generate?length=5.5', 400, 'length'),
  get('query length 200', '/api/generate?length=200', 400, 'length'),
  get('query length 16', '/api/generate?length=16', 200),
  get('query length 1e1 (coerced)', '/api/generate?length=1e1', 200),
  get('query length +12 (coerced)', '/api/generate?length=%2B12', 200),
  get('query uppercase 1', '/api/generate?uppercase=1', 400, 'uppercase'),
  get('query uppercase yes', '/api/generate?uppercase=yes', 400, 'uppercase'),
  get('query uppercase empty', '/api/generate?uppercase=', 400, 'uppercase'),
  get('query uppercase TRUE', '/api/generate?uppercase=TRUE', 400, 'uppercase'),
  get('query symbols false', '/api/generate?symbols=false', 200),
  get('query exclude empty', '/api/generate?exclude=', 200),
  get('query exclude twice', '/api/generate?exclude=a&exclude=b', 400, 'exclude'),
  get('query exclude[]', '/api/generate?exclude[]=a', 400, 'exclude[]'),
  get('query exclude of 257 characters', `/api/generate?exclude=${'x'.repeat(257)}`, 400, 'exclude'),
  get('query count 101', '/api/generate?count=101', 400, 'count'),
  get('query count 100 length 128', '/api/generate?count=100&length=128', 200),
  get('query __proto__', '/api/generate?__proto__=x', 400, '__proto__'),
  get('query __proto__[polluted]', '/api/generate?__proto__[polluted]=1', 400),
  get('query constructor', '/api/generate?constructor=x', 400, 'constructor'),
  get('query constructor[prototype][polluted]', '/api/generate?constructor[prototype][polluted]=1', 400),
  get('query LENGTH', '/api/generate?LENGTH=12', 400, 'LENGTH'),
  get('query semicolon separated', '/api/generate?length=12;symbols=false', 400, 'length'),
  get('query unknown field', '/api/generate?foo=bar', 400, 'foo'),
  get('query fragment sent on the wire', '/api/generate#frag', [400, 404]),
  get('query exclude %ff', '/api/generate?exclude=%ff', 400),
  get('query exclude %zz', '/api/generate?exclude=%zz', 400),
  get('query key %zz', '/api/generate?%zz=1', 400),
  get('query exclude lone %', '/api/generate?exclude=%', 400),
  get('query separator %ff', '/api/passphrase?separator=%ff', 400),
  get('query separator overlong %C0%AF', '/api/passphrase?separator=%C0%AF', 400),
  get('query separator encoded surrogate %ED%A0%80', '/api/passphrase?separator=%ED%A0%80', 400),
  get('query separator %00 (a control character)', '/api/passphrase?separator=%00', 400),
  get('query separator space', '/api/passphrase?separator=%20', 200),
  get('query separator + as space', '/api/passphrase?separator=+', 200),
  get('query separator of 9 characters', '/api/passphrase?separator=123456789', 400, 'separator'),
  get('query words 2', '/api/passphrase?words=2', 400, 'words'),
  get('query words 21', '/api/passphrase?words=21', 400, 'words'),
  get('query words twice', '/api/passphrase?words=5&words=6', 400, 'words'),
  get('query capitalize 1', '/api/passphrase?capitalize=1', 400, 'capitalize'),
  get('query includeNumber true', '/api/passphrase?includeNumber=true&capitalize=true&words=3', 200),
  get('query euro sign in UTF-8', '/api/passphrase?separator=%E2%82%AC', 200),
  get('query of 8,000 characters', `/api/generate?exclude=${'%41'.repeat(2600)}`, 400, 'exclude'),
  { name: 'query raw byte FF on the wire', method: 'GET', path: '/api/passphrase?separator=\u00ff', expect: 400 },
  { name: 'query raw bytes C3 A9 on the wire', method: 'GET', path: '/api/passphrase?separator=\u00c3\u00a9', expect: 400 }
]

// --- Paths ---

const paths: HostileCase[] = [
  get('path trailing slash', '/api/generate/', 404),
  get('path double leading slash', '//api/generate', 404),
  get('path dot-dot segment', '/api/../api/generate', 404),
  get('path dot segment', '/api/./generate', 404),
  get('path upper case', '/API/GENERATE', 404),
  get('path %00', '/api/generate%00', 404),
  get('path ;x', '/api/generate;x', 404),
  get('path encoded slash %2F', '/api%2Fgenerate', 404),
  get('path encoded slash %2f', '/api%2fgenerate', 404),
  get('path encoded dot-dot', '/api/%2e%2e/api/generate', 404),
  get('path backslashes', '/api\\generate', [400, 404]),
  get('path trailing %20', '/api/generate%20', 404),
  get('path of 8,000 characters', '/' + 'a'.repeat(8000), 404),
  get('path of 20,000 characters', '/' + 'a'.repeat(20_000), 431),
  get('path malformed escape under /docs', '/docs/%zz', [400, 404]),
  get('path overlong escape under /docs', '/docs/%c0%af', [400, 404]),
  { ...get('path traversal via /docs/static', '/docs/static/../../package.json', [400, 403, 404]), mustNotContain: 'devDependencies' },
  { ...get('path encoded traversal via /docs/static', '/docs/static/%2e%2e/%2e%2e/package.json', [400, 403, 404]), mustNotContain: 'devDependencies' },
  { ...get('path encoded-slash traversal via /docs/static', '/docs/static/..%2f..%2fpackage.json', [400, 403, 404]), mustNotContain: 'devDependencies' },
  { ...get('path traversal to /etc/passwd', '/docs/static/../../../../../../etc/passwd', [400, 403, 404]), mustNotContain: 'root:' },
  { ...get('path traversal at the root', '/../package.json', [400, 403, 404]), mustNotContain: 'devDependencies' },
  { ...get('path encoded traversal at the root', '/%2e%2e/%2e%2e/package.json', [400, 403, 404]), mustNotContain: 'devDependencies' },
  { ...get('path source file', '/src/app.ts', [400, 403, 404]), mustNotContain: 'buildApp' },
  { ...get('path dotfile', '/.env', [400, 403, 404]) },
  { ...get('path .git', '/.git/config', [400, 403, 404]), mustNotContain: '[core]' },
  get('path absolute-form', 'http://127.0.0.1/api/generate', 200),
  get('path asterisk-form on GET', '*', [200, 400, 404]),
  get('path /docs/json', '/docs/json', 200),
  get('path health with a query', '/health?verbose=1', 200),
  get('path metrics with a query', '/metrics?x=1', 200)
]

// --- Methods ---

const methods: HostileCase[] = [
  ...['PUT', 'DELETE', 'PATCH', 'TRACE', 'PROPFIND', 'MKCOL', 'SEARCH', 'PURGE', 'LINK', 'UNLOCK'].map((method): HostileCase => ({
    name: `method ${method}`, method, path: '/api/generate', headers: [JSON_TYPE, ['X-Canary', 'trace-me']], body: '{}', expect: [404, 405], mustNotContain: 'trace-me'
  })),
  { name: 'method OPTIONS without CORS', method: 'OPTIONS', path: '/api/generate', expect: [204, 404, 405] },
  { name: 'method OPTIONS preflight without CORS', method: 'OPTIONS', path: '/api/generate', headers: [['Origin', 'https://evil.example'], ['Access-Control-Request-Method', 'POST']], expect: [204, 404, 405], header: ['access-control-allow-origin', /^$/] },
  { name: 'method HEAD /api/generate', method: 'HEAD', path: '/api/generate', expect: 200 },
  { name: 'method HEAD /api/passphrase', method: 'HEAD', path: '/api/passphrase', expect: 200 },
  { name: 'method HEAD /health/live', method: 'HEAD', path: '/health/live', expect: 200 },
  { name: 'method POST on a GET-only route', method: 'POST', path: '/health/live', headers: [JSON_TYPE], body: '{}', expect: [404, 405] },
  { name: 'method GET with a JSON body', method: 'GET', path: '/api/generate?length=16', headers: [JSON_TYPE], body: '{"length":5}', expect: [200, 400] },
  { name: 'method override header is ignored', method: 'POST', path: '/api/generate', headers: [JSON_TYPE, ['X-HTTP-Method-Override', 'DELETE']], body: '{}', expect: 200 },
  { name: 'method unknown FOO', method: 'FOO', path: '/api/generate', expect: 400 },
  { name: 'method lower-case get', method: 'get', path: '/api/generate', expect: 400 },
  // Node hands CONNECT to a 'connect' listener; without one the connection is simply closed.
  { name: 'method CONNECT', method: 'CONNECT', path: '127.0.0.1:80', expect: [0, 400, 404, 405] }
]

// --- Headers ---

const headerCases: HostileCase[] = [
  get('header of 17 KB', '/api/generate', 431, undefined, [['X-Big', 'a'.repeat(17_000)]]),
  get('headers of 32 KB in total', '/api/generate', 431, undefined, Array.from({ length: 32 }, (_, i): [string, string] => [`X-H${i}`, 'b'.repeat(1000)])),
  get('500 small headers', '/api/generate', 200, undefined, Array.from({ length: 500 }, (_, i): [string, string] => [`X-${i}`, '1'])),
  get('3,000 tiny headers', '/api/generate', [200, 431], undefined, Array.from({ length: 3000 }, (_, i): [string, string] => [`X${i}`, ''])),
  get('Accept image/png', '/api/generate', 406, undefined, [['Accept', 'image/png']]),
  get('Accept text/html', '/api/passphrase', 406, undefined, [['Accept', 'text/html']]),
  get('Accept punctuation only', '/api/generate', 406, undefined, [['Accept', ';;;,,,']]),
  get('Accept json and text with q=0', '/api/generate', 406, undefined, [['Accept', 'application/json;q=0, text/plain;q=0']]),
  get('Accept of 8,000 characters', '/api/generate', 406, undefined, [['Accept', 'x/'.repeat(4000)]]),
  get('Accept */*', '/api/generate', 200, undefined, [['Accept', '*/*']]),
  { ...get('Accept text/*', '/api/passphrase', 200, undefined, [['Accept', 'text/*']]), header: ['content-type', /^text\/plain/] },
  get('Accept with a bad q value', '/api/generate', [200, 406], undefined, [['Accept', 'application/json;q=abc']]),
  get('Accept empty', '/api/generate', 200, undefined, [['Accept', '']]),
  post('Accept image/png on POST', '/api/generate', '{}', 406, undefined, [JSON_TYPE, ['Accept', 'image/png']]),
  { ...get('X-Request-Id with markup', '/api/generate', 200, undefined, [['X-Request-Id', '<script>alert(1)</script>']]), header: ['x-request-id', UUID] },
  { ...get('X-Request-Id with spaces', '/api/generate', 200, undefined, [['X-Request-Id', 'a b c']]), header: ['x-request-id', UUID] },
  { ...get('X-Request-Id of 200 characters', '/api/generate', 200, undefined, [['X-Request-Id', 'r'.repeat(200)]]), header: ['x-request-id', UUID] },
  { ...get('X-Request-Id with a JSON fragment', '/api/generate', 200, undefined, [['X-Request-Id', '","level":60,"msg":"forged']]), header: ['x-request-id', UUID] },
  { ...get('X-Request-Id with a raw byte FF', '/api/generate', 200, undefined, [['X-Request-Id', 'id-\u00ff']]), header: ['x-request-id', UUID] },
  { ...get('X-Request-Id twice', '/api/generate', 200, undefined, [['X-Request-Id', 'first'], ['X-Request-Id', 'second']]), header: ['x-request-id', /^(first|second|[0-9a-f-]{36})$/] },
  { ...get('X-Request-Id empty', '/api/generate', 200, undefined, [['X-Request-Id', '']]), header: ['x-request-id', UUID] },
  { ...get('X-Request-Id sane', '/api/generate', 200, undefined, [['X-Request-Id', 'abc-123.def:ghi_4']]), header: ['x-request-id', /^abc-123\.def:ghi_4$/] },
  get('header NUL byte in a value', '/api/generate', 400, undefined, [['X-Nul', 'a\u0000b']]),
  get('header name with a space', '/api/generate', 400, undefined, [['X Bad', 'x']]),
  get('header space before the colon', '/api/generate', 400, undefined, [['X-Bad ', 'x']]),
  { name: 'header without a colon', method: 'GET', path: '/api/generate', raw: Buffer.from('GET /api/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nNoColonHere\r\nConnection: close\r\n\r\n', 'latin1'), expect: 400 },
  { name: 'header folded (obs-fold)', method: 'GET', path: '/api/generate', raw: Buffer.from('GET /api/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Fold: a\r\n b\r\nConnection: close\r\n\r\n', 'latin1'), expect: 400 },
  { name: 'no Host header on HTTP/1.1', method: 'GET', path: '/api/generate', raw: Buffer.from('GET /api/generate HTTP/1.1\r\nConnection: close\r\n\r\n', 'latin1'), expect: 400 },
  { name: 'two Host headers', method: 'GET', path: '/api/generate', raw: Buffer.from('GET /api/generate HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n', 'latin1'), expect: [200, 400] },
  get('Host with markup', '/api/generate', 200, undefined, [['Host', '<script>']]),
  get('X-Forwarded-For spoofed', '/api/generate', 200, undefined, [['X-Forwarded-For', '1.2.3.4, 127.0.0.1']]),
  get('Authorization on an open /metrics', '/metrics', 200, undefined, [['Authorization', 'Bearer corpus-canary-token']]),
  // A credential on a request that fails to parse must not reach the logs either (redaction covers parsed requests only).
  { name: 'Authorization on a malformed request', method: 'GET', path: '/metrics', raw: Buffer.from('GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer corpus-canary-token\r\nCookie: session=corpus-canary-token\r\nX Bad: 1\r\n\r\n', 'latin1'), expect: 400 },
  get('Cookie junk', '/api/generate', 200, undefined, [['Cookie', 'a=' + 'b'.repeat(2000) + '; __proto__=x']]),
  get('Range header', '/api/generate', 200, undefined, [['Range', 'bytes=0-1']]),
  get('Accept-Encoding junk', '/api/generate', 200, undefined, [['Accept-Encoding', 'gzip;q=abc, *;q=2, br']])
]

// --- Request lines that are not HTTP/1.1 ---

const requestLines: HostileCase[] = [
  { name: 'line garbage', method: 'GET', path: '', raw: Buffer.from('HELLO\r\n\r\n', 'latin1'), expect: 400 },
  { name: 'line HTTP/2 preface', method: 'GET', path: '', raw: Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'), expect: 400 },
  { name: 'line HTTP/1.0 without Host', method: 'GET', path: '', raw: Buffer.from('GET /health/live HTTP/1.0\r\n\r\n', 'latin1'), expect: 200 },
  { name: 'line HTTP/0.9', method: 'GET', path: '', raw: Buffer.from('GET /health/live\r\n\r\n', 'latin1'), expect: [200, 400] },
  { name: 'line HTTP/3.0', method: 'GET', path: '', raw: Buffer.from('GET /health/live HTTP/3.0\r\nHost: x\r\n\r\n', 'latin1'), expect: [400, 505] },
  { name: 'line TLS ClientHello on plain HTTP', method: 'GET', path: '', raw: Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03, 0x0d, 0x0a, 0x0d, 0x0a]), expect: 400 },
  { name: 'line bare LF line endings', method: 'GET', path: '', raw: Buffer.from('GET /health/live HTTP/1.1\nHost: x\nConnection: close\n\n', 'latin1'), expect: [200, 400] },
  { name: 'line tab in the path', method: 'GET', path: '', raw: Buffer.from('GET /api/\tgenerate HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 'latin1'), expect: [400, 404] },
  { name: 'line two spaces', method: 'GET', path: '', raw: Buffer.from('GET  /api/generate HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 'latin1'), expect: [200, 400, 404] },
  { name: 'line NUL byte in the path', method: 'GET', path: '', raw: Buffer.from('GET /api/gen\u0000erate HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 'latin1'), expect: 400 }
]

export const CORPUS: readonly HostileCase[] = [
  ...passwordBodies,
  ...passphraseBodies,
  ...invalidUtf8Bodies,
  ...sizes,
  ...contentTypes,
  ...queries,
  ...paths,
  ...methods,
  ...headerCases,
  ...requestLines
]

/** Text that must never reach a client or a log line: stack frames, our file layout, internal error classes. */
export const LEAK_PATTERNS: ReadonlyArray<[string, RegExp]> = [
  ['stack frame', /\n\s+at |\\n\s+at |^\s+at \S/m],
  ['/work/ path', /\/work\//],
  ['node_modules path', /node_modules/],
  ['source path', /(^|[^\w])(src|plugins|routes)\/[\w/-]+\.(ts|js)/],
  ['.ts: location', /\.ts:\d+/],
  ['node internal module', /node:internal|node:_http/],
  ['internal error class', /\b(TypeError|RangeError|SyntaxError|ReferenceError|GeneratorError|HttpProblem|FastifyError|AjvError|ValidationError)\b/],
  // The raw bytes of a request that failed to parse: its headers (Authorization, Cookie) unredacted, its body.
  ['raw request bytes', /rawPacket/],
  ['canary credential', /corpus-canary-token/]
]

/** Also never sent to a client (logs may carry them for operators): the framework's and the parser's error codes. */
export const CLIENT_LEAK_PATTERNS: ReadonlyArray<[string, RegExp]> = [
  ...LEAK_PATTERNS,
  ['Fastify error code', /FST_ERR_\w+/],
  ['llhttp error code', /HPE_\w+/]
]

/** The leaks `text` contains, by name. */
export function leaksIn (text: string, patterns: ReadonlyArray<[string, RegExp]> = LEAK_PATTERNS): string[] {
  return patterns.filter(([, pattern]) => pattern.test(text)).map(([name]) => name)
}
