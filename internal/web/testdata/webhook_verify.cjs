// Verifies real Teamfund deliveries with the Standard Webhooks reference library for
// Node (npm "standardwebhooks"), as a receiver would. Input: DELIVERIES names a JSON file
// {"secret": "whsec_...", "calls": [{"headers": {...}, "body": "..."}]}. Prints one
// "ok <type> <webhook-id>" line per delivery; exits 1 when one does not verify or when a
// tampered copy does.
const fs = require('fs');
const { Webhook } = require('standardwebhooks');

const input = JSON.parse(fs.readFileSync(process.env.DELIVERIES, 'utf8'));
const wh = new Webhook(input.secret);
let failed = false;
for (const call of input.calls) {
  const headers = {};
  for (const [k, v] of Object.entries(call.headers)) headers[k.toLowerCase()] = v[0];
  try {
    const payload = wh.verify(call.body, headers);
    console.log('ok', payload.type, headers['webhook-id']);
  } catch (err) {
    console.log('FAIL', headers['webhook-id'], err.message);
    failed = true;
  }
  try {
    wh.verify(call.body.replace('"data"', '"datA"'), headers);
    console.log('FAIL a tampered body verified', headers['webhook-id']);
    failed = true;
  } catch (err) {
    // as it should
  }
}
process.exit(failed ? 1 : 0);
