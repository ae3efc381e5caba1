// A min-heap of future deadlines ({at: unix seconds, kind, id}) so expiry
// sweeps cost O(log n) per due item instead of scanning every session.

export function createTimeline() {
  let heap = [];

  const swap = (i, j) => {
    [heap[i], heap[j]] = [heap[j], heap[i]];
  };
  const up = (i) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heap[p].at <= heap[i].at) break;
      swap(i, p);
      i = p;
    }
  };
  const down = (i) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && heap[l].at < heap[m].at) m = l;
      if (r < heap.length && heap[r].at < heap[m].at) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };

  return {
    add(at, kind, id) {
      heap.push({ at, kind, id });
      up(heap.length - 1);
    },
    /** Remove and return every entry with at <= now, earliest first. */
    takeDue(now) {
      const due = [];
      while (heap.length && heap[0].at <= now) {
        due.push(heap[0]);
        const last = heap.pop();
        if (heap.length) {
          heap[0] = last;
          down(0);
        }
      }
      return due;
    },
    clear() {
      heap = [];
    },
    get size() {
      return heap.length;
    },
  };
}
