// The Stripe emulator in a process of its own, for bench/hold-latency.mjs: a call from
// the host to Stripe and a call from the bench to Stripe then both cross processes, as
// they would to the real Stripe. Prints its URL as the first line on stdout, then the
// first Checkout Session create it receives ({headers, body}, JSON) so the bench can
// replay it.
import { startBenchEmulator } from './targets.mjs';

const { emulator, url } = await startBenchEmulator();
let caught = false;
emulator.server.on('request', (req) => {
  if (caught || req.method !== 'POST' || req.url !== '/v1/checkout/sessions') return;
  caught = true;
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => process.stdout.write(`${JSON.stringify({ headers: req.headers, body: Buffer.concat(chunks).toString() })}\n`));
});
process.stdout.write(`${JSON.stringify({ url })}\n`);
process.on('SIGTERM', () => emulator.stop().then(() => process.exit(0)));
