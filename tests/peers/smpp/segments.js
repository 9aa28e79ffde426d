// Independent segment counter for the cross-check test: reads a JSON array of strings on stdin,
// writes a JSON array of {"encoding": "GSM-7"|"UCS-2", "segments": N} using the npm package
// `sms-segments-calculator` (Twilio's calculator).
'use strict';
const path = require('path');
const tools = process.env.QIKBERRY_TOOLS;
if (!tools) {
  console.error('QIKBERRY_TOOLS is not set');
  process.exit(2);
}
const { SegmentedMessage } = require(path.join(tools, 'node_modules', 'sms-segments-calculator'));
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => (input += c));
process.stdin.on('end', () => {
  const texts = JSON.parse(input);
  const out = texts.map((t) => {
    const m = new SegmentedMessage(t, 'auto');
    return { encoding: m.encodingName, segments: m.segmentsCount };
  });
  process.stdout.write(JSON.stringify(out));
});
