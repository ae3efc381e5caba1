#!/usr/bin/env node
// Run the Stripe emulator standalone.
//
//   STRIPE_EMULATOR_PORT   (default 12111; 0 = any free port)
//   STRIPE_EMULATOR_HOST   (default 127.0.0.1)
//   STRIPE_EMULATOR_PUBLIC_URL  base URL for session.url / voucher links
//   STRIPE_EMULATOR_API_KEY     require this key on /v1 requests
//   STRIPE_WEBHOOK_URL, STRIPE_WEBHOOK_SECRET
//   STRIPE_WEBHOOK_RETRY_BASE_MS (default 1000), STRIPE_WEBHOOK_MAX_ATTEMPTS (default 8)
//
// Flags override the environment: --port N, --host H, --webhook-url U, --webhook-secret S.
import { createEmulator } from './index.js';

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unexpected argument: ${arg}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`missing value for --${m[1]}`);
    out[m[1]] = value;
  }
  return out;
}

function intFrom(value, name, fallback) {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${value}`);
  return n;
}

async function main() {
  const env = process.env;
  const args = parseArgs(process.argv.slice(2));
  if ('help' in args) {
    console.log('usage: slotguard-stripe-emulator [--port N] [--host H] [--webhook-url U] [--webhook-secret S]');
    return;
  }
  const port = intFrom(args.port ?? env.STRIPE_EMULATOR_PORT, 'port', 12111);
  const host = args.host ?? env.STRIPE_EMULATOR_HOST ?? '127.0.0.1';
  const emulator = createEmulator({
    webhookUrl: args['webhook-url'] ?? env.STRIPE_WEBHOOK_URL ?? undefined,
    webhookSecret: args['webhook-secret'] ?? env.STRIPE_WEBHOOK_SECRET ?? undefined,
    apiKey: env.STRIPE_EMULATOR_API_KEY || undefined,
    publicUrl: env.STRIPE_EMULATOR_PUBLIC_URL || undefined,
    webhookRetry: {
      baseDelayMs: intFrom(env.STRIPE_WEBHOOK_RETRY_BASE_MS, 'STRIPE_WEBHOOK_RETRY_BASE_MS', 1000),
      maxAttempts: intFrom(env.STRIPE_WEBHOOK_MAX_ATTEMPTS, 'STRIPE_WEBHOOK_MAX_ATTEMPTS', 8),
    },
  });
  const url = await emulator.start(port, host);
  console.log(`stripe-emulator listening on ${url}`);
  const cfg = emulator.webhooks.config();
  console.log(cfg.url ? `stripe-emulator webhooks -> ${cfg.url} (secret ${cfg.secret})` : `stripe-emulator webhooks: no endpoint configured (secret ${cfg.secret})`);

  let stopping = false;
  const shutdown = (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`stripe-emulator: ${signal}, stopping`);
    emulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
  // A taken port is the usual case: one line that says what to change, no stack.
  if (err.code === 'EADDRINUSE') console.error(`stripe-emulator: port ${err.port} is already in use; set STRIPE_EMULATOR_PORT (or --port) to another port`);
  else console.error(`stripe-emulator: ${err.message}`);
  process.exit(1);
});
