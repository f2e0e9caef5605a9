// Calls PocketBase's mail endpoints of the users collection through the official JS SDK
// (npm "pocketbase"), as an integrator would. BASE is the server's URL, EMAIL and
// PASSWORD a member's. Prints one JSON object: each call's outcome.
const PocketBase = require('pocketbase/cjs');

async function outcome(call) {
  try {
    const value = await call();
    return { ok: true, value: value === true ? true : null };
  } catch (err) {
    return { ok: false, status: err.status, message: err.response && err.response.message };
  }
}

(async () => {
  const pb = new PocketBase(process.env.BASE);
  const users = pb.collection('users');
  const out = {};
  out.reset = await outcome(() => users.requestPasswordReset(process.env.EMAIL));
  out.resetUnknown = await outcome(() => users.requestPasswordReset('nobody@acme.com'));
  out.verification = await outcome(() => users.requestVerification(process.env.EMAIL));
  out.otp = await outcome(() => users.requestOTP(process.env.EMAIL));
  await users.authWithPassword(process.env.EMAIL, process.env.PASSWORD);
  out.emailChange = await outcome(() => users.requestEmailChange('someone.else@acme.com'));
  console.log(JSON.stringify(out));
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
