// Why this file exists: the database fault suite (tests/db-faults/) needs the network
// between slotguard's hosts and PostgreSQL to fail the way real networks do, at the
// moment the test chooses: every connection reset at once, one connection lost after
// a commit reached the server but before its answer came back (the host cannot know
// whether it committed), and a link that stops carrying bytes for a while without
// closing (the host's own timeouts must end its calls). A small TCP proxy does
// that without any privilege, and it sees the bytes it carries, so it can tell a commit
// from a read.
//
// It knows one thing about PostgreSQL's wire protocol: what a commit looks like. The
// Node store commits with one statement, `SELECT slotguard_commit(...)`, in its own
// transaction (extended protocol: a Parse message carrying that text), or, on a
// connection whose default isolation is not READ COMMITTED, inside
// BEGIN ... COMMIT, where the simple query `COMMIT` is what makes it durable. See
// host-shims/node/src/postgres-store.js and host-shims/js-bridge/src/postgres-sql.js.
import net from 'node:net';

const COMMIT_CALL = Buffer.from('slotguard_commit(');
const QUERY_COMMIT = Buffer.from('COMMIT\0'); // the text of a simple-query ('Q') message
const QUERY_BEGIN = Buffer.from('BEGIN');

/**
 * Whether one client-to-server chunk carries a commit, and which kind: a
 * `slotguard_commit(` call outside BEGIN is a whole commit ('statement'); inside one,
 * the transaction's `COMMIT` is ('transaction'). The proxy keeps `inTransaction` per
 * connection.
 * @param {Buffer} chunk  @param {{inTransaction: boolean}} conn  @returns {'statement' | 'transaction' | null}
 */
export function pgCommitIn(chunk, conn) {
  // A simple query message: 'Q', int32 length, the text, NUL.
  const isQuery = (needle) => {
    const at = chunk.indexOf(needle);
    return at >= 5 && chunk[at - 5] === 0x51; // 'Q'
  };
  if (isQuery(QUERY_BEGIN)) conn.inTransaction = true;
  if (isQuery(QUERY_COMMIT)) {
    conn.inTransaction = false;
    return 'transaction';
  }
  return !conn.inTransaction && chunk.includes(COMMIT_CALL) ? 'statement' : null;
}

/**
 * @typedef {object} FaultProxyStats
 * @property {number} connections  connections accepted so far
 * @property {number} open  connections open now
 * @property {number} cut  connections cut by cutAll
 * @property {number} cutInTransaction  of those, the ones inside BEGIN ... COMMIT
 * @property {number} commitsCut  connections cut after a commit reached the server, before its answer
 * @property {number} commitsSent  commit-bearing chunks passed to the server
 * @property {number} heldCommits  commit-bearing chunks a stall held, delivered when it ended
 * @property {number} lateCommits  of those, the ones whose client had hung up meanwhile (it gave up on them) and
 *   whose server had not (they reached it)
 * @property {number} lateTransactionCommits  of those, the COMMITs of explicit transactions
 * @property {number} upstreamRefused  connections whose server could not be reached (it was down)
 *
 * @typedef {object} FaultProxy
 * @property {number} port  where the proxy listens (127.0.0.1)
 * @property {(url: string) => string} urlFor  the same postgres:// URL, through the proxy
 * @property {() => number} cutAll  resets every open connection now; answers how many
 * @property {(n: number) => void} cutOnCommit  the next n commits reach the server, and their connection is cut when its answer comes back
 * @property {() => number} armedCommitCuts  how many of those are still to come
 * @property {(ms: number) => Promise<void>} stall  holds every byte, both ways, on every connection (also new ones) for ms, then delivers them in order
 * @property {(ms: number, which?: (chunk: Buffer) => boolean) => Promise<void>} stallAtNextCommit  the same, from the
 *   moment the next commit (for which `which` holds, if given) arrives; it is held too. Resolves when the stall ends.
 * @property {() => FaultProxyStats} stats
 * @property {() => Promise<void>} close
 */

/**
 * Starts a proxy on 127.0.0.1 in front of `target`.
 * @param {{host: string, port: number}} target
 * @param {{commitIn?: (chunk: Buffer, conn: {inTransaction: boolean}) => string | null}} [options]
 * @returns {Promise<FaultProxy>}
 */
export async function startFaultProxy(target, { commitIn = pgCommitIn } = {}) {
  /** @type {FaultProxyStats} */
  const stats = {
    connections: 0, open: 0, cut: 0, cutInTransaction: 0, commitsCut: 0, commitsSent: 0, heldCommits: 0, lateCommits: 0, lateTransactionCommits: 0, upstreamRefused: 0,
  };
  /** @type {Set<Conn>} */
  const conns = new Set();
  let commitCuts = 0;
  /** @type {Promise<void> | null} */
  let stalled = null; // resolves when the stall ends
  /** @type {{ms: number, which: (chunk: Buffer) => boolean, resolve: () => void} | null} */
  let stallOnCommit = null;

  /**
   * One proxied connection. While the link is stalled, what either side sends (and a
   * side's hang-up) waits in `held`, in order, as it would in a network that lost
   * no byte but carried none for a while.
   * @typedef {{client: net.Socket, server: net.Socket, inTransaction: boolean, cutOnAnswer: boolean,
   *   held: Array<Item>, clientGone: boolean}} Conn
   * @typedef {{to: 'server' | 'client', chunk?: Buffer, end?: true, held?: true}} Item
   */

  /** Ends both sides at once, with a reset where the socket allows it. */
  function destroy(/** @type {Conn} */ c) {
    if (!conns.delete(c)) return;
    stats.open--;
    c.client.resetAndDestroy?.() ?? c.client.destroy();
    c.server.destroyed || (c.server.resetAndDestroy?.() ?? c.server.destroy());
  }

  /** Carries one chunk (or a hang-up) now; a stall holds it instead. */
  function carry(/** @type {Conn} */ c, /** @type {Item} */ item) {
    if (stalled) {
      c.held.push({ ...item, held: true });
      return;
    }
    if (item.to === 'server') {
      if (item.end) return void c.server.end();
      if (stallOnCommit && !item.held && stallOnCommit.which(item.chunk) && commitIn(item.chunk, { ...c })) {
        // The stall begins with this commit in the link: it lands when the stall ends.
        const { ms, resolve } = stallOnCommit;
        stallOnCommit = null;
        startStall(ms).then(resolve);
        return carry(c, item);
      }
      const kind = commitIn(item.chunk, c);
      if (kind) {
        stats.commitsSent++;
        if (item.held) stats.heldCommits++;
        if (item.held && c.clientGone && !c.server.destroyed) {
          stats.lateCommits++;
          if (kind === 'transaction') stats.lateTransactionCommits++;
        }
        if (commitCuts > 0) {
          commitCuts--;
          c.cutOnAnswer = true;
        }
      }
      c.server.write(item.chunk);
    } else {
      if (c.cutOnAnswer) {
        // The commit ran; its answer never reaches the host.
        stats.commitsCut++;
        return destroy(c);
      }
      if (item.end) return void c.client.end();
      c.client.write(item.chunk);
    }
  }

  /**
   * Holds every byte from now for `ms`, then delivers what each side sent, in order; a
   * side that hung up meanwhile still has its bytes delivered (a commit may land now,
   * long after its host gave up on it), then its connection ends.
   * @param {number} ms  @returns {Promise<void>}
   */
  function startStall(ms) {
    if (stalled) return stalled;
    stalled = new Promise((resolve) =>
      setTimeout(() => {
        stalled = null;
        for (const c of [...conns]) {
          const held = c.held.splice(0);
          for (const item of held) if (conns.has(c)) carry(c, item);
          if (c.clientGone || c.server.destroyed) {
            if (conns.has(c)) c.server.end();
            setTimeout(() => destroy(c), 1000).unref();
          }
        }
        resolve();
      }, ms),
    );
    return stalled;
  }

  const listener = net.createServer((client) => {
    stats.connections++;
    stats.open++;
    const server = net.connect(target.port, target.host);
    /** @type {Conn} */
    const c = { client, server, inTransaction: false, cutOnAnswer: false, held: [], clientGone: false };
    conns.add(c);
    client.on('data', (chunk) => carry(c, { to: 'server', chunk }));
    server.on('data', (chunk) => carry(c, { to: 'client', chunk }));
    client.on('end', () => {
      c.clientGone = true; // the client hung up (its FIN), whenever the server hears of it
      carry(c, { to: 'server', end: true });
    });
    server.on('end', () => carry(c, { to: 'client', end: true }));
    client.on('close', () => {
      c.clientGone = true;
      // A hang-up during a stall is delivered with the rest; otherwise it ends both.
      if (!stalled) destroy(c);
    });
    server.on('close', () => {
      if (!stalled) destroy(c);
    });
    client.on('error', () => {});
    server.on('error', (/** @type {NodeJS.ErrnoException} */ e) => {
      if (e.code === 'ECONNREFUSED') stats.upstreamRefused++;
    });
  });
  await new Promise((resolve) => listener.listen(0, '127.0.0.1', () => resolve(undefined)));
  const port = /** @type {net.AddressInfo} */ (listener.address()).port;

  return {
    port,
    urlFor(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cutAll() {
      const n = conns.size;
      stats.cut += n;
      for (const c of conns) if (c.inTransaction) stats.cutInTransaction++;
      for (const c of [...conns]) destroy(c);
      return n;
    },
    cutOnCommit(n) {
      commitCuts += n;
    },
    armedCommitCuts: () => commitCuts,
    stall: startStall,
    stallAtNextCommit(ms, which = () => true) {
      return new Promise((resolve) => (stallOnCommit = { ms, which, resolve }));
    },
    stats: () => ({ ...stats }),
    close() {
      for (const c of [...conns]) destroy(c);
      return new Promise((resolve) => listener.close(() => resolve()));
    },
  };
}
