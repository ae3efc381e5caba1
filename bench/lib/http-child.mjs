// A server in a process of its own for bench/speed.mjs's HTTP rows, so the load
// client and the server each get a core:
//   node bench/lib/http-child.mjs bare       a bare node:http server answering a fixed JSON body
//   node bench/lib/http-child.mjs slotguard  the Node host (SQLite store, Stripe faked
//                                            in-process) with one event and one reservation
// Prints one JSON line on stdout: {url, paths: {event, reservation, slots}}, then serves
// until killed.
import { createServer } from 'node:http';
import { BENCH_ADMIN_TOKEN, DAY, iso, startEngine } from './engine-host.mjs';

const mode = process.argv[2];

if (mode === 'bare') {
  const body = Buffer.from(JSON.stringify({ event: { id: 'bench', expert_id: 'bench-expert', title: 'Bench', duration_minutes: 15 } }));
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
  server.keepAliveTimeout = 65000;
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    const url = `http://127.0.0.1:${port}`;
    console.log(JSON.stringify({ url, paths: { event: '/', reservation: '/', slots: '/' } }));
  });
} else if (mode === 'slotguard') {
  const e = await startEngine({ store: process.argv[3] || 'sqlite' });
  await e.putEvent('speed-http', 'speed-http-expert');
  const r = await e.hold('speed-http', 40, 1);
  if (r.status !== 201) throw new Error(`seed hold: ${r.status}`);
  const reservation = JSON.parse(Buffer.from(r.body).toString()).reservation.id;
  const url = await e.sg.listen(0, '127.0.0.1');
  console.log(
    JSON.stringify({
      url,
      admin: BENCH_ADMIN_TOKEN,
      paths: {
        event: '/v1/events/speed-http',
        reservation: `/v1/reservations/${reservation}`,
        slots: `/v1/events/speed-http/slots?from=${iso(e.day0)}&to=${iso(e.day0 + DAY)}`,
      },
    }),
  );
} else {
  console.error('usage: http-child.mjs bare|slotguard [sqlite|memory]');
  process.exit(2);
}
